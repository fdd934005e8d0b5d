/**
 * Times epochs of the course network through the library's own `fit` (verbose 0),
 * the path every notebook and sweep takes: shuffled batches, one gradient step
 * each, then the validation pass. The validation pass is also timed alone with
 * `evaluate`, so that an epoch splits into training and validation.
 */
import * as tf from '@tensorflow/tfjs';
import { buildCompile, evaluate, fit, makeOptimizer, type ExperimentSpec, type MnistData } from '../../lib';
import { median, secondsSince } from './stats';

/** Samples of the warm-up epoch, which compiles kernels and grows the wasm heap before the clock runs. */
const WARM_UP_SAMPLES = 2_000;

export interface EpochTiming {
  /** What was trained: the configuration's name as label, its optimizer, L2 and dropout. */
  spec: ExperimentSpec;
  /** Training samples per epoch. */
  samples: number;
  /** Validation samples per epoch. */
  validationSamples: number;
  /** Gradient steps per epoch. */
  steps: number;
  /** Each timed epoch, validation included, in seconds (from `history.epochSeconds`). */
  epochSeconds: number[];
  /** Each timed validation pass alone, in seconds. */
  validationSeconds: number[];
  /** Median epoch, validation included, in seconds. */
  epochMedian: number;
  /** Fastest and slowest timed epoch, validation included, in seconds: the spread a median hides. */
  epochMin: number;
  epochMax: number;
  /** Median validation pass, in seconds. */
  validationMedian: number;
  /** `epochMedian - validationMedian`: the training part of an epoch, in seconds. */
  trainingMedian: number;
  /** Median epoch divided by its steps, in milliseconds (validation included, as Keras's log counts it). */
  msPerStep: number;
  /** Training part divided by its steps, in milliseconds. */
  trainingMsPerStep: number;
  /** Training part per training sample, in microseconds. */
  usPerSample: number;
  /** Validation accuracy after the last timed epoch: proof that the timed network really learned. */
  finalValAcc: number;
}

/** The spec's optimizer, as `runExperiment` makes it: a name with the course defaults, or a name with overrides. */
function optimizerOf(spec: ExperimentSpec) {
  if (spec.optimizer === undefined || typeof spec.optimizer === 'string') return makeOptimizer(spec.optimizer ?? 'SGD');
  const { name, ...overrides } = spec.optimizer;
  return makeOptimizer(name, overrides);
}

/**
 * Trains a fresh course network as `spec` says (optimizer, L2, dropout) for one
 * warm-up epoch on a slice of the data, then `reps` timed epochs on all of
 * `data`, then times `reps` validation passes alone.
 */
export async function timeEpochs(spec: ExperimentSpec, data: MnistData, reps: number, batchSize = 32): Promise<EpochTiming> {
  const model = buildCompile(optimizerOf(spec), { l2: spec.l2, dropout: spec.dropout, outputDropout: spec.outputDropout, seed: 1 });
  const samples = data.xTrain.shape[0];
  const validationSamples = data.xTest.shape[0];
  try {
    const warmUp = Math.min(WARM_UP_SAMPLES, samples);
    const [xWarm, yWarm] = [tf.slice(data.xTrain, 0, warmUp), tf.slice(data.yTrain, 0, warmUp)];
    await fit(model, xWarm, yWarm, { epochs: 1, batchSize, verbose: 0, seed: 2 });
    tf.dispose([xWarm, yWarm]);

    const history = await fit(model, data.xTrain, data.yTrain, {
      epochs: reps, batchSize, verbose: 0, seed: 1, validationData: [data.xTest, data.yTest],
    });
    const validationSeconds: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const start = performance.now();
      evaluate(model, data.xTest, data.yTest);
      validationSeconds.push(secondsSince(start));
    }

    const steps = history.params.steps;
    const epochMedian = median(history.epochSeconds);
    const validationMedian = median(validationSeconds);
    const trainingMedian = epochMedian - validationMedian;
    const valAcc = history.history.val_acc ?? [];
    return {
      spec, samples, validationSamples, steps,
      epochSeconds: history.epochSeconds, validationSeconds, epochMedian, validationMedian, trainingMedian,
      epochMin: Math.min(...history.epochSeconds), epochMax: Math.max(...history.epochSeconds),
      msPerStep: (1000 * epochMedian) / steps,
      trainingMsPerStep: (1000 * trainingMedian) / steps,
      usPerSample: (1e6 * trainingMedian) / samples,
      finalValAcc: valAcc[valAcc.length - 1] ?? NaN,
    };
  } finally {
    model.optimizer.dispose();
    model.dispose();
  }
}

/**
 * Seconds one epoch of the full course data (60,000 training and 10,000
 * validation samples) would take at the per-sample rates of `timing`: the
 * measured median itself when the bench ran on the full data.
 */
export function fullEpochSeconds(timing: EpochTiming, trainSamples = 60_000, validationSamples = 10_000): number {
  return (timing.trainingMedian / timing.samples) * trainSamples
    + (timing.validationMedian / timing.validationSamples) * validationSamples;
}
