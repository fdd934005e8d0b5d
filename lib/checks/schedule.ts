/**
 * Check of notebook 2's from-scratch schedules: the student's function of the epoch index must give
 * the rate of the library's schedule, built with the course's parameters, on every epoch of the
 * course's 50.
 */
import { expDecay, Schedule, ScheduleConfig, stepDecay, timeBasedDecay } from '../schedules';
import { CheckFailed, passed } from './check-failed';
import { requireFiniteNumber, shown, studentCode } from './student-code';

/** Which schedule: the `kind` of its ScheduleConfig. */
export type ScheduleKind = ScheduleConfig['kind'];

/** Each schedule as the course (and notebook 2) sets it, with how to name it in a message. */
export const COURSE_SCHEDULES: Readonly<Record<ScheduleKind, { title: string; call: string; make: () => Schedule }>> = {
  time: {
    title: 'time-based decay',
    call: 'dl.timeBasedDecay({ initialLearningRate: 0.01, decay: 0.0002 })',
    make: () => timeBasedDecay({ initialLearningRate: 0.01, decay: 0.01 / 50 }),
  },
  step: {
    title: 'step decay',
    call: 'dl.stepDecay({ initialLearningRate: 0.01, dropRate: 0.5, epochsDrop: 10 })',
    make: () => stepDecay({ initialLearningRate: 0.01, dropRate: 0.5, epochsDrop: 10 }),
  },
  exp: {
    title: 'exponential decay',
    call: 'dl.expDecay({ initialLearningRate: 0.01, k: 0.1 })',
    make: () => expDecay({ initialLearningRate: 0.01, k: 0.1 }),
  },
};

export interface ScheduleCheckOptions {
  /** Epochs 0 .. epochs-1 are compared. Defaults to `50`, the course's run length. */
  epochs?: number;
  /** The largest relative difference allowed (the same formula in another order differs in the last bits). Defaults to `1e-9`. */
  tolerance?: number;
}

/**
 * Checks `byHand(t)`, the student's rate of epoch t, against the course's schedule of `kind`.
 *
 * @returns "passed: your step decay gives the rate of dl.stepDecay(...) on every epoch 0-49 ..."
 * @throws CheckFailed naming the first epoch whose rate differs, or "... is not implemented yet".
 */
export function schedule(kind: ScheduleKind, byHand: (t: number) => number, options: ScheduleCheckOptions = {}): string {
  const course = COURSE_SCHEDULES[kind];
  if (!course) throw new Error(`schedule: unknown kind "${kind}"; use 'time', 'step' or 'exp'.`);
  const { epochs = 50, tolerance = 1e-9 } = options;
  const library = course.make();
  const what = `your ${course.title}`;
  let rate = library.config.initialLearningRate;
  for (let t = 0; t < epochs; t++) {
    rate = library(t, rate);
    const ours = requireFiniteNumber(studentCode(what, () => byHand(t)), `The rate of epoch ${t} of ${what}`);
    if (!(Math.abs(ours - rate) <= tolerance * Math.abs(rate))) {
      throw new CheckFailed(`${what} differs from ${course.call} at epoch ${t}: got ${shown(ours)}, expected ${shown(rate)}.`);
    }
  }
  return passed(`${what} gives the rate of ${course.call} on every epoch 0-${epochs - 1} (to ${tolerance.toExponential()}, relative)`);
}
