/**
 * Learning-rate schedules of the course, as Keras's `LearningRateScheduler`
 * uses them: a function of the epoch index `t` (from 0) and the current rate,
 * called at the start of every epoch. Each factory validates its parameters and
 * attaches them as `config`, so that a schedule can cross a worker boundary or
 * key a results cache as plain data.
 */
import { requirePositive, requireFraction, requireInteger } from './validate';

/** A schedule as plain data: what `scheduleFromConfig` turns back into a function. */
export type ScheduleConfig =
  | { kind: 'time'; initialLearningRate: number; decay: number }
  | { kind: 'step'; initialLearningRate: number; dropRate: number; epochsDrop: number }
  | { kind: 'exp'; initialLearningRate: number; k: number };

/** `(epoch, currentRate) => newRate`, with the parameters that define it. */
export interface Schedule {
  (epoch: number, learningRate: number): number;
  readonly config: ScheduleConfig;
}

function schedule(config: ScheduleConfig, rate: (epoch: number) => number): Schedule {
  const fn = (epoch: number) => {
    requireInteger('schedule', 'epoch', epoch, 0);
    return rate(epoch);
  };
  return Object.assign(fn, { config: Object.freeze({ ...config }) }) as Schedule;
}

export interface TimeBasedDecayOptions {
  /** eta0, the rate at epoch 0. Defaults to `0.01`. */
  initialLearningRate?: number;
  /** How fast the rate falls: eta0 / n_epochs in the course. Defaults to `0.0002` (0.01 / 50). */
  decay?: number;
}

/** Time-based decay: eta(t) = eta0 / (1 + decay * t). */
export function timeBasedDecay({ initialLearningRate = 0.01, decay = 0.01 / 50 }: TimeBasedDecayOptions = {}): Schedule {
  requirePositive('timeBasedDecay', 'initialLearningRate', initialLearningRate);
  requirePositive('timeBasedDecay', 'decay', decay);
  return schedule({ kind: 'time', initialLearningRate, decay }, (t) => initialLearningRate / (1 + decay * t));
}

export interface StepDecayOptions {
  /** eta0, the rate for the first `epochsDrop` epochs. Defaults to `0.01`. */
  initialLearningRate?: number;
  /** alpha, the factor applied at every drop, in (0, 1). Defaults to `0.5`. */
  dropRate?: number;
  /** n_drop, the number of epochs between two drops. Defaults to `10`. */
  epochsDrop?: number;
}

/** Step decay: eta(t) = eta0 * alpha ^ floor(t / n_drop). */
export function stepDecay({ initialLearningRate = 0.01, dropRate = 0.5, epochsDrop = 10 }: StepDecayOptions = {}): Schedule {
  requirePositive('stepDecay', 'initialLearningRate', initialLearningRate);
  requirePositive('stepDecay', 'dropRate', dropRate);
  requireFraction('stepDecay', 'dropRate', dropRate, 0, 1);
  requireInteger('stepDecay', 'epochsDrop', epochsDrop, 1);
  return schedule({ kind: 'step', initialLearningRate, dropRate, epochsDrop },
    (t) => initialLearningRate * Math.pow(dropRate, Math.floor(t / epochsDrop)));
}

export interface ExpDecayOptions {
  /** eta0, the rate at epoch 0. Defaults to `0.01`. */
  initialLearningRate?: number;
  /** k, the decay constant per epoch. Defaults to `0.1`. */
  k?: number;
}

/** Exponential decay: eta(t) = eta0 * exp(-k * t). */
export function expDecay({ initialLearningRate = 0.01, k = 0.1 }: ExpDecayOptions = {}): Schedule {
  requirePositive('expDecay', 'initialLearningRate', initialLearningRate);
  requirePositive('expDecay', 'k', k);
  return schedule({ kind: 'exp', initialLearningRate, k }, (t) => initialLearningRate * Math.exp(-k * t));
}

/** Rebuilds a schedule from its `config`. */
export function scheduleFromConfig(config: ScheduleConfig): Schedule {
  switch (config.kind) {
    case 'time': return timeBasedDecay(config);
    case 'step': return stepDecay(config);
    case 'exp': return expDecay(config);
    default:
      throw new Error(`Unknown schedule kind "${(config as { kind: string }).kind}": use 'time', 'step' or 'exp'.`);
  }
}

/** The rates a schedule gives for epochs 0..epochs-1: what a notebook plots before training. */
export function scheduleRates(fn: Schedule, epochs = 50): number[] {
  requireInteger('scheduleRates', 'epochs', epochs, 1);
  const rates: number[] = [];
  let rate = fn.config.initialLearningRate;
  for (let epoch = 0; epoch < epochs; epoch++) rates.push((rate = fn(epoch, rate)));
  return rates;
}

// The per-step schedules (warm-up then cosine, one-cycle) are in their own file; `dl` has both.
export * from './step-schedules';
