/**
 * y + scale * x as one WebAssembly SIMD kernel (add-scaled.wat) on wasm, with
 * TensorFlow's flush-to-zero made explicit: an x so small that scale * x would be
 * denormal counts as 0, and a denormal sum is 0. Two updates are this shape:
 *
 *     sgdStep(theta, g, eta)       = theta - eta * g          plain SGD's step (two tf ops)
 *     l2Gradient(g, w, l2)         = g + 2 * l2 * w           an L2 penalty's gradient added (two tf ops)
 *
 * Why x is masked before the product rather than the product flushed after it:
 * under an L2 penalty the weights of always-black border pixels decay until they
 * are tiny, and a weight that stays where 2 * l2 * w is denormal would make that
 * product cost a microcode assist at every step on Intel CPUs (see flush-denormals.ts).
 *
 * On other backends, or before `installFastKernels()`, the same is computed with
 * tf ops, bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { WASM_BASE64 } from './add-scaled-wasm';
import { countedFrom, flushDenormals, underflowThreshold } from './flush-denormals';
import { runFusedStep, runWasmStep } from './fused-step';

/** The kernel's name in the TensorFlow.js registry. */
export const ADD_SCALED = 'DescentLabAddScaled';

interface AddScaledExports {
  addScaled(y: number, x: number, out: number, n: number, scale: number, threshold: number): void;
}

interface Attrs {
  scale: number;
  /** Values of x below this in magnitude count as 0: 2^-126 / |scale|, rounded to float32. */
  threshold: number;
}

function wasmAddScaled({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { y, x } = inputs as Record<'y' | 'x', tf.TensorInfo>;
  const { scale, threshold } = attrs as unknown as Attrs;
  return runWasmStep<AddScaledExports>(backend, WASM_BASE64, [y, x], [y],
    (kernel, [yAt, xAt, outAt]) => kernel.addScaled(yAt, xAt, outAt, tf.util.sizeFromShape(y.shape), scale, threshold));
}

/** The wasm kernel's registration, for `installFastKernels`. */
export const addScaledConfig: tf.KernelConfig = {
  kernelName: ADD_SCALED,
  backendName: 'wasm',
  kernelFunc: wasmAddScaled as tf.KernelFunc,
};

/** The same with tf ops, in the kernel's order. */
function addScaledWithOps(y: tf.Tensor, x: tf.Tensor, { scale, threshold }: Attrs): tf.Tensor {
  return tf.tidy(() => {
    return flushDenormals(tf.add(y, tf.mul(scale, countedFrom(x, threshold))));
  });
}

/**
 * `y + scale * x`, flushed to zero as TensorFlow would (see the module comment), for
 * float32 tensors of one shape. Returns a new tensor, which the caller owns.
 */
export function addScaled(y: tf.Tensor, x: tf.Tensor, scale: number): tf.Tensor {
  if (!Number.isFinite(scale) || scale === 0) {
    throw new Error(`addScaled: the scale must be a finite number other than 0, got ${scale}.`);
  }
  const attrs: Attrs = { scale, threshold: underflowThreshold(scale) };
  const [result] = runFusedStep('addScaled', ADD_SCALED, { y, x }, attrs, () => [addScaledWithOps(y, x, attrs)]);
  return result;
}

/** theta - eta * g: plain SGD's step, flushed to zero as TensorFlow would. */
export function sgdStep(theta: tf.Tensor, gradient: tf.Tensor, learningRate: number): tf.Tensor {
  return addScaled(theta, gradient, -learningRate);
}

/** gradient + 2 * l2 * weights: the gradient of the penalty `l2 * sum(w^2)` added, flushed to zero as TensorFlow would. */
export function l2Gradient(gradient: tf.Tensor, weights: tf.Tensor, l2: number): tf.Tensor {
  if (!(l2 > 0 && Number.isFinite(l2))) {
    throw new Error(`l2Gradient: the L2 factor must be a positive number, got ${l2}; leave the penalty out for 0.`);
  }
  return addScaled(gradient, weights, 2 * l2);
}
