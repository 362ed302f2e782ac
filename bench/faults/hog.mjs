// Busy work: DUTY (0..1) of every 100 ms spent spinning, until killed. DUTY=1 is a CPU hog.
const duty = Math.min(1, Math.max(0, Number(process.env.DUTY ?? 1)));
function tick() {
  const end = Date.now() + 100 * duty;
  while (Date.now() < end) {
    // spin
  }
  setTimeout(tick, Math.max(0, 100 * (1 - duty)));
}
tick();
