/**
 * Nesterov accelerated gradient (NAG): momentum that looks ahead. The course
 * writes it with the gradient taken at the point momentum is about to carry
 * theta to:
 *
 *     m     <- momentum * m + eta * grad J(theta + momentum * m)  ... (course form)
 *
 * Keras (`SGD(momentum=0.5, nesterov=True)`) and TensorFlow.js use the
 * equivalent form that needs the gradient g at the current point only, and so
 * does this class:
 *
 *     m     <- momentum * m + eta * g
 *     theta <- theta - (momentum * m + eta * g)
 *
 * Six tensor ops per variable (eta * g is computed once and used twice), or one
 * fused `momentumStep` kernel where the backend has it (wasm), bit for bit the same.
 */
import * as tf from '@tensorflow/tfjs';
import { CLASS_NAME_PREFIX, registerOptimizer } from './base';
import { Momentum, MomentumOptions, MomentumStep } from './momentum';

/** Nesterov momentum; see the module comment for the update rule. */
export class Nesterov extends Momentum {
  static override className = `${CLASS_NAME_PREFIX}Nesterov`;
  protected override readonly nesterov = true;

  constructor(options: MomentumOptions = {}) {
    super(options, 'Nesterov');
  }

  protected override updateVariable(variable: tf.Variable, gradient: tf.Tensor,
    [velocity]: tf.Variable[], step: MomentumStep): void {
    const scaledGradient = this.updateVelocity(gradient, velocity, step);
    const lookAheadStep = tf.add(tf.mul(step.momentum, velocity), scaledGradient);
    variable.assign(tf.sub(variable, lookAheadStep));
  }
}
registerOptimizer(Nesterov);

/**
 * Nesterov momentum (Keras's `SGD(momentum=0.5, nesterov=True)`):
 * `m <- momentum*m + eta*g; theta <- theta - (momentum*m + eta*g)`.
 */
export function nesterov(options?: MomentumOptions): Nesterov {
  return new Nesterov(options);
}
