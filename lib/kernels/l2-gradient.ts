/**
 * An L2 penalty's two figures of a training step in one pass over the weights
 * (l2-gradient.wat): the gradient with the penalty's part added, g + 2 * l2 * w,
 * and sum(w^2), of which the penalty l2 * sum(w^2) is made for the batch's loss.
 * Apart, these are two passes over the 100,352 weights of the course's first layer;
 * together the step of an L2 run whose optimizer cannot fold the penalty into its
 * update (Adam's kernel does: adam-step.ts) costs one. Both are flushed to zero as
 * TensorFlow would: the gradient is what `l2Gradient` gives, bit for bit, and the
 * sum what `sumOfSquares` gives, to float32 rounding (it is summed in four lanes).
 *
 * On other backends, or before `installFastKernels()`, those two are computed apart
 * with tf ops.
 */
import * as tf from '@tensorflow/tfjs';
import { l2Gradient } from './add-scaled';
import { countedFrom, underflowThreshold } from './flush-denormals';
import { runFusedStep, runWasmStep } from './fused-step';
import { WASM_BASE64 } from './l2-gradient-wasm';

/** Below this magnitude a value's square is denormal: 2^-63. */
const SQUARE_UNDERFLOWS_BELOW = 2 ** -63;

/**
 * sum(x^2) with tf ops, over the values of `x` at least 2^-63 in magnitude: a smaller
 * value's square would be denormal, which flush-to-zero makes 0 (and which would cost
 * a microcode assist per value on Intel; see flush-denormals.ts). A scalar the caller owns.
 */
export function sumOfSquares(x: tf.Tensor): tf.Scalar {
  if (x.dtype !== 'float32') throw new Error(`sumOfSquares: x is ${x.dtype}; it must be float32.`);
  return tf.tidy(() => tf.sum(tf.square(countedFrom(x, SQUARE_UNDERFLOWS_BELOW))));
}

/** The kernel's name in the TensorFlow.js registry. */
export const L2_GRADIENT_AND_SQUARES = 'DescentLabL2GradientAndSquares';

interface L2GradientExports {
  l2GradientAndSquares(g: number, w: number, out: number, sumOut: number, n: number, scale: number, threshold: number): void;
}

function wasmL2GradientAndSquares({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { gradient, weights } = inputs as Record<'gradient' | 'weights', tf.TensorInfo>;
  const { scale, threshold } = attrs as unknown as { scale: number; threshold: number };
  return runWasmStep<L2GradientExports>(backend, WASM_BASE64, [gradient, weights], [gradient, { shape: [] }],
    (kernel, [gradientAt, weightsAt, outAt, sumAt]) => kernel.l2GradientAndSquares(
      gradientAt, weightsAt, outAt, sumAt, tf.util.sizeFromShape(gradient.shape), scale, threshold));
}

/** The wasm kernel's registration, for `installFastKernels`. */
export const l2GradientAndSquaresConfig: tf.KernelConfig = {
  kernelName: L2_GRADIENT_AND_SQUARES,
  backendName: 'wasm',
  kernelFunc: wasmL2GradientAndSquares as tf.KernelFunc,
};

/**
 * `[gradient + 2 * l2 * weights, sum(weights^2)]`, flushed to zero as TensorFlow would
 * (see l2Gradient and sumOfSquares); new tensors the caller owns.
 */
export function l2GradientAndSquares(gradient: tf.Tensor, weights: tf.Tensor, l2: number): [tf.Tensor, tf.Scalar] {
  if (!(l2 > 0 && Number.isFinite(l2))) {
    throw new Error(`l2GradientAndSquares: the L2 factor must be a positive number, got ${l2}; leave the penalty out for 0.`);
  }
  const scale = 2 * l2;
  const [sum, squares] = runFusedStep('l2GradientAndSquares', L2_GRADIENT_AND_SQUARES, { weights, gradient },
    { scale, threshold: underflowThreshold(scale) }, () => [l2Gradient(gradient, weights, l2), sumOfSquares(weights)]);
  return [sum, squares as tf.Scalar];
}
