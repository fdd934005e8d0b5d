/**
 * One fused Adam-family update per variable: a 440-byte WebAssembly SIMD kernel
 * (adam-step.wat) that reads theta, m, v and g straight from the wasm backend's
 * memory and writes the three new tensors in one pass.
 *
 *     m'     = beta1 * m + (1 - beta1) * g
 *     v'     = beta2 * v + (1 - beta2) * g (x) g
 *     theta' = theta - (cm * m' + cg * g) (/) (sqrt(cv * v') + eps)
 *
 * Adam in Keras's form is cm = eta_T, cg = 0, cv = 1. NAdam needs cg; the NAdam
 * optimizer folds its bias correction into cm, cg and eps and keeps cv = 1, which
 * makes the kernel's arithmetic exactly its tf-ops form (see nadam.ts).
 * Written with tf ops this is twelve kernels per variable, each a trip through the
 * engine and a pass over memory; fused, the whole 101,770-parameter course network
 * updates in a quarter to a tenth of the CPU time, depending on the machine's load
 * (scripts/bench-optimizers.ts). The kernel performs the same float32
 * operations in the same order as the tf-ops form, so results agree to rounding
 * (bit for bit where cv = 1).
 *
 * Denormal floats are flushed to zero as TensorFlow's CPU kernels do, and never
 * made: an operand whose product would be denormal counts as 0 (see flush-denormals.ts).
 *
 * On other backends, or before `installFastKernels()`, `adamStep` computes the
 * same formula with tf ops, flushing likewise.
 */
import * as tf from '@tensorflow/tfjs';
import { WASM_BASE64 } from './adam-step-wasm';
import { l2Gradient } from './add-scaled';
import { countedFrom, flushDenormals, underflowThreshold } from './flush-denormals';
import { sumOfSquares } from './l2-gradient';
import { runFusedStep, runWasmStep } from './fused-step';

/** The kernels' names in the TensorFlow.js registry: the step, and the step with an L2 penalty folded in. */
export const ADAM_STEP = 'DescentLabAdamStep';
export const ADAM_STEP_WITH_L2 = 'DescentLabAdamStepWithL2';

/** The coefficients of one step, for {@link adamStep}. */
export interface AdamStepCoefficients {
  /** Decay rate of the first moment m, in [0, 1). */
  beta1: number;
  /** Decay rate of the second moment v, in [0, 1). */
  beta2: number;
  /** cm, the factor on the new first moment: eta_T for Adam. */
  momentumScale: number;
  /** cg, the factor on the raw gradient (NAdam's look-ahead). Defaults to `0`. */
  gradientScale?: number;
  /** cv, the factor on v under the square root (a bias correction). Defaults to `1`. */
  secondMomentScale?: number;
  /** Added to the square root, outside it. */
  epsilon: number;
  /**
   * An L2 penalty `l2 * sum(theta^2)` on the variable: its gradient 2 * l2 * theta is added to g
   * first, as `l2Gradient` adds it, and the result carries sum(theta^2) for the loss. Defaults to
   * `0` (none). Folded in, theta is read once per step instead of three times.
   */
  l2?: number;
}

/** The new values of a variable and its two moments (and, with an L2 penalty, sum(theta^2) before the step). */
export interface AdamStepResult {
  theta: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
  squares?: tf.Scalar;
}

interface AdamStepExports {
  adamStep(theta: number, m: number, v: number, g: number, thetaOut: number, mOut: number, vOut: number,
    n: number, ...coefficientsThenThresholds: number[]): void;
  adamStepWithL2(theta: number, m: number, v: number, g: number, thetaOut: number, mOut: number, vOut: number,
    n: number, ...coefficientsThenSquaresOut: number[]): void;
}

/**
 * Below which magnitude g counts as 0 in (1 - beta1) g, in (1 - beta2) g g and in cg g, and m' in
 * cm m' (the product would be denormal; see flush-denormals.ts), in the kernel's parameter order.
 */
function thresholds(c: Attrs): [number, number, number, number] {
  return [
    underflowThreshold(1 - c.beta1),
    Math.fround(Math.sqrt(underflowThreshold(1 - c.beta2))),
    underflowThreshold(c.momentumScale),
    underflowThreshold(c.gradientScale),
  ];
}

type Attrs = Required<AdamStepCoefficients>;

type Inputs = Record<'theta' | 'm' | 'v' | 'gradient', tf.TensorInfo>;

