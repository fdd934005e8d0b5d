/**
 * The one training path of Descent Lab, for notebooks, sweeps and benchmarks.
 *
 * It does what Keras's `model.fit` does for the course - shuffled mini-batches,
 * per-epoch `loss`/`acc` as running means over the epoch, `val_loss`/`val_acc`
 * on the validation set after each epoch (regularisation penalties included in
 * both losses), callbacks, early stopping - in a lean loop: one gradient
 * computation and one optimizer update per batch, with no per-batch awaits.
 *
 * In a Jupyter kernel it gives the event loop a turn before the first batch and then every
 * ~200 ms of work, so that the kernel hears Interrupt and answers requests while it trains; on
 * Interrupt it stops at the next batch and rejects with a TrainingInterrupted (see ../interrupt).
 */
import * as tf from '@tensorflow/tfjs';
import type { Callback, EpochLogs, TrainingContext } from './callbacks';
import { earlyStopping, type EarlyStoppingOptions } from './early-stopping';
import { emptyHistory, recordEpoch, type History } from './history';
import { countCorrect, regularizationPenalty, sparseCategoricalCrossentropy } from './loss';
import {
  applyWithPenalties, denseEvaluation, denseGradients, densePlan, dropoutMask, seededDropoutMasks, type DensePlan, type DenseStep,
} from './dense-backprop';
import { sparseCategoricalCrossentropyWithGradient } from '../kernels/sparse-cross-entropy';
import { EpochProgress, stdoutSink, type OutputSink } from './progress';
import { seededRandom, shuffleInPlace } from './random';
import { getLearningRate } from './learning-rate';
import { BatchSource } from './batches';
import { requireInteger } from '../validate';
import { EventLoopYielder, listenForInterrupt, TrainingInterrupted, yieldToEventLoop } from '../interrupt';
import '../engine-repair'; // cleans TensorFlow.js up after an Interrupt in synchronous code

export interface FitOptions {
  /** Passes over the training data. Defaults to `1`. */
  epochs?: number;
  /** Samples per gradient step. Defaults to `32`. */
  batchSize?: number;
  /** Reshuffle the training data before every epoch. Defaults to `true`. */
  shuffle?: boolean;
  /** `[x, y]` evaluated after every epoch into `val_loss` and `val_acc`. Defaults to none. */
  validationData?: [tf.Tensor, tf.Tensor];
  /** Keras-style callbacks, called in order. Defaults to `[]`. */
  callbacks?: Callback[];
  /** Adds Keras's EarlyStopping with these options (`true`: its defaults). Defaults to `false`. */
  earlyStopping?: EarlyStoppingOptions | boolean;
  /** 0 prints nothing, 1 prints Keras's per-epoch lines and progress bar. Defaults to `1`. */
  verbose?: 0 | 1;
  /**
   * Seeds the shuffling and, for the course's dense networks, the dropout masks, for
   * reproducible runs. Defaults to `undefined` (Math.random).
   */
  seed?: number;
  /** Samples per forward pass when validating; it changes speed, not results. Defaults to `1000`. */
  validationBatchSize?: number;
  /** Where the log goes. Defaults to stdout. */
  output?: OutputSink;
  /**
   * Take gradients with TensorFlow.js's tape even for a plain dense network, which
   * `fit` otherwise differentiates by hand (same numbers, fewer ops). Defaults to `false`.
   */
  tape?: boolean;
}

/** Thrown when a callback fails; `history` keeps the epochs finished before it. */
export class TrainingError extends Error {
  constructor(message: string, readonly history: History, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrainingError';
  }
}

function checkData(x: tf.Tensor, y: tf.Tensor, what: string): number {
  const n = x.shape[0];
  if (y.rank !== 1 || y.shape[0] !== n) {
    throw new Error(`fit: ${what} labels must have shape [${n}] to match ${n} images, got [${y.shape}].`);
  }
  if (n === 0) throw new Error(`fit: ${what} data is empty.`);
  return n;
}

/** Loss (without penalties) and right answers of one batch in inference mode. */
function evaluateBatch(model: tf.LayersModel, plan: DensePlan | undefined, xb: tf.Tensor, yb: tf.Tensor1D): { loss: number; correct: number } {
  // The course's dense networks go through the hand-written forward pass and head, as in training.
  if (plan) return denseEvaluation(plan, xb, yb);
  return tf.tidy(() => {
    const probabilities = model.apply(xb, { training: false }) as tf.Tensor2D;
    return {
      loss: sparseCategoricalCrossentropy(yb, probabilities).dataSync()[0],
      correct: countCorrect(yb, probabilities).dataSync()[0],
    };
  });
}

