/**
 * The learning-rate range test (Smith 2017) as fastai's `lr_find` runs it: train for at most
 * `numIt` steps while the rate grows exponentially from `startLr` to `endLr`, record the
 * smoothed loss at every step, stop once it exceeds 4 times its lowest value, and suggest a
 * rate from the curve. The model gets its weights back afterwards and its optimizer is not
 * touched: the test trains a twin of it (same class and hyperparameters, fresh state).
 *
 * The rules (rate, smoothing, stop, suggestions) live in `RangeTest`, which any training step
 * can drive (`lrRangeTest`); `lrFinder` drives it with `fit` on the course network.
 */
import * as tf from '@tensorflow/tfjs';
import { fit } from './fit';
import { setLearningRate } from './learning-rate';
import type { OutputSink } from './progress';
import type { Series } from '../charts/series';
import { requireInteger, requirePositive } from '../validate';

export interface RangeTestOptions {
  /** The rate of the first step. Defaults to `1e-7`. */
  startLr?: number;
  /** The rate step `numIt` would have; the last step taken is `numIt - 1`. Defaults to `10`. */
  endLr?: number;
  /** The most steps taken (fastai takes at least 6). Defaults to `100`. */
  numIt?: number;
  /** Stop when the smoothed loss exceeds 4 times its lowest value. Defaults to `true`. */
  stopDiv?: boolean;
}

/** The rates fastai's `lr_find` can suggest, each from the smoothed loss against the rate. */
export interface SuggestedRates {
  /**
   * fastai's default: the longest stretch over which the loss keeps falling (the longest
   * decreasing subsequence of the curve), then the rate a third to a half of the way along it.
   */
  valley: number;
  /** The rate of the lowest loss, divided by 10. */
  minimum: number;
  /** The rate where the loss falls fastest against log(rate). */
  steep: number;
}

export interface RangeTestResult {
  /** The rate of every step taken. */
  lrs: number[];
  /** The smoothed loss after every step (an exponential moving average, beta 0.98, bias-corrected). */
  losses: number[];
  /** Each step's own loss. */
  rawLosses: number[];
  /** Why it stopped: after `numIt` steps, the smoothed loss above 4 x its minimum, or a loss that was not finite. */
  stoppedBecause: 'numIt' | 'diverged' | 'not finite';
  /** The suggestions, each computed as fastai does on the curve without its first numIt/10 and last 5 points. */
  suggestions: SuggestedRates;
  /** The rate this course takes: `suggestions.valley`, fastai's default. */
  suggestion: number;
}

/** fastai's loss smoothing (`AvgSmoothLoss`): the moving average, divided by 1 - beta^n to remove its bias towards 0. */
export const SMOOTHING_BETA = 0.98;

/** How far above its lowest value the smoothed loss may climb before the test stops. */
export const DIVERGENCE_FACTOR = 4;

/** The rules of the range test, step by step: the rate to use next, and what each loss means. */
export class RangeTest {
  readonly startLr: number;
  readonly endLr: number;
  readonly numIt: number;
  readonly stopDiv: boolean;
  private readonly lrs: number[] = [];
  private readonly losses: number[] = [];
  private readonly rawLosses: number[] = [];
  private average = 0;
  private best = Infinity;
  private stopped: RangeTestResult['stoppedBecause'] | undefined;

  constructor({ startLr = 1e-7, endLr = 10, numIt = 100, stopDiv = true }: RangeTestOptions = {}) {
    this.startLr = requirePositive('lrFinder', 'startLr', startLr);
    this.endLr = requirePositive('lrFinder', 'endLr', endLr);
    if (endLr <= startLr) throw new RangeError(`lrFinder: endLr (${endLr}) must be greater than startLr (${startLr}).`);
    this.numIt = Math.max(6, requireInteger('lrFinder', 'numIt', numIt, 1));
    this.stopDiv = stopDiv;
  }

  /** The number of steps recorded so far. */
  get steps(): number {
    return this.lrs.length;
  }

  /** True once the test has stopped: no more steps should be taken. */
  get done(): boolean {
    return this.stopped !== undefined;
  }

