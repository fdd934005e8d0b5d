/**
 * Learning-rate schedules per step (per batch), beside the course's per-epoch ones in
 * ./schedules - warm-up then cosine decay, one-cycle, cosine decay with warm restarts (SGDR): the rate changes at every optimizer update, as a Keras `LearningRateSchedule`
 * does (the optimizer calls it with the number of updates made so far, from 0). Like the
 * per-epoch ones, each factory validates its parameters and attaches them as `config`, so a
 * schedule can cross a worker boundary or key a results cache as plain data.
 *
 * Each needs a length in steps: epochs x ceil(training samples / batch size)
 * (`stepsPerRun` computes it).
 */
import { requireFraction, requireInteger, requirePositive } from './validate';

/** A per-step schedule as plain data: what `stepScheduleFromConfig` turns back into a function. */
export type StepScheduleConfig =
  | {
    kind: 'warmupCosine'; initialLearningRate: number; warmupTarget: number;
    warmupSteps: number; decaySteps: number; alpha: number;
  }
  | { kind: 'oneCycle'; maxLearningRate: number; totalSteps: number; pctStart: number; div: number; divFinal: number }
  | { kind: 'cosineRestarts'; initialLearningRate: number; firstDecaySteps: number; tMul: number; mMul: number; alpha: number };

/** `step => rate`, the rate of the update with that index (from 0), with the parameters that define it. */
export interface StepSchedule {
  (step: number): number;
  readonly config: StepScheduleConfig;
}

const STEP_KINDS: readonly string[] = ['warmupCosine', 'oneCycle', 'cosineRestarts'];

/** True for the config of a per-step schedule (its `kind` is one of this file's). */
export function isStepScheduleConfig(config: { kind: string }): config is StepScheduleConfig {
  return STEP_KINDS.includes(config.kind);
}

function stepSchedule(config: StepScheduleConfig, rate: (step: number) => number): StepSchedule {
  const fn = (step: number) => rate(requireInteger('schedule', 'step', step, 0));
  return Object.assign(fn, { config: Object.freeze({ ...config }) }) as StepSchedule;
}

/** Half a cosine from `start` (at p = 0) to `end` (at p = 1): fastai's `sched_cos`. */
function cosineRamp(start: number, end: number, p: number): number {
  return start + ((1 + Math.cos(Math.PI * (1 - p))) * (end - start)) / 2;
}

export interface WarmupCosineDecayOptions {
  /** eta_start, the rate of step 0, where the warm-up starts; > 0 here (Keras allows 0). Defaults to `0.001`. */
  initialLearningRate?: number;
  /** eta_peak, the rate the warm-up reaches and the cosine starts from. Defaults to `0.1`. */
  warmupTarget?: number;
  /** W, the steps of the linear warm-up (0: none). Required: it depends on the run's length. */
  warmupSteps: number;
  /** D, the steps of the cosine decay after the warm-up. Required. */
  decaySteps: number;
  /** alpha, the floor of the decay as a fraction of eta_peak, in [0, 1). Defaults to `0`. */
  alpha?: number;
}

/**
 * Linear warm-up, then cosine decay: Keras 3's `CosineDecay` with `warmup_target` and
 * `warmup_steps` (d2l.ai's `CosineScheduler` is the same curve per epoch). For step i:
 *
 *   i < W:       eta(i) = eta_start + (eta_peak - eta_start) * i / W
 *   i >= W:      eta(i) = eta_peak * ((1 - alpha) * (1 + cos(pi * min(i - W, D) / D)) / 2 + alpha)
 *
 * so the rate climbs in a straight line to eta_peak at step W, falls along half a cosine to
 * alpha * eta_peak at step W + D, and stays there. With alpha = 0 that last rate is 0, which no
 * optimizer here accepts: make D at least the run's steps after the warm-up (W + D >= steps).
 */