/** Mean loss (penalty included) and accuracy of the model on every example of `source`, without dropout. */
function evaluateSource(model: tf.LayersModel, source: BatchSource, batchSize: number, plan = densePlan(model)): { loss: number; acc: number } {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < source.count; start += batchSize) {
    const size = Math.min(batchSize, source.count - start);
    const [xb, yb] = source.range(start, size);
    const batch = evaluateBatch(model, plan, xb, yb);
    tf.dispose([xb, yb]);
    lossSum += batch.loss * size;
    correct += batch.correct;
  }
  const penalty = regularizationPenalty(model);
  const loss = lossSum / source.count + penalty.dataSync()[0];
  penalty.dispose();
  return { loss, acc: correct / source.count };
}

/** Mean loss (penalty included) and accuracy of the model on `[x, y]`, without dropout, as Keras's `evaluate`. */
export function evaluate(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, batchSize = 1000): { loss: number; acc: number } {
  checkData(x, y, 'validation');
  requireInteger('evaluate', 'batchSize', batchSize, 1);
  return evaluateSource(model, new BatchSource(x, y), batchSize);
}

/** Where Interrupt stopped a run: after `batches` batches of epoch `epoch` (from 0). */
function stoppedWhere(epoch: number, batches: number, steps: number): string {
  return batches === 0 ? `at the start of epoch ${epoch + 1}` : `in epoch ${epoch + 1} after batch ${batches} of ${steps}`;
}

/** The one line `fit` rejects with when Interrupt stopped it; `finished` epochs are kept. */
function interruptedMessage(where: string, finished: number): string {
  const kept = finished === 0 ? 'no epoch had finished (dl.interrupted().history is empty)'
    : `the ${finished} finished epoch${finished === 1 ? ' is' : 's are'} kept in dl.interrupted().history`;
  return `training stopped ${where}; ${kept}`;
}

/**
 * Trains `model` (compiled with its optimizer, e.g. by `buildCompile`) on images
 * `x` and integer labels `y`, and returns the per-epoch history.
 *
 * Interrupt in a Jupyter kernel (see ../interrupt) stops the run at the next batch: the partial
 * epoch is dropped, nothing more is printed, and the promise rejects with a `TrainingInterrupted`
 * whose `kept.history` (also `interrupted().history`) holds the finished epochs. As in Keras,
 * where KeyboardInterrupt propagates out of `model.fit`, callbacks get no `onTrainEnd` then
 * (Keras's BackupAndRestore relies on it to keep its backup of an interrupted run).
 */
