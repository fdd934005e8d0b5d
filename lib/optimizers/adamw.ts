/**
 * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, ICLR 2019), as Keras 3's
 * `AdamW` computes it. Each step first shrinks every weight towards 0 by the fraction
 * eta * lambda, then takes Adam's step with the gradient of the loss alone:
 *
 *     theta <- theta - eta * lambda * theta                     (the decay, before the step)
 *     m     <- beta1 * m + (1 - beta1) * g
 *     v     <- beta2 * v + (1 - beta2) * g (x) g
 *     theta <- theta - eta_T * m (/) (sqrt(v) + eps),  eta_T = eta * sqrt(1 - beta2^T) / (1 - beta1^T)
 *
 * Why it is not L2: an L2 penalty (lambda/2) |theta|^2 in the loss adds lambda * theta to g,
 * and Adam then divides that by sqrt(v) like the rest of the gradient, so a weight whose loss
 * gradient is small (a rarely lit input pixel) is decayed strongly and one with large gradients
 * hardly at all. Here the decay never enters m or v: every weight loses the same fraction
 * eta * lambda per step, whatever its gradients.
 *
 * Which weights decay: all of them, kernels and biases, as Keras does by default (its
 * `exclude_from_weight_decay` is empty unless you fill it). The biases are 138 of the course
 * network's 101,770 weights, so this hardly matters, but note that the course's L2 penalizes
 * the two kernels only. eta is the learning rate of the step, so a schedule scales the decay too,
 * as in Keras. Keras's `amsgrad` option is not offered (its default, false, is what this does).
 *
 * The decay is two tensor ops per variable (theta - theta * (eta * lambda), with eta * lambda
 * taken in float64 and rounded once); Adam's step after it is Adam's own: twelve ops, or the
 * fused `adamStep` kernel where the backend has it.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam, AdamOptions, AdamStep } from './adam';
import { CLASS_NAME_PREFIX, FusedUpdate, registerOptimizer } from './base';
import { checkHyperparameter } from './hyperparameters';

/** Options of {@link adamw}: Adam's, and the decay rate. */
export interface AdamWOptions extends AdamOptions {
  /** lambda: the fraction of each weight removed per step is learningRate * weightDecay. At least 0. Defaults to `0.004` (Keras). */
  weightDecay?: number;
}

/** AdamW; see the module comment for the update rule. */
export class AdamW extends Adam {
  static override className = `${CLASS_NAME_PREFIX}AdamW`;
  readonly weightDecay: number;

  constructor({ weightDecay = 0.004, ...adamOptions }: AdamWOptions = {}) {
    super(adamOptions, 'AdamW');
    this.weightDecay = checkHyperparameter('AdamW', 'weightDecay', weightDecay, 'nonNegative');
  }

  /** theta - theta * (eta * lambda): the decay, before Adam's step. */
  private decayed(variable: tf.Tensor): tf.Tensor {
    return tf.sub(variable, tf.mul(variable, tf.scalar(this.learningRate * this.weightDecay)));
  }

  protected override fusedUpdate(step: number): FusedUpdate | undefined {
    const adamUpdate = super.fusedUpdate(step);
    if (adamUpdate === undefined) return undefined;
    // No `withL2`: an L2 penalty's gradient must be taken at the weights before the decay,
    // so the base class adds it to the gradient beforehand, as Keras's loss would.
    return (variable, gradient, slots) => adamUpdate(this.decayed(variable), gradient, slots);
  }

  protected override updateVariable(variable: tf.Variable, gradient: tf.Tensor, slots: tf.Variable[],
    step: AdamStep): void {
    variable.assign(this.decayed(variable));
    super.updateVariable(variable, gradient, slots, step);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}
registerOptimizer(AdamW);

/** AdamW with Keras 3's defaults (`'AdamW'`: lr 0.001, weight decay 0.004, beta1 0.9, beta2 0.999, eps 1e-7). */
export function adamw(options?: AdamWOptions): AdamW {
  return new AdamW(options);
}
