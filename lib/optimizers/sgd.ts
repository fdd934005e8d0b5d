/**
 * Plain stochastic gradient descent: a step against the gradient.
 *
 *     theta <- theta - eta * g
 *
 * Keras: `tf.keras.optimizers.SGD(learning_rate=0.01)` with no momentum.
 * Two tensor ops per variable and no state, or one fused `sgdStep` kernel where
 * the backend has it (wasm), which flushes denormals to zero as TensorFlow does.
 */
import * as tf from '@tensorflow/tfjs';
import { ADD_SCALED, isFusedKernelAvailable, sgdStep } from '../kernels';
import { CLASS_NAME_PREFIX, DescentOptimizer, FusedUpdate, registerOptimizer } from './base';

/** Options of {@link sgd}. */
export interface SGDOptions {
  /** The step size eta, greater than 0. Defaults to `0.01`. */
  learningRate?: number;
}

/** Plain SGD; see the module comment for the update rule. */
export class SGD extends DescentOptimizer<tf.Scalar> {
  static className = `${CLASS_NAME_PREFIX}SGD`;

  constructor({ learningRate = 0.01 }: SGDOptions = {}) {
    super('SGD', learningRate);
  }

  protected stepCoefficients(): tf.Scalar {
    return this.learningRateTensor();
  }

  protected override fusedUpdate(): FusedUpdate | undefined {
    if (!isFusedKernelAvailable(ADD_SCALED)) return undefined;
    const eta = this.learningRate;
    return (variable, gradient) => [sgdStep(variable, gradient, eta)];
  }

  protected updateVariable(variable: tf.Variable, gradient: tf.Tensor, _slots: tf.Variable[],
    learningRate: tf.Scalar): void {
    variable.assign(tf.sub(variable, tf.mul(learningRate, gradient)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate };
  }
}
registerOptimizer(SGD);

/** Plain SGD (Keras's `'SGD'`): `theta <- theta - eta * g`. */
export function sgd(options?: SGDOptions): SGD {
  return new SGD(options);
}
