/**
 * The building blocks the adaptive optimizers share, optax style: RMSprop,
 * Adagrad, Adam and NAdam are each a few of these calls. Every function
 * updates variables in place with `assign` and is meant to run inside the
 * step's `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs';

/** A decay rate beta of a moving average, with 1 - beta, both as scalars. */
export interface DecayRate {
  rate: tf.Scalar;
  complement: tf.Scalar;
}

/**
 * `average <- beta * average + (1 - beta) * value`, in place (3 ops).
 * Adam's and NAdam's moments and RMSprop's mean square are all this.
 */
export function updateMovingAverage(average: tf.Variable, value: tf.Tensor, decay: DecayRate): tf.Variable {
  average.assign(tf.add(tf.mul(decay.rate, average), tf.mul(decay.complement, value)));
  return average;
}

/**
 * `theta <- theta - numerator / (sqrt(meanSquare) + epsilon)`, in place (4 ops).
 *
 * Epsilon is added outside the square root, as Keras's TF 2.x RMSprop,
 * Adagrad, Adam and Nadam all do.
 */
export function applyAdaptiveStep(
  variable: tf.Variable, numerator: tf.Tensor, meanSquare: tf.Tensor, epsilon: tf.Scalar): void {
  variable.assign(tf.sub(variable, tf.div(numerator, tf.add(tf.sqrt(meanSquare), epsilon))));
}
