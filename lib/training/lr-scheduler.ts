/**
 * Keras's `LearningRateScheduler`: at the start of every epoch, set the
 * optimizer's rate to `schedule(epoch, currentRate)`; at its end, log the rate
 * as `lr` (the float32 value the optimizer holds, as Keras's history shows).
 */
import type { Callback } from './callbacks';
import { getLearningRate, setLearningRate } from './learning-rate';
import { formatPythonFloat } from './format';
import { isStepScheduleConfig } from '../step-schedules';

export interface LearningRateSchedulerOptions {
  /** 1 prints Keras's "Epoch 00050: LearningRateScheduler reducing learning rate to 0.000625." Defaults to `0`. */
  verbose?: 0 | 1;
}

export function learningRateScheduler(
  schedule: (epoch: number, learningRate: number) => number,
  { verbose = 0 }: LearningRateSchedulerOptions = {},
): Callback {
  const config = (schedule as { config?: { kind?: string } }).config;
  if (config?.kind && isStepScheduleConfig({ kind: config.kind })) {
    throw new TypeError(`learningRateScheduler calls its schedule once per epoch, but this ${config.kind} schedule gives a rate `
      + 'per step: use dl.stepLearningRateScheduler(schedule) instead.');
  }
  return {
    onEpochBegin(epoch, context) {
      const rate = schedule(epoch, getLearningRate(context.optimizer));
      if (!Number.isFinite(rate) || rate <= 0) {
        throw new RangeError(`The learning-rate schedule returned ${rate} at epoch ${epoch}: it must return a finite rate > 0.`);
      }
      setLearningRate(context.optimizer, rate);
      if (verbose > 0) {
        const label = String(epoch + 1).padStart(5, '0');
        context.print(`\nEpoch ${label}: LearningRateScheduler reducing learning rate to ${formatPythonFloat(rate)}.`);
      }
    },
    onEpochEnd(_epoch, logs, context) {
      logs.lr = Math.fround(getLearningRate(context.optimizer));
    },
  };
}
