/**
 * RMSprop: divide each step by a moving root-mean-square of recent gradients,
 * so that every parameter moves at a similar pace whatever its gradient scale.
 *
 *     s     <- rho * s + (1 - rho) * g (x) g
 *     theta <- theta - eta * g (/) (sqrt(s) + eps)
 *
 * The course writes `sqrt(s + eps)`; this class follows what Keras's TF 2.x
 * `RMSprop` (without momentum, the default) actually computes: eps outside the
 * square root. TensorFlow.js's `tf.train.rmsprop` puts it inside. The two
 * differ by at most eps * |g| / s per step, far below float32 precision when
 * eps = 1e-7. Nine tensor ops per variable, or one fused `rmspropStep` kernel
 * where the backend has it (wasm), bit for bit the same.
 */
import * as tf from '@tensorflow/tfjs';
import { isFusedKernelAvailable, RMSPROP_STEP, rmspropStep } from '../kernels';
import { CLASS_NAME_PREFIX, DescentOptimizer, FusedUpdate, registerOptimizer } from './base';
import { checkHyperparameter } from './hyperparameters';
import { applyAdaptiveStep, DecayRate, updateMovingAverage } from './parts';

/** Options of {@link rmsprop}. */
export interface RMSpropOptions {
  /** The step size eta, greater than 0. Defaults to `0.001`. */
  learningRate?: number;
  /** The decay rate of the mean square of gradients, in [0, 1). Defaults to `0.9`. */
  rho?: number;
  /** Added to the root mean square to keep the division finite, greater than 0. Defaults to `1e-7`. */
  epsilon?: number;
}

interface RMSpropStep {
  learningRate: tf.Scalar;
  rho: DecayRate;
  epsilon: tf.Scalar;
}

/** RMSprop; see the module comment for the update rule. */
export class RMSprop extends DescentOptimizer<RMSpropStep> {
  static className = `${CLASS_NAME_PREFIX}RMSprop`;
  readonly rho: number;
  readonly epsilon: number;

  constructor({ learningRate = 0.001, rho = 0.9, epsilon = 1e-7 }: RMSpropOptions = {}) {
    super('RMSprop', learningRate, ['rms']);
    this.rho = checkHyperparameter('RMSprop', 'rho', rho, 'decayRate');
    this.epsilon = checkHyperparameter('RMSprop', 'epsilon', epsilon, 'positive');
  }

  protected stepCoefficients(): RMSpropStep {
    return {
      learningRate: this.learningRateTensor(),
      rho: this.decayRate(this.rho),
      epsilon: this.constant(this.epsilon),
    };
  }

  protected override fusedUpdate(): FusedUpdate | undefined {
    if (!isFusedKernelAvailable(RMSPROP_STEP)) return undefined;
    const coefficients = { learningRate: this.learningRate, decay: this.rho, epsilon: this.epsilon };
    return (variable, gradient, [meanSquare]) => {
      const next = rmspropStep(variable, meanSquare, gradient, coefficients);
      return [next.theta, next.meanSquare];
    };
  }

  protected updateVariable(variable: tf.Variable, gradient: tf.Tensor, [meanSquare]: tf.Variable[],
    step: RMSpropStep): void {
    updateMovingAverage(meanSquare, tf.square(gradient), step.rho);
    applyAdaptiveStep(variable, tf.mul(step.learningRate, gradient), meanSquare, step.epsilon);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}
registerOptimizer(RMSprop);

/** RMSprop with Keras's defaults (`'RMSprop'`: lr 0.001, rho 0.9, eps 1e-7). */
export function rmsprop(options?: RMSpropOptions): RMSprop {
  return new RMSprop(options);
}
