/**
 * Check of notebook 3's from-scratch early-stopping rule: on a set of val_loss sequences, and for
 * several values of patience and minDelta, the student's count of epochs must be where the
 * library's EarlyStopping callback (Keras's rule, lib/training/early-stopping.ts) stops the run.
 */
import { earlyStopping } from '../training/early-stopping';
import type { TrainingContext } from '../training/callbacks';
import { CheckFailed, passed } from './check-failed';
import { studentCode } from './student-code';

/** The student's rule: how many epochs run on this val_loss sequence before EarlyStopping ends the run. */
export type EpochsBeforeStop = (valLoss: number[], patience?: number, minDelta?: number) => number;

/** One case of the check: a val_loss history and the callback's settings. */
export interface EarlyStoppingCase {
  valLoss: number[];
  patience: number;
  minDelta: number;
}

/**
 * The cases, chosen so that each common slip fails at least one: a loss that never stops falling,
 * a rise, a tie (equal is not an improvement), patience 1 and 2 (a wait that resets on a new best),
 * and minDelta (an improvement smaller than it does not count).
 */
export const EARLY_STOPPING_CASES: readonly EarlyStoppingCase[] = [
  { valLoss: [0.9, 0.7, 0.6, 0.55, 0.5], patience: 0, minDelta: 0 },
  { valLoss: [0.9, 0.7, 0.75, 0.6, 0.5], patience: 0, minDelta: 0 },
  { valLoss: [0.9, 0.7, 0.7, 0.6], patience: 0, minDelta: 0 },
  { valLoss: [0.5, 0.6], patience: 0, minDelta: 0 },
  { valLoss: [0.9, 0.7, 0.75, 0.6, 0.65, 0.66, 0.5], patience: 1, minDelta: 0 },
  { valLoss: [0.9, 0.7, 0.75, 0.6, 0.65, 0.66, 0.5], patience: 2, minDelta: 0 },
  { valLoss: [0.9, 0.8, 0.79, 0.7, 0.69], patience: 0, minDelta: 0.05 },
  { valLoss: [0.9, 0.8, 0.79, 0.78, 0.6, 0.59], patience: 2, minDelta: 0.05 },
];

/** The epochs the library's earlyStopping({ monitor: 'val_loss', patience, minDelta }) lets run. */
export function libraryEpochsBeforeStop({ valLoss, patience, minDelta }: EarlyStoppingCase): number {
  const callback = earlyStopping({ monitor: 'val_loss', patience, minDelta });
  // The rule reads only stopTraining; it touches the model only to restore weights, which is off here.
  const context = { stopTraining: false, epochs: valLoss.length, print: () => {} } as unknown as TrainingContext;
  callback.onTrainBegin?.(context);
  for (let epoch = 0; epoch < valLoss.length; epoch++) {
    callback.onEpochEnd?.(epoch, { val_loss: valLoss[epoch] }, context);
    if (context.stopTraining) return epoch + 1;
  }
  return valLoss.length;
}

/**
 * Checks the student's `epochsBeforeStop` on {@link EARLY_STOPPING_CASES}.
 *
 * @returns "passed: your early-stopping rule stops where dl.earlyStopping does on all 8 cases ..."
 * @throws CheckFailed naming the first case that differs, or "... is not implemented yet".
 */
export function earlyStoppingRule(epochsBeforeStop: EpochsBeforeStop): string {
  const what = 'your early-stopping rule';
  for (const [index, testCase] of EARLY_STOPPING_CASES.entries()) {
    const { valLoss, patience, minDelta } = testCase;
    const expected = libraryEpochsBeforeStop(testCase);
    const ours = studentCode(what, () => epochsBeforeStop([...valLoss], patience, minDelta));
    if (ours !== expected) {
      throw new CheckFailed(`${what} differs from dl.earlyStopping({ monitor: 'val_loss', patience: ${patience}, minDelta: ${minDelta} }) ` +
        `in case ${index + 1} of ${EARLY_STOPPING_CASES.length}, val_loss = [${valLoss.join(', ')}]: ` +
        `got ${JSON.stringify(ours)} epochs, expected ${expected}.`);
    }
  }
  return passed(`${what} stops where dl.earlyStopping does on all ${EARLY_STOPPING_CASES.length} cases ` +
    '(rises, ties, patience 0-2, minDelta)');
}
