/**
 * A loss surface over two coordinates, the ground on which the trajectories notebook lets the
 * optimizers walk: its value (in float64, for tables and contour grids), its loss as TensorFlow.js
 * ops (which the optimizers differentiate, as they do a network's), its gradient written out by hand
 * (for the from-scratch code and the tests), where the walk starts and what part of the plane to draw.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName, OptimizerOptions } from '../optimizers';

/** A point of the plane, `[x1, x2]`. */
export type Point = [number, number];

/** How a contour plot spaces its levels: evenly in the value, or evenly in log10(1 + value). */
export type ContourScale = 'linear' | 'log';

export interface Surface {
  /** A short identifier, e.g. `'rosenbrock'`. */
  id: string;
  /** The name shown in titles, e.g. `'Rosenbrock'`. */
  title: string;
  /** The formula in TeX, e.g. `'f(x) = 0.1 x_1^2 + 2 x_2^2'`. */
  formula: string;
  /** f(x1, x2) in float64. */
  value(x1: number, x2: number): number;
  /** The gradient (df/dx1, df/dx2), written out by hand. */
  gradient(x1: number, x2: number): Point;
  /** f of a tensor `[x1, x2]` as tf ops, so that an optimizer can differentiate it. */
  loss(point: tf.Tensor1D): tf.Scalar;
  /** Where every optimizer starts. */
  start: Point;
  /** How many steps a path takes. */
  steps: number;
  /** The part of the plane a chart shows: `[min, max]` of x1 and of x2. */
  range: { x1: Point; x2: Point };
  /** Where the minimum is, drawn as a star; absent where there is none (the saddle). */
  minimum?: Point;
  /** How the contour levels are spaced. */
  contourScale: ContourScale;
  /**
   * Each of the seven optimizers' settings on this surface, chosen so that its path shows the
   * method's character (the learning rate mostly; the momentum methods' beta too).
   */
  optimizers: Record<OptimizerName, OptimizerOptions>;
}

/**
 * The grid of values a contour plot draws: `z[j][i]` is f at `(x1[i], x2[j])` (plotly's layout),
 * on `size` x `size` points spanning the surface's range.
 */
export function surfaceGrid(surface: Surface, size = 61): { x1: number[]; x2: number[]; z: number[][] } {
  if (!Number.isInteger(size) || size < 2) throw new Error(`surfaceGrid: size must be an integer of at least 2; got ${size}.`);
  const axis = ([min, max]: Point) => Array.from({ length: size }, (_, i) => min + ((max - min) * i) / (size - 1));
  const x1 = axis(surface.range.x1);
  const x2 = axis(surface.range.x2);
  return { x1, x2, z: x2.map((b) => x1.map((a) => surface.value(a, b))) };
}

/** The value drawn by a contour plot for f: f itself, or log10(1 + f) on a 'log' surface. */
export function contourLevel(surface: Surface, value: number): number {
  return surface.contourScale === 'log' ? Math.log10(1 + value) : value;
}
