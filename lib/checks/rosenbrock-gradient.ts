/**
 * The check of the trajectories notebook's exercise: the gradient of Rosenbrock's function,
 * f = (1 - x1)^2 + 100 (x2 - x1^2)^2, written by hand. It is compared with what TensorFlow.js's
 * automatic differentiation gives for the library's own Rosenbrock loss, at points across the plane.
 */
import * as tf from '@tensorflow/tfjs';
import { ROSENBROCK } from '../trajectories/rosenbrock';
import { CheckFailed, passed } from './check-failed';
import { studentCode } from './student-code';

/** A hand-written gradient: (x1, x2) -> [df/dx1, df/dx2]. */
export type GradientFunction = (x1: number, x2: number) => [number, number] | number[];

/** Where the gradient is compared: the start, the minimum, and a spread of points around them. */
export const ROSENBROCK_CHECK_POINTS: readonly [number, number][] = [
  [-1.21, 0.853], [1, 1], [0, 0], [-2, 3], [1.5, -0.5], [0.3, 0.7], [-0.8, -0.6], [2, 2], [-1.5, 2.25], [0.9, 0.81],
];

/** The relative tolerance: float32 autodiff against float64 by hand. */
const TOLERANCE = 1e-4;

function autodiffGradient(x1: number, x2: number): [number, number] {
  return tf.tidy(() => {
    const point = tf.tensor1d([x1, x2]);
    const gradient = tf.grad((p: tf.Tensor) => ROSENBROCK.loss(p as tf.Tensor1D))(point);
    const [g1, g2] = gradient.dataSync();
    return [g1, g2];
  });
}

/**
 * Checks `gradient` against automatic differentiation at `ROSENBROCK_CHECK_POINTS`, to a relative
 * 1e-4 (or 1e-4 absolute near zero). Returns a "passed: ..." line.
 *
 * @throws CheckFailed naming the first point and component that differs, what was expected and what
 *   came; or saying that the function is not implemented yet (it still throws the stub's error).
 */
export function rosenbrockGradient(gradient: GradientFunction): string {
  if (typeof gradient !== 'function') {
    throw new CheckFailed(`dl.checks.rosenbrockGradient needs your gradient function, e.g. dl.checks.rosenbrockGradient(rosenbrockGradient); got ${String(gradient)}.`);
  }
  for (const [x1, x2] of ROSENBROCK_CHECK_POINTS) {
    const yours: unknown = studentCode(`your rosenbrockGradient(${x1}, ${x2})`, () => gradient(x1, x2));
    if (!Array.isArray(yours) || yours.length !== 2 || !yours.every((value) => typeof value === 'number')) {
      throw new CheckFailed(`rosenbrockGradient(${x1}, ${x2}) must return two numbers [df/dx1, df/dx2]; got ${JSON.stringify(yours)}.`);
    }
    const expected = autodiffGradient(x1, x2);
    for (const component of [0, 1]) {
      const [want, got] = [expected[component], yours[component] as number];
      if (!(Math.abs(got - want) <= TOLERANCE * Math.max(1, Math.abs(want)))) {
        throw new CheckFailed(`rosenbrockGradient(${x1}, ${x2}): df/dx${component + 1} should be ${want.toPrecision(6)}, ` +
          `but yours gives ${Number.isNaN(got) ? 'NaN' : got.toPrecision(6)}.`);
      }
    }
  }
  return passed(`your Rosenbrock gradient matches automatic differentiation at ${ROSENBROCK_CHECK_POINTS.length} points`);
}