  /** The rate of step i: startLr * (endLr / startLr)^(i / numIt), fastai's `SchedExp`. */
  rate(step = this.steps): number {
    return this.startLr * (this.endLr / this.startLr) ** (step / this.numIt);
  }

  /** Records the loss of the step just taken at `rate()`; returns false when the test should stop. */
  record(loss: number): boolean {
    if (this.done) throw new Error('lrFinder: the range test has already stopped; start a new one.');
    if (!Number.isFinite(loss)) {
      this.stopped = 'not finite';
      return false;
    }
    this.lrs.push(this.rate());
    this.rawLosses.push(loss);
    this.average = SMOOTHING_BETA * this.average + (1 - SMOOTHING_BETA) * loss;
    const smoothed = this.average / (1 - SMOOTHING_BETA ** this.lrs.length);
    this.losses.push(smoothed);
    if (smoothed < this.best) this.best = smoothed;
    if (this.stopDiv && smoothed > DIVERGENCE_FACTOR * this.best) this.stopped = 'diverged';
    else if (this.lrs.length >= this.numIt) this.stopped = 'numIt';
    return !this.done;
  }

  /** The curve and the suggestions; throws when too few steps were taken to suggest anything. */
  result(): RangeTestResult {
    const from = Math.floor(this.numIt / 10);
    const to = this.steps - 5;
    if (to - from < 2) {
      throw new Error(`lrFinder: the test stopped after ${this.steps} step(s) (${this.stopped ?? 'not finished'}), too few to suggest a rate `
        + `(it needs more than ${from + 7}): lower startLr, or give it more steps (numIt) and enough data for them.`);
    }
    const suggestions = suggestRates(this.lrs.slice(from, to), this.losses.slice(from, to));
    return {
      lrs: [...this.lrs], losses: [...this.losses], rawLosses: [...this.rawLosses],
      stoppedBecause: this.stopped ?? 'numIt', suggestions, suggestion: suggestions.valley,
    };
  }
}

/** fastai's three suggestion rules on a curve (rates increasing, one loss each). */
export function suggestRates(lrs: readonly number[], losses: readonly number[]): SuggestedRates {
  return { valley: valley(lrs, losses), minimum: minimum(lrs, losses), steep: steep(lrs, losses) };
}

function valley(lrs: readonly number[], losses: readonly number[]): number {
  // The longest strictly decreasing subsequence ending at each point (O(n^2), n <= 100).
  const lengths = losses.map(() => 1);
  let end = 0;
  for (let i = 1; i < losses.length; i++) {
    for (let j = 0; j < i; j++) if (losses[i] < losses[j]) lengths[i] = Math.max(lengths[i], lengths[j] + 1);
    if (lengths[i] > lengths[end]) end = i;
  }
  // As fastai counts it: the stretch starts lengths[end] points before its end; the suggestion lies
  // a third of the way in, plus half of that again. (A curve that never falls would point before
  // the first point, which fastai reads from the end of the list; here it is the first point.)
  const start = end - lengths[end];
  const third = (end - start) / 3;
  return lrs[Math.max(0, start + Math.trunc(third) + Math.trunc(third / 2))];
}

function minimum(lrs: readonly number[], losses: readonly number[]): number {
  let best = 0;
  losses.forEach((loss, i) => { if (loss < losses[best]) best = i; });
  return lrs[best] / 10;
}

function steep(lrs: readonly number[], losses: readonly number[]): number {
  let best = 0;
  let steepest = Infinity;
  for (let i = 0; i + 1 < losses.length; i++) {
    const slope = (losses[i + 1] - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i]));
    if (slope < steepest) { steepest = slope; best = i; }
  }
  return lrs[best];
}

/**
 * Runs the range test with any training step: `step(rate)` makes one update at that rate and
 * returns its loss. For problems outside `fit`, such as a quadratic whose answer is known.
 */
export function lrRangeTest(step: (rate: number) => number, options: RangeTestOptions = {}): RangeTestResult {
  const test = new RangeTest(options);
  while (test.record(step(test.rate())));
  return test.result();
}

