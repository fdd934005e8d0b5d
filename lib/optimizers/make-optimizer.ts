/**
 * Builds an optimizer from its name, as Keras's `compile(optimizer='Adam')`
 * does, but with the course's (Keras's) defaults rather than TensorFlow.js's.
 */
import { adagrad, AdagradOptions } from './adagrad';
import { adam, AdamOptions } from './adam';
import { DescentOptimizer } from './base';
import { momentum, MomentumOptions } from './momentum';
import { nadam } from './nadam';
import { nesterov } from './nesterov';
import { rmsprop, RMSpropOptions } from './rmsprop';
import { sgd } from './sgd';

/** The seven optimizers of the course, in the order its comparison trains them. */
export const OPTIMIZER_NAMES = ['SGD', 'Momentum', 'Nesterov', 'RMSprop', 'Adagrad', 'Adam', 'NAdam'] as const;

/** One of {@link OPTIMIZER_NAMES}. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Every option any of the seven takes; each optimizer accepts only its own. */
export type OptimizerOptions = MomentumOptions & RMSpropOptions & AdagradOptions & AdamOptions;

const FACTORIES: Record<Lowercase<OptimizerName>, (options: OptimizerOptions) => DescentOptimizer> = {
  sgd,
  momentum,
  nesterov,
  rmsprop,
  adagrad,
  adam,
  nadam,
};

/**
 * Returns a new optimizer by name, with Keras's defaults changed by `overrides`.
 * The name is case-insensitive, so `'Nadam'` (Keras's spelling) works too.
 *
 * @param name One of {@link OPTIMIZER_NAMES}, in any case.
 * @param overrides Hyperparameters to change, such as `{ learningRate: 0.1 }`.
 *   An option the optimizer does not have (`momentum` for `'Adam'`) is an error.
 * @throws Error for an unknown name, an unknown option or a value out of range.
 */
export function makeOptimizer(name: OptimizerName | string, overrides: OptimizerOptions = {}): DescentOptimizer {
  const factory = FACTORIES[String(name).toLowerCase() as Lowercase<OptimizerName>];
  if (factory == null) {
    throw new Error(`Unknown optimizer "${name}": use one of ${OPTIMIZER_NAMES.join(', ')} (any case).`);
  }
  const optimizer = factory(overrides);
  // getConfig lists exactly the options the constructor reads.
  const known = Object.keys(optimizer.getConfig());
  const unknown = Object.keys(overrides).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    optimizer.dispose();
    throw new Error(`${optimizer.label} has no option ${unknown.join(', ')}: its options are ${known.join(', ')}.`);
  }
  return optimizer;
}
