/**
 * The figures the course promises on the 2-core reference machine, and the
 * check of a bench result against them. A target is judged only on what it
 * names: ratios compare two figures measured in the same bench run (so they
 * are judged on a --quick slice too, noted as such), absolute course figures
 * only on the full data, and the course's memory only after `--course`.
 */
import type { BenchResult } from './result';
import { MIB } from './memory';
import { median } from './stats';
import { REFERENCE_BLAS_WARNING } from './torch';

export type TargetStatus = 'PASS' | 'MISS' | 'n/a';

export interface TargetCheck {
  /** What is measured, with its limit. */
  name: string;
  /** The figure compared, in `unit`; undefined when it was not measured. */
  value?: number;
  /** The largest value that passes, in `unit`. */
  limit: number;
  unit: 'x' | 'min' | 'MiB';
  status: TargetStatus;
  /** Where the figure comes from, or why it was not judged. */
  note: string;
}

/** The L2 run's slowest epoch over a plain Adam epoch: its extra gradient must stay cheap in every epoch, not on average. */
export const L2_OVER_ADAM = 1.3;
/** Library epoch over PyTorch's (1 thread, same network, data and batch), for SGD and for Adam. */
export const OVER_TORCH = 1.5;
/** The 15-run sweep of the three notebooks, 50 epochs each, over the cores. */
export const COURSE_WALL_MINUTES = 15;
/** Peak resident memory of that sweep. */
export const COURSE_PEAK_MIB = 2048;

function judge(name: string, value: number | undefined, limit: number, unit: TargetCheck['unit'], note: string, judged = true): TargetCheck {
  const status: TargetStatus = !judged || value === undefined || !Number.isFinite(value) ? 'n/a' : value <= limit ? 'PASS' : 'MISS';
  return { name, value, limit, unit, status, note };
}

/** max(L2 epochs) / median(Adam epochs), both timed through fit in this process. */
export function l2OverAdam(epochs: BenchResult['epochs']): number {
  return Math.max(...epochs.L2.epochSeconds) / median(epochs.Adam.epochSeconds);
}

export function checkTargets(result: Omit<BenchResult, 'targets'>): TargetCheck[] {
  const full = !result.quick;
  const slice = 'not judged: --quick runs on a slice of the data';
  const onSlice = full ? '' : ' (on the --quick slice)';
  const { course, projection, torch, epochs } = result;
  const courseMeasured = course !== undefined && full;
  const versusTorch = (optimizer: 'SGD' | 'Adam') => {
    const name = `${optimizer} epoch / PyTorch epoch (1 thread) <= ${OVER_TORCH}x`;
    if (!torch.available) return judge(name, undefined, OVER_TORCH, 'x', torch.reason, false);
    const ratio = epochs[optimizer].epochMedian / torch[optimizer].epochMedian;
    if (torch.blas.reference) return judge(name, ratio, OVER_TORCH, 'x', `not judged: ${REFERENCE_BLAS_WARNING}`, false);
    return judge(name, ratio, OVER_TORCH, 'x', `medians of ${result.reps}, PyTorch on ${torch.blas.name}${onSlice}`);
  };
  return [
    judge(`L2 slowest epoch / Adam median epoch <= ${L2_OVER_ADAM}`, l2OverAdam(epochs), L2_OVER_ADAM, 'x',
      `${result.reps} epochs each, same process${onSlice}`),
    versusTorch('SGD'),
    versusTorch('Adam'),
    courseMeasured
      ? judge(`full course wall <= ${COURSE_WALL_MINUTES} min`, course.wallSeconds / 60, COURSE_WALL_MINUTES, 'min', 'measured with --course')
      : judge(`full course wall <= ${COURSE_WALL_MINUTES} min`, projection.wallSeconds / 60, COURSE_WALL_MINUTES, 'min',
        full ? 'projected; --course measures it' : slice, full),
    courseMeasured
      ? judge(`course peak RSS <= ${COURSE_PEAK_MIB / 1024} GiB`, (course.peakRss ?? course.sampledPeakRss) / MIB, COURSE_PEAK_MIB, 'MiB',
        course.peakRss === undefined ? 'sampled every 100 ms' : 'VmHWM, measured with --course')
      : judge(`course peak RSS <= ${COURSE_PEAK_MIB / 1024} GiB`, undefined, COURSE_PEAK_MIB, 'MiB',
        course ? slice : 'needs --course (the bench\'s own peak is shown above)', false),
  ];
}
