/**
 * The learning-rate finder: its rules worked by hand, its suggestion on a problem whose answer is
 * known (least squares, where gradient descent diverges above 2/L), and `lrFinder` on the course
 * network with real MNIST: weights given back, optimizer untouched, no tensor leaked.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { RangeTest, fit, lrFinder, lrFinderSeries, lrRangeTest, suggestRates } from '../lib/training';
import { buildCompile } from '../lib/models';
import { loadMnist } from '../lib/data';
import { chartBundle, svgChartSync } from '../lib/charts';
import { initBackend } from '../lib/backend';

// The backend training runs on (wasm here), not TensorFlow.js's slow default.
before(async () => { await initBackend(); });

test('the range test: exponential rates, smoothed losses, and the stop at 4 x the lowest', () => {
  const test = new RangeTest();
  assert.equal(test.rate(0), 1e-7);
  assert.ok(Math.abs(test.rate(50) - 1e-3) < 1e-15, 'half-way in log space: 1e-7 * (1e8)^0.5');
  assert.ok(Math.abs(test.rate(100) - 10) < 1e-12);
  // Smoothing with beta 0.98 and bias correction: 1, then (0.98 * 0.02 + 0.02 * 2) / (1 - 0.98^2) = 0.0596 / 0.0396.
  test.record(1);
  test.record(2);
  for (let i = 0; i < 28; i++) test.record(1);
  const early = (test as unknown as { losses: number[] }).losses;
  assert.equal(early[0], 1);
  assert.ok(Math.abs(early[1] - 0.0596 / 0.0396) < 1e-12, String(early[1]));
  // A jump the smoothing lifts past 4 x the lowest stops it: the average is over ~50 steps, so it takes a big one.
  assert.equal(test.record(1000), false);
  assert.equal(test.done, true);
  assert.equal(test.result().stoppedBecause, 'diverged');
  assert.throws(() => test.record(1), /already stopped/);
  const tooShort = new RangeTest();
  tooShort.record(1);
  assert.throws(() => tooShort.result(), /stopped after 1 step\(s\).*too few to suggest a rate.*lower startLr/);
  assert.throws(() => new RangeTest({ startLr: 1, endLr: 0.1 }), /endLr \(0\.1\) must be greater than startLr \(1\)/);
});

test("fastai's suggestions on a curve worked by hand", () => {
  const lrs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const losses = [5, 5.1, 4, 3, 2, 1.5, 1, 0.5, 2, 9];
  // valley: the longest decreasing subsequence is 5.1, 4, 3, 2, 1.5, 1, 0.5 (7 points, ending at index 7);
  // fastai's start = 7 - 7 = 0, a third of 7 is 2.33: index 0 + 2 + trunc(1.17) = 3, rate 4.
  // minimum: the lowest loss 0.5 is at rate 8: 0.8.
  // steep: the falls per log(rate) are 3 -> 2 over ln(5/4): -4.48, the steepest (4 -> 3 over ln(4/3): -3.48;
  // 1 -> 0.5 over ln(8/7): -3.74), so the rate at its left end, 4.
  assert.deepEqual(suggestRates(lrs, losses), { valley: 4, minimum: 0.8, steep: 4 });
  // A curve that never falls: valley takes the first point (fastai would wrap round to the last).
  assert.equal(suggestRates([1, 2, 3], [1, 2, 3]).valley, 1);
});

/** The bytes of some tensors' values, one after another, to compare states bit for bit. */
function bytesOf(tensors: tf.Tensor[]): Buffer {
  return Buffer.concat(tensors.map((tensor) => Buffer.from((tensor.dataSync() as Float32Array).slice().buffer)));
}

/** Minibatch gradient descent on least squares, whose divergence threshold is 2/L (L: the Hessian's largest eigenvalue). */
function leastSquares(seed: number) {
  let state = seed >>> 0;
  const uniform = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 4294967296; };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const n = 1024, d = 10, batch = 32;
  const X = Array.from({ length: n }, () => Array.from({ length: d }, gauss));
  const truth = Array.from({ length: d }, gauss);
  const y = X.map((row) => row.reduce((sum, v, j) => sum + v * truth[j], 0) + gauss());
  // L by power iteration on H = X^T X / n.
  const H = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => X.reduce((sum, row) => sum + row[a] * row[b], 0) / n));
  const times = (v: number[]) => H.map((row) => row.reduce((sum, h, j) => sum + h * v[j], 0));
  let v = Array<number>(d).fill(1);
  for (let k = 0; k < 500; k++) { const u = times(v); const norm = Math.hypot(...u); v = u.map((x) => x / norm); }
  const L = times(v).reduce((sum, x, i) => sum + x * v[i], 0);
  const w = Array<number>(d).fill(0);
  const step = (rate: number) => {
    const rows = Array.from({ length: batch }, () => Math.floor(uniform() * n));
    const residuals = rows.map((i) => X[i].reduce((sum, x, j) => sum + x * w[j], 0) - y[i]);
    for (let j = 0; j < d; j++) w[j] -= rate * rows.reduce((sum, i, q) => sum + X[i][j] * residuals[q], 0) / batch;
    return residuals.reduce((sum, r) => sum + r * r, 0) / (2 * batch);
  };
  return { threshold: 2 / L, step };
}

