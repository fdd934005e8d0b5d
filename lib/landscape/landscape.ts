/**
 * The loss landscape of the real network along the optimizers' paths: from the weight snapshots of
 * runs that started at the same weights, one shared plane (plane.ts), every path projected on it,
 * the loss on a grid over the plane, and the loss along the straight line from the initial to each
 * final point (Goodfellow et al. 2015), all on one fixed evaluation set (evaluate.ts).
 */
import type { History } from '../training/history';
import { EvaluationSet, lossesAt } from './evaluate';
import { jointPcaPlane, Plane, projectOntoPlane } from './plane';
import { snapshotAt, WeightSnapshots } from './snapshots';

export interface LandscapeOptions {
  /** Grid points along each axis of the plane. Defaults to `21` (441 points). */
  gridSize?: number;
  /** Room around the paths, as a share of their extent on each side. Defaults to `0.25`. */
  margin?: number;
  /** Where the line from initial (0) to final (1) weights is evaluated. Defaults to -0.5, -0.4, ..., 1.5. */
  lineAlphas?: number[];
}

/** One run's path on the plane. */
export interface LandscapePath {
  label: string;
  /** The snapshots' epochs (0: the initial weights). */
  epochs: number[];
  /** Coordinates on the plane, one per snapshot. */
  x: number[];
  y: number[];
  /** Each snapshot's distance from the initial weights. */
  distance: number[];
  /** Each snapshot's distance from the plane, as a share of its distance from the initial weights (0 at the start). */
  offPlane: number[];
  /** The loss at the run's final weights, and at their projection on the plane (what the contours show there). */
  finalLoss: number;
  finalLossOnPlane: number;
}

/** The loss along the straight line theta0 + alpha (theta_final - theta0) of one run. */
export interface LandscapeLine {
  label: string;
  alpha: number[];
  loss: number[];
}

export interface Landscape {
  /** The shared plane: origin theta0, directions u and v, the share of the displacements each keeps. */
  plane: Plane;
  /** The loss on the grid: `loss[j][i]` at `(x[i], y[j])` (plotly's layout). */
  grid: { x: number[]; y: number[]; loss: number[][] };
  paths: LandscapePath[];
  lines: LandscapeLine[];
  /** The images the losses are averaged over. */
  evaluationImages: number;
  /** What it cost, in CPU seconds of this process (all its threads): the plane, the grid, the lines. */
  cpuSeconds: { plane: number; grid: number; lines: number };
}

/** Evenly spaced numbers from `from` to `to`, both included. */
export function linspace(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (count === 1 ? from : from + ((to - from) * i) / (count - 1)));
}

const DEFAULT_ALPHAS = linspace(-0.5, 1.5, 21).map((alpha) => Math.round(alpha * 1000) / 1000);

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Every run's snapshots, with a clear error for a run that has none. */
function snapshotsOf(runs: Record<string, History>): [string, WeightSnapshots][] {
  const entries = Object.entries(runs);
  if (entries.length === 0) throw new Error('computeLandscape needs at least one run.');
  return entries.map(([label, history]) => {
    const snapshots = history?.snapshots;
    if (!snapshots || snapshots.epochs.length < 2 || snapshots.epochs[0] !== 0) {
      throw new Error(`computeLandscape: the run "${label}" kept no weight snapshots (or not its initial weights); ` +
        'train it with snapshots: true, e.g. dl.runExperiments(dl.COURSE_EXPERIMENTS.optimizers), which asks for them.');
    }
    return [label, snapshots];
  });
}

/**
 * The largest difference between any run's initial weights and the first run's: 0 when they all
 * start from the same point, as the course's seeded runs do.
 */
export function initialWeightsDifference(runs: Record<string, History>): number {
  const all = snapshotsOf(runs);
  const first = snapshotAt(all[0][1], 0);
  let largest = 0;
  for (const [, snapshots] of all) {
    const initial = snapshotAt(snapshots, 0);
    if (initial.length !== first.length) return Infinity;
    for (let i = 0; i < first.length; i++) largest = Math.max(largest, Math.abs(initial[i] - first[i]));
  }
  return largest;
}

