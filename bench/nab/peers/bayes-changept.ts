import type { DetectionResult, Detector } from '@aurora/core';

/**
 * A reference peer modelled on NAB's `bayesChangePt` detector (Adams & MacKay's online
 * change-point detection as NAB configures it: a Student-t observation model with prior
 * alpha 0.1, beta 0.001, kappa 1, mu 0.3, a constant hazard of 1/250, run lengths up to 500,
 * and NAB's score: when the most probable run length drops, 1 − new / previous). Values are
 * fed as they come. It lives in the benchmark, not in @aurora/core: it is here to check that
 * a corpus ranks such a detector as the independent corpus did, not to run in production
 * (its O(500) work per point and its unbounded trust in the first points are why).
 * Written from the published description, so it may differ from NAB's Python in details.
 */
export class BayesChangePtPeer implements Detector<null> {
  private static readonly MAX_RUN = 500;
  private static readonly HAZARD = 1 / 250;
  private readonly n = BayesChangePtPeer.MAX_RUN + 1;
  private prob = new Float64Array(this.n);
  private next = new Float64Array(this.n);
  private mean = new Float64Array(this.n);
  private kappa = new Float64Array(this.n);
  private alpha = new Float64Array(this.n);
  private beta = new Float64Array(this.n);
  private lgc = new Float64Array(this.n);
  private live = 1;
  private previousMaxRun = 1;

  constructor() {
    this.prob[0] = 1;
    this.setPrior(0);
  }

  private setPrior(i: number): void {
    this.mean[i] = 0.3;
    this.kappa[i] = 1;
    this.alpha[i] = 0.1;
    this.beta[i] = 0.001;
    this.lgc[i] = -1.8544787936649707; // lgamma(0.6) − lgamma(0.1)
  }

  update(_timestamp: number, value: number): DetectionResult {
    if (!Number.isFinite(value)) return { score: 0, explanation: 'ignored', inputError: true };
    const h = BayesChangePtPeer.HAZARD;
    let change = 0;
    let total = 0;
    for (let r = 0; r < this.live; r++) {
      const a = this.alpha[r]!;
      const k = this.kappa[r]!;
      const scale2 = (this.beta[r]! * (k + 1)) / (a * k);
      const d = value - this.mean[r]!;
      const logp =
        this.lgc[r]! - 0.5 * Math.log(2 * a * scale2 * Math.PI) - (a + 0.5) * Math.log1p((d * d) / (2 * a * scale2));
      const mass = this.prob[r]! * Math.exp(logp);
      if (r + 1 < this.n) this.next[r + 1] = mass * (1 - h);
      change += mass * h;
    }
    this.next[0] = change;
    const live = Math.min(this.live + 1, this.n);
    for (let r = 0; r < live; r++) total += this.next[r]!;
    let maxRun = 0;
    for (let r = 0; r < live; r++) {
      this.next[r] = total > 0 ? this.next[r]! / total : r === 0 ? 1 : 0;
      if (this.next[r]! > this.next[maxRun]!) maxRun = r;
    }
    // Shift the regimes' parameters one run length up, learning the value; run length 0 is the prior.
    for (let r = live - 1; r >= 1; r--) {
      const k = this.kappa[r - 1]!;
      const d = value - this.mean[r - 1]!;
      this.mean[r] = (k * this.mean[r - 1]! + value) / (k + 1);
      this.kappa[r] = k + 1;
      this.lgc[r] = Math.log(this.alpha[r - 1]!) - this.lgc[r - 1]!;
      this.alpha[r] = this.alpha[r - 1]! + 0.5;
      this.beta[r] = this.beta[r - 1]! + (k * d * d) / (2 * (k + 1));
    }
    this.setPrior(0);
    [this.prob, this.next] = [this.next, this.prob];
    this.live = live;
    const score = maxRun < this.previousMaxRun ? 1 - maxRun / this.previousMaxRun : 0;
    this.previousMaxRun = maxRun;
    return { score: Number.isFinite(score) ? score : 0, explanation: `most probable run length ${maxRun}` };
  }

  snapshot(): null {
    return null;
  }
}
