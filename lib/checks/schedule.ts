/**
 * Check of notebook 2's from-scratch schedules: the student's function must give the rate of the
 * library's schedule, built with the course's parameters, on every epoch of the course's 50 (a
 * per-epoch schedule) or on every step of the course's 20-epoch runs of 1,875 steps (a per-step one).
 */
import { expDecay, oneCycle, stepDecay, timeBasedDecay, warmupCosineDecay, type ScheduleConfig } from '../schedules';
import { CheckFailed, passed } from './check-failed';
import { requireFiniteNumber, shown, studentCode } from './student-code';

/** Which schedule: the `kind` of its ScheduleConfig or StepScheduleConfig. */
export type ScheduleKind = ScheduleConfig['kind'] | 'warmupCosine' | 'oneCycle';

/** The steps of notebook 2's per-step runs in the full course: 20 epochs of 60,000 / 32 = 1,875 steps. */
export const COURSE_CYCLE_STEPS = 20 * 1875;

/** A schedule as the check compares it: the rate of index t (an epoch or a step), and the indices compared. */
interface CourseSchedule {
  title: string;
  call: string;
  /** `'epoch'` or `'step'`: what t counts. */
  unit: 'epoch' | 'step';
  /** How many indices the check compares by default (0 .. length - 1). */
  length: number;
  make: () => { config: object };
  rate: (t: number) => number;
}

function perEpoch(title: string, call: string, make: () => ReturnType<typeof stepDecay>): CourseSchedule {
  // The per-epoch schedules are Keras's (epoch, currentRate) functions; ours ignore the current rate.
  const schedule = make();
  return { title, call, unit: 'epoch', length: 50, make, rate: (t) => schedule(t, schedule.config.initialLearningRate) };
}

function perStep(title: string, call: string, make: () => ReturnType<typeof oneCycle>): CourseSchedule {
  const schedule = make();
  return { title, call, unit: 'step', length: COURSE_CYCLE_STEPS, make, rate: (t) => schedule(t) };
}

/** Each schedule as the course (and notebook 2) sets it, with how to name it in a message. */
export const COURSE_SCHEDULES: Readonly<Record<ScheduleKind, CourseSchedule>> = {
  time: perEpoch('time-based decay', 'dl.timeBasedDecay({ initialLearningRate: 0.01, decay: 0.0002 })',
    () => timeBasedDecay({ initialLearningRate: 0.01, decay: 0.01 / 50 })),
  step: perEpoch('step decay', 'dl.stepDecay({ initialLearningRate: 0.01, dropRate: 0.5, epochsDrop: 10 })',
    () => stepDecay({ initialLearningRate: 0.01, dropRate: 0.5, epochsDrop: 10 })),
  exp: perEpoch('exponential decay', 'dl.expDecay({ initialLearningRate: 0.01, k: 0.1 })',
    () => expDecay({ initialLearningRate: 0.01, k: 0.1 })),
  warmupCosine: perStep('warm-up then cosine decay',
    `dl.warmupCosineDecay({ initialLearningRate: 0.001, warmupTarget: 0.1, warmupSteps: 1875, decaySteps: ${COURSE_CYCLE_STEPS - 1875} })`,
    () => warmupCosineDecay({ initialLearningRate: 0.001, warmupTarget: 0.1, warmupSteps: 1875, decaySteps: COURSE_CYCLE_STEPS - 1875 })),
  oneCycle: perStep('one-cycle schedule', `dl.oneCycle({ maxLearningRate: 0.1, totalSteps: ${COURSE_CYCLE_STEPS} })`,
    () => oneCycle({ maxLearningRate: 0.1, totalSteps: COURSE_CYCLE_STEPS })),
};

export interface ScheduleCheckOptions {
  /** Indices 0 .. count-1 are compared. Defaults to the course's run: `50` epochs, or `37500` steps. */
  epochs?: number;
  /** The largest relative difference allowed (the same formula in another order differs in the last bits). Defaults to `1e-9`. */
  tolerance?: number;
}

/**
 * Checks `byHand(t)`, the student's rate of epoch (or step) t, against the course's schedule of `kind`.
 *
 * @returns "passed: your step decay gives the rate of dl.stepDecay(...) on every epoch 0-49 ..."
 * @throws CheckFailed naming the first epoch (or step) whose rate differs, or "... is not implemented yet".
 */
export function schedule(kind: ScheduleKind, byHand: (t: number) => number, options: ScheduleCheckOptions = {}): string {
  const course = COURSE_SCHEDULES[kind];
  if (!course) throw new Error(`schedule: unknown kind "${kind}"; use ${Object.keys(COURSE_SCHEDULES).map((name) => `'${name}'`).join(', ')}.`);
  const { epochs = course.length, tolerance = 1e-9 } = options;
  const what = `your ${course.title}`;
  for (let t = 0; t < epochs; t++) {
    const rate = course.rate(t);
    const ours = requireFiniteNumber(studentCode(what, () => byHand(t)), `The rate of ${course.unit} ${t} of ${what}`);
    if (!(Math.abs(ours - rate) <= tolerance * Math.abs(rate))) {
      throw new CheckFailed(`${what} differs from ${course.call} at ${course.unit} ${t}: got ${shown(ours)}, expected ${shown(rate)}.`);
    }
  }
  return passed(`${what} gives the rate of ${course.call} on every ${course.unit} 0-${epochs - 1} (to ${tolerance.toExponential()}, relative)`);
}
