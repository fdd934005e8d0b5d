/**
 * An experiment is one training run of the course network described as plain
 * data - optimizer, regularisation, schedule, early stopping - so that it can be
 * sent to a worker thread and used as a results-cache key.
 */
import * as tf from '@tensorflow/tfjs';
import { loadMnist } from '../data';
import { buildCompile } from '../models';
import { makeOptimizer } from '../optimizers';
import { scheduleFromConfig, type ScheduleConfig } from '../schedules';
import { isStepScheduleConfig, stepScheduleFromConfig, type StepScheduleConfig } from '../step-schedules';
import type { CourseSettings } from '../settings';
import type { Callback, EpochLogs } from '../training/callbacks';
import type { EarlyStoppingOptions } from '../training/early-stopping';
import { fit } from '../training/fit';
import type { History } from '../training/history';
import { TrainingInterrupted } from '../interrupt';
import { learningRateScheduler } from '../training/lr-scheduler';
import { snapshotEpochs, snapshotRecorder } from '../landscape/snapshots';
import { stepLearningRateScheduler } from '../training/step-lr-scheduler';
import type { OutputSink } from '../training/progress';

/** An optimizer by name with the course defaults, or a name plus overrides. */
export type OptimizerSpec = string | ({ name: string } & Record<string, number | boolean | string>);

export interface ExperimentSpec {
  /** The name the run goes by in logs and charts ("Adam", "Step Decay"); not part of the cache key. */
  label: string;
  /** The optimizer. Defaults to `'SGD'`. */
  optimizer?: OptimizerSpec;
  /** L2 factor on both Dense kernels. Defaults to `0`. */
  l2?: number;
  /** Dropout rate after the hidden layer and the output layer. Defaults to `0`. */
  dropout?: number;
  /** Whether dropout also follows the output layer, as the course has it. Defaults to `true`. */
  outputDropout?: boolean;
  /**
   * A learning-rate schedule, announced in the log: a per-epoch one (`timeBasedDecay(...).config`)
   * is applied at the start of every epoch, a per-step one (`oneCycle(...).config`) before every batch.
   * Defaults to none.
   */
  schedule?: ScheduleConfig | StepScheduleConfig;
  /** Keras's EarlyStopping with these options. Defaults to none. */
  earlyStopping?: EarlyStoppingOptions;
  /**
   * Train this configuration once per seed and return the mean with each seed's history (see
   * seeds.ts). Defaults to the `runExperiments` call's `seeds`, else one run with the settings' seed.
   */
  seeds?: number[];
  /** The seed of this one run (initial weights and shuffling), instead of the settings' seed; `seeds` sets it. */
  seed?: number;
  /**
   * Keep the weights at the start and after the epochs `snapshotEpochs` picks, in the history's
   * `snapshots` (and in the results cache, 0.4 MB each): the landscape notebook draws the paths with
   * them. Changes nothing in the training, so it is not part of the cache key; a cached run without
   * them trains again when they are asked for. Defaults to `false`.
   */
  snapshots?: boolean;
}

/**
 * The fields of a spec that change its result, in a fixed order (the label is left out, and the
 * seed, which the cache key holds among the settings: see {@link runSettings}; and `snapshots`,
 * which changes nothing in the training).
 */
export function resultFields(spec: ExperimentSpec): Omit<ExperimentSpec, 'label' | 'seeds' | 'seed' | 'snapshots'> {
  return {
    optimizer: spec.optimizer ?? 'SGD',
    l2: spec.l2 ?? 0,
    dropout: spec.dropout ?? 0,
    outputDropout: spec.outputDropout ?? true,
    schedule: spec.schedule,
    earlyStopping: spec.earlyStopping,
  };
}

/** The settings one run trains with: the sweep's, with the run's own seed where it has one. */
export function runSettings(spec: ExperimentSpec, settings: CourseSettings): CourseSettings {
  return spec.seed === undefined ? settings : { ...settings, seed: spec.seed };
}

function optimizerFor(spec: OptimizerSpec | undefined): tf.Optimizer {
  if (spec === undefined || typeof spec === 'string') return makeOptimizer(spec ?? 'SGD');
  const { name, ...overrides } = spec;
  return makeOptimizer(name, overrides);
}

/**
 * Called after each epoch with its figures (for a live chart) and its wall time in seconds (from the
 * start of the epoch to its figures, validation included); its index counts from 0.
 */
export type EpochListener = (epoch: number, logs: EpochLogs, seconds: number) => void;

/**
 * Trains one experiment in this thread on the data that `settings` names and
 * returns its history. Every tensor it makes is disposed before it returns.
 * `stop` (the sweep's Interrupt), when aborted while the data loads, ends it before training
 * with a `TrainingInterrupted`; once training, `fit` hears the Interrupt itself.
 */
export async function runExperiment(
  spec: ExperimentSpec, sweepSettings: CourseSettings, output?: OutputSink, onEpochEnd?: EpochListener, stop?: AbortSignal,
): Promise<History> {
  const settings = runSettings(spec, sweepSettings);
  const data = await loadMnist({ dataset: settings.dataset, trainSamples: settings.trainSamples, testSamples: settings.testSamples });
  if (stop?.aborted) {
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
    throw new TrainingInterrupted(`Interrupted before "${spec.label}" started training.`, {});
  }
  const model = buildCompile(optimizerFor(spec.optimizer), {
    l2: spec.l2, dropout: spec.dropout, outputDropout: spec.outputDropout, seed: settings.seed,
  });
  const callbacks: Callback[] = [];
  if (spec.schedule && isStepScheduleConfig(spec.schedule)) {
    callbacks.push(stepLearningRateScheduler(stepScheduleFromConfig(spec.schedule), { verbose: 1 }));
  } else if (spec.schedule) {
    callbacks.push(learningRateScheduler(scheduleFromConfig(spec.schedule), { verbose: 1 }));
  }
  const recorder = spec.snapshots ? snapshotRecorder(snapshotEpochs(settings.epochs)) : undefined;
  if (recorder) callbacks.push(recorder.callback);
  if (onEpochEnd) {
    let started = performance.now();
    callbacks.push({
      onEpochBegin: () => { started = performance.now(); },
      onEpochEnd: (epoch, logs) => onEpochEnd(epoch, { ...logs }, (performance.now() - started) / 1000),
    });
  }
  try {
    const history = await fit(model, data.xTrain, data.yTrain, {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      validationData: [data.xTest, data.yTest],
      callbacks,
      earlyStopping: spec.earlyStopping,
      seed: settings.seed,
      output,
    });
    const snapshots = recorder?.snapshots();
    return snapshots ? { ...history, snapshots } : history;
  } finally {
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
  }
}