export async function fit(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: FitOptions = {}): Promise<History> {
  const {
    epochs = 1, batchSize = 32, shuffle = true, validationData, verbose = 1, seed,
    validationBatchSize = 1000, output = stdoutSink,
  } = options;
  requireInteger('fit', 'epochs', epochs, 1);
  requireInteger('fit', 'batchSize', batchSize, 1);
  requireInteger('fit', 'validationBatchSize', validationBatchSize, 1);
  const optimizer = model.optimizer;
  if (!optimizer) throw new Error('fit: the model has no optimizer. Build it with buildCompile(), or call model.compile() first.');
  const samples = checkData(x, y, 'training');
  if (validationData) checkData(validationData[0], validationData[1], 'validation');

  const callbacks = [...(options.callbacks ?? [])];
  if (options.earlyStopping) {
    callbacks.push(earlyStopping(options.earlyStopping === true ? {} : options.earlyStopping));
  }
  // Only the callbacks that have them are called per batch, so the others cost nothing there.
  const batchBegin = callbacks.filter((callback) => callback.onBatchBegin);
  const batchEnd = callbacks.filter((callback) => callback.onBatchEnd);
  const steps = Math.ceil(samples / batchSize);
  const history = emptyHistory({ epochs, batchSize, samples, steps });
  // Set by Interrupt; from then on the run prints nothing, so no line of it can reach a later cell.
  let interruptRequested = false;
  const log: OutputSink = {
    write: (text) => { if (!interruptRequested) output.write(text); },
    get interactive() { return output.interactive; },
  };
  const print = (line: string) => { if (verbose > 0) log.write(`${line}\n`); };
  const context: TrainingContext = { model, optimizer, epochs, stopTraining: false, print };

  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const training = new BatchSource(x, y);
  const validation = validationData && new BatchSource(validationData[0], validationData[1]);
  const random = seed === undefined ? Math.random : seededRandom(seed);
  const order = Int32Array.from({ length: samples }, (_, i) => i);

  // The course's dense networks train on hand-written gradients; anything else goes through the tape.
  const plan = options.tape ? undefined : densePlan(model);
  const makeMask = seed === undefined ? dropoutMask : seededDropoutMasks(seededRandom(seed + 1));
  const gradients = (xb: tf.Tensor, yb: tf.Tensor1D): DenseStep => {
    if (plan) return denseGradients(plan, xb, yb, makeMask);
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const probabilities = model.apply(xb, { training: true }) as tf.Tensor2D;
      correct = tf.keep(countCorrect(yb, probabilities));
      return tf.add(sparseCategoricalCrossentropyWithGradient(yb, probabilities), regularizationPenalty(model)) as tf.Scalar;
    }, variables);
    const result = { loss: value.dataSync()[0], correct: correct!.dataSync()[0], grads, l2: {} };
    tf.dispose([value, correct!]);
    return result;
  };

  /** One gradient step on rows `rows`; returns the batch's loss and correct count. */
  const trainStep = (rows: Int32Array): [number, number] => {
    const { loss, correct, grads, l2 } = tf.tidy(() => gradients(...training.rows(rows)));
    const penalty = applyWithPenalties(optimizer, grads, l2);
    tf.dispose(Object.values(grads));
    return [loss + penalty, correct];
  };

  const fail = (error: unknown, when: string): never => {
    throw new TrainingError(`${when}: ${(error as Error).message} (the ${history.epoch.length} finished epoch(s) are in error.history)`,
      history, { cause: error });
  };

  const stopListening = listenForInterrupt(() => { interruptRequested = true; });
  try {
    // A first turn of the event loop before any training: tslab runs a cell's synchronous part
    // under Node's breakOnSigint, where an Interrupt would kill V8 in the middle of a tf.tidy.
    await yieldToEventLoop();
    return await trainEpochs();
  } finally {
    stopListening();
  }

  async function trainEpochs(): Promise<History> {
    const yielder = new EventLoopYielder();
    const stopIfInterrupted = (epoch: number, batches: number) => {
      if (!interruptRequested) return;
      const where = stoppedWhere(epoch, batches, steps);
      history.stopReason = `interrupted ${where}`;
      throw new TrainingInterrupted(interruptedMessage(where, history.epoch.length), { history });
    };
    stopIfInterrupted(0, 0);
    for (const callback of callbacks) await callback.onTrainBegin?.(context);
    for (let epoch = 0; epoch < epochs && !context.stopTraining; epoch++) {
      const started = performance.now();
      try {
        for (const callback of callbacks) await callback.onEpochBegin?.(epoch, context);
      } catch (error) { fail(error, `A callback failed at the start of epoch ${epoch + 1}`); }
      print(`Epoch ${epoch + 1}/${epochs}`);
      const progress = new EpochProgress(verbose > 0 ? log : { write() {}, interactive: false }, samples);
      if (shuffle) shuffleInPlace(order, random);

      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (let batch = 0; batch < steps; batch++) {
        // One clock read per batch; a turn of the event loop (where Interrupt is heard) every ~200 ms.
        if (yielder.due()) await yielder.yield();
        stopIfInterrupted(epoch, batch);
        const rows = order.subarray(batch * batchSize, Math.min((batch + 1) * batchSize, samples));
        try {
          for (const callback of batchBegin) callback.onBatchBegin!(batch, context);
        } catch (error) { fail(error, `A callback failed before batch ${batch + 1} of epoch ${epoch + 1}`); }
        const [batchLoss, batchCorrect] = trainStep(rows);
        if (!Number.isFinite(batchLoss)) {
          history.divergence = { epoch, batch, loss: batchLoss };
          history.stopReason = `diverged: the loss became ${batchLoss} at epoch ${epoch + 1}, batch ${batch + 1}`;
          log.write(`\nTraining stopped: the loss became ${batchLoss} at epoch ${epoch + 1}, batch ${batch + 1}/${steps} `
            + `(learning rate ${getLearningRate(optimizer)}). The ${history.epoch.length} finished epoch(s) are kept in the history; `
            + 'a smaller learning rate usually cures this.\n');
          break;
        }
        lossSum += batchLoss * rows.length;
        correct += batchCorrect;
        seen += rows.length;
        progress.update(seen, { loss: lossSum / seen, acc: correct / seen });
        try {
          for (const callback of batchEnd) callback.onBatchEnd!(batch, { loss: batchLoss, acc: batchCorrect / rows.length }, context);
        } catch (error) { fail(error, `A callback failed after batch ${batch + 1} of epoch ${epoch + 1}`); }
        if (context.stopTraining) break;
      }
      if (history.divergence) break;
      stopIfInterrupted(epoch, steps);

      const logs: EpochLogs = { loss: lossSum / seen, acc: correct / seen };
      if (validation) {
        const { loss, acc } = evaluateSource(model, validation, validationBatchSize, plan);
        logs.val_loss = loss;
        logs.val_acc = acc;
      }
      try {
        for (const callback of callbacks) await callback.onEpochEnd?.(epoch, logs, context);
      } catch (error) { fail(error, `A callback failed at the end of epoch ${epoch + 1}`); }
      progress.finish(Object.fromEntries(Object.entries(logs).filter(([key]) => key !== 'lr')));
      recordEpoch(history, epoch, logs, (performance.now() - started) / 1000);
    }
    if (context.stopTraining && !history.stopReason) history.stopReason = context.stopReason ?? 'a callback stopped the run';
    for (const callback of callbacks) await callback.onTrainEnd?.(context);
    return history;
  }
}