test('on least squares, whose rates diverge above 2/L, the suggestions sit below 2/L by the factors the rules predict', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const { threshold, step } = leastSquares(seed);
    const result = lrRangeTest(step);
    assert.equal(result.stoppedBecause, 'diverged', `seed ${seed}: the test ends by diverging`);
    // The lowest smoothed loss comes just around 2/L (the smoothing lags a step or two behind the rate)...
    const lowest = result.lrs[result.losses.indexOf(Math.min(...result.losses))];
    assert.ok(lowest > threshold / 2 && lowest < 2 * threshold, `seed ${seed}: lowest loss at ${lowest}, 2/L = ${threshold}`);
    // ... so 'minimum' (a tenth of that rate) is 5 to 20 times below 2/L, and 'valley', the course's
    // suggestion, lies on the falling stretch before it: below 2/L by 10 to 1000 times.
    const { valley, minimum } = result.suggestions;
    assert.ok(minimum > threshold / 20 && minimum < threshold / 5, `seed ${seed}: minimum ${minimum}, 2/L = ${threshold}`);
    assert.ok(valley > threshold / 1000 && valley < threshold / 10, `seed ${seed}: valley ${valley}, 2/L = ${threshold}`);
    assert.equal(result.suggestion, valley);
  }
});

test('lrFinder on the course network: a curve for SGD and Adam, the weights given back, the optimizer untouched, no tensor leaked', async () => {
  const data = await loadMnist({ trainSamples: 2000, testSamples: 100 });
  const before = tf.memory().numTensors;
  for (const name of ['SGD', 'Adam']) {
    const model = buildCompile(name, { seed: 1 });
    // One real step first, so the optimizer has state (Adam's moments and step count) to keep.
    const [x, y] = [tf.slice(data.xTrain, 0, 32), tf.slice(data.yTrain, 0, 32)];
    await fit(model, x, y, { verbose: 0 });
    tf.dispose([x, y]);
    const weights = bytesOf(model.weights.map((weight) => weight.read()));
    const optimizerState = bytesOf((await model.optimizer.getWeights()).map(({ tensor }) => tensor));
    const rate = (model.optimizer as unknown as { learningRate: number }).learningRate;

    const result = await lrFinder(model, data.xTrain, data.yTrain, { seed: 1 });
    assert.ok(result.lrs.length > 20 && result.lrs.length <= 100, `${name}: ${result.lrs.length} steps`);
    assert.equal(result.lrs[0], 1e-7);
    assert.ok(result.losses[0] > 2 && result.losses[0] < 2.6, `${name}: starts near ln 10 = 2.30, got ${result.losses[0]}`);
    assert.ok(Math.min(...result.losses) < result.losses[0] - 0.05, `${name}: the loss falls somewhere`);
    for (const suggested of Object.values(result.suggestions)) assert.ok(suggested > 1e-6 && suggested < 10, `${name}: ${suggested}`);

    assert.ok(bytesOf(model.weights.map((weight) => weight.read())).equals(weights), `${name}: the weights are given back, bit for bit`);
    const after = bytesOf((await model.optimizer.getWeights()).map(({ tensor }) => tensor));
    assert.ok(after.equals(optimizerState), `${name}: the optimizer's state (slots and step count) is untouched`);
    assert.equal((model.optimizer as unknown as { learningRate: number }).learningRate, rate);
    model.optimizer.dispose();
    model.dispose();
  }
  tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
});

test('lrFinderSeries draws each curve on a log x axis with its suggestion as a point', () => {
  const { step } = leastSquares(1);
  const result = lrRangeTest(step);
  const series = lrFinderSeries({ SGD: result });
  assert.deepEqual(series.map((line) => line.name), ['SGD', `SGD: suggested ${result.suggestion.toPrecision(2)}`]);
  assert.equal(series[0].x!.length, result.lrs.length - 5, 'the last 5 points are left out, as fastai plots it');
  assert.deepEqual(series[1].x, [result.suggestion]);
  const bundle = chartBundle(series, { xScale: 'log', xLabel: 'learning rate' });
  const figure = bundle.data['application/vnd.plotly.v1+json'] as { layout: { xaxis: { type?: string } } };
  assert.equal(figure.layout.xaxis.type, 'log');
  // The static picture has a log axis too: ticks at powers of ten, in SI prefixes.
  const svg = svgChartSync(series, { xScale: 'log' });
  for (const tick of ['>1µ<', '>1m<', '>100m<']) assert.ok(svg.includes(tick), `the picture has the tick ${tick}`);
  assert.throws(() => chartBundle([{ name: 'a', x: [0, 1], y: [1, 2] }], { xScale: 'log' }), /x value <= 0, which a log x axis cannot place/);
});
