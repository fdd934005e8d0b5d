/**
 * The course's loss and metric on a batch, written with the same clipping as
 * Keras's `sparse_categorical_crossentropy` on softmax outputs.
 */
import * as tf from '@tensorflow/tfjs';

/** Keras's `backend.epsilon()`: probabilities are clipped to [eps, 1 - eps] before the log. */
export const EPSILON = 1e-7;

/** Mean over the batch of -log(p[label]), with p clipped as Keras clips it. */
export function sparseCategoricalCrossentropy(labels: tf.Tensor1D, probabilities: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(probabilities, tf.oneHot(labels, probabilities.shape[1])), 1);
    // TensorFlow's clip lets NaN through, and a diverged run must show as NaN;
    // tfjs's clip maps NaN to a bound, so put NaN back where it was.
    const clipped = tf.where(tf.isNaN(picked), picked, tf.clipByValue(picked, EPSILON, 1 - EPSILON));
    return tf.neg(tf.mean(tf.log(clipped))) as tf.Scalar;
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
