/**
 * Training callbacks with Keras's hooks and order: `onTrainBegin`, then per
 * epoch `onEpochBegin` and `onEpochEnd` (with that epoch's logs), then
 * `onTrainEnd`. A callback stops a run by setting `context.stopTraining`,
 * as Keras callbacks set `model.stop_training`.
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

export interface Callback {
  onTrainBegin?(context: TrainingContext): void | Promise<void>;
  onEpochBegin?(epoch: number, context: TrainingContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs, context: TrainingContext): void | Promise<void>;
  onTrainEnd?(context: TrainingContext): void | Promise<void>;
}
