import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ensembleFactory } from './ensemble.js';
// Read through the test runner's bundler, so this test needs no file-system API.
import readme from './README.md?raw';

const MINUTE = 60_000;

function daily(i: number): number {
  return 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 13) / 4;
}

test('a value far above everything seen is reported as outside its learned range', () => {
  const d = ensembleFactory.create();
  for (let i = 0; i < 3000; i++) d.update(i * 5 * MINUTE, daily(i));
  const r = d.update(3000 * 5 * MINUTE, 200);
  expect(r.score).toBeGreaterThan(0.5);
  expect(r.explanation).toBe('value 200 outside its learned range 30–73');
});

test('the second of two identical spikes in a row is damped as a repeat', () => {
  const d = ensembleFactory.create();
  for (let i = 0; i < 3000; i++) d.update(i * 5 * MINUTE, daily(i));
  const first = d.update(3000 * 5 * MINUTE, 200);
  const second = d.update(3001 * 5 * MINUTE, 200);
  expect(second.score).toBeLessThan(first.score);
});

test('a broken daily rhythm is reported as a new pattern or as an hour unlike recent days', () => {
  const d = ensembleFactory.create();
  for (let i = 0; i < 4000; i++) d.update(i * 5 * MINUTE, daily(i));
  let best = { score: 0, explanation: '' };
  for (let i = 4000; i < 4300; i++) {
    const r = d.update(i * 5 * MINUTE, 50);
    if (r.score > best.score) best = r;
  }
  expect(best.score).toBeGreaterThan(0.4);
  expect(best.explanation).toMatch(
    /pattern .*× further from anything seen recently than usual|unlike this hour on recent days/,
  );
});

test('quiet stretches are explained as normal', () => {
  const d = ensembleFactory.create();
  let last = { score: 1, explanation: '' };
  for (let i = 0; i < 2000; i++) last = d.update(i * 5 * MINUTE, daily(i));
  expect(last.score).toBeLessThan(0.1);
  expect(last.explanation).toMatch(/^normal: .* fits the learned behaviour$/);
  // The sentence is formatted on demand; a serialised result must still carry it.
  expect(JSON.parse(JSON.stringify(last))).toEqual({ score: last.score, explanation: last.explanation });
});

/** Twenty busy days and quiet nights, then a night as busy as a day: the alarms' sentences. */
function busyNightAlarms(config?: Parameters<typeof ensembleFactory.create>[0]): string[] {
  const d = ensembleFactory.create(config);
  const busy = (i: number) => {
    const hour = Math.floor((i % 288) / 12);
    return (hour >= 8 && hour < 20 ? 100 : 10) + ((i * 7919) % 11) / 5;
  };
  for (let i = 0; i < 20 * 288; i++) d.update(i * 5 * MINUTE, busy(i));
  const explanations: string[] = [];
  for (let i = 20 * 288; i < 20 * 288 + 48; i++) {
    const r = d.update(i * 5 * MINUTE, i < 20 * 288 + 36 ? 100 : busy(i));
    if (r.score > 0.5) explanations.push(r.explanation);
  }
  return explanations;
}

