/**
 * An L2 penalty's two figures of a training step in one pass over the weights
 * (l2-gradient.wat): the gradient with the penalty's part added, g + 2 * l2 * w,
 * and sum(w^2), of which the penalty l2 * sum(w^2) is made for the batch's loss.
 * Apart, these are an addScaled and a sumOfSquares kernel, each a pass over the
 * 100,352 weights of the course's first layer; together the L2 run's step costs
 * barely more than a plain one. Both are flushed to zero as TensorFlow would:
 * exactly what `l2Gradient` and `sumOfSquares` give, bit for bit.
 *
 * On other backends, or before `installFastKernels()`, those two are computed apart.
 */
import * as tf from '@tensorflow/tfjs';
import { l2Gradient } from './add-scaled';
import { underflowThreshold } from './flush-denormals';
import { isFusedKernelAvailable, runWasmStep } from './fused-step';
import { WASM_BASE64 } from './l2-gradient-wasm';
import { sumOfSquares } from './sum-of-squares';

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
  if (!isFusedKernelAvailable(L2_GRADIENT_AND_SQUARES)) return [l2Gradient(gradient, weights, l2), sumOfSquares(weights)];
  if (!(l2 > 0 && Number.isFinite(l2))) {
    throw new Error(`l2GradientAndSquares: the L2 factor must be a positive number, got ${l2}; leave the penalty out for 0.`);
  }
  if (!tf.util.arraysEqual(gradient.shape, weights.shape) || gradient.dtype !== 'float32' || weights.dtype !== 'float32') {
    throw new Error(`l2GradientAndSquares: gradient [${gradient.shape}] ${gradient.dtype} and weights [${weights.shape}] ` +
      `${weights.dtype} differ; pass a variable's float32 weights and their gradient.`);
  }
  const scale = 2 * l2;
  const attrs = { scale, threshold: underflowThreshold(scale) };
  const [sum, squares] = tf.engine().runKernel(L2_GRADIENT_AND_SQUARES, { gradient, weights }, attrs) as tf.Tensor[];
  return [sum, squares as tf.Scalar];
}
