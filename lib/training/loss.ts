/**
 * The course's loss and metric on a batch, as Keras computes them.
 *
 * Keras's `sparse_categorical_crossentropy` on probabilities clips them to
 * [eps, 1 - eps], takes their log and feeds that to a softmax cross-entropy as
 * logits, so a row's loss is
 *
 *     -log(clip(p_y) / sum_j clip(p_j))
 *
 * It renormalizes: for a softmax output the sum is 1 (to rounding) and this is
 * -log(clip(p_y)), but the course's Dropout after the softmax makes rows that do
 * not sum to 1, and there the sum changes the loss and its gradient.
 * tfjs-layers' own loss divides by the sum likewise.
 */
import * as tf from '@tensorflow/tfjs';

/** Keras's `backend.epsilon()`: probabilities are clipped to [eps, 1 - eps] before the log. */
export const EPSILON = 1e-7;

/** Keras's clip of probabilities to [eps, 1 - eps], letting NaN through as TensorFlow's clip does (tfjs's maps it to a bound). */
export function clipProbability(p: tf.Tensor): tf.Tensor {
  return tf.where(tf.isNaN(p), p, tf.clipByValue(p, EPSILON, 1 - EPSILON));
}

/** Where `clipProbability` lets a gradient through: inside [eps, 1 - eps], or NaN. */
export function clipPasses(p: tf.Tensor): tf.Tensor {
  return tf.logicalOr(tf.isNaN(p), tf.logicalAnd(tf.greaterEqual(p, EPSILON), tf.lessEqual(p, 1 - EPSILON)));
}

/** Mean over the batch of -log(clip(p_y) / sum_j clip(p_j)), Keras's loss (see the module comment). */
export function sparseCategoricalCrossentropy(labels: tf.Tensor1D, probabilities: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    // A diverged run must show as NaN, so the clip keeps NaN.
    const clipped = clipProbability(probabilities);
    const picked = tf.sum(tf.mul(clipped, tf.oneHot(labels, probabilities.shape[1])), 1);
    return tf.mean(tf.sub(tf.log(tf.sum(clipped, 1)), tf.log(picked))) as tf.Scalar;
  });
}

/** How many rows' arg-max equals their label (Keras's sparse accuracy, as a count). */
export function countCorrect(labels: tf.Tensor1D, probabilities: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, 1), tf.cast(labels, 'int32')), 'int32')));
}

/** The model's regularisation penalties (e.g. L2 on kernels), summed; Keras adds them to `loss` and `val_loss`. */
export function regularizationPenalty(model: tf.LayersModel): tf.Scalar {
  return tf.tidy(() => {
    const penalties = model.calculateLosses();
    return penalties.length === 0 ? tf.scalar(0) : (tf.addN(penalties) as tf.Scalar);
  });
}
