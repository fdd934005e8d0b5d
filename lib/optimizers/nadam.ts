/**
 * NAdam (Dozat 2016): Adam whose momentum step looks ahead, Nesterov style, in
 * the form of Keras's TF 2.x `Nadam` and PyTorch's `NAdam`. The momentum
 * coefficient follows a warm-up schedule,
 *
 *     mu_T = beta1 * (1 - 0.5 * 0.96^(0.004 * T)),   P_T = mu_1 * ... * mu_T,
 *
 * and each step is
 *
 *     m     <- beta1 * m + (1 - beta1) * g
 *     v     <- beta2 * v + (1 - beta2) * g (x) g
 *     m_hat  = mu_{T+1} * m / (1 - P_T * mu_{T+1}) + (1 - mu_T) * g / (1 - P_T)
 *     v_hat  = v / (1 - beta2^T)
 *     theta <- theta - eta * m_hat (/) (sqrt(v_hat) + eps)
 *
 * Newer Keras releases drop the 0.004; the course's Keras had it, so it stays.
 *
 * To save tensor ops, the per-step numbers are folded together in float64
 * before they become scalars. With c = sqrt(1 - beta2^T), sqrt(v_hat) is
 * sqrt(v) / c, and multiplying top and bottom by c gives the same update:
 *
 *     theta <- theta - (a * g + b * m) (/) (sqrt(v) + c * eps),
 *     a = eta * c * (1 - mu_T) / (1 - P_T),   b = eta * c * mu_{T+1} / (1 - P_T * mu_{T+1}).
 *
 * The moments are Adam's (`updateMoments`); 14 tensor ops per variable, or one
 * fused `adamStep` kernel where the backend has it (wasm): with cm = b, cg = a,
 * cv = 1 and eps c * eps, its arithmetic is this, bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedAdamUpdate, updateMoments, AdamOptions, MomentDecayRates } from './adam';
import { CLASS_NAME_PREFIX, DescentOptimizer, FusedUpdate, registerOptimizer } from './base';
import { checkHyperparameter } from './hyperparameters';
import { applyAdaptiveStep } from './parts';

/** Options of {@link nadam}: the same as Adam's. */
export type NAdamOptions = AdamOptions;

/** The 0.004 in Dozat's momentum schedule, as the course's Keras (TF 2.x `Nadam`) had it. */
export const MOMENTUM_SCHEDULE_DECAY = 0.004;

/** The scheduled momentum coefficient mu_T = beta1 * (1 - 0.5 * 0.96^(0.004 * T)). */
export function scheduledMomentum(beta1: number, step: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (MOMENTUM_SCHEDULE_DECAY * step));
}

/** The per-step numbers a, b and c * eps of the module comment, in float64. */
interface FoldedCoefficients {
  /** a: the weight of the current gradient. */
  gradientWeight: number;
  /** b: the weight of the first moment. */
  momentWeight: number;
  /** c * eps. */
  epsilon: number;
}

interface NAdamStep {
  moments: MomentDecayRates;
  gradientWeight: tf.Scalar;
  momentWeight: tf.Scalar;
  epsilon: tf.Scalar;
}

/** NAdam; see the module comment for the update rule. */
export class NAdam extends DescentOptimizer<NAdamStep> {
  static className = `${CLASS_NAME_PREFIX}NAdam`;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** P_T for T = `productStep`, kept from step to step (Keras keeps it in `m_cache`). */
  private momentumProduct = 1;
  private productStep = 0;

  constructor({ learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 }: NAdamOptions = {}) {
    super('NAdam', learningRate, ['m', 'v']);
    this.beta1 = checkHyperparameter('NAdam', 'beta1', beta1, 'decayRate');
    this.beta2 = checkHyperparameter('NAdam', 'beta2', beta2, 'decayRate');
    this.epsilon = checkHyperparameter('NAdam', 'epsilon', epsilon, 'positive');
  }

  /** P_T; recomputed from scratch if steps were skipped (after `setWeights`, say). */
  private momentumProductThrough(step: number): number {
    if (this.productStep !== step - 1) {
      this.momentumProduct = 1;
      for (let t = 1; t < step; t++) this.momentumProduct *= scheduledMomentum(this.beta1, t);
    }
    this.momentumProduct *= scheduledMomentum(this.beta1, step);
    this.productStep = step;
    return this.momentumProduct;
  }

  /** a, b and c * eps for step T; advances P_T, so call it once per step. */
  private foldedCoefficients(step: number): FoldedCoefficients {
    const mu = scheduledMomentum(this.beta1, step);
    const muNext = scheduledMomentum(this.beta1, step + 1);
    const product = this.momentumProductThrough(step);
    const c = Math.sqrt(1 - this.beta2 ** step);
    return {
      gradientWeight: this.learningRate * c * (1 - mu) / (1 - product),
      momentWeight: this.learningRate * c * muNext / (1 - product * muNext),
      epsilon: c * this.epsilon,
    };
  }

  protected stepCoefficients(step: number): NAdamStep {
    const { gradientWeight, momentWeight, epsilon } = this.foldedCoefficients(step);
    return {
      moments: { beta1: this.decayRate(this.beta1), beta2: this.decayRate(this.beta2) },
      gradientWeight: tf.scalar(gradientWeight),
      momentWeight: tf.scalar(momentWeight),
      epsilon: tf.scalar(epsilon),
    };
  }

  protected override fusedUpdate(step: number): FusedUpdate | undefined {
    const { gradientWeight, momentWeight, epsilon } = this.foldedCoefficients(step);
    // theta - (b * m' + a * g) / (sqrt(v') + c * eps): the sum is a * g + b * m' reordered, which is exact.
    return fusedAdamUpdate({
      beta1: this.beta1, beta2: this.beta2, momentumScale: momentWeight, gradientScale: gradientWeight, epsilon,
    });
  }

  protected updateVariable(variable: tf.Variable, gradient: tf.Tensor, slots: tf.Variable[],
    step: NAdamStep): void {
    updateMoments(gradient, slots, step.moments);
    const [m, v] = slots;
    const lookAhead = tf.add(tf.mul(step.gradientWeight, gradient), tf.mul(step.momentWeight, m));
    applyAdaptiveStep(variable, lookAhead, v, step.epsilon);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
registerOptimizer(NAdam);

/** NAdam with Keras's defaults (`'Nadam'`: lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7). */
export function nadam(options?: NAdamOptions): NAdam {
  return new NAdam(options);
}
