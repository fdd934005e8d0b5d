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
 * So the fused optimizer kernels (adam-step, momentum-step, rmsprop-step) read the
 * gradient, and write every new weight and slot, with denormals replaced by 0, and
 * the L2 penalty's gradient is taken with weights too small to give a normal result
 * counted as 0 (see add-scaled.ts). What that changes: a value that would be below
 * 1.18e-38 in magnitude is 0 instead, as in TensorFlow; every other value is
 * unchanged, bit for bit.
 */
import * as tf from '@tensorflow/tfjs';

/** The smallest positive normal float32, 2^-126. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

/** `x` with every value below 2^-126 in magnitude (denormals, -0) set to 0; NaN is kept. */
export function flushDenormals(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.where(tf.less(tf.abs(x), FLOAT32_MIN_NORMAL), tf.zerosLike(x), x));
}