/** The step's scalar arguments, in the kernels' parameter order. */
function scalars(c: Attrs): number[] {
  return [c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2, c.momentumScale, c.gradientScale, c.secondMomentScale, c.epsilon,
    ...thresholds(c)];
}

function wasmAdamStep({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { theta, m, v, gradient } = inputs as Inputs;
  return runWasmStep<AdamStepExports>(backend, WASM_BASE64, [theta, m, v, gradient], [theta, m, v],
    (kernel, [thetaAt, mAt, vAt, gradientAt, thetaOutAt, mOutAt, vOutAt]) => kernel.adamStep(
      thetaAt, mAt, vAt, gradientAt, thetaOutAt, mOutAt, vOutAt, tf.util.sizeFromShape(theta.shape),
      ...scalars(attrs as unknown as Attrs)));
}

function wasmAdamStepWithL2({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { theta, m, v, gradient } = inputs as Inputs;
  const c = attrs as unknown as Attrs;
  return runWasmStep<AdamStepExports>(backend, WASM_BASE64, [theta, m, v, gradient], [theta, m, v, { shape: [] }],
    (kernel, [thetaAt, mAt, vAt, gradientAt, thetaOutAt, mOutAt, vOutAt, squaresAt]) => kernel.adamStepWithL2(
      thetaAt, mAt, vAt, gradientAt, thetaOutAt, mOutAt, vOutAt, tf.util.sizeFromShape(theta.shape),
      ...scalars(c), 2 * c.l2, underflowThreshold(2 * c.l2), squaresAt));
}

/** The wasm kernels' registrations, for `installFastKernels`. */
export const adamStepConfigs: tf.KernelConfig[] = [
  { kernelName: ADAM_STEP, backendName: 'wasm', kernelFunc: wasmAdamStep as tf.KernelFunc },
  { kernelName: ADAM_STEP_WITH_L2, backendName: 'wasm', kernelFunc: wasmAdamStepWithL2 as tf.KernelFunc },
];

/** The same step with tf ops, in the order the kernel computes it, masking and flushing where it does. */
function adamStepWithOps(theta: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, c: Attrs): tf.Tensor[] {
  return tf.tidy(() => {
    const [forMomentum, forSquare, forStep, forLookAhead] = thresholds(c);
    const squared = countedFrom(g, forSquare);
    const newM = flushDenormals(tf.add(tf.mul(c.beta1, m), tf.mul(1 - c.beta1, countedFrom(g, forMomentum))));
    const newV = flushDenormals(tf.add(tf.mul(c.beta2, v), tf.mul(1 - c.beta2, tf.mul(squared, squared))));
    const numerator = tf.add(tf.mul(c.momentumScale, countedFrom(newM, forStep)), tf.mul(c.gradientScale, countedFrom(g, forLookAhead)));
    const newTheta = flushDenormals(tf.sub(theta, tf.div(numerator, tf.add(tf.sqrt(tf.mul(c.secondMomentScale, newV)), c.epsilon))));
    return [newTheta, newM, newV];
  });
}

/**
 * One Adam-family step for one variable (see the module comment for the rule).
 * Returns new tensors, which the caller owns (typically `assign`s and disposes);
 * the inputs are left as they are.
 */
export function adamStep(
  theta: tf.Tensor, m: tf.Tensor, v: tf.Tensor, gradient: tf.Tensor, coefficients: AdamStepCoefficients,
): AdamStepResult {
  const { gradientScale = 0, secondMomentScale = 1, l2 = 0 } = coefficients;
  const attrs: Attrs = { ...coefficients, gradientScale, secondMomentScale, l2 };
  if (!(l2 >= 0 && Number.isFinite(l2))) {
    throw new Error(`adamStep: the L2 factor must be a finite number of at least 0, got ${l2}.`);
  }
  if (l2 === 0) {
    const [newTheta, newM, newV] = runFusedStep('adamStep', ADAM_STEP, { theta, m, v, gradient }, attrs,
      () => adamStepWithOps(theta, m, v, gradient, attrs));
    return { theta: newTheta, m: newM, v: newV };
  }
  const [newTheta, newM, newV, squares] = runFusedStep('adamStep', ADAM_STEP_WITH_L2, { theta, m, v, gradient }, attrs,
    () => tf.tidy(() => [...adamStepWithOps(theta, m, v, l2Gradient(gradient, theta, l2), attrs), sumOfSquares(theta)]));
  return { theta: newTheta, m: newM, v: newV, squares: squares as tf.Scalar };
}