/**
 * Computes the landscape of `runs` (each with snapshots, all from the same initial weights) on
 * `data`: the plane of the joint PCA, the paths on it, the loss on a `gridSize` x `gridSize` grid
 * covering them, and the loss along each run's line from its initial to its final weights.
 */
export function computeLandscape(runs: Record<string, History>, data: EvaluationSet, options: LandscapeOptions = {}): Landscape {
  const { gridSize = 21, margin = 0.25, lineAlphas = DEFAULT_ALPHAS } = options;
  if (!Number.isInteger(gridSize) || gridSize < 2) throw new Error(`computeLandscape: gridSize must be an integer of at least 2; got ${gridSize}.`);
  if (!(margin >= 0)) throw new Error(`computeLandscape: margin must be 0 or more; got ${margin}.`);
  const all = snapshotsOf(runs);
  const difference = initialWeightsDifference(runs);
  if (difference !== 0) {
    throw new Error(`computeLandscape: the runs do not start from the same weights (they differ by up to ${difference}); ` +
      'a shared plane needs a shared origin: train them with the same seed and network.');
  }
  const origin = Float32Array.from(snapshotAt(all[0][1], 0));

  let start = process.cpuUsage();
  const points = all.flatMap(([, snapshots]) => snapshots.epochs.map((_, i) => snapshotAt(snapshots, i)));
  const plane = jointPcaPlane(origin, points);
  const paths = all.map(([label, snapshots]): LandscapePath => {
    const projections = snapshots.epochs.map((_, i) => projectOntoPlane(plane, snapshotAt(snapshots, i)));
    return {
      label, epochs: [...snapshots.epochs], x: projections.map((p) => p.x), y: projections.map((p) => p.y),
      distance: projections.map((p) => p.distance), offPlane: projections.map((p) => (p.distance > 0 ? p.residual / p.distance : 0)),
      finalLoss: NaN, finalLossOnPlane: NaN,
    };
  });
  const planeSeconds = cpuSince(start);

  start = process.cpuUsage();
  const range = (values: number[]) => {
    const [low, high] = [Math.min(0, ...values), Math.max(0, ...values)];
    const room = margin * (high - low || 1);
    return linspace(low - room, high + room, gridSize);
  };
  const x = range(paths.flatMap((path) => path.x));
  const y = range(paths.flatMap((path) => path.y));
  // The grid, then each path's final point on the plane, in one pass.
  const ends = paths.map((path) => [path.x[path.x.length - 1], path.y[path.y.length - 1]]);
  const flat = lossesAt(origin, [plane.u, plane.v], [...y.flatMap((b) => x.map((a) => [a, b])), ...ends], data);
  const loss = y.map((_, j) => flat.slice(j * gridSize, (j + 1) * gridSize));
  paths.forEach((path, i) => { path.finalLossOnPlane = flat[gridSize * gridSize + i]; });
  const gridSeconds = cpuSince(start);

  start = process.cpuUsage();
  // All the lines in one pass: direction r is run r's final displacement, and the point (alpha) of
  // line r has coefficient alpha on it and 0 on the others, so the products with the images are
  // computed once for the origin and once per run. The alphas, then 1 (the final weights themselves).
  const finals = all.map(([, snapshots]) => {
    const last = snapshotAt(snapshots, snapshots.epochs.length - 1);
    const direction = new Float32Array(origin.length);
    for (let i = 0; i < direction.length; i++) direction[i] = last[i] - origin[i];
    return direction;
  });
  const alphas = [...lineAlphas, 1];
  const along = (run: number, alpha: number) => finals.map((_, r) => (r === run ? alpha : 0));
  const lineLosses = lossesAt(origin, finals, all.flatMap((_, run) => alphas.map((alpha) => along(run, alpha))), data);
  const lines = all.map(([label], run): LandscapeLine => {
    const losses = lineLosses.slice(run * alphas.length, (run + 1) * alphas.length);
    paths[run].finalLoss = losses[lineAlphas.length];
    return { label, alpha: [...lineAlphas], loss: losses.slice(0, lineAlphas.length) };
  });
  const lineSeconds = cpuSince(start);

  return {
    plane, grid: { x, y, loss }, paths, lines, evaluationImages: data.x.shape[0],
    cpuSeconds: { plane: planeSeconds, grid: gridSeconds, lines: lineSeconds },
  };
}
