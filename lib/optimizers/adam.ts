/**
 * Adam: momentum (a moving average m of gradients) divided by a moving root
 * mean square sqrt(v) of gradients, both corrected for starting at zero.
 *
 *     m     <- beta1 * m + (1 - beta1) * g
 *     v     <- beta2 * v + (1 - beta2) * g (x) g
 *     theta <- theta - eta_T * m (/) (sqrt(v) + eps),  eta_T = eta * sqrt(1 - beta2^T) / (1 - beta1^T)
 *
 * This is what Keras's TF 2.x `Adam` computes (`ResourceApplyAdam`). The course
 * writes `eta * m_hat (/) sqrt(s_hat + eps)` with m_hat = m / (1 - beta1^T) and
 * s_hat = v / (1 - beta2^T); the two agree except for where eps sits: Keras's
 * form equals `eta * m_hat (/) (sqrt(s_hat) + eps / sqrt(1 - beta2^T))`, the
 * "epsilon hat" of Kingma and Ba. TensorFlow.js's `tf.train.adam` uses
 * `sqrt(s_hat) + eps`. With eps = 1e-7 the three differ far below float32
 * precision. T counts steps from 1. Twelve tensor ops per variable, or one
 * fused `adamStep` kernel where the backend has it (wasm), bit for bit the same.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_STEP, adamStep, AdamStepCoefficients, isFusedKernelAvailable } from '../kernels';
import { CLASS_NAME_PREFIX, DescentOptimizer, FusedUpdate, registerOptimizer } from './base';
import { checkHyperparameter } from './hyperparameters';
import { applyAdaptiveStep, DecayRate, updateMovingAverage } from './parts';

/** Options of {@link adam} and {@link nadam}. */
export interface AdamOptions {
  /** The step size eta, greater than 0. Defaults to `0.001`. */
  learningRate?: number;
  /** The decay rate of the first moment m (momentum), in [0, 1). Defaults to `0.9`. */
  beta1?: number;
  /** The decay rate of the second moment v (mean square), in [0, 1). Defaults to `0.999`. */
  beta2?: number;
  /** Added to sqrt(v) to keep the division finite, greater than 0. Defaults to `1e-7`. */
  epsilon?: number;
}

/** The decay rates of Adam's two moments, as scalars. */
export interface MomentDecayRates {
  beta1: DecayRate;
  beta2: DecayRate;
}

/**
 * Adam's moment updates, shared with NAdam (7 ops):
 * `m <- beta1 * m + (1 - beta1) * g` and `v <- beta2 * v + (1 - beta2) * g (x) g`.
 */
export function updateMoments(
  gradient: tf.Tensor, [m, v]: tf.Variable[], { beta1, beta2 }: MomentDecayRates): void {
  updateMovingAverage(m, gradient, beta1);
  updateMovingAverage(v, tf.square(gradient), beta2);
}

/** What Adam computes once per step for every variable's update (AdamW reuses it). */
export interface AdamStep {
  moments: MomentDecayRates;
  /** eta_T = eta * sqrt(1 - beta2^T) / (1 - beta1^T). */
  stepSize: tf.Scalar;
  epsilon: tf.Scalar;
}

/**
 * Adam's update of one variable and its moments `[m, v]` as one `adamStep` kernel,
 * or undefined where the kernel is not installed. NAdam uses it with its own coefficients.
 */
export function fusedAdamUpdate(coefficients: AdamStepCoefficients): FusedUpdate | undefined {
  if (!isFusedKernelAvailable(ADAM_STEP)) return undefined;
  const update = (variable: tf.Tensor, gradient: tf.Tensor, [m, v]: tf.Tensor[]) => {
    const next = adamStep(variable, m, v, gradient, coefficients);
    return [next.theta, next.m, next.v];
  };
  return Object.assign(update, {
    withL2: (variable: tf.Tensor, gradient: tf.Tensor, [m, v]: tf.Tensor[], l2: number) => {
      const next = adamStep(variable, m, v, gradient, { ...coefficients, l2 });
      return { values: [next.theta, next.m, next.v], squares: next.squares! };
    },
  });
}

/** Adam; see the module comment for the update rule. */
export class Adam extends DescentOptimizer<AdamStep> {
  static className = `${CLASS_NAME_PREFIX}Adam`;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  /** @param label The name in messages: `'Adam'`, or `'AdamW'` for the subclass. */
  constructor({ learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 }: AdamOptions = {}, label = 'Adam') {
    super(label, learningRate, ['m', 'v']);
    this.beta1 = checkHyperparameter(label, 'beta1', beta1, 'decayRate');
    this.beta2 = checkHyperparameter(label, 'beta2', beta2, 'decayRate');
    this.epsilon = checkHyperparameter(label, 'epsilon', epsilon, 'positive');
  }

  /** eta_T = eta * sqrt(1 - beta2^T) / (1 - beta1^T), in float64. */
  private stepSize(step: number): number {
    const biasCorrection = Math.sqrt(1 - this.beta2 ** step) / (1 - this.beta1 ** step);
    return this.learningRate * biasCorrection;
  }

  protected stepCoefficients(step: number): AdamStep {
    return {
      moments: { beta1: this.decayRate(this.beta1), beta2: this.decayRate(this.beta2) },
      stepSize: tf.scalar(this.stepSize(step)),
      epsilon: this.constant(this.epsilon),
    };
  }

  protected override fusedUpdate(step: number): FusedUpdate | undefined {
    return fusedAdamUpdate({
      beta1: this.beta1, beta2: this.beta2, momentumScale: this.stepSize(step), epsilon: this.epsilon,
    });
  }

  protected updateVariable(variable: tf.Variable, gradient: tf.Tensor, slots: tf.Variable[],
    step: AdamStep): void {
    updateMoments(gradient, slots, step.moments);
    const [m, v] = slots;
    applyAdaptiveStep(variable, tf.mul(step.stepSize, m), v, step.epsilon);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
registerOptimizer(Adam);

/** Adam with Keras's defaults (`'Adam'`: lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7). */
export function adam(options?: AdamOptions): Adam {
  return new Adam(options);
}
