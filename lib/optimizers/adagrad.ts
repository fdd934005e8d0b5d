/**
 * Adagrad: divide each step by the root of the sum of all past squared
 * gradients, so parameters that have moved a lot slow down.
 *
 *     s     <- s + g (x) g
 *     theta <- theta - eta * g (/) (sqrt(s) + eps)
 *
 * The course writes `sqrt(s + eps)`; this class follows what Keras's TF 2.x
 * `Adagrad` computes (`ResourceApplyAdagradV2`): eps outside the square root.
 * TensorFlow.js's `tf.train.adagrad` puts it inside; the difference is at most
 * eps * |g| / s per step. The accumulator starts at 0 as in the course (whose
 * logged results match a zero start), not at the 0.1 of current Keras: pass
 * `initialAccumulatorValue` to change it. Seven tensor ops per variable, or one
 * fused `rmspropStep` kernel (with decay and square weight 1) where the backend
 * has it (wasm), bit for bit the same.
 */
import * as tf from '@tensorflow/tfjs';
import { isFusedKernelAvailable, RMSPROP_STEP, rmspropStep } from '../kernels';
import { CLASS_NAME_PREFIX, DescentOptimizer, FusedUpdate, registerOptimizer } from './base';
import { checkHyperparameter } from './hyperparameters';
import { applyAdaptiveStep } from './parts';

/** Options of {@link adagrad}. */
export interface AdagradOptions {
  /** The step size eta, greater than 0. Defaults to `0.001`. */
  learningRate?: number;
  /** Added to the root of the accumulator to keep the division finite, greater than 0. Defaults to `1e-7`. */
  epsilon?: number;
  /** The value every accumulator entry starts from, at least 0. Defaults to `0`. */
  initialAccumulatorValue?: number;
}

interface AdagradStep {
  learningRate: tf.Scalar;
  epsilon: tf.Scalar;
}

/** Adagrad; see the module comment for the update rule. */
export class Adagrad extends DescentOptimizer<AdagradStep> {
  static className = `${CLASS_NAME_PREFIX}Adagrad`;
  readonly epsilon: number;
  readonly initialAccumulatorValue: number;

  constructor({ learningRate = 0.001, epsilon = 1e-7, initialAccumulatorValue = 0 }: AdagradOptions = {}) {
    super('Adagrad', learningRate, ['accumulator']);
    this.epsilon = checkHyperparameter('Adagrad', 'epsilon', epsilon, 'positive');
    this.initialAccumulatorValue = checkHyperparameter(
      'Adagrad', 'initialAccumulatorValue', initialAccumulatorValue, 'nonNegative');
  }

  protected override initialSlotValue(): number {
    return this.initialAccumulatorValue;
  }

  protected stepCoefficients(): AdagradStep {
    return { learningRate: this.learningRateTensor(), epsilon: this.constant(this.epsilon) };
  }

  protected override fusedUpdate(): FusedUpdate | undefined {
    if (!isFusedKernelAvailable(RMSPROP_STEP)) return undefined;
    // A running sum is a moving average that forgets nothing: s <- 1 * s + 1 * g (x) g, exactly s + g (x) g.
    const coefficients = { learningRate: this.learningRate, decay: 1, squareWeight: 1, epsilon: this.epsilon };
    return (variable, gradient, [accumulator]) => {
      const next = rmspropStep(variable, accumulator, gradient, coefficients);
      return [next.theta, next.meanSquare];
    };
  }

  protected updateVariable(variable: tf.Variable, gradient: tf.Tensor, [accumulator]: tf.Variable[],
    step: AdagradStep): void {
    accumulator.assign(tf.add(accumulator, tf.square(gradient)));
    applyAdaptiveStep(variable, tf.mul(step.learningRate, gradient), accumulator, step.epsilon);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      epsilon: this.epsilon,
      initialAccumulatorValue: this.initialAccumulatorValue,
    };
  }
}
registerOptimizer(Adagrad);

/** Adagrad with the course's defaults (`'Adagrad'`: lr 0.001, eps 1e-7, accumulator from 0). */
export function adagrad(options?: AdagradOptions): Adagrad {
  return new Adagrad(options);
}
