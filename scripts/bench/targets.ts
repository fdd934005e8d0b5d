/**
 * The figures the course promises on the 2-core reference machine, and the
 * check of a bench result against them. A target is judged only on what it
 * names: `--quick` runs on a slice of the data, so its epochs are not judged,
 * and the course's memory is known only after `--course` trained it.
 */
import type { BenchResult } from './result';
import { MIB } from './memory';

export type TargetStatus = 'PASS' | 'MISS' | 'n/a';

export interface TargetCheck {
  /** What is measured, with its limit. */
  name: string;
  /** The figure compared, in `unit`; undefined when it was not measured. */
  value?: number;
  /** The largest value that passes, in `unit`. */
  limit: number;
  unit: 's' | 'min' | 'MiB';
  status: TargetStatus;
  /** Where the figure comes from, or why it was not judged. */
  note: string;
}

/** One epoch of SGD through `fit`, 60,000 samples, batch 32, validation on 10,000 included. */
export const SGD_EPOCH_SECONDS = 3.0;
/** The same with Adam. */
export const ADAM_EPOCH_SECONDS = 3.5;
/** The 14-run sweep of the three notebooks, 50 epochs each, over the cores. */
export const COURSE_WALL_MINUTES = 20;
/** Peak resident memory of that sweep. */
export const COURSE_PEAK_MIB = 2048;

function judge(name: string, value: number | undefined, limit: number, unit: TargetCheck['unit'], note: string, judged = true): TargetCheck {
  const status: TargetStatus = !judged || value === undefined || !Number.isFinite(value) ? 'n/a' : value <= limit ? 'PASS' : 'MISS';
  return { name, value, limit, unit, status, note };
}

export function checkTargets(result: Omit<BenchResult, 'targets'>): TargetCheck[] {
  const full = !result.quick;
  const slice = 'not judged: --quick runs on a slice of the data';
  const { course, projection } = result;
  const courseMeasured = course !== undefined && full;
  return [
    judge(`SGD epoch through fit <= ${SGD_EPOCH_SECONDS} s`, result.epochs.SGD.epochMedian, SGD_EPOCH_SECONDS, 's',
      full ? `median of ${result.reps}` : slice, full),
    judge(`Adam epoch through fit <= ${ADAM_EPOCH_SECONDS} s`, result.epochs.Adam.epochMedian, ADAM_EPOCH_SECONDS, 's',
      full ? `median of ${result.reps}` : slice, full),
    courseMeasured
      ? judge(`full course wall <= ${COURSE_WALL_MINUTES} min`, course.wallSeconds / 60, COURSE_WALL_MINUTES, 'min', 'measured with --course')
      : judge(`full course wall <= ${COURSE_WALL_MINUTES} min`, projection.wallSeconds / 60, COURSE_WALL_MINUTES, 'min',
        full ? 'projected; --course measures it' : slice, full),
    courseMeasured
      ? judge(`course peak RSS <= ${COURSE_PEAK_MIB / 1024} GiB`, (course.peakRss ?? course.sampledPeakRss) / MIB, COURSE_PEAK_MIB, 'MiB',
        course.peakRss === undefined ? 'sampled every 100 ms' : 'VmHWM, measured with --course')
      : judge(`course peak RSS <= ${COURSE_PEAK_MIB / 1024} GiB`, undefined, COURSE_PEAK_MIB, 'MiB',
        'needs --course (the bench\'s own peak is shown above)', false),
  ];
}
