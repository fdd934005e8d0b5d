/**
 * The per-step schedules against rates worked out by hand, their configs, their errors, and the
 * per-step scheduler: in `fit` (the rate each batch trains at) and in runExperiments' worker threads.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  cosineDecayRestarts, oneCycle, stepScheduleFromConfig, stepScheduleRates, stepScheduleSeries, stepsPerRun, warmupCosineDecay, stepDecay,
} from '../lib/schedules';
import { buildCompile } from '../lib/models';
import { fit, getLearningRate, learningRateScheduler, stepLearningRateScheduler } from '../lib/training';
import { runExperiments } from '../lib/experiments';
import { courseSettings } from '../lib/settings';
import { formatPythonFloat } from '../lib/training/format';
import { initBackend } from '../lib/backend';

// The backend training runs on (wasm here), not TensorFlow.js's slow default.
before(async () => { await initBackend(); });

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);

test('warm-up then cosine: rates worked out by hand (eta_start 0.01, eta_peak 0.1, W = 4, D = 8)', () => {
  const schedule = warmupCosineDecay({ initialLearningRate: 0.01, warmupTarget: 0.1, warmupSteps: 4, decaySteps: 8 });
  const expected: [number, number][] = [
    [0, 0.01], // the warm-up starts at eta_start
    [1, 0.0325], // 0.01 + 0.09 * 1/4
    [3, 0.0775], // 0.01 + 0.09 * 3/4
    [4, 0.1], // the peak: the cosine at 0
    [6, 0.1 * (1 + Math.SQRT1_2) / 2], // cos(pi/4) = 0.70710678: 0.0853553
    [8, 0.05], // half-way down: cos(pi/2) = 0
    [10, 0.1 * (1 - Math.SQRT1_2) / 2], // cos(3 pi/4): 0.0146447
    [12, 0], // W + D: the floor alpha * eta_peak = 0
    [20, 0], // and it stays there
  ];
  for (const [step, rate] of expected) close(schedule(step), rate, `step ${step}`);
  const floored = warmupCosineDecay({ initialLearningRate: 0.01, warmupTarget: 0.1, warmupSteps: 4, decaySteps: 8, alpha: 0.1 });
  close(floored(8), 0.1 * (0.9 * 0.5 + 0.1), 'alpha 0.1, half-way'); // 0.055
  close(floored(12), 0.01, 'alpha 0.1, the floor');
  const noWarmup = warmupCosineDecay({ warmupTarget: 0.1, warmupSteps: 0, decaySteps: 8 });
  close(noWarmup(0), 0.1, 'W = 0 starts at the peak');
});

test("one-cycle: rates worked out by hand (fastai's defaults, eta_max 1, N = 8 steps)", () => {
  const schedule = oneCycle({ maxLearningRate: 1, totalSteps: 8 });
  const down = (q: number) => 1 + (1 + Math.cos(Math.PI * (1 - q))) * (1e-5 - 1) / 2;
  const expected: [number, number][] = [
    [0, 0.04], // eta_max / div = 1/25
    [1, 0.52], // p = 1/8, half-way up: 0.04 + 0.96 / 2
    [2, 1], // p = pctStart: the peak
    [3, down(1 / 6)], // p = 3/8: (3/8 - 1/4) / (3/4) = 1/6 of the way down: 0.93301337
    [5, 0.500005], // p = 5/8: half-way down to 1e-5
    [8, 1e-5], // p = 1: eta_max / divFinal
    [9, 1e-5], // past the end it stays
  ];
  for (const [step, rate] of expected) close(schedule(step), rate, `step ${step}`);
  // By hand: 1 - 0.99999 * (1 - cos(pi/6)) / 2 = 1 - 0.99999 * 0.0669872981 = 0.9330133718.
  assert.ok(Math.abs(schedule(3) - 0.9330133718) < 1e-9, String(schedule(3)));
});

test("cosine decay with warm restarts (SGDR): rates worked out by hand (eta_0 1, T_0 4 steps, cycles doubling, each restart at half)", () => {
  const schedule = cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 4, tMul: 2, mMul: 0.5 });
  const expected: [number, number][] = [
    [0, 1], // cycle 0 (steps 0-3) starts at eta_0
    [2, 0.5], // half-way through it: (1 + cos(pi/2)) / 2
    [3, (1 + Math.cos(Math.PI * 3 / 4)) / 2], // 0.1464466
    [4, 0.5], // cycle 1 (steps 4-11, twice as long) restarts at 0.5
    [8, 0.25], // half-way through cycle 1: 0.5 * 0.5
    [12, 0.25], // cycle 2 (steps 12-27) restarts at 0.25
    [20, 0.125], // half-way through cycle 2
  ];
  for (const [step, rate] of expected) close(schedule(step), rate, `step ${step}`);
  const even = cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 4, tMul: 1, alpha: 0.1 });
  close(even(5), 0.1 + 0.9 * (1 + Math.SQRT1_2) / 2, 'tMul 1: step 5 is a quarter into cycle 1'); // 0.86820
  close(even(8), 1, 'tMul 1: every 4 steps it restarts');
});

test('the per-step schedules have their documented defaults and round-trip through their configs', () => {
  assert.deepEqual(warmupCosineDecay({ warmupSteps: 10, decaySteps: 90 }).config,
    { kind: 'warmupCosine', initialLearningRate: 0.001, warmupTarget: 0.1, warmupSteps: 10, decaySteps: 90, alpha: 0 });
  assert.deepEqual(oneCycle({ totalSteps: 100 }).config,
    { kind: 'oneCycle', maxLearningRate: 0.1, totalSteps: 100, pctStart: 0.25, div: 25, divFinal: 1e5 });
  assert.deepEqual(cosineDecayRestarts({ firstDecaySteps: 10 }).config,
    { kind: 'cosineRestarts', initialLearningRate: 0.1, firstDecaySteps: 10, tMul: 2, mMul: 1, alpha: 0 });
  for (const schedule of [warmupCosineDecay({ warmupSteps: 10, decaySteps: 90 }), oneCycle({ totalSteps: 100 }), cosineDecayRestarts({ firstDecaySteps: 10 })]) {
    const rebuilt = stepScheduleFromConfig(JSON.parse(JSON.stringify(schedule.config)));
    assert.deepEqual(stepScheduleRates(rebuilt, 100), stepScheduleRates(schedule, 100));
  }
  assert.equal(stepsPerRun({ epochs: 20, trainSamples: 60_000, batchSize: 32 }), 37_500);
  assert.equal(stepsPerRun({ epochs: 2, trainSamples: 2_000, batchSize: 32 }), 126); // 63 batches, the last of 16
});

test('bad per-step schedule parameters and misuse give errors that say what to do', () => {
  assert.throws(() => warmupCosineDecay({ warmupSteps: 10, decaySteps: 0 }), /decaySteps must be an integer >= 1, got 0/);
  assert.throws(() => warmupCosineDecay({ initialLearningRate: 0, warmupSteps: 1, decaySteps: 1 }), /initialLearningRate must be a finite number greater than 0/);
  assert.throws(() => warmupCosineDecay({ warmupSteps: 1, decaySteps: 1, alpha: 1 }), /alpha must be a number in \[0, 1\), got 1/);
  assert.throws(() => oneCycle({ totalSteps: 10, pctStart: 1 }), /pctStart must be a number in \(0, 1\), got 1/);
  assert.throws(() => oneCycle({ totalSteps: 2.5 }), /totalSteps must be an integer >= 1, got 2.5/);
  assert.throws(() => oneCycle({ totalSteps: 10 })(-1), /step must be an integer >= 0, got -1/);
  assert.throws(() => stepScheduleFromConfig({ kind: 'sgdr' } as never), /Unknown per-step schedule kind "sgdr": use 'warmupCosine', 'oneCycle' or 'cosineRestarts'/);
  assert.throws(() => learningRateScheduler(oneCycle({ totalSteps: 10 })), /per step: use dl\.stepLearningRateScheduler\(schedule\) instead/);
});

test('the per-step scheduler sets the rate before every batch, counting steps across epochs, and logs lr per epoch', async () => {
  const before = tf.memory().numTensors;
  const x = tf.randomUniform([96, 28, 28], 0, 1, 'float32', 3);
  const y = tf.tensor1d(Array.from({ length: 96 }, (_, i) => i % 10), 'int32');
  const model = buildCompile('Adam', { seed: 1 });
  const schedule = oneCycle({ maxLearningRate: 0.01, totalSteps: 9 }); // 3 epochs of 3 batches
  const seen: number[] = [];
  const history = await fit(model, x, y, {
    epochs: 3, verbose: 0,
    callbacks: [stepLearningRateScheduler(schedule), { onBatchEnd: (_batch, _logs, context) => { seen.push(getLearningRate(context.optimizer)); } }],
  });
  assert.deepEqual(seen, stepScheduleRates(schedule, 9));
  assert.deepEqual(history.history.lr, [2, 5, 8].map((step) => Math.fround(schedule(step))));
  // A schedule that ends before the run does stops it with a clear error, naming the step.
  const short = warmupCosineDecay({ warmupSteps: 1, decaySteps: 2 });
  await assert.rejects(fit(model, x, y, { epochs: 2, verbose: 0, callbacks: [stepLearningRateScheduler(short)] }),
    /before batch 1 of epoch 2: The per-step schedule returned 0 at step 3: it must return a finite rate > 0 .*dl\.stepsPerRun/);
  model.optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
});

test('fit stops after the batch whose callback sets stopTraining, and logs the batches it trained', async () => {
  const x = tf.randomUniform([96, 28, 28], 0, 1, 'float32', 4);
  const y = tf.tensor1d(Array.from({ length: 96 }, (_, i) => i % 10), 'int32');
  const model = buildCompile('SGD', { seed: 1 });
  const batches: number[] = [];
  const history = await fit(model, x, y, {
    epochs: 3, verbose: 0,
    callbacks: [{ onBatchEnd: (batch, logs, context) => { batches.push(batch); assert.ok(logs.loss > 0 && logs.acc >= 0); if (batch === 1) context.stopTraining = true; } }],
  });
  assert.deepEqual(batches, [0, 1]);
  assert.equal(history.epoch.length, 1);
  model.optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
});

test('runExperiments trains a per-step schedule in a worker thread, announcing each epoch\'s first rate', async () => {
  const settings = { ...courseSettings({}), epochs: 2, trainSamples: 320, testSamples: 100, seed: 5 };
  const steps = stepsPerRun(settings); // 2 x 10
  const cycle = oneCycle({ maxLearningRate: 0.1, totalSteps: steps });
  const log = { interactive: false, text: '', write(chunk: string) { log.text += chunk; } };
  const runs = await runExperiments([
    { label: 'One-cycle', optimizer: 'SGD', schedule: cycle.config },
    { label: 'Step', optimizer: 'SGD', schedule: stepDecay({ epochsDrop: 1 }).config },
  ], { ...settings, cacheDir: mkdtempSync(join(tmpdir(), 'descent-lab-cache-')), output: log, liveChart: false });
  assert.deepEqual(runs['One-cycle'].history.lr, [9, 19].map((step) => Math.fround(cycle(step))));
  // Step 10 of 20 is a third of the way down: 0.1 + (1 + cos(2 pi / 3)) * (1e-6 - 0.1) / 2 = 0.0750...
  close(cycle(10), 0.1 - 0.099999 / 4, 'step 10');
  assert.ok(log.text.includes(`[One-cycle] Epoch 00002: per-step schedule at step 10, learning rate ${formatPythonFloat(cycle(10))}.`), log.text);
  assert.match(log.text, /\[Step\] Epoch 00002: LearningRateScheduler reducing learning rate to 0\.005\./);
});

test('stepScheduleSeries samples a schedule over epochs, first and last step included', () => {
  const cycle = oneCycle({ totalSteps: 1000 });
  const series = stepScheduleSeries('One-cycle', cycle, { totalSteps: 1000, stepsPerEpoch: 100, points: 10 });
  assert.deepEqual(series.x, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9.99]);
  assert.deepEqual(series.y, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999].map((i) => cycle(i)));
});
