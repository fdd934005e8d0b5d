/**
 * The gradient of an L2 penalty `l2 * sum(w^2)` added to a variable's gradient,
 * g + 2 * l2 * w, as one WebAssembly SIMD kernel (l2-gradient.wat) on wasm, with
 * TensorFlow's flush-to-zero made explicit: weights so small that 2 * l2 * w would
 * be denormal count as 0, and a denormal sum is 0.
 *
 * Why the weights are masked before the product rather than the product flushed
 * after it: under an L2 penalty the weights of always-black border pixels decay
 * until they are tiny, and a weight that stays where 2 * l2 * w is denormal would
 * make that product cost a microcode assist at every step on Intel CPUs (see
 * flush-denormals.ts). Written with tf ops this is six kernels per variable.
 *
 * On other backends, or before `installFastKernels()`, `l2Gradient` computes the
 * same with tf ops, bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { FLOAT32_MIN_NORMAL, flushDenormals } from './flush-denormals';
import { runFusedStep, runWasmStep } from './fused-step';
import { WASM_BASE64 } from './l2-gradient-wasm';

/** The kernel's name in the TensorFlow.js registry. */
export const L2_GRADIENT = 'DescentLabL2Gradient';

interface L2GradientExports {
  l2Gradient(g: number, w: number, out: number, n: number, scale: number, threshold: number): void;
}

interface Attrs {
  /** 2 * l2. */
  scale: number;
  /** Weights below this in magnitude count as 0: 2^-126 / scale, rounded to float32. */
  threshold: number;
}

function wasmL2Gradient({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { gradient, weights } = inputs as Record<'gradient' | 'weights', tf.TensorInfo>;
  const { scale, threshold } = attrs as unknown as Attrs;
  return runWasmStep<L2GradientExports>(backend, WASM_BASE64, [gradient, weights], [gradient],
    (kernel, [gradientAt, weightsAt, outAt]) => kernel.l2Gradient(
      gradientAt, weightsAt, outAt, tf.util.sizeFromShape(gradient.shape), scale, threshold));
}

/** The wasm kernel's registration, for `installFastKernels`. */
export const l2GradientConfig: tf.KernelConfig = {
  kernelName: L2_GRADIENT,
  backendName: 'wasm',
  kernelFunc: wasmL2Gradient as tf.KernelFunc,
};

/** The same with tf ops, in the kernel's order. */
function l2GradientWithOps(gradient: tf.Tensor, weights: tf.Tensor, { scale, threshold }: Attrs): tf.Tensor {
  return tf.tidy(() => {
    const counted = tf.where(tf.less(tf.abs(weights), threshold), tf.zerosLike(weights), weights);
    return flushDenormals(tf.add(gradient, tf.mul(scale, counted)));
  });
}

/**
 * `gradient + 2 * l2 * weights`, flushed to zero as TensorFlow would (see the module
 * comment). Returns a new tensor, which the caller owns.
 */
export function l2Gradient(gradient: tf.Tensor, weights: tf.Tensor, l2: number): tf.Tensor {
  if (!(l2 > 0 && Number.isFinite(l2))) {
    throw new Error(`l2Gradient: the L2 factor must be a positive number, got ${l2}; leave the penalty out for 0.`);
  }
  const scale = 2 * l2;
  const attrs: Attrs = { scale, threshold: Math.fround(FLOAT32_MIN_NORMAL / scale) };
  const [result] = runFusedStep('l2Gradient', L2_GRADIENT, { weights, gradient }, attrs,
    () => [l2GradientWithOps(gradient, weights, attrs)]);
  return result;
}
