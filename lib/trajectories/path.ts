/**
 * One optimizer's walk on a surface: the library's own optimizer (`makeOptimizer`) minimizing the
 * surface's loss over a `tf.variable` that holds the two coordinates, exactly as it trains a
 * network's weights, with the point and its loss recorded after every step.
 */
import * as tf from '@tensorflow/tfjs';
import { makeOptimizer, OPTIMIZER_NAMES, OptimizerName, OptimizerOptions } from '../optimizers';
import { Point, Surface } from './surface';

/** A path, as `optimizerPath` returns it. */
export interface OptimizerPath {
  /** The optimizer's name, e.g. `'Adam'`. */
  optimizer: OptimizerName;
  /** The options it ran with, e.g. `{ learningRate: 0.1 }`. */
  options: OptimizerOptions;
  /** The start, then the point after each step: `steps + 1` points (fewer if the path diverged). */
  points: Point[];
  /** f at each of `points`. */
  losses: number[];
  /** The step at which the point left the plane far behind (beyond `DIVERGED_AT`), or `undefined`. */
  divergedAt?: number;
}

/**
 * A path stops being recorded once a coordinate is this far out (or not finite): it has diverged,
 * and later points would be overflowing numbers no chart can draw.
 */
export const DIVERGED_AT = 1e4;

/**
 * Runs `steps` steps of `dl.makeOptimizer(optimizer, options)` on `surface` from its start.
 * Everything it allocates (variable, optimizer, slots, intermediates) is disposed before it returns.
 *
 * @param surface The ground, e.g. `dl.ROSENBROCK`.
 * @param optimizer One of the seven names (any case, as `makeOptimizer` takes them).
 * @param options Hyperparameters; defaults to the surface's own settings for this optimizer.
 * @param steps How many steps; defaults to `surface.steps`.
 * @throws Error for an unknown optimizer or option (from `makeOptimizer`), or a bad step count.
 */
export function optimizerPath(
  surface: Surface, optimizer: OptimizerName, options: OptimizerOptions = surface.optimizers[optimizer], steps = surface.steps,
): OptimizerPath {
  if (!Number.isInteger(steps) || steps < 0) {
    throw new Error(`optimizerPath: steps must be a whole number of at least 0; got ${steps}.`);
  }
  const descent = makeOptimizer(optimizer, options);
  const name = descent.label as OptimizerName; // the course's spelling, whatever case `optimizer` came in
  const start = tf.tensor1d(surface.start);
  const point = tf.variable(start, true);
  start.dispose(); // the variable holds its own reference to the data
  const points: Point[] = [[...surface.start]];
  let divergedAt: number | undefined;
  try {
    for (let step = 1; step <= steps; step++) {
      descent.minimize(() => surface.loss(point), false, [point]);
      const [x1, x2] = point.dataSync();
      if (!(Math.abs(x1) < DIVERGED_AT && Math.abs(x2) < DIVERGED_AT)) {
        divergedAt = step;
        break;
      }
      points.push([x1, x2]);
    }
  } finally {
    descent.dispose();
    point.dispose();
  }
  return { optimizer: name, options, points, losses: points.map(([x1, x2]) => surface.value(x1, x2)), divergedAt };
}

/** Every one of the seven optimizers' paths on `surface`, with the surface's settings, in course order. */
export function surfacePaths(surface: Surface, steps = surface.steps): OptimizerPath[] {
  return OPTIMIZER_NAMES.map((name) => optimizerPath(surface, name, surface.optimizers[name], steps));
}
