/**
 * Builds an optimizer from its name, as Keras's `compile(optimizer='Adam')`
 * does, but with the course's (Keras's) defaults rather than TensorFlow.js's.
 */
import { adagrad, AdagradOptions } from './adagrad';
import { adam, AdamOptions } from './adam';
import { adamw, AdamWOptions } from './adamw';
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

/**
 * Every optimizer `makeOptimizer` builds: the course's seven, then those beyond the course
 * (AdamW, which notebook 3 sets against L2 with Adam).
 */
export const ALL_OPTIMIZER_NAMES = [...OPTIMIZER_NAMES, 'AdamW'] as const;

/** One of {@link ALL_OPTIMIZER_NAMES}. */
export type AnyOptimizerName = (typeof ALL_OPTIMIZER_NAMES)[number];

/** Every option any of them takes; each optimizer accepts only its own. */
export type OptimizerOptions = MomentumOptions & RMSpropOptions & AdagradOptions & AdamOptions & AdamWOptions;

const FACTORIES: Record<Lowercase<AnyOptimizerName>, (options: OptimizerOptions) => DescentOptimizer> = {
  sgd,
  momentum,
  nesterov,
  rmsprop,
  adagrad,
  adam,
  nadam,
  adamw,
};

/**
 * Returns a new optimizer by name, with Keras's defaults changed by `overrides`.
 * The name is case-insensitive, so `'Nadam'` (Keras's spelling) works too.
 *
 * @param name One of {@link ALL_OPTIMIZER_NAMES}, in any case.
 * @param overrides Hyperparameters to change, such as `{ learningRate: 0.1 }`.
 *   An option the optimizer does not have (`momentum` for `'Adam'`) is an error.
 * @throws Error for an unknown name, an unknown option or a value out of range.
 */
export function makeOptimizer(name: AnyOptimizerName | string, overrides: OptimizerOptions = {}): DescentOptimizer {
  const factory = FACTORIES[String(name).toLowerCase() as Lowercase<AnyOptimizerName>];
  if (factory == null) {
    throw new Error(`Unknown optimizer "${name}": use one of ${ALL_OPTIMIZER_NAMES.join(', ')} (any case).`);
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
