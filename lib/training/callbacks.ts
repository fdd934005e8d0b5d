/**
 * Training callbacks with Keras's hooks and order: `onTrainBegin`, then per
 * epoch `onEpochBegin`, per batch `onBatchBegin` and `onBatchEnd`, then
 * `onEpochEnd` (with that epoch's logs), then `onTrainEnd`. A callback stops a
 * run by setting `context.stopTraining`, as Keras callbacks set
 * `model.stop_training`; set in `onBatchEnd`, it ends the epoch after that
 * batch (as in Keras 3), and the epoch's logs cover the batches it trained.
 */
import type * as tf from '@tensorflow/tfjs';

/** One epoch's figures, keyed as Keras keys them (`loss`, `acc`, `val_loss`, `val_acc`, `lr`). */
export type EpochLogs = Record<string, number>;

/** What a callback can see and change while `fit` runs. */
export interface TrainingContext {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  /** Total epochs asked for. */
  readonly epochs: number;
  /** Set to true to end the run after the current epoch. */
  stopTraining: boolean;
  /** Why the run stopped early, for the history; set by whoever sets `stopTraining`. */
  stopReason?: string;
  /** Prints one line through the run's output (nothing when `verbose` is 0). */
  print(line: string): void;
}

/**
 * One batch's own figures: its loss (penalties included) and accuracy. Keras 3 passes the
 * epoch's running means here; the batch's own values are what a per-batch callback such as
 * the learning-rate finder needs, and the running means are in the progress bar.
 */
export interface BatchLogs {
  loss: number;
  acc: number;
}

export interface Callback {
  onTrainBegin?(context: TrainingContext): void | Promise<void>;
  onEpochBegin?(epoch: number, context: TrainingContext): void | Promise<void>;
  /** Before batch `batch` (from 0 in each epoch). Synchronous: `fit` awaits nothing per batch. */
  onBatchBegin?(batch: number, context: TrainingContext): void;
  /** After batch `batch` made its update, with that batch's figures. Synchronous, as `onBatchBegin`. */
  onBatchEnd?(batch: number, logs: BatchLogs, context: TrainingContext): void;
  onEpochEnd?(epoch: number, logs: EpochLogs, context: TrainingContext): void | Promise<void>;
  onTrainEnd?(context: TrainingContext): void | Promise<void>;
}
