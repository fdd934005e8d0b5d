/**
 * Checks optimizer hyperparameters once, at construction (and whenever the
 * learning rate changes), so that a typo such as `beta1: 9` fails loudly with
 * the parameter's name, the bad value and the range it must lie in, instead of
 * silently producing NaN weights a thousand steps later.
 */

/** The ranges a hyperparameter can be required to lie in. */
export type HyperparameterRange =
  /** Greater than 0: learning rates, epsilons. */
  | 'positive'
  /** 0 or more: Adagrad's starting accumulator. */
  | 'nonNegative'
  /** In [0, 1): the decay rates of moving averages (rho, beta1, beta2). */
  | 'decayRate'
  /** In [0, 1]: the momentum coefficient, as Keras's SGD allows. */
  | 'momentum';

const RANGES: Record<HyperparameterRange, { holds: (value: number) => boolean; text: string }> = {
  positive: { holds: (value) => value > 0, text: 'a finite number greater than 0' },
  nonNegative: { holds: (value) => value >= 0, text: 'a finite number of at least 0' },
  decayRate: { holds: (value) => value >= 0 && value < 1, text: 'a number in [0, 1)' },
  momentum: { holds: (value) => value >= 0 && value <= 1, text: 'a number in [0, 1]' },
};

/**
 * Returns `value` if it is a finite number in `range`, and otherwise throws an
 * Error such as `Adam: beta1 must be a number in [0, 1), but got 1.`.
 *
 * @param optimizer The optimizer's name, for the message (`'Adam'`).
 * @param name The option's name as the user typed it (`'beta1'`).
 * @param value The value to check.
 * @param range The range `value` must lie in.
 */
export function checkHyperparameter(
  optimizer: string,
  name: string,
  value: unknown,
  range: HyperparameterRange,
): number {
  const { holds, text } = RANGES[range];
  if (typeof value !== 'number' || !Number.isFinite(value) || !holds(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new Error(`${optimizer}: ${name} must be ${text}, but got ${shown}.`);
  }
  return value;
}
