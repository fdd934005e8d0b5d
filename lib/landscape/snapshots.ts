/**
 * Weight snapshots: a training run's parameters, all of them in one flat float32 vector, kept after
 * a few epochs so that the run's path through parameter space can be drawn afterwards. Epoch 0 is
 * the initial weights, epoch k the weights after k finished epochs. The vector is the model's
 * weights in `model.getWeights()` order (for the course network: the hidden kernel 784 x 128 row by
 * row, its 128 biases, the output kernel 128 x 10, its 10 biases: 101,770 numbers, 0.4 MB).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Callback } from '../training/callbacks';

export interface WeightSnapshots {
  /** The epochs the snapshots were taken at, ascending; 0 is the initial weights. */
  epochs: number[];
  /** Parameters per snapshot. */
  parameterCount: number;
  /** Snapshot i is `data.subarray(i * parameterCount, (i + 1) * parameterCount)`. */
  data: Float32Array;
}

/**
 * The epochs at which a run of `epochs` epochs keeps its weights: every one of the first five, where
 * the paths turn most, then every fifth, and the last. For the course's 50 epochs that is 15
 * snapshots (6.1 MB a run); for quick mode's 2 epochs, 0, 1 and 2.
 */
export function snapshotEpochs(epochs: number): number[] {
  const chosen = new Set<number>([0, epochs]);
  for (let epoch = 1; epoch <= Math.min(5, epochs); epoch++) chosen.add(epoch);
  for (let epoch = 5; epoch <= epochs; epoch += 5) chosen.add(epoch);
  return [...chosen].sort((a, b) => a - b);
}

/** The model's weights, concatenated in `getWeights()` order, as one new float32 vector. */
export function flatWeights(model: tf.LayersModel): Float32Array {
  const weights = model.getWeights();
  const flat = new Float32Array(weights.reduce((sum, weight) => sum + weight.size, 0));
  let offset = 0;
  for (const weight of weights) {
    flat.set(weight.dataSync() as Float32Array, offset);
    offset += weight.size;
  }
  return flat;
}

/** Snapshot `index` of `snapshots`, a view (no copy). */
export function snapshotAt(snapshots: WeightSnapshots, index: number): Float32Array {
  if (!Number.isInteger(index) || index < 0 || index >= snapshots.epochs.length) {
    throw new Error(`snapshotAt: index ${index} is out of range; there are ${snapshots.epochs.length} snapshots (epochs ${snapshots.epochs.join(', ')}).`);
  }
  return snapshots.data.subarray(index * snapshots.parameterCount, (index + 1) * snapshots.parameterCount);
}

/**
 * A callback that keeps the weights at `epochs` (0: at the start of training) and the snapshots it
 * took so far. A run that stops early (early stopping, divergence) simply has fewer.
 */
export function snapshotRecorder(epochs: readonly number[]): { callback: Callback; snapshots(): WeightSnapshots | undefined } {
  const wanted = new Set(epochs);
  const taken: { epoch: number; weights: Float32Array }[] = [];
  const keep = (epoch: number, model: tf.LayersModel) => {
    if (wanted.has(epoch)) taken.push({ epoch, weights: flatWeights(model) });
  };
  return {
    callback: {
      onTrainBegin: (context) => keep(0, context.model),
      onEpochEnd: (epoch, _logs, context) => keep(epoch + 1, context.model),
    },
    snapshots() {
      if (taken.length === 0) return undefined;
      const parameterCount = taken[0].weights.length;
      const data = new Float32Array(taken.length * parameterCount);
      taken.forEach(({ weights }, i) => data.set(weights, i * parameterCount));
      return { epochs: taken.map(({ epoch }) => epoch), parameterCount, data };
    },
  };
}
