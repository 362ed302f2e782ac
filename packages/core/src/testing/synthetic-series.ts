/** Synthetic series for the forecasting tests, from a seeded generator so every run sees the same data. */

/** A seeded uniform generator on [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal noise from a seeded generator (Box–Muller). */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** `length` points: base + slope·i + a daily wave of `amplitude` (period `day` points) + noise of `sigma`. */
export function synthetic(options: {
  length: number;
  base?: number;
  slope?: number;
  amplitude?: number;
  day?: number;
  sigma?: number;
  seed?: number;
}): number[] {
  const noise = gaussian(seeded(options.seed ?? 1));
  const day = options.day ?? 288;
  return Array.from(
    { length: options.length },
    (_, i) =>
      (options.base ?? 0) +
      (options.slope ?? 0) * i +
      (options.amplitude ?? 0) * Math.sin((2 * Math.PI * i) / day) +
      (options.sigma ?? 0) * noise(),
  );
}
