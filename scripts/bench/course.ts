/**
 * The course as one sweep - the 13 training runs of the three notebooks - and
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
import { expDecay, stepDecay, timeBasedDecay, type ExperimentSpec } from '../../lib';

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

/** The 13 runs of notebooks 1-3, with the settings the notebooks give them. */
export function courseRuns(epochs = 50): CourseRun[] {
  const run = (spec: ExperimentSpec, family: CostFamily, expectedEpochs = epochs): CourseRun => ({ spec, family, expectedEpochs });
  return [
    run({ label: 'SGD', optimizer: 'SGD' }, 'SGD'),
    run({ label: 'Momentum', optimizer: { name: 'Momentum', learningRate: 0.01, momentum: 0.5 } }, 'SGD'),
    run({ label: 'Nesterov', optimizer: { name: 'Nesterov', learningRate: 0.01, momentum: 0.5 } }, 'SGD'),
    run({ label: 'RMSprop', optimizer: 'RMSprop' }, 'Adam'),
    run({ label: 'Adagrad', optimizer: 'Adagrad' }, 'Adam'),
    run({ label: 'Adam', optimizer: 'Adam' }, 'Adam'),
    run({ label: 'NAdam', optimizer: 'NAdam' }, 'Adam'),
    run({ label: 'Time Decay', optimizer: 'SGD', schedule: timeBasedDecay().config }, 'SGD'),
    run({ label: 'Step Decay', optimizer: 'SGD', schedule: stepDecay().config }, 'SGD'),
    run({ label: 'Exp. Decay', optimizer: 'SGD', schedule: expDecay().config }, 'SGD'),
    run({ label: 'L2', optimizer: 'Adam', l2: 0.001 }, 'Adam'),
    run({ label: 'Early Stopping', optimizer: 'Adam', earlyStopping: { monitor: 'val_loss', patience: 0 } }, 'Adam',
      Math.min(EARLY_STOPPING_EPOCHS, epochs)),
    run({ label: 'Dropout', optimizer: 'Adam', dropout: 0.2 }, 'Adam'),
  ];
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
