/**
 * The course as one sweep - every training run of the three notebooks - and
 * how long it should take on this machine, projected from measured epochs.
 *
 * How the projection works: every run belongs to a cost family, the plain SGD
 * step (SGD, Momentum, Nesterov and the three schedules, all SGD underneath) or
 * the Adam step (the adaptive optimizers and the three regularised Adam runs;
 * RMSprop and Adagrad keep one slot per weight instead of two, so they are
 * counted a little high). A run costs its expected epochs (50; early stopping
 * counted as 5, it stops after a handful) times its family's full-data epoch,
 * times the slowdown measured when two runs train at once. The runs are then
 * dealt to min(cores, runs) workers in order, each taking the next run when it
 * is free - what `runExperiments` does - and the busiest worker's total is the
 * projected wall time. Worker start-up (a second or two) is left out.
 */
import { allCourseExperiments, type ExperimentSpec } from '../../lib';

export type CostFamily = 'SGD' | 'Adam';

export interface CourseRun {
  spec: ExperimentSpec;
  /** Which measured epoch it costs like. */
  family: CostFamily;
  /** Epochs it is expected to train for. */
  expectedEpochs: number;
}

/** Epochs the early-stopping run is expected to last (patience 0 stops it after a handful). */
export const EARLY_STOPPING_EPOCHS = 5;

/** Optimizers whose step costs like plain SGD's; the rest keep Adam-like per-weight state. */
const SGD_FAMILY = new Set(['sgd', 'momentum', 'nesterov']);

/** The runs of notebooks 1-3 (the library's course list), each with its cost family and expected epochs. */
export function courseRuns(epochs = 50): CourseRun[] {
  return allCourseExperiments().map((spec) => {
    const optimizer = typeof spec.optimizer === 'object' ? spec.optimizer.name : spec.optimizer ?? 'SGD';
    return {
      spec,
      family: SGD_FAMILY.has(optimizer.toLowerCase()) ? 'SGD' : 'Adam',
      expectedEpochs: spec.earlyStopping ? Math.min(EARLY_STOPPING_EPOCHS, epochs) : epochs,
    };
  });
}

export interface CourseProjection {
  /** Runs in the sweep. */
  runs: number;
  /** Workers the runs are dealt to: min(cores, runs). */
  workers: number;
  /** Epochs expected over all runs. */
  totalEpochs: number;
  /** Full-data seconds per epoch of each family, training alone in one thread. */
  epochSeconds: Record<CostFamily, number>;
  /** How much slower an epoch is when `workers` runs train at once (1 = no slower). */
  parallelSlowdown: number;
  /** Sum of all runs' seconds alone: the wall time on one worker. */
  serialSeconds: number;
  /** The busiest worker's projected seconds: the wall time of the sweep. */
  wallSeconds: number;
}

/** Projects the sweep's wall time; see the file comment for the method. */
export function projectCourse(
  runs: CourseRun[], epochSeconds: Record<CostFamily, number>, cores: number, parallelSlowdown = 1,
): CourseProjection {
  const workers = Math.max(1, Math.min(cores, runs.length));
  const busyUntil = new Array<number>(workers).fill(0);
  let serialSeconds = 0;
  for (const run of runs) {
    const alone = run.expectedEpochs * epochSeconds[run.family];
    serialSeconds += alone;
    const free = busyUntil.indexOf(Math.min(...busyUntil));
    busyUntil[free] += alone * (workers > 1 ? parallelSlowdown : 1);
  }
  return {
    runs: runs.length, workers,
    totalEpochs: runs.reduce((sum, run) => sum + run.expectedEpochs, 0),
    epochSeconds, parallelSlowdown, serialSeconds, wallSeconds: Math.max(...busyUntil),
  };
}
