// Background load of one bench node: CPU work whose share drifts (a sine of its own period and
// phase, from SEED), and temp files in DIR that come and go (churn-*.dat, at most MAX_BYTES).
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const seed = Number(process.env.SEED ?? 1);
const dir = process.env.DIR;
const maxBytes = Number(process.env.MAX_BYTES ?? 8 * 1024 * 1024);
let state = (seed * 2654435761) >>> 0 || 1;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};
const period = 20_000 + random() * 40_000;
const phase = random() * Math.PI * 2;
const base = 0.03 + random() * 0.1;
const amplitude = 0.02 + random() * 0.08;
const started = Date.now();

function tick() {
  const duty = Math.max(0, base + amplitude * Math.sin(phase + ((Date.now() - started) / period) * 2 * Math.PI));
  const end = Date.now() + 100 * duty;
  while (Date.now() < end) {
    // spin
  }
  setTimeout(tick, Math.max(0, 100 * (1 - duty)));
}
tick();

let n = 0;
function churn() {
  if (!dir) return;
  const files = readdirSync(dir)
    .filter((f) => f.startsWith('churn-'))
    .sort();
  while (files.length >= 4) rmSync(path.join(dir, files.shift()), { force: true });
  writeFileSync(
    path.join(dir, `churn-${String(n++).padStart(6, '0')}.dat`),
    Buffer.alloc(Math.floor(random() * (maxBytes / 4))),
  );
}
setInterval(churn, 2_000 + random() * 3_000);
