/**
 * The per-step learning-rate scheduler: before every batch, set the optimizer's rate to
 * `schedule(step)`, where `step` counts the updates of this `fit` call from 0 across epochs -
 * what a Keras optimizer does with a `LearningRateSchedule` as its learning rate (Keras has no
 * per-batch callback for it; this one lets any of the course's optimizers take such a schedule).
 * At the end of every epoch it logs the rate of that epoch's last step as `lr` (float32, as the
 * per-epoch scheduler does).
 */
import type { Callback } from './callbacks';
import { getLearningRate, setLearningRate } from './learning-rate';
import { formatPythonFloat } from './format';

export interface StepLearningRateSchedulerOptions {
  /** 1 prints, at the start of every epoch, the rate of its first step. Defaults to `0`. */
  verbose?: 0 | 1;
}

export function stepLearningRateScheduler(
  schedule: (step: number) => number,
  { verbose = 0 }: StepLearningRateSchedulerOptions = {},
): Callback {
  let step = 0;
  let announce: number | undefined; // the epoch whose first rate is still to be printed
  return {
    onTrainBegin() { step = 0; },
    onEpochBegin(epoch) { announce = epoch; },
    onBatchBegin(_batch, context) {
      const rate = schedule(step);
      if (!Number.isFinite(rate) || rate <= 0) {
        throw new RangeError(`The per-step schedule returned ${rate} at step ${step}: it must return a finite rate > 0 `
          + '(does the run have more steps than the schedule was made for? see dl.stepsPerRun).');
      }
      setLearningRate(context.optimizer, rate);
      if (announce !== undefined && verbose > 0) {
        const label = String(announce + 1).padStart(5, '0');
        context.print(`\nEpoch ${label}: per-step schedule at step ${step}, learning rate ${formatPythonFloat(rate)}.`);
      }
      announce = undefined;
      step += 1;
    },
    onEpochEnd(_epoch, logs, context) {
      logs.lr = Math.fround(getLearningRate(context.optimizer));
    },
  };
}
