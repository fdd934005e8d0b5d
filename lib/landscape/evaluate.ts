/**
 * The course network's loss at many points of parameter space at once, each point given as
 * origin + c_1 d_1 + ... + c_K d_K for a few fixed directions d_k (K = 2 for a plane, 1 for a line).
 *
 * The trick that makes a 21 x 21 grid cheap: the hidden layer's pre-activation X W1 + b1 is linear
 * in the weights, so it is X W1_0 + b1_0 + sum_k c_k (X W1_k + b1_k) with W1_k, b1_k the parts of
 * d_k. The K + 1 products with the images (the costly part, 784 x 128 per image) are computed once;
 * each point then costs only its ReLU and the small output layer (128 x 10 per image). Points go in
 * batches of `BATCH_POINTS`, one tf.tidy each.
 *
 * The loss is the one the runs trained on (lib/training/loss.ts): Keras's sparse categorical
 * cross-entropy on the softmax's probabilities, clipped to [1e-7, 1 - 1e-7], averaged over the images.
 */
import * as tf from '@tensorflow/tfjs';
import { clipProbability } from '../training/loss';

/** Points evaluated in one batch: P x N x 128 hidden activations, 16 MB at N = 1,000. */
export const BATCH_POINTS = 32;

/** A fixed evaluation set: `x` [N, 28, 28] or [N, 784], `y` [N] class labels. */
export interface EvaluationSet {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** The course network's layer sizes for a flat weight vector of `parameterCount` numbers. */
export function courseNetworkShape(parameterCount: number, inputs = 784, classes = 10): { inputs: number; hidden: number; classes: number } {
  // inputs*h + h + h*classes + classes = parameterCount
  const hidden = (parameterCount - classes) / (inputs + 1 + classes);
  if (!Number.isInteger(hidden) || hidden < 1) {
    throw new Error(`${parameterCount} parameters are not the course network's (784 inputs, one hidden layer, 10 classes); ` +
      'the landscape evaluates Flatten -> Dense(relu) -> Dense(softmax) networks only (dropout, which has no weights, is left out).');
  }
  return { inputs, hidden, classes };
}

/**
 * The loss at `origin + sum_k coefficients[p][k] * directions[k]` for every row p of `coefficients`,
 * on `data`. Every tensor it makes is disposed before it returns.
 */
export function lossesAt(
  origin: ArrayLike<number>, directions: readonly ArrayLike<number>[], coefficients: readonly (readonly number[])[], data: EvaluationSet,
): number[] {
  const { inputs, hidden, classes } = courseNetworkShape(origin.length);
  directions.forEach((direction, k) => {
    if (direction.length !== origin.length) throw new Error(`lossesAt: direction ${k} has ${direction.length} numbers, the origin ${origin.length}.`);
  });
  coefficients.forEach((row, p) => {
    if (row.length !== directions.length) throw new Error(`lossesAt: point ${p} has ${row.length} coefficients for ${directions.length} direction(s).`);
  });
  const count = data.x.shape[0];
  if (data.y.shape[0] !== count) throw new Error(`lossesAt: ${count} images but ${data.y.shape[0]} labels.`);
  const vectors = [origin, ...directions];
  const split = hidden * inputs;
  const [firstLayer, outputWeights, outputBias, oneHot, xs] = tf.tidy(() => {
    const xs = tf.reshape(data.x, [count, inputs]);
    // Row k of each stack belongs to vector k (origin first); layers are laid out as getWeights() gives them.
    const part = (from: number, size: number) => {
      const rows = new Float32Array(vectors.length * size);
      vectors.forEach((vector, k) => {
        for (let i = 0; i < size; i++) rows[k * size + i] = vector[from + i];
      });
      return tf.tensor2d(rows, [vectors.length, size]);
    };
    const kernels = part(0, split).reshape([vectors.length, inputs, hidden]);
    const biases = part(split, hidden).reshape([vectors.length, 1, hidden]);
    // [K+1, N, H] -> [K+1, N*H]: each vector's share of the pre-activation, computed once.
    const products = tf.add(tf.matMul(tf.tile(tf.expandDims(xs, 0), [vectors.length, 1, 1]) as tf.Tensor3D, kernels as tf.Tensor3D), biases);
    return [
      tf.reshape(products, [vectors.length, count * hidden]),
      part(split + hidden, hidden * classes),
      part(split + hidden + hidden * classes, classes),
      tf.oneHot(tf.cast(tf.reshape(data.y, [count]), 'int32'), classes),
      xs,
    ];
  });
  try {
    const losses: number[] = [];
    for (let start = 0; start < coefficients.length; start += BATCH_POINTS) {
      const rows = coefficients.slice(start, start + BATCH_POINTS).map((row) => [1, ...row]);
      const batch = tf.tidy(() => {
        const c = tf.tensor2d(rows);
        const points = rows.length;
        const activations = tf.relu(tf.reshape(tf.matMul(c, firstLayer), [points, count, hidden]));
        const w2 = tf.reshape(tf.matMul(c, outputWeights), [points, hidden, classes]);
        const b2 = tf.reshape(tf.matMul(c, outputBias), [points, 1, classes]);
        const probabilities = clipProbability(tf.softmax(tf.add(tf.matMul(activations as tf.Tensor3D, w2 as tf.Tensor3D), b2)));
        const picked = tf.sum(tf.mul(probabilities, oneHot), -1);
        return tf.mean(tf.sub(tf.log(tf.sum(probabilities, -1)), tf.log(picked)), 1);
      });
      losses.push(...(batch.dataSync() as Float32Array));
      batch.dispose();
    }
    return losses;
  } finally {
    tf.dispose([firstLayer, outputWeights, outputBias, oneHot, xs]);
  }
}
