/**
 * The course as one sweep - every training run of the three notebooks - and
 * how long it should take on this machine, projected from measured epochs.
 *
 * How the projection works: each run costs its expected epochs (50; early
 * stopping counted as 7, which is where measured runs stopped) times the
 * full-data epoch of its own cost configuration (configurations.ts), times the
 * slowdown measured when two runs train at once. Those costs go, in the
 * runner's list order, to the runner's own `simulateSweep` (schedule.ts): runs
 * in order, until starting the last ones together to share the cores ends
 * sooner. Worker start-up (a second or two) is left out.
 */
import { allCourseExperiments, type ExperimentSpec } from '../../lib';
import { configurationOf, type ConfigurationName } from './configurations';
import { simulateSweep } from '../../lib/experiments/schedule';

export interface CourseRun {
  spec: ExperimentSpec;
  /** Which measured epoch it costs like. */
  configuration: ConfigurationName;
  /** Epochs it is expected to train for. */
  expectedEpochs: number;
}

/** Epochs the early-stopping run is expected to last: measured runs (patience 0) stopped after 7. */
export const EARLY_STOPPING_EPOCHS = 7;

/** The runs of notebooks 1-3 (the library's course list, in its order), each with its configuration and expected epochs. */
export function courseRuns(epochs = 50): CourseRun[] {
  return allCourseExperiments().map((spec) => ({
    spec,
    configuration: configurationOf(spec),
    expectedEpochs: spec.earlyStopping ? Math.min(EARLY_STOPPING_EPOCHS, epochs) : epochs,
  }));
}

export interface CourseProjection {
  /** Runs in the sweep. */
  runs: number;
  /** Cores the runs are dealt to. */
  cores: number;
  /** Epochs expected over all runs. */
  totalEpochs: number;
  /** Full-data seconds per epoch of each configuration, training alone in one thread. */
  epochSeconds: Record<ConfigurationName, number>;
  /** How much slower an epoch is when runs train side by side (1 = no slower; not applied on one core). */
  parallelSlowdown: number;
  /** Sum of all runs' seconds alone: the wall time on one core. */
  serialSeconds: number;
  /** The simulated sweep's wall time. */
  wallSeconds: number;
}

/** Projects the sweep's wall time; see the file comment for the method. */
export function projectCourse(
  runs: CourseRun[], epochSeconds: Record<ConfigurationName, number>, cores: number, parallelSlowdown = 1,
): CourseProjection {
  const alone = runs.map((run) => run.expectedEpochs * epochSeconds[run.configuration]);
  const slowdown = Math.min(cores, runs.length) > 1 ? parallelSlowdown : 1;
  return {
    runs: runs.length, cores,
    totalEpochs: runs.reduce((sum, run) => sum + run.expectedEpochs, 0),
    epochSeconds, parallelSlowdown,
    serialSeconds: alone.reduce((sum, seconds) => sum + seconds, 0),
    wallSeconds: simulateSweep(alone.map((seconds) => seconds * slowdown), cores),
  };
}
