/**
 * One plane through parameter space on which several training paths can be compared.
 *
 * All the course's optimizer runs start from the same initial weights theta0, so each snapshot is a
 * displacement d = theta - theta0 from a common origin. The plane is the one through theta0 spanned
 * by the two leading principal directions of all the runs' displacements together (PCA without
 * centering: the 2-D subspace that keeps the largest share of the sum of squared displacements, so
 * that the paths, which all start at theta0, start at the plane's origin and stray from it as little
 * as any plane allows). Li et al. (2018) take the PCA of one path around its end point; a joint PCA
 * gives every path the same axes, which is what comparing them needs.
 *
 * The directions come from the small Gram matrix G = D D^T of the displacements (one row per
 * snapshot, a hundred or so) rather than from the 101,770 x 101,770 covariance: its eigenvectors w
 * give the principal directions D^T w / sqrt(lambda).
 */
import { symmetricEigen } from './eigen';

export interface Plane {
  /** The plane's origin, the common initial weights theta0. */
  origin: Float32Array;
  /** Two orthonormal directions in parameter space (float64, so that projections round-trip). */
  u: Float64Array;
  v: Float64Array;
  /**
   * The share of the sum of squared displacements each direction keeps (the PCA's explained
   * variance ratio, without centering); 1 - the sum is the share off the plane.
   */
  explained: [number, number];
}

/** Where a point projects on a plane, and how far it lies off it. */
export interface Projection {
  /** Coordinates along `u` and `v`. */
  x: number;
  y: number;
  /** The distance from the point to the plane: the norm of what the projection drops. */
  residual: number;
  /** The distance from the point to the origin. */
  distance: number;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function checkLength(what: string, vector: ArrayLike<number>, length: number): void {
  if (vector.length !== length) throw new Error(`${what} has ${vector.length} numbers, the plane's origin ${length}; they must be weights of the same network.`);
}

/**
 * The plane through `origin` spanned by the two leading principal directions of the displacements
 * `points - origin` (points equal to the origin count for nothing). Each direction's sign is chosen
 * so that the points' mean coordinate along it is positive, which makes the picture reproducible.
 */
export function jointPcaPlane(origin: Float32Array, points: readonly Float32Array[]): Plane {
  points.forEach((point, i) => checkLength(`point ${i}`, point, origin.length));
  const displacements = points.map((point) => {
    const d = new Float64Array(origin.length);
    for (let i = 0; i < d.length; i++) d[i] = point[i] - origin[i];
    return d;
  }).filter((d) => dot(d, d) > 0);
  if (displacements.length < 2) {
    throw new Error(`jointPcaPlane needs at least two points away from the origin to span a plane; got ${displacements.length}. Keep snapshots of at least one epoch (ExperimentSpec.snapshots).`);
  }
  const gram = displacements.map((a) => displacements.map((b) => dot(a, b)));
  const { values, vectors } = symmetricEigen(gram);
  const total = values.reduce((sum, value) => sum + Math.max(0, value), 0);
  const direction = (k: number) => {
    const out = new Float64Array(origin.length);
    displacements.forEach((d, row) => {
      const weight = vectors[k][row];
      for (let i = 0; i < out.length; i++) out[i] += weight * d[i];
    });
    return out;
  };
  const u = normalized(direction(0));
  const v = direction(1);
  // Gram-Schmidt once more against u: rounding in the eigenvectors leaves u and v a hair from orthogonal.
  const along = dot(u, v);
  for (let i = 0; i < v.length; i++) v[i] -= along * u[i];
  normalized(v);
  for (const axis of [u, v]) {
    const mean = displacements.reduce((sum, d) => sum + dot(d, axis), 0);
    if (mean < 0) for (let i = 0; i < axis.length; i++) axis[i] = -axis[i];
  }
  return { origin, u, v, explained: [Math.max(0, values[0]) / total, Math.max(0, values[1]) / total] };
}

function normalized(vector: Float64Array): Float64Array {
  const norm = Math.sqrt(dot(vector, vector));
  if (!(norm > 0)) throw new Error('jointPcaPlane: the points span less than a plane (all displacements are parallel).');
  for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}

/** The coordinates of `point` on `plane` (x = u . (point - origin), y likewise), and its distance off the plane. */
export function projectOntoPlane(plane: Plane, point: ArrayLike<number>): Projection {
  checkLength('the point', point, plane.origin.length);
  const { origin, u, v } = plane;
  let x = 0, y = 0, squared = 0;
  for (let i = 0; i < origin.length; i++) {
    const d = point[i] - origin[i];
    x += u[i] * d;
    y += v[i] * d;
    squared += d * d;
  }
  // What the projection drops, summed directly (not |d|^2 - x^2 - y^2, which cancels to noise near the plane).
  let dropped = 0;
  for (let i = 0; i < origin.length; i++) {
    const r = point[i] - origin[i] - x * u[i] - y * v[i];
    dropped += r * r;
  }
  return { x, y, residual: Math.sqrt(dropped), distance: Math.sqrt(squared) };
}

/** The point of parameter space at coordinates (x, y) on `plane`: origin + x u + y v. */
export function pointOnPlane(plane: Plane, x: number, y: number): Float64Array {
  const { origin, u, v } = plane;
  const point = new Float64Array(origin.length);
  for (let i = 0; i < point.length; i++) point[i] = origin[i] + x * u[i] + y * v[i];
  return point;
}
