/**
 * One fused RMSprop or Adagrad update per variable: a 323-byte WebAssembly SIMD
 * kernel (rmsprop-step.wat) that reads theta, the mean square s and g straight
 * from the wasm backend's memory and writes the two new tensors in one pass.
 *
 *     s'     = decay * s + squareWeight * g (x) g
 *     theta' = theta - eta * g (/) (sqrt(s') + eps)
 *
 * RMSprop is decay = rho, squareWeight = 1 - rho; Adagrad's running sum of squares
 * is decay = squareWeight = 1 (multiplying by 1 is exact). Written with tf ops this
 * is nine kernels per variable (seven for Adagrad). The kernel performs the same
 * float32 operations in the same order as the RMSprop and Adagrad optimizers' tf
 * ops, so the results agree bit for bit.
 *
 * On other backends, or before `installFastKernels()`, `rmspropStep` computes the
 * same formula with tf ops.
 */
import * as tf from '@tensorflow/tfjs';
import { countedFrom, flushDenormals, underflowThreshold } from './flush-denormals';
import { runFusedStep, runWasmStep } from './fused-step';
import { WASM_BASE64 } from './rmsprop-step-wasm';

/** The kernel's name in the TensorFlow.js registry. */
export const RMSPROP_STEP = 'DescentLabRMSpropStep';

/** The coefficients of one step, for {@link rmspropStep}. */
export interface RMSpropStepCoefficients {
  /** The step size eta. */
  learningRate: number;
  /** The factor on the old mean square: rho for RMSprop, 1 for Adagrad. */
  decay: number;
  /** The factor on the new g (x) g. Defaults to `1 - decay`; Adagrad passes 1. */
  squareWeight?: number;
  /** Added to the square root, outside it. */
  epsilon: number;
}

/** The new values of a variable and its mean square (Adagrad: sum of squares). */
export interface RMSpropStepResult {
  theta: tf.Tensor;
  meanSquare: tf.Tensor;
}

interface RMSpropStepExports {
  rmspropStep(theta: number, s: number, g: number, thetaOut: number, sOut: number, n: number,
    decay: number, squareWeight: number, eta: number, eps: number, forSquare: number, forStep: number): void;
}

type Attrs = Required<RMSpropStepCoefficients>;

/** Below which magnitude g counts as 0 in w g g and in eta g (the product would be denormal; flush-denormals.ts). */
function thresholds(c: Attrs): [number, number] {
  return [Math.fround(Math.sqrt(underflowThreshold(c.squareWeight))), underflowThreshold(c.learningRate)];
}

function wasmRMSpropStep({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { theta, meanSquare, gradient } = inputs as Record<'theta' | 'meanSquare' | 'gradient', tf.TensorInfo>;
  const { learningRate, decay, squareWeight, epsilon } = attrs as unknown as Attrs;
  return runWasmStep<RMSpropStepExports>(backend, WASM_BASE64, [theta, meanSquare, gradient], [theta, meanSquare],
    (kernel, [thetaAt, meanSquareAt, gradientAt, thetaOutAt, meanSquareOutAt]) => kernel.rmspropStep(
      thetaAt, meanSquareAt, gradientAt, thetaOutAt, meanSquareOutAt, tf.util.sizeFromShape(theta.shape),
      decay, squareWeight, learningRate, epsilon, ...thresholds(attrs as unknown as Attrs)));
}

/** The wasm kernel's registration, for `installFastKernels`. */
export const rmspropStepConfig: tf.KernelConfig = {
  kernelName: RMSPROP_STEP,
  backendName: 'wasm',
  kernelFunc: wasmRMSpropStep as tf.KernelFunc,
};

/** The same step with tf ops, in the order the kernel computes it. */
function rmspropStepWithOps(theta: tf.Tensor, s: tf.Tensor, g: tf.Tensor, c: Attrs): tf.Tensor[] {
  return tf.tidy(() => {
    const [forSquare, forStep] = thresholds(c);
    const squared = countedFrom(g, forSquare);
    const newS = flushDenormals(tf.add(tf.mul(c.decay, s), tf.mul(c.squareWeight, tf.mul(squared, squared))));
    const root = tf.add(tf.sqrt(newS), c.epsilon);
    return [flushDenormals(tf.sub(theta, tf.div(tf.mul(c.learningRate, countedFrom(g, forStep)), root))), newS];
  });
}

/**
 * One RMSprop or Adagrad step for one variable (see the module comment for the
 * rule). Returns new tensors, which the caller owns (typically `assign`s and
 * disposes); the inputs are left as they are.
 */
export function rmspropStep(
  theta: tf.Tensor, meanSquare: tf.Tensor, gradient: tf.Tensor, coefficients: RMSpropStepCoefficients,
): RMSpropStepResult {
  const { squareWeight = 1 - coefficients.decay } = coefficients;
  const attrs: Attrs = { ...coefficients, squareWeight };
  const [newTheta, newMeanSquare] = runFusedStep('rmspropStep', RMSPROP_STEP, { theta, meanSquare, gradient },
    attrs, () => rmspropStepWithOps(theta, meanSquare, gradient, attrs));
  return { theta: newTheta, meanSquare: newMeanSquare };
}
