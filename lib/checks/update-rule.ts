/**
 * Check of notebook 1's from-scratch update rules (and notebook 3's AdamW): the student's rule and
 * the library's optimizer of the same name take 100 steps on the toy problem J(theta) = (theta - 3)^2
 * from theta = 0, and every step must agree. AdamW starts from theta = 5 instead: its decay
 * eta * lambda * theta (4e-6 theta with Keras's defaults) would hide under the tolerance near 0,
 * and from 5 it is 2e-5 a step, so a rule that leaves it out fails at the first step.
 *
 * Both are fed the same numbers at every step: the library's current theta and the float32
 * gradient 2 (theta - 3) there. The rule's state (m, s, T) evolves from those same gradients, so
 * the two compare step for step instead of drifting apart by float32 rounding, and a wrong step
 * shows at the step where it happens.
 */
import * as tf from '@tensorflow/tfjs';
import { COURSE_EXPERIMENTS } from '../experiments/course';
import { ALL_OPTIMIZER_NAMES, AnyOptimizerName, makeOptimizer, OptimizerName, OptimizerOptions } from '../optimizers';
import { CheckFailed, passed } from './check-failed';
import { requireFiniteNumber, shown, studentCode } from './student-code';

/** One optimizer step on a single parameter: (theta, gradient) -> new theta, as notebook 1 writes it. */
export type UpdateRule = (theta: number, g: number) => number;

/** The course's hyperparameters of each optimizer (notebook 1's runs): Keras's defaults but for the momentum methods. */
export const COURSE_OPTIMIZER_OPTIONS: Readonly<Record<OptimizerName, OptimizerOptions>> = Object.fromEntries(
  COURSE_EXPERIMENTS.optimizers.map(({ label, optimizer = 'SGD' }) => {
    if (typeof optimizer === 'string') return [label, {}];
    const { name: _name, ...options } = optimizer;
    return [label, options as OptimizerOptions];
  }),
) as unknown as Record<OptimizerName, OptimizerOptions>;

export interface UpdateRuleCheckOptions {
  /** Steps to compare. Defaults to `100`, as the notebook's toy comparison. */
  steps?: number;
  /** The largest difference in theta allowed at any step. Defaults to `1e-6` (a few float32 ulps of theta near 3). */
  tolerance?: number;
  /** The library optimizer's hyperparameters. Defaults to the course's ({@link COURSE_OPTIMIZER_OPTIONS}; Keras's for AdamW). */
  optimizerOptions?: OptimizerOptions;
  /** Where theta starts. Defaults to `0`, and `5` for AdamW (see the module comment). */
  start?: number;
}

/** The toy problem's minimum, and its gradient 2 (theta - 3) as float32 (what TensorFlow.js computes). */
const MINIMUM = 3;
const startFor = (name: AnyOptimizerName) => (name === 'AdamW' ? 5 : 0);
const gradientAt = (theta: number) => Math.fround(2 * (theta - MINIMUM));

/**
 * Checks the student's `makeRule` (a factory of one rule, called without arguments so that its
 * defaults are the course's hyperparameters) against `dl.makeOptimizer(name)`.
 *
 * @returns "passed: your Adam step matches dl.makeOptimizer('Adam') to 1e-6 on 100 steps ..."
 * @throws CheckFailed naming the first step that differs (theta, gradient, got, expected), or
 *   "... is not implemented yet" while the rule is the student edition's stub.
 */
export function updateRule(name: AnyOptimizerName, makeRule: () => UpdateRule, options: UpdateRuleCheckOptions = {}): string {
  if (!(ALL_OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new Error(`updateRule: unknown optimizer "${name}"; use one of ${ALL_OPTIMIZER_NAMES.join(', ')}.`);
  }
  const {
    steps = 100, tolerance = 1e-6, start = startFor(name),
    optimizerOptions = COURSE_OPTIMIZER_OPTIONS[name as OptimizerName] ?? {},
  } = options;
  const what = `your ${name} rule`;
  const rule = studentCode(what, () => makeRule());
  if (typeof rule !== 'function') {
    throw new CheckFailed(`fromScratch.${name}() returned ${typeof rule}, not a rule: it must return (theta, g) => new theta.`);
  }
  const optimizer = makeOptimizer(name, optimizerOptions);
  const theta = tf.tidy(() => tf.variable(tf.scalar(start)));
  try {
    for (let step = 1; step <= steps; step++) {
      const before = theta.dataSync()[0];
      const g = gradientAt(before);
      const ours = requireFiniteNumber(studentCode(what, () => rule(before, g)),
        `At step ${step} (theta = ${shown(before)}, g = ${shown(g)}), the new theta of ${what}`);
      tf.tidy(() => optimizer.applyGradients({ [theta.name]: tf.scalar(g) }));
      const expected = theta.dataSync()[0];
      if (!(Math.abs(ours - expected) <= tolerance)) {
        throw new CheckFailed(`${what} differs from dl.makeOptimizer('${name}') at step ${step} of ${steps} ` +
          `(theta = ${shown(before)}, g = ${shown(g)}): got new theta = ${shown(ours)}, expected ${shown(expected)} ` +
          `(off by ${shown(Math.abs(ours - expected))}, more than ${tolerance.toExponential()}).`);
      }
    }
  } finally {
    optimizer.dispose();
    theta.dispose();
  }
  return passed(`your ${name} step matches dl.makeOptimizer('${name}') to ${tolerance.toExponential()} on ${steps} steps of ` +
    `J = (theta - ${MINIMUM})^2 from theta = ${start}`);
}
