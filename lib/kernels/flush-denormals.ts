/**
 * Flushing denormal floats to zero, as TensorFlow's CPU kernels do.
 *
 * A float32 below 2^-126 (about 1.18e-38) in magnitude is denormal. On Intel CPUs each
 * arithmetic operation that reads or produces one takes a microcode assist, about a
 * hundred times the cost of the operation (AMD's penalty is far smaller). TensorFlow
 * runs its CPU kernels with the FTZ and DAZ flags set, so Keras never pays it; the
 * flags cannot be set from WebAssembly. Training makes denormals where values decay
 * geometrically: Adam's and RMSprop's slots for pixels that are rarely lit, momentum
 * for the same weights, and, under an L2 penalty, the weights of the always-black
 * border pixels. Left in, they made the course's L2 run 1.6x slower per epoch after a
 * few epochs on an Intel Xeon, and a plain Adam run slower too.
 *
 * Flushing a result after it was made is not enough: making it already took the
 * assist, and a weight that stays tiny (2 * l2 * w just above 2^-126, say) makes
 * its denormal products again at every step. So the fused kernels (adam-step,
 * momentum-step, rmsprop-step, add-scaled, l2-gradient) count the gradient (and
 * Adam's new momentum, and a weight under an L2 penalty) as 0 in a product c x
 * where that product would be denormal (|x| below `underflowThreshold(c)`), and
 * write every new weight and slot with denormals replaced by 0. (Slots that decay
 * pass through the band just above 2^-126 once, so their own products are left
 * alone.) What that changes: a value that would be below
 * 1.18e-38 in magnitude is 0 instead, as in TensorFlow; every other value is
 * unchanged (up to an ulp at the threshold itself), and each kernel's tf-ops form
 * computes the same, bit for bit.
 */
import * as tf from '@tensorflow/tfjs';

/** The smallest positive normal float32, 2^-126. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

/**
 * Below this magnitude, x times `factor` would be denormal (2^-126 / |factor|, as a float32;
 * Infinity for a factor of 0): the x whose product flush-to-zero would make 0. The fused
 * kernels count such an x as 0 before multiplying, so that the product is never made.
 */
export function underflowThreshold(factor: number): number {
  // At least 2^-126, so that a denormal x counts as 0 whatever the factor, as DAZ would have it.
  return factor === 0 ? Infinity : Math.max(FLOAT32_MIN_NORMAL, Math.fround(FLOAT32_MIN_NORMAL / Math.abs(Math.fround(factor))));
}

/** `x` with every value below `threshold` in magnitude counted as 0 (NaN kept): the tf-ops form of the kernels' mask. */
export function countedFrom(x: tf.Tensor, threshold: number): tf.Tensor {
  return tf.tidy(() => tf.where(tf.less(tf.abs(x), threshold), tf.zerosLike(x), x));
}

/** `x` with every value below 2^-126 in magnitude (denormals, -0) set to 0; NaN is kept. */
export function flushDenormals(x: tf.Tensor): tf.Tensor {
  return countedFrom(x, FLOAT32_MIN_NORMAL);
}
