/** A small table of paths, for a notebook cell's output: where each ended and how low it got. */
import { pathLabel } from './labels';
import { OptimizerPath } from './path';

/**
 * One line per path: its label (optimizer and settings), the last point, f there, and the first step
 * at which f came within `tolerance` of `target` (the surface's minimum value), if any.
 *
 * @param target The value counted as arrived, e.g. 0 for a minimum of 0; omit it to leave the column out.
 * @param tolerance How close to `target` counts; defaults to `1e-3`.
 */
export function pathTable(paths: readonly OptimizerPath[], target?: number, tolerance = 1e-3): string {
  const labels = paths.map(pathLabel);
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  const header = `${'path'.padEnd(width)}${'last point'.padStart(22)}${'f there'.padStart(13)}` +
    (target === undefined ? '' : `${`f < ${target + tolerance} from step`.padStart(24)}`);
  const rows = paths.map((path, i) => {
    const [x1, x2] = path.points[path.points.length - 1];
    const loss = path.losses[path.losses.length - 1];
    const point = `(${x1.toFixed(4)}, ${x2.toFixed(4)})`;
    const arrived = target === undefined ? '' : String(path.losses.findIndex((value) => value - target < tolerance)).replace(/^-1$/, '-');
    return `${labels[i].padEnd(width)}${point.padStart(22)}${loss.toExponential(2).padStart(13)}${target === undefined ? '' : arrived.padStart(24)}`;
  });
  return [header, ...rows].join('\n');
}
