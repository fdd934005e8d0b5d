/**
 * How much the trajectories notebook computes: every path is cheap (a few hundred tf ops), but the
 * sliders multiply them. Quick mode (`DESCENT_LAB_QUICK=1`, as for the course notebooks) embeds
 * fewer slider positions; the paths themselves and their step counts are the same in both modes.
 */

export interface TrajectorySettings {
  /** Whether these are the quick settings. */
  quick: boolean;
  /** The learning-rate slider's factors (each optimizer's own rate times the factor; 1 is shown first). */
  learningRateFactors: number[];
  /** The momentum chart's learning rates (on Rosenbrock). */
  momentumLearningRates: number[];
  /** The momentum chart's betas. */
  momenta: number[];
}

/** The full settings: 7 learning-rate factors, 6 x 6 momentum pairs. */
export const FULL_TRAJECTORY_SETTINGS: Readonly<TrajectorySettings> = Object.freeze({
  quick: false,
  learningRateFactors: [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2],
  momentumLearningRates: [0.0005, 0.001, 0.0015, 0.002, 0.0025, 0.003],
  momenta: [0, 0.5, 0.8, 0.9, 0.95, 0.99],
});

/** The quick settings: 3 factors, 3 x 3 pairs. */
export const QUICK_TRAJECTORY_SETTINGS: Readonly<TrajectorySettings> = Object.freeze({
  quick: true,
  learningRateFactors: [0.5, 1, 2],
  momentumLearningRates: [0.001, 0.0015, 0.002],
  momenta: [0.5, 0.9, 0.95],
});

/** The quick settings when `DESCENT_LAB_QUICK` is `1` or `true`, else the full ones. */
export function trajectorySettings(env: NodeJS.ProcessEnv = process.env): TrajectorySettings {
  const quick = env.DESCENT_LAB_QUICK === '1' || env.DESCENT_LAB_QUICK === 'true';
  const chosen = quick ? QUICK_TRAJECTORY_SETTINGS : FULL_TRAJECTORY_SETTINGS;
  return { ...chosen, learningRateFactors: [...chosen.learningRateFactors], momentumLearningRates: [...chosen.momentumLearningRates], momenta: [...chosen.momenta] };
}