test('a night as busy as a day is explained as an hour unlike recent days', () => {
  expect(busyNightAlarms()).toContainEqual(
    expect.stringMatching(/^hourly average 10\d(\.\d+)? for 00:00–01:00 UTC unlike this hour on recent days \(nearest/),
  );
});

test('an event still climbing a few points after its alarm is damped unless it grows by half', () => {
  const d = ensembleFactory.create();
  for (let i = 0; i < 3000; i++) d.update(i * 5 * MINUTE, daily(i));
  const first = d.update(3000 * 5 * MINUTE, 100);
  // Scores 1 against the range widened to 100: beyond the slow memory's 8 % margin, not 1.5× the alarm.
  const climbing = d.update(3001 * 5 * MINUTE, 200);
  expect(first.score).toBeGreaterThan(0.5);
  expect(first.score * 1.08).toBeLessThan(1);
  expect(climbing.score).toBe(0.5);
  expect(climbing.explanation).toMatch(/repeat of a recent alarm, damped/);
});

test('a much larger excursion soon after an alarm still raises a new one', () => {
  const d = ensembleFactory.create();
  for (let i = 0; i < 3000; i++) d.update(i * 5 * MINUTE, daily(i));
  d.update(3000 * 5 * MINUTE, 76);
  const larger = d.update(3001 * 5 * MINUTE, 200);
  expect(larger.score).toBeGreaterThan(0.9);
});

test('a value between two levels the metric keeps to is explained as a place it rarely goes', () => {
  const d = ensembleFactory.create();
  const twoLevels = (i: number) => (Math.floor(i / 50) % 2 === 0 ? 10 : 90) + ((i * 7919) % 7) / 10;
  for (let i = 0; i < 6000; i++) d.update(i * 5 * MINUTE, twoLevels(i));
  const r = d.update(6000 * 5 * MINUTE, 50);
  expect(r.score).toBeGreaterThan(0.4);
  expect(r.explanation).toMatch(/^value 50 where the metric rarely goes \(0 recent values near it, usually \d+\)$/);
});

/** Busy from 8:00 to 20:00 on weekdays, quiet at night and all weekend (1970-01-01 was a Thursday). */
function weekdays(i: number): number {
  const day = Math.floor(i / 288);
  const weekend = (day + 3) % 7 >= 5;
  const hour = Math.floor((i % 288) / 12);
  return (!weekend && hour >= 8 && hour < 20 ? 100 : 10) + ((i * 7919) % 11) / 5;
}

test('a weekday as quiet as a weekend is reported against the same time on recent weeks', () => {
  const d = ensembleFactory.create();
  const holiday = 6 * 7 + 6; // a Wednesday in the seventh week
  const explanations: string[] = [];
  for (let i = 0; i < (holiday + 1) * 288; i++) {
    const quiet = Math.floor(i / 288) === holiday;
    const r = d.update(i * 5 * MINUTE, quiet ? 10 + ((i * 7919) % 11) / 5 : weekdays(i));
    if (quiet && r.score > 0.4) explanations.push(r.explanation);
  }
  // The last seven days hold two quiet weekend days, so no hour of the holiday is new against them.
  expect(explanations.some((e) => /unlike this hour on recent days/.test(e))).toBe(false);
  expect(explanations[0]).toMatch(
    /^3-hour average 1\d(\.\d+)? for Wednesday 06:00–09:00 UTC unlike this time of the week on recent weeks \(nearest 41\)$/,
  );
});

test('a snapshot taken before weekly novelty existed resumes with weekly novelty learning from then on', () => {
  const d = ensembleFactory.create();
  for (let i = 0; i < 2000; i++) d.update(i * 5 * MINUTE, daily(i));
  const { weekly: _weekly, ...older } = d.snapshot();
  const { weekly: _weeklyConfig, ...olderConfig } = older.config;
  const resumed = ensembleFactory.restore({ ...older, config: olderConfig } as never);
  const next = resumed.update(2000 * 5 * MINUTE, daily(2000));
  expect(next.score).toBeLessThan(0.1);
  expect(resumed.snapshot().weekly.past.every((slot) => slot.length === 0)).toBe(true);
  expect(resumed.snapshot().config.weekly).toEqual(ensembleFactory.defaults.weekly);
});

test('a snapshot taken while daily and weekly novelty are judging resumes with identical scores and sentences', () => {
  const holiday = 6 * 7 + 6;
  const value = (i: number) =>
    Math.floor(i / 288) === holiday ? 10 + ((i * 7919) % 11) / 5 : weekdays(i) + ((i * 104_729) % 17) / 4;
  const original = ensembleFactory.create();
  const cut = 45 * 288 + 100;
  for (let i = 0; i < cut; i++) original.update(i * 5 * MINUTE, value(i));
  const snapshot = original.snapshot();
  // Both seasonal comparisons have been judging (and calibrated) for weeks by now.
  expect(snapshot.seasonal.calibration.window.fifo.length).toBeGreaterThan(100);
  expect(snapshot.weekly.calibration.window.fifo.length).toBeGreaterThan(100);
  const resumed = ensembleFactory.restore(JSON.parse(JSON.stringify(snapshot)));
  let weeklyAlarms = 0;
  for (let i = cut; i < (holiday + 1) * 288; i++) {
    const expected = original.update(i * 5 * MINUTE, value(i));
    const actual = resumed.update(i * 5 * MINUTE, value(i));
    expect({ score: actual.score, explanation: actual.explanation }).toEqual({
      score: expected.score,
      explanation: expected.explanation,
    });
    if (actual.score > 0.4 && /recent weeks/.test(actual.explanation)) weeklyAlarms++;
  }
  expect(weeklyAlarms).toBeGreaterThan(0);
});

test('with every component judging, the score at time t never depends on values after t', () => {
  const end = 7 * 7 * 288;
  const scores = (values: (i: number) => number, upTo: number) => {
    const d = ensembleFactory.create();
    const out: number[] = [];
    for (let i = 0; i <= upTo; i++) out.push(d.update(i * 5 * MINUTE, values(i)).score);
    return out;
  };
  const reference = scores(weekdays, end);
  fc.assert(
    fc.property(
      fc.integer({ min: 5 * 7 * 288, max: end - 1 }),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }),
      (cut, replacement) => {
        const altered = scores((i) => (i > cut ? replacement + i : weekdays(i)), cut + 300);
        expect(altered.slice(0, cut + 1)).toEqual(reference.slice(0, cut + 1));
      },
    ),
    { numRuns: 4 },
  );
});