export interface LrFinderOptions extends RangeTestOptions {
  /** Samples per step. Defaults to `32`. */
  batchSize?: number;
  /** Seeds the batches' order (and dropout masks), for a reproducible curve. Defaults to `undefined`. */
  seed?: number;
}

type OptimizerClass = { fromConfig(cls: unknown, config: tf.serialization.ConfigDict): tf.Optimizer };

/** A fresh optimizer of the same class and hyperparameters as `optimizer`. */
function twinOf(optimizer: tf.Optimizer): tf.Optimizer {
  const cls = optimizer.constructor as unknown as OptimizerClass;
  if (typeof cls.fromConfig !== 'function') {
    throw new TypeError(`lrFinder: cannot make a fresh copy of ${optimizer.getClassName()} to test with; use one of dl.makeOptimizer's.`);
  }
  return cls.fromConfig(cls, optimizer.getConfig());
}

const silent: OutputSink = { write() {}, interactive: false };

/**
 * fastai's `lr_find` on a compiled model (e.g. from `buildCompile`): at most `numIt` steps of
 * `fit` on images `x` and labels `y`, over as many epochs as that takes (one, unless the data
 * has fewer batches), the rate growing from `startLr` to `endLr`. Returns the curve and the
 * suggested rates (see `RangeTestResult`).
 *
 * The steps are taken with a twin of the model's optimizer, so the optimizer's own state
 * (moments, step count, rate) is never touched; the model's weights are copied before and
 * written back after, also when the test fails or is interrupted. Nothing is printed.
 */
export async function lrFinder(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: LrFinderOptions = {}): Promise<RangeTestResult> {
  const { batchSize = 32, seed, ...rangeOptions } = options;
  requireInteger('lrFinder', 'batchSize', batchSize, 1);
  const original = model.optimizer;
  if (!original) throw new Error('lrFinder: the model has no optimizer. Build it with buildCompile(), or call model.compile() first.');
  const test = new RangeTest(rangeOptions);
  const epochs = Math.ceil(test.numIt / Math.ceil(x.shape[0] / batchSize));

  const owned = model as unknown as { isOptimizerOwned: boolean };
  const wasOwned = owned.isOptimizerOwned;
  const saved = model.weights.map((weight) => weight.read().clone());
  const twin = twinOf(original);
  model.optimizer = twin;
  try {
    await fit(model, x, y, {
      epochs, batchSize, seed, verbose: 0, output: silent,
      callbacks: [{
        onBatchBegin: (_batch, context) => setLearningRate(context.optimizer, test.rate()),
        onBatchEnd: (_batch, logs, context) => { if (!test.record(logs.loss)) context.stopTraining = true; },
      }],
    });
    // fit ends a run by itself when a loss is not finite, before any callback hears of it.
    if (!test.done) test.record(Number.NaN);
  } finally {
    model.optimizer = original;
    owned.isOptimizerOwned = wasOwned;
    twin.dispose();
    model.weights.forEach((weight, i) => weight.write(saved[i]));
    tf.dispose(saved);
  }
  return test.result();
}

/**
 * The finder's curves for `dl.showChart` with `xScale: 'log'`: per run, the smoothed loss against
 * the rate without its last 5 points (as fastai plots it), and its suggested rate as a point.
 */
export function lrFinderSeries(results: Record<string, RangeTestResult>): Series[] {
  return Object.entries(results).flatMap(([name, result]) => {
    const shown = Math.max(1, result.lrs.length - 5);
    const at = nearestIndex(result.lrs, result.suggestion);
    return [
      { name, x: result.lrs.slice(0, shown), y: result.losses.slice(0, shown) },
      { name: `${name}: suggested ${result.suggestion.toPrecision(2)}`, x: [result.suggestion], y: [result.losses[at]] },
    ];
  });
}

function nearestIndex(values: readonly number[], target: number): number {
  let best = 0;
  values.forEach((value, i) => { if (Math.abs(value - target) < Math.abs(values[best] - target)) best = i; });
  return best;
}