export function warmupCosineDecay(
  { initialLearningRate = 0.001, warmupTarget = 0.1, warmupSteps, decaySteps, alpha = 0 }: WarmupCosineDecayOptions,
): StepSchedule {
  requirePositive('warmupCosineDecay', 'initialLearningRate', initialLearningRate);
  requirePositive('warmupCosineDecay', 'warmupTarget', warmupTarget);
  requireInteger('warmupCosineDecay', 'warmupSteps', warmupSteps, 0);
  requireInteger('warmupCosineDecay', 'decaySteps', decaySteps, 1);
  requireFraction('warmupCosineDecay', 'alpha', alpha, 0, 1);
  const config = { kind: 'warmupCosine' as const, initialLearningRate, warmupTarget, warmupSteps, decaySteps, alpha };
  return stepSchedule(config, (i) => {
    if (i < warmupSteps) return initialLearningRate + ((warmupTarget - initialLearningRate) * i) / warmupSteps;
    const fraction = Math.min(i - warmupSteps, decaySteps) / decaySteps;
    return warmupTarget * (((1 - alpha) * (1 + Math.cos(Math.PI * fraction))) / 2 + alpha);
  });
}

export interface OneCycleOptions {
  /** eta_max, the peak rate (fastai's `lr_max`): take it from `lrFinder`. Defaults to `0.1`. */
  maxLearningRate?: number;
  /** N, the steps of the whole run. Required: it depends on the run's length. */
  totalSteps: number;
  /** The fraction of the run spent climbing, in (0, 1). Defaults to `0.25` (fastai's `pct_start`). */
  pctStart?: number;
  /** The run starts at eta_max / div. Defaults to `25`. */
  div?: number;
  /** The run ends at eta_max / divFinal. Defaults to `1e5`. */
  divFinal?: number;
}

/**
 * The one-cycle policy (Smith 2018) as fastai's `fit_one_cycle` schedules the rate: two halves of
 * a cosine, up from eta_max / div to eta_max over the first pctStart of the run, then down to
 * eta_max / divFinal (fastai's `lr_max / div_final`, not `/ (div * div_final)`). With p = i / N:
 *
 *   p < pctStart:  eta(i) = cos_ramp(eta_max / div, eta_max, p / pctStart)
 *   p >= pctStart: eta(i) = cos_ramp(eta_max, eta_max / divFinal, (p - pctStart) / (1 - pctStart))
 *   cos_ramp(a, b, q) = a + (b - a) * (1 + cos(pi * (1 - q))) / 2
 *
 * and steps past N keep the last rate. fastai also cycles the momentum (0.95 to 0.85 and back);
 * this schedules the rate only, which is all plain SGD has.
 */
export function oneCycle(
  { maxLearningRate = 0.1, totalSteps, pctStart = 0.25, div = 25, divFinal = 1e5 }: OneCycleOptions,
): StepSchedule {
  requirePositive('oneCycle', 'maxLearningRate', maxLearningRate);
  requireInteger('oneCycle', 'totalSteps', totalSteps, 1);
  if (!(pctStart > 0 && pctStart < 1)) throw new RangeError(`oneCycle: pctStart must be a number in (0, 1), got ${pctStart}.`);
  requirePositive('oneCycle', 'div', div);
  requirePositive('oneCycle', 'divFinal', divFinal);
  const config = { kind: 'oneCycle' as const, maxLearningRate, totalSteps, pctStart, div, divFinal };
  return stepSchedule(config, (i) => {
    const p = Math.min(i / totalSteps, 1);
    return p < pctStart
      ? cosineRamp(maxLearningRate / div, maxLearningRate, p / pctStart)
      : cosineRamp(maxLearningRate, maxLearningRate / divFinal, (p - pctStart) / (1 - pctStart));
  });
}

export interface CosineDecayRestartsOptions {
  /** eta_0, the rate at the start of the first cycle. Defaults to `0.1`. */
  initialLearningRate?: number;
  /** T_0, the steps of the first cycle. Required: it depends on the run's length. */
  firstDecaySteps: number;
  /** Each cycle is tMul times as long as the one before. Defaults to `2`. */
  tMul?: number;
  /** Each cycle starts at mMul times the rate the one before started at. Defaults to `1`. */
  mMul?: number;
  /** alpha, the floor of every cycle as a fraction of eta_0, in [0, 1). Defaults to `0`. */
  alpha?: number;
}

/**
 * Cosine decay with warm restarts (SGDR, Loshchilov and Hutter 2017) as Keras 3's
 * `CosineDecayRestarts` computes it: cycle k (from 0) lasts T_0 * tMul^k steps, and within it,
 * at the fraction f of the cycle done,
 *
 *   eta(i) = eta_0 * ((1 - alpha) * mMul^k * (1 + cos(pi * f)) / 2 + alpha)
 *
 * so every cycle falls along half a cosine and the next starts again high ("warm": the weights
 * are kept). With x = i / T_0 the cycle is k = floor(log(1 - x (1 - tMul)) / log(tMul)) and
 * f = (x - (1 - tMul^k) / (1 - tMul)) / tMul^k; with tMul = 1, k = floor(x) and f = x - k.
 */
