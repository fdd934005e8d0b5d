/**
 * Every training run of the three course notebooks, as the notebooks describe
 * them. `npm start` trains them all up front, spread over every core, so that
 * the notebooks - executed one after another - find each run in the results
 * cache instead of training their sweeps one notebook at a time. The runs that
 * a notebook reuses under another label (notebook 2's "Constant" is notebook 1's
 * "SGD", notebook 3's "Standard" its "Adam") appear once. The seven optimizer runs keep weight
 * snapshots for the landscape notebook (6.1 MB each in the cache); the cache serves them to
 * notebook 1, which does not ask for them, all the same.
 */
import { expDecay, stepDecay, timeBasedDecay } from '../schedules';
import type { ExperimentSpec } from './spec';

export const COURSE_EXPERIMENTS: Readonly<Record<'optimizers' | 'schedules' | 'regularization', readonly ExperimentSpec[]>> = {
  optimizers: [
    { label: 'SGD', optimizer: 'SGD', snapshots: true },
    { label: 'Momentum', optimizer: { name: 'Momentum', learningRate: 0.01, momentum: 0.5 }, snapshots: true },
    { label: 'Nesterov', optimizer: { name: 'Nesterov', learningRate: 0.01, momentum: 0.5 }, snapshots: true },
    { label: 'RMSprop', optimizer: 'RMSprop', snapshots: true },
    { label: 'Adagrad', optimizer: 'Adagrad', snapshots: true },
    { label: 'Adam', optimizer: 'Adam', snapshots: true },
    { label: 'NAdam', optimizer: 'NAdam', snapshots: true },
  ],
  schedules: [
    { label: 'Time Decay', optimizer: 'SGD', schedule: timeBasedDecay({ initialLearningRate: 0.01, decay: 0.01 / 50 }).config },
    { label: 'Step Decay', optimizer: 'SGD', schedule: stepDecay({ initialLearningRate: 0.01, dropRate: 0.5, epochsDrop: 10 }).config },
    { label: 'Exp. Decay', optimizer: 'SGD', schedule: expDecay({ initialLearningRate: 0.01, k: 0.1 }).config },
  ],
  regularization: [
    { label: 'L2', optimizer: 'Adam', l2: 0.001 },
    { label: 'Early Stopping', optimizer: 'Adam', earlyStopping: { monitor: 'val_loss', patience: 0 } },
    { label: 'Dropout', optimizer: 'Adam', dropout: 0.2 },
    { label: 'Dropout (hidden only)', optimizer: 'Adam', dropout: 0.2, outputDropout: false },
    { label: 'AdamW', optimizer: 'AdamW' },
  ],
};

/**
 * All course runs in one list, the short early-stopping run first: the 13 runs of
 * 50 epochs then end in three that share 2 cores, so that both stay busy to the end
 * (see schedule.ts); with the short run last it would train beside the 13th alone.
 */
export function allCourseExperiments(): ExperimentSpec[] {
  const { optimizers, schedules, regularization } = COURSE_EXPERIMENTS;
  const all = [...optimizers, ...schedules, ...regularization];
  return [...all.filter((spec) => spec.earlyStopping), ...all.filter((spec) => !spec.earlyStopping)];
}
