/**
 * sum(x^2) as one WebAssembly SIMD pass (sum-of-squares.wat): the L2 penalty's value,
 * l2 * sum(w^2), which `fit` adds to every batch's loss as Keras does.
 *
 * With tf ops this is Square then Sum, and under an L2 penalty it is the slowest
 * part of a step on Intel CPUs: the weights of black border pixels decay to tiny
 * values whose squares are denormal, a microcode assist each (see
 * flush-denormals.ts). Values below 2^-63, whose squares would be denormal, add 0
 * here, as they would under TensorFlow's flush-to-zero; the rest add their square.
 * The sum is taken in four lanes, so it agrees with tf ops to float32 rounding.
 *
 * On other backends, or before `installFastKernels()`, it is computed with tf ops.
 */
import * as tf from '@tensorflow/tfjs';
import { isFusedKernelAvailable, runWasmStep } from './fused-step';
import { WASM_BASE64 } from './sum-of-squares-wasm';

/** The kernel's name in the TensorFlow.js registry. */
export const SUM_OF_SQUARES = 'DescentLabSumOfSquares';

/** Below this magnitude a value's square is denormal: 2^-63. */
const SQUARE_UNDERFLOWS_BELOW = 2 ** -63;

interface SumOfSquaresExports {
  sumOfSquares(x: number, out: number, n: number): void;
}

function wasmSumOfSquares({ inputs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x } = inputs as Record<'x', tf.TensorInfo>;
  return runWasmStep<SumOfSquaresExports>(backend, WASM_BASE64, [x], [{ shape: [] }],
    (kernel, [xAt, outAt]) => kernel.sumOfSquares(xAt, outAt, tf.util.sizeFromShape(x.shape)))[0];
}

/** The wasm kernel's registration, for `installFastKernels`. */
export const sumOfSquaresConfig: tf.KernelConfig = {
  kernelName: SUM_OF_SQUARES,
  backendName: 'wasm',
  kernelFunc: wasmSumOfSquares as tf.KernelFunc,
};

/** sum(x^2) over the values of `x` at least 2^-63 in magnitude, as a scalar the caller owns. */
export function sumOfSquares(x: tf.Tensor): tf.Scalar {
  if (x.dtype !== 'float32') throw new Error(`sumOfSquares: x is ${x.dtype}; it must be float32.`);
  if (isFusedKernelAvailable(SUM_OF_SQUARES)) return tf.engine().runKernel(SUM_OF_SQUARES, { x }) as tf.Scalar;
  return tf.tidy(() => {
    const counted = tf.where(tf.less(tf.abs(x), SQUARE_UNDERFLOWS_BELOW), tf.zerosLike(x), x);
    return tf.sum(tf.square(counted));
  });
}
