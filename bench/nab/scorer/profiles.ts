/** NAB's weights for one application profile. */
export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  tnWeight: number;
}

/** A named scoring profile. */
export interface Profile {
  name: string;
  costs: CostMatrix;
}

/** The profile names NAB publishes scores for, in the order its tables use. */
export const PROFILE_NAMES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;

/**
 * Reads NAB's profiles.json (`{ name: { CostMatrix: { tpWeight, ... } } }`).
 * @throws naming the profile and weight that is missing or not a number.
 */
export function parseProfiles(json: unknown, file = 'profiles.json'): Profile[] {
  if (typeof json !== 'object' || json === null) throw new Error(`${file}: expected an object of profiles`);
  return Object.entries(json as Record<string, unknown>).map(([name, value]) => {
    const matrix = (value as { CostMatrix?: Record<string, unknown> } | null)?.CostMatrix;
    const weight = (key: keyof CostMatrix): number => {
      const w = matrix?.[key];
      if (typeof w !== 'number' || !Number.isFinite(w)) {
        throw new Error(`${file}: ${name}.CostMatrix.${key} must be a number`);
      }
      return w;
    };
    return {
      name,
      costs: {
        tpWeight: weight('tpWeight'),
        fpWeight: weight('fpWeight'),
        fnWeight: weight('fnWeight'),
        tnWeight: weight('tnWeight'),
      },
    };
  });
}

/** NAB v1.1's three profiles, used when a corpus comes without a profiles.json. */
export const NAB_PROFILES: readonly Profile[] = [
  { name: 'standard', costs: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1, tnWeight: 1 } },
  { name: 'reward_low_FP_rate', costs: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1, tnWeight: 1 } },
  { name: 'reward_low_FN_rate', costs: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2, tnWeight: 1 } },
];