export function cosineDecayRestarts(
  { initialLearningRate = 0.1, firstDecaySteps, tMul = 2, mMul = 1, alpha = 0 }: CosineDecayRestartsOptions,
): StepSchedule {
  requirePositive('cosineDecayRestarts', 'initialLearningRate', initialLearningRate);
  requireInteger('cosineDecayRestarts', 'firstDecaySteps', firstDecaySteps, 1);
  requirePositive('cosineDecayRestarts', 'tMul', tMul);
  requirePositive('cosineDecayRestarts', 'mMul', mMul);
  requireFraction('cosineDecayRestarts', 'alpha', alpha, 0, 1);
  const config = { kind: 'cosineRestarts' as const, initialLearningRate, firstDecaySteps, tMul, mMul, alpha };
  return stepSchedule(config, (i) => {
    const x = i / firstDecaySteps;
    let cycle: number;
    let fraction: number;
    if (tMul === 1) {
      cycle = Math.floor(x);
      fraction = x - cycle;
    } else {
      cycle = Math.floor(Math.log(1 - x * (1 - tMul)) / Math.log(tMul));
      fraction = (x - (1 - tMul ** cycle) / (1 - tMul)) / tMul ** cycle;
    }
    return initialLearningRate * (((1 - alpha) * mMul ** cycle * (1 + Math.cos(Math.PI * fraction))) / 2 + alpha);
  });
}

/** Rebuilds a per-step schedule from its `config`. */
export function stepScheduleFromConfig(config: StepScheduleConfig): StepSchedule {
  switch (config.kind) {
    case 'warmupCosine': return warmupCosineDecay(config);
    case 'oneCycle': return oneCycle(config);
    case 'cosineRestarts': return cosineDecayRestarts(config);
    default:
      throw new Error(`Unknown per-step schedule kind "${(config as { kind: string }).kind}": use 'warmupCosine', 'oneCycle' or 'cosineRestarts'.`);
  }
}

/** The steps of a run: epochs x ceil(samples / batchSize), what `totalSteps` and `decaySteps` count. */
export function stepsPerRun({ epochs, trainSamples, batchSize }: { epochs: number; trainSamples: number; batchSize: number }): number {
  requireInteger('stepsPerRun', 'epochs', epochs, 1);
  requireInteger('stepsPerRun', 'trainSamples', trainSamples, 1);
  requireInteger('stepsPerRun', 'batchSize', batchSize, 1);
  return epochs * Math.ceil(trainSamples / batchSize);
}

/** The rates of steps 0..steps-1: what a notebook plots before training. */
export function stepScheduleRates(fn: StepSchedule, steps: number): number[] {
  requireInteger('stepScheduleRates', 'steps', steps, 1);
  return Array.from({ length: steps }, (_, i) => fn(i));
}

/**
 * A per-step schedule as a chart series over epochs: about `points` of its rates, at steps
 * spread evenly over `totalSteps`, with x in epochs (step / stepsPerEpoch). A run has tens of
 * thousands of steps; a chart needs a few hundred points to show the curve.
 */
export function stepScheduleSeries(
  name: string, fn: StepSchedule, { totalSteps, stepsPerEpoch, points = 200 }: { totalSteps: number; stepsPerEpoch: number; points?: number },
): { name: string; x: number[]; y: number[] } {
  requireInteger('stepScheduleSeries', 'totalSteps', totalSteps, 1);
  requireInteger('stepScheduleSeries', 'stepsPerEpoch', stepsPerEpoch, 1);
  requireInteger('stepScheduleSeries', 'points', points, 2);
  const stride = Math.max(1, Math.ceil(totalSteps / points));
  const steps: number[] = [];
  for (let i = 0; i < totalSteps; i += stride) steps.push(i);
  if (steps[steps.length - 1] !== totalSteps - 1) steps.push(totalSteps - 1);
  return { name, x: steps.map((i) => i / stepsPerEpoch), y: steps.map((i) => fn(i)) };
}
