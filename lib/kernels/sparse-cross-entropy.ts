/**
 * Keras's sparse categorical cross-entropy on probabilities, with its gradient written
 * out instead of taped.
 *
 * The loss picks each row's label probability p, clips it to [eps, 1 - eps] (letting
 * NaN through, as TensorFlow's clip does) and returns -mean(log(clipped)). Taped, its
 * backward pass replays neg, mean, log, where, clip, sum and mul, twenty-odd small
 * kernels that cost more than their arithmetic on the wasm backend. By hand it is
 *
 *     d loss / d probs = oneHot(labels) * (-1 / B) / clipped * passes
 *
 * where `passes` is 1 where the clip let the gradient through (p in [eps, 1 - eps], or
 * NaN) and 0 elsewhere. The forward ops are the taped ones and the backward performs the
 * tape's float32 operations in the tape's order, so loss and gradients are unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { clipPasses, clipProbability } from '../training/loss';


/**
 * Mean over the batch of -log(p[label]), p clipped as Keras clips it (NaN kept), with
 * a hand-written gradient with respect to `probabilities` (none for the labels).
 *
 * @param labels Class indices, shape [batch], int32.
 * @param probabilities Softmax outputs, shape [batch, classes].
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
    const picked = tf.sum(tf.mul(probs, oneHot), 1);
    const clipped = clipProbability(picked);
    save([oneHot, picked, clipped]);
    return {
      value: tf.neg(tf.mean(tf.log(clipped))),
      gradFunc: (dy, [savedOneHot, savedPicked, savedClipped]) => {
        const passes = clipPasses(savedPicked);
        const perRow = tf.div(tf.div(tf.neg(dy), savedPicked.shape[0]), savedClipped);
        const dPicked = tf.where(passes, perRow, tf.zerosLike(perRow));
        return tf.mul(tf.reshape(dPicked, [-1, 1]), savedOneHot);
      },
    };
  });
  return loss(probabilities) as tf.Scalar;
}
