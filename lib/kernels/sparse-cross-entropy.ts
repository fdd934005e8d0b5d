/**
 * Keras's sparse categorical cross-entropy on probabilities, with its gradient written
 * out instead of taped, for models that `fit` trains through the tape.
 *
 * With c = clip(p) to [eps, 1 - eps] (NaN let through, as TensorFlow's clip does) and
 * S = sum_j c_j per row, the loss is mean(log S - log c_y) (see training/loss.ts). Taped,
 * its backward pass replays a dozen small kernels; by hand it is
 *
 *     d loss / d p_k = passes_k * (1 / S - [k = y] / c_k) / B
 *
 * where `passes` is 1 where the clip lets the gradient through (p in [eps, 1 - eps], or
 * NaN) and 0 elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { clipPasses, clipProbability } from '../training/loss';

/**
 * Mean over the batch of -log(clip(p_y) / sum_j clip(p_j)) (NaN kept), with a
 * hand-written gradient with respect to `probabilities` (none for the labels).
 *
 * @param labels Class indices, shape [batch], int32.
 * @param probabilities Model outputs, shape [batch, classes]; rows need not sum to 1.
 */
export function sparseCategoricalCrossentropyWithGradient(
  labels: tf.Tensor1D, probabilities: tf.Tensor2D,
): tf.Scalar {
  if (probabilities.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== probabilities.shape[0]) {
    throw new Error(`sparseCategoricalCrossentropyWithGradient: labels [${labels.shape}] and probabilities ` +
      `[${probabilities.shape}] do not match; pass labels of shape [batch] and probabilities of [batch, classes].`);
  }
  // customGrad types its arguments loosely (tensor or save function); these are ours.
  const loss = tf.customGrad((input, saveArgument) => {
    const probs = input as tf.Tensor2D;
    const save = saveArgument as tf.GradSaveFunc;
    const oneHot = tf.oneHot(labels, probs.shape[1]);
    const clipped = clipProbability(probs);
    const total = tf.sum(clipped, 1, true);
    const picked = tf.sum(tf.mul(clipped, oneHot), 1, true);
    save([oneHot, probs, clipped, total]);
    return {
      value: tf.mean(tf.sub(tf.log(total), tf.log(picked))),
      gradFunc: (dy, [savedOneHot, savedProbs, savedClipped, savedTotal]) => {
        const perRow = tf.sub(tf.div(1, savedTotal), tf.div(savedOneHot, savedClipped));
        const scaled = tf.mul(perRow, tf.div(dy, savedProbs.shape[0]));
        return tf.where(clipPasses(savedProbs), scaled, tf.zerosLike(scaled));
      },
    };
  });
  return loss(probabilities) as tf.Scalar;
}
