/**
 * One fused momentum update per variable: a 307-byte WebAssembly SIMD kernel
 * (momentum-step.wat) that reads theta, the velocity m and g straight from the
 * wasm backend's memory and writes the two new tensors in one pass.
 *
 *     m'     = momentum * m + eta * g
 *     theta' = theta - m'                              (heavy ball)
 *     theta' = theta - (momentum * m' + eta * g)       (Nesterov)
 *
 * Written with tf ops this is four kernels per variable (six for Nesterov). The
 * kernel performs the same float32 operations in the same order as the Momentum
 * and Nesterov optimizers' tf ops, so the results agree bit for bit.
 *
 * On other backends, or before `installFastKernels()`, `momentumStep` computes the
 * same formula with tf ops.
 */
import * as tf from '@tensorflow/tfjs';
import { countedFrom, flushDenormals, underflowThreshold } from './flush-denormals';
import { runFusedStep, runWasmStep } from './fused-step';
import { WASM_BASE64 } from './momentum-step-wasm';

/** The kernel's name in the TensorFlow.js registry. */
export const MOMENTUM_STEP = 'DescentLabMomentumStep';

/** The coefficients of one step, for {@link momentumStep}. */
export interface MomentumStepCoefficients {
  /** The step size eta. */
  learningRate: number;
  /** How much of the velocity carries over, in [0, 1]. */
  momentum: number;
  /** Whether to step by the look-ahead `momentum * m' + eta * g` instead of m'. Defaults to `false`. */
  nesterov?: boolean;
}

/** The new values of a variable and its velocity. */
export interface MomentumStepResult {
  theta: tf.Tensor;
  velocity: tf.Tensor;
}

interface MomentumStepExports {
  momentumStep(theta: number, m: number, g: number, thetaOut: number, mOut: number, n: number,
    momentum: number, eta: number, nesterov: number, forStep: number): void;
}

type Attrs = Required<MomentumStepCoefficients>;

function wasmMomentumStep({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { theta, velocity, gradient } = inputs as Record<'theta' | 'velocity' | 'gradient', tf.TensorInfo>;
  const { learningRate, momentum, nesterov } = attrs as unknown as Attrs;
  return runWasmStep<MomentumStepExports>(backend, WASM_BASE64, [theta, velocity, gradient], [theta, velocity],
    (kernel, [thetaAt, velocityAt, gradientAt, thetaOutAt, velocityOutAt]) => kernel.momentumStep(
      thetaAt, velocityAt, gradientAt, thetaOutAt, velocityOutAt, tf.util.sizeFromShape(theta.shape),
      momentum, learningRate, nesterov ? 1 : 0, underflowThreshold(learningRate)));
}

/** The wasm kernel's registration, for `installFastKernels`. */
export const momentumStepConfig: tf.KernelConfig = {
  kernelName: MOMENTUM_STEP,
  backendName: 'wasm',
  kernelFunc: wasmMomentumStep as tf.KernelFunc,
};

/** The same step with tf ops, in the order the kernel computes it. */
function momentumStepWithOps(theta: tf.Tensor, m: tf.Tensor, g: tf.Tensor, c: Attrs): tf.Tensor[] {
  return tf.tidy(() => {
    const scaledGradient = tf.mul(c.learningRate, countedFrom(g, underflowThreshold(c.learningRate)));
    const newM = flushDenormals(tf.add(tf.mul(c.momentum, m), scaledGradient));
    const step = c.nesterov ? tf.add(tf.mul(c.momentum, newM), scaledGradient) : newM;
    return [flushDenormals(tf.sub(theta, step)), newM];
  });
}

/**
 * One momentum step for one variable (see the module comment for the rule).
 * Returns new tensors, which the caller owns (typically `assign`s and disposes);
 * the inputs are left as they are.
 */
export function momentumStep(
  theta: tf.Tensor, velocity: tf.Tensor, gradient: tf.Tensor, coefficients: MomentumStepCoefficients,
): MomentumStepResult {
  const attrs: Attrs = { ...coefficients, nesterov: coefficients.nesterov ?? false };
  const [newTheta, newVelocity] = runFusedStep('momentumStep', MOMENTUM_STEP, { theta, velocity, gradient }, attrs,
    () => momentumStepWithOps(theta, velocity, gradient, attrs));
  return { theta: newTheta, velocity: newVelocity };
}
