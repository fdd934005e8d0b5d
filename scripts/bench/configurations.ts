/**
 * The cost configurations of the course: runs whose epochs cost the same are
 * timed once. What sets an epoch's cost is the optimizer's step (how many
 * slots per weight it reads and writes) and what the network adds to each
 * step (the L2 gradient, the dropout masks); a schedule only changes the
 * learning rate between epochs, and early stopping only how many epochs run.
 */
import type { ExperimentSpec } from '../../lib';

export const CONFIGURATION_NAMES = ['SGD', 'Momentum', 'RMSprop', 'Adam', 'L2', 'Dropout'] as const;
export type ConfigurationName = (typeof CONFIGURATION_NAMES)[number];

/** What each configuration trains, with the course's own settings (Momentum as notebook 1 uses it). */
export const CONFIGURATIONS: Readonly<Record<ConfigurationName, ExperimentSpec>> = {
  SGD: { label: 'SGD', optimizer: 'SGD' },
  Momentum: { label: 'Momentum', optimizer: { name: 'Momentum', learningRate: 0.01, momentum: 0.5 } },
  RMSprop: { label: 'RMSprop', optimizer: 'RMSprop' },
  Adam: { label: 'Adam', optimizer: 'Adam' },
  L2: { label: 'L2', optimizer: 'Adam', l2: 0.001 },
  Dropout: { label: 'Dropout', optimizer: 'Adam', dropout: 0.2 },
};

/**
 * Optimizers by the configuration whose step they cost like: same slots per weight, same kind of update.
 * AdamW is Adam's step after two ops of decay per variable (about 0.05 ms more a step, a few % of an epoch).
 */
const STEP_COST: Readonly<Record<string, ConfigurationName>> = {
  sgd: 'SGD', momentum: 'Momentum', nesterov: 'Momentum', rmsprop: 'RMSprop', adagrad: 'RMSprop', adam: 'Adam', nadam: 'Adam',
  adamw: 'Adam',
};

/** The configuration a run costs like; the network's additions (L2, dropout) outweigh the optimizer's name. */
export function configurationOf(spec: ExperimentSpec): ConfigurationName {
  if ((spec.l2 ?? 0) > 0) return 'L2';
  if ((spec.dropout ?? 0) > 0) return 'Dropout';
  const optimizer = typeof spec.optimizer === 'object' ? spec.optimizer.name : spec.optimizer ?? 'SGD';
  const configuration = STEP_COST[optimizer.toLowerCase()];
  if (!configuration) throw new Error(`bench: no cost configuration for optimizer "${optimizer}" (run "${spec.label}").`);
  return configuration;
}
