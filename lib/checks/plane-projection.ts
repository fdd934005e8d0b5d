/**
 * Check of the landscape notebook's exercise: the projection of a point of parameter space onto the
 * plane through `origin` spanned by the orthonormal directions `u` and `v`, i.e. its coordinates
 * x = u . (point - origin) and y = v . (point - origin). The student's function is compared with
 * `projectOntoPlane` on a plane of the course network's size (101,770 parameters): at the origin, at
 * points on the plane (which must come back exactly where they were put) and at points off it.
 */
import { COURSE_PARAMETER_COUNT } from '../models';
import { jointPcaPlane, Plane, pointOnPlane, projectOntoPlane } from '../landscape/plane';
import { CheckFailed, passed } from './check-failed';
import { requireFiniteNumber, shown, studentCode } from './student-code';

/** The student's projection: (point, origin, u, v) -> [x, y]. */
export type PlaneProjectionFromScratch = (point: Float32Array, origin: Float32Array, u: Float64Array, v: Float64Array) => [number, number] | number[];

/** Deterministic values in [-1, 1), so that a failure names the same point every time. */
function values(size: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (state / 2 ** 31 - 1);
  }
  return out;
}

/** A plane like the notebook's: through a random origin, from the joint PCA of a few random displacements. */
function checkPlane(): Plane {
  const origin = values(COURSE_PARAMETER_COUNT, 1, 0.1);
  const points = [2, 3, 4, 5].map((seed) => {
    const point = values(COURSE_PARAMETER_COUNT, seed, 0.01);
    for (let i = 0; i < point.length; i++) point[i] += origin[i];
    return point;
  });
  return jointPcaPlane(origin, points);
}

/**
 * Checks `project(point, origin, u, v)` against the library's projection, to 1e-6 (relative to the
 * point's distance from the origin, or absolute near it).
 *
 * @returns "passed: ..." naming the points checked.
 * @throws CheckFailed naming the first point whose coordinates differ (with a hint when the origin
 *   was not subtracted), or "... is not implemented yet".
 */
export function planeProjection(project: PlaneProjectionFromScratch): string {
  if (typeof project !== 'function') {
    throw new CheckFailed(`dl.checks.planeProjection needs your projection function, e.g. dl.checks.planeProjection(projectOntoPlane); got ${String(project)}.`);
  }
  const plane = checkPlane();
  const { origin, u, v } = plane;
  const cases: { name: string; point: Float32Array }[] = [
    { name: 'the origin', point: Float32Array.from(origin) },
    { name: 'the point (2, -1) of the plane', point: Float32Array.from(pointOnPlane(plane, 2, -1)) },
    { name: 'the point (-0.5, 3) of the plane', point: Float32Array.from(pointOnPlane(plane, -0.5, 3)) },
    { name: 'a point off the plane', point: (() => { const p = values(origin.length, 7, 0.05); for (let i = 0; i < p.length; i++) p[i] += origin[i]; return p; })() },
  ];
  for (const { name, point } of cases) {
    const yours: unknown = studentCode('your projection', () => project(Float32Array.from(point), Float32Array.from(origin), Float64Array.from(u), Float64Array.from(v)));
    if (!Array.isArray(yours) || yours.length !== 2) {
      throw new CheckFailed(`your projection of ${name} must return two numbers [x, y]; got ${JSON.stringify(yours)?.slice(0, 80)}.`);
    }
    const [x, y] = yours.map((value, i) => requireFiniteNumber(value, `the ${i === 0 ? 'x' : 'y'} your projection gives for ${name}`));
    const expected = projectOntoPlane(plane, point);
    const tolerance = 1e-6 * Math.max(1, expected.distance);
    for (const [axis, got, want] of [['x', x, expected.x], ['y', y, expected.y]] as const) {
      if (Math.abs(got - want) > tolerance) {
        const unshifted = axis === 'x' ? dotWith(u, point) : dotWith(v, point);
        const hint = Math.abs(got - unshifted) <= tolerance * 10 ? ' It looks like u . point: subtract the origin first (point - origin).' : '';
        throw new CheckFailed(`your projection of ${name}: ${axis} should be ${shown(want)}, but yours gives ${shown(got)}.${hint}`);
      }
    }
  }
  return passed(`your projection matches the library's at the origin, at two points of the plane (which come back where they were put) and at a point off it (to 1e-6)`);
}

function dotWith(direction: Float64Array, point: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < point.length; i++) sum += direction[i] * point[i];
  return sum;
}
