/**
 * SGD with (heavy-ball) momentum: the step is a running sum of past gradients,
 * each older one weighted down by `momentum`.
 *
 *     m     <- momentum * m + eta * g
 *     theta <- theta - m
 *
 * This is Keras's form (`SGD(learning_rate=0.01, momentum=0.5)`, whose slot
 * holds -m), with the learning rate inside the sum. TensorFlow.js's
 * `tf.train.momentum` keeps eta outside (`a <- momentum * a + g`,
 * `theta <- theta - eta * a`): the two agree while eta is constant and differ
 * only in how fast a change of eta takes effect. Four tensor ops per variable,
 * or one fused `momentumStep` kernel where the backend has it (wasm), bit for
 * bit the same.
 */
import * as tf from '@tensorflow/tfjs';
import { isFusedKernelAvailable, MOMENTUM_STEP, momentumStep } from '../kernels';
import { CLASS_NAME_PREFIX, DescentOptimizer, FusedUpdate, registerOptimizer } from './base';
import { checkHyperparameter } from './hyperparameters';

/** Options of {@link momentum} and {@link nesterov}. */
export interface MomentumOptions {
  /** The step size eta, greater than 0. Defaults to `0.01`. */
  learningRate?: number;
  /** How much of the previous step carries into the next, in [0, 1]. Defaults to `0.5`. */
  momentum?: number;
}

/** What one step of momentum needs: eta and the momentum coefficient as scalars. */
export interface MomentumStep {
  learningRate: tf.Scalar;
  momentum: tf.Scalar;
}

/** SGD with momentum; see the module comment for the update rule. */
export class Momentum extends DescentOptimizer<MomentumStep> {
  static className = `${CLASS_NAME_PREFIX}Momentum`;
  readonly momentum: number;
  /** Whether the step looks ahead (Nesterov) instead of following the velocity. */
  protected readonly nesterov: boolean = false;

  /**
   * @param options The hyperparameters; see {@link MomentumOptions}.
   * @param label For subclasses: the name error messages use. Defaults to `'Momentum'`.
   */
  constructor({ learningRate = 0.01, momentum = 0.5 }: MomentumOptions = {}, label = 'Momentum') {
    super(label, learningRate, ['momentum']);
    this.momentum = checkHyperparameter(label, 'momentum', momentum, 'momentum');
  }

  protected stepCoefficients(): MomentumStep {
    return { learningRate: this.learningRateTensor(), momentum: this.constant(this.momentum) };
  }

  protected override fusedUpdate(): FusedUpdate | undefined {
    if (!isFusedKernelAvailable(MOMENTUM_STEP)) return undefined;
    const coefficients = { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
    return (variable, gradient, [velocity]) => {
      const next = momentumStep(variable, velocity, gradient, coefficients);
      return [next.theta, next.velocity];
    };
  }

  /** Updates the velocity m in place and returns eta * g, which Nesterov reuses. */
  protected updateVelocity(gradient: tf.Tensor, velocity: tf.Variable, step: MomentumStep): tf.Tensor {
    const scaledGradient = tf.mul(step.learningRate, gradient);
    velocity.assign(tf.add(tf.mul(step.momentum, velocity), scaledGradient));
    return scaledGradient;
  }

  protected updateVariable(variable: tf.Variable, gradient: tf.Tensor, [velocity]: tf.Variable[],
    step: MomentumStep): void {
    this.updateVelocity(gradient, velocity, step);
    variable.assign(tf.sub(variable, velocity));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, momentum: this.momentum };
  }
}
registerOptimizer(Momentum);

/** SGD with momentum (Keras's `SGD(momentum=0.5)`): `m <- momentum*m + eta*g; theta <- theta - m`. */
export function momentum(options?: MomentumOptions): Momentum {
  return new Momentum(options);
}