test('the README documents every setting of the ensemble, and no other', () => {
  const section = readme.slice(readme.indexOf('### Settings of `aurora-ensemble`'), readme.indexOf('Why the ensemble'));
  const documented = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => /^\| `([a-zA-Z]+)`/.exec(line)?.[1]);
  expect(documented.sort()).toEqual(Object.keys(ensembleFactory.defaults).sort());
});

test('a snapshot from before change-point detection was on by default resumes with it on, learning afresh', () => {
  // That version: the component off, its settings without a memory of past changes.
  const older = ensembleFactory.create({ changepoint: { weight: 0 } });
  for (let i = 0; i < 600; i++) older.update(i * 5 * MINUTE, weekdays(i));
  const saved = JSON.parse(JSON.stringify(older.snapshot()));
  saved.config.changepoint = { weight: 0 };
  const resumed = ensembleFactory.restore(saved);
  const config = (resumed.snapshot() as { config: { changepoint: unknown } }).config.changepoint;
  expect(config).toEqual(ensembleFactory.defaults.changepoint);
  // It goes on exactly as a detector whose change-point component started learning at that point would.
  for (let i = 600; i < 900; i++) expect(resumed.update(i * 5 * MINUTE, weekdays(i)).inputError).toBeUndefined();
  expect((resumed.snapshot() as { changepoint: { seen: number } }).changepoint.seen).toBe(300);
  // Older still: no change-point state at all.
  const { changepoint: _state, ...withoutState } = saved;
  const { changepoint: _config, ...configWithout } = saved.config;
  const oldest = ensembleFactory.restore({ ...withoutState, config: configWithout } as never);
  expect((oldest.snapshot() as { config: { changepoint: unknown } }).config.changepoint).toEqual(
    ensembleFactory.defaults.changepoint,
  );
});

test('a level that moves inside the range and stays is explained as a new regime', () => {
  const detector = ensembleFactory.create();
  let x = 3;
  const noise = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648 - 0.5;
  };
  // A latency between 70 and 130 (rare excursions set the range), settled for days, then 10 higher.
  const results = Array.from({ length: 2300 }, (_, i) =>
    detector.update(i * 5 * MINUTE, 100 + 20 * noise() + (i === 300 ? 30 : i === 301 ? -30 : 0) + (i >= 2200 ? 10 : 0)),
  );
  const sentences = results.slice(2200, 2215).map((r) => r.explanation);
  expect(sentences.some((e) => /^level moved from about (99|10\d)[.\d]* to 11\d[.\d]* and stayed/.test(e))).toBe(true);
});

test('a snapshot taken mid-stream, change points and all, resumes with identical scores and sentences', () => {
  const original = ensembleFactory.create();
  const value = (i: number) => weekdays(i) + (i >= 1500 ? 15 : 0);
  for (let i = 0; i < 1490; i++) original.update(i * 5 * MINUTE, value(i));
  const resumed = ensembleFactory.restore(JSON.parse(JSON.stringify(original.snapshot())));
  for (let i = 1490; i < 1700; i++) {
    expect(resumed.update(i * 5 * MINUTE, value(i))).toEqual(original.update(i * 5 * MINUTE, value(i)));
  }
});

test('a snapshot from before weekly novelty and half-hour windows resumes as that version would have gone on', () => {
  // That version: hourly slots judged alone, no weekly comparison.
  const older = ensembleFactory.create({ seasonal: { weight: 0.9, hops: 1 }, weekly: { weight: 0 } });
  for (let i = 0; i < 8 * 288; i++) older.update(i * 5 * MINUTE, weekdays(i));
  const { weekly: _weekly, ...saved } = JSON.parse(JSON.stringify(older.snapshot()));
  const { weekly: _weeklyConfig, ...savedConfig } = saved.config;
  const { hops: _hops, ...seasonalConfig } = saved.seasonal.config;
  const { recent: _recent, candidate: _candidate, ...seasonal } = saved.seasonal;
  const resumed = ensembleFactory.restore({
    ...saved,
    config: { ...savedConfig, seasonal: { weight: 0.9 } },
    seasonal: { ...seasonal, config: seasonalConfig },
  } as never);
  // Two more days, with a night as busy as a day: weekly novelty only learns (it judges from day 14).
  for (let i = 8 * 288; i < 10 * 288; i++) {
    const value = i >= 9 * 288 && i < 9 * 288 + 36 ? 100 : weekdays(i);
    expect(resumed.update(i * 5 * MINUTE, value)).toEqual(older.update(i * 5 * MINUTE, value));
  }
  expect(resumed.snapshot().seasonal.config.hops).toBe(1);
});

test('seasonal slots longer than an hour are named by their length', () => {
  expect(busyNightAlarms({ seasonal: { weight: 0.9, slots: 12 } })).toContainEqual(
    expect.stringMatching(/^2-hour average 10\d(\.\d+)? for 00:00–02:00 UTC unlike this time of day on recent days/),
  );
});
