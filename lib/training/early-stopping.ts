/**
 * Keras's `EarlyStopping` callback, with its semantics to the letter: after
 * each epoch, `current` improves on `best` when `current + minDelta < best`
 * (mode 'min') or `current - minDelta > best` (mode 'max'); otherwise `wait`
 * grows, and the run stops once `wait >= patience`. With patience 0 the first
 * epoch that fails to improve is the last one, and it stays in the history.
 */
import * as tf from '@tensorflow/tfjs';
import type { Callback } from './callbacks';
import { requireNonNegative, requireInteger } from '../validate';

export interface EarlyStoppingOptions {
  /** The history key to watch. Defaults to `'val_loss'`. */
  monitor?: string;
  /** 'min' stops when it stops falling, 'max' when it stops rising, 'auto' picks 'max' for accuracies. Defaults to `'auto'`. */
  mode?: 'auto' | 'min' | 'max';
  /** Epochs without improvement to wait before stopping. Defaults to `0`. */
  patience?: number;
  /** The smallest change that counts as an improvement. Defaults to `0`. */
  minDelta?: number;
  /** Put back the weights of the best epoch when stopping. Defaults to `false`, as in Keras. */
  restoreBestWeights?: boolean;
  /** 1 prints "Epoch 00004: early stopping" as Keras does. Defaults to `0`. */
  verbose?: 0 | 1;
}

export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  const { monitor = 'val_loss', patience = 0, minDelta = 0, restoreBestWeights = false, verbose = 0 } = options;
  requireInteger('earlyStopping', 'patience', patience, 0);
  requireNonNegative('earlyStopping', 'minDelta', minDelta);
  const mode = options.mode === 'auto' || options.mode === undefined
    ? (monitor.includes('acc') ? 'max' : 'min')
    : options.mode;
  if (mode !== 'min' && mode !== 'max') {
    throw new Error(`earlyStopping: mode must be 'auto', 'min' or 'max', got "${options.mode}".`);
  }
  const improves = mode === 'min'
    ? (current: number, best: number) => current + minDelta < best
    : (current: number, best: number) => current - minDelta > best;

  let best = mode === 'min' ? Infinity : -Infinity;
  let wait = 0;
  let bestWeights: tf.Tensor[] | undefined;
  const dropBestWeights = () => { bestWeights?.forEach((t) => t.dispose()); bestWeights = undefined; };

  return {
    onTrainBegin() {
      best = mode === 'min' ? Infinity : -Infinity;
      wait = 0;
      dropBestWeights();
    },
    onEpochEnd(epoch, logs, context) {
      const current = logs[monitor];
      if (current === undefined) {
        const keys = Object.keys(logs).join(', ');
        throw new Error(`earlyStopping: "${monitor}" is not in the epoch logs (${keys}). Pass validationData to fit, or monitor one of those keys.`);
      }
      if (improves(current, best)) {
        best = current;
        wait = 0;
        if (restoreBestWeights) {
          dropBestWeights();
          bestWeights = context.model.getWeights().map((w) => w.clone());
        }
        return;
      }
      wait += 1;
      if (wait >= patience) {
        context.stopTraining = true;
        context.stopReason = `early stopping: ${monitor} did not improve on ${best} for ${wait} epoch(s)`;
        if (verbose > 0) context.print(`Epoch ${String(epoch + 1).padStart(5, '0')}: early stopping`);
        if (restoreBestWeights && bestWeights) context.model.setWeights(bestWeights);
      }
    },
    onTrainEnd() {
      dropBestWeights();
    },
  };
}
