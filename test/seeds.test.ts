/**
 * Runs over several seeds (lib/experiments/seeds.ts) and their error bars: the expansion into one
 * run per seed, the mean and the min-max band worked out by hand, the band in the plotly figure and
 * in the static SVG picture, and a real sweep: AdamW over two seeds in two worker threads, each seed
 * cached on its own and the same as the plain run of that seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { plotlyFigure, resolveChartOptions, svgChart } from '../lib/charts';
import { expandSeeds, meanOverSeeds, runExperiments, type ExperimentSpec } from '../lib/experiments';
import { curves, type History } from '../lib/training';

function history(acc: number[], valAcc: number[]): History {
  return {
    epoch: acc.map((_, i) => i), history: { loss: acc.map((a) => 1 - a), acc, val_acc: valAcc },
    params: { epochs: acc.length, batchSize: 32, samples: 100, steps: 4 }, epochSeconds: acc.map(() => 1),
  };
}

test('a configuration with seeds becomes one run per seed; the call\'s seeds apply to the others', () => {
  const { runs } = expandSeeds([
    { label: 'Adam', optimizer: 'Adam', seeds: [4, 5] },
    { label: 'SGD' },
  ], [1, 2, 3]);
  assert.deepEqual(runs.map((run) => [run.label, run.seed]),
    [['Adam (seed 4)', 4], ['Adam (seed 5)', 5], ['SGD (seed 1)', 1], ['SGD (seed 2)', 2], ['SGD (seed 3)', 3]]);
  assert.ok(runs.every((run) => !('seeds' in run)));
  assert.deepEqual(expandSeeds([{ label: 'SGD' }]).runs, [{ label: 'SGD' }], 'no seeds: the spec as it is');
  assert.throws(() => expandSeeds([{ label: 'SGD', seeds: [] }]), /"SGD" has seeds = \[\]; give a non-empty list of whole numbers/);
  assert.throws(() => expandSeeds([{ label: 'SGD', seeds: [1, 1] }]), /"SGD" lists a seed twice/);
  assert.throws(() => expandSeeds([{ label: 'SGD' }], [1.5]), /"SGD" has seeds = \[1.5\]/);
});

test('the seeds fold into their mean, epoch by epoch, over the epochs every seed finished', () => {
  const mean = meanOverSeeds([
    { seed: 1, history: history([0.5, 0.7, 0.8], [0.6, 0.8, 0.9]) },
    { seed: 2, history: history([0.7, 0.9], [0.4, 0.6]) }, // stopped early: the mean has 2 epochs
  ]);
  // acc: (0.5 + 0.7) / 2 = 0.6, (0.7 + 0.9) / 2 = 0.8; val_acc: 0.5, 0.7
  assert.deepEqual(mean.epoch, [0, 1]);
  assert.ok(Math.abs(mean.history.acc[0] - 0.6) < 1e-12 && Math.abs(mean.history.acc[1] - 0.8) < 1e-12);
  assert.ok(Math.abs(mean.history.val_acc![0] - 0.5) < 1e-12 && Math.abs(mean.history.val_acc![1] - 0.7) < 1e-12);
  assert.deepEqual(mean.seeds!.map(({ seed }) => seed), [1, 2]);
  const { combine } = expandSeeds([{ label: 'A', seeds: [1, 2] }, { label: 'B' }]);
  const plain = history([0.1], [0.2]);
  const combined = combine([history([0.5], [0.6]), history([0.7], [0.4]), plain]);
  assert.deepEqual(Object.keys(combined), ['A', 'B']);
  assert.equal(combined.B, plain);
  assert.equal(combined.A.seeds!.length, 2);
});

test('curves draws a configuration with seeds as its mean in a min-max band; plotly and the SVG picture both show it', async () => {
  const runs = {
    Adam: meanOverSeeds([
      { seed: 1, history: history([0.5, 0.7], [0.6, 0.8]) },
      { seed: 2, history: history([0.7, 0.9], [0.4, 0.9]) },
      { seed: 3, history: history([0.6, 0.8], [0.5, 0.7]) },
    ]),
    SGD: history([0.3, 0.4], [0.35, 0.45]),
  };
  const series = curves(runs, 'val_acc');
  // val_acc by epoch: seeds 0.6, 0.4, 0.5 -> mean 0.5, band 0.4-0.6; then 0.8, 0.9, 0.7 -> 0.8, band 0.7-0.9
  assert.deepEqual(series[0].band, { low: [0.4, 0.7], high: [0.6, 0.9] });
  assert.ok(Math.abs(series[0].y[0] - 0.5) < 1e-12 && Math.abs(series[0].y[1] - 0.8) < 1e-12);
  assert.equal(series[1].band, undefined);

  const figure = plotlyFigure(series, resolveChartOptions({}));
  assert.deepEqual(figure.data.map((trace) => [trace.name, trace.fill ?? null, trace.showlegend ?? true]), [
    ['Adam low', null, false], ['Adam high', 'tonexty', false], ['Adam', null, true], ['SGD', null, true],
  ]);
  assert.deepEqual(figure.data[0].y, [0.4, 0.7]);
  assert.deepEqual(figure.data[1].y, [0.6, 0.9]);
  assert.equal(figure.data[1].fillcolor, 'rgba(31, 119, 180, 0.2)', 'the band in its line\'s color, translucent');
  assert.deepEqual((figure.data[2].line as { color: string }).color, '#1f77b4');
  assert.deepEqual((figure.data[3].line as { color: string }).color, '#ff7f0e', 'the other lines keep plotly\'s colors');

  const svg = await svgChart(series, { title: 'seeds' });
  const areas = svg.match(/<g[^>]*aria-label="area"[^>]*>.*?<\/g>/s);
  assert.ok(areas, 'an area mark is drawn');
  assert.equal(areas[0].match(/<path/g)?.length, 1, 'one band: Adam\'s; SGD has none');
  assert.match(areas[0], /fill-opacity="0.2"/);
  const plain = await svgChart([{ name: 'SGD', y: [1, 2] }]);
  assert.doesNotMatch(plain, /aria-label="area"[^>]*>\s*<path/, 'no band without seeds');
});

test('runExperiments trains AdamW over two seeds in worker threads, caches each seed, and seed 1 is the plain run of seed 1', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'descent-lab-seeds-'));
  const tiny = { epochs: 1, trainSamples: 320, testSamples: 100, seed: 1, cacheDir, verbose: 0 as const, liveChart: false as const };
  const spec: ExperimentSpec = { label: 'AdamW', optimizer: { name: 'AdamW', weightDecay: 0.01 } };
  const before = tf.memory().numTensors;
  const runs = await runExperiments([spec], { ...tiny, seeds: [1, 2], parallel: 2 });
  assert.equal(tf.memory().numTensors, before, 'no tensors left in this thread');
  assert.deepEqual(Object.keys(runs), ['AdamW']);
  const [one, two] = runs.AdamW.seeds!;
  assert.deepEqual([one.seed, two.seed], [1, 2]);
  assert.notDeepEqual(one.history.history.loss, two.history.history.loss, 'the seeds train differently');
  assert.ok(Math.abs(runs.AdamW.history.loss[0] - (one.history.history.loss[0] + two.history.history.loss[0]) / 2) < 1e-12);
  assert.equal(readdirSync(cacheDir).length, 2, 'each seed is its own cache entry');
  // The plain run of seed 1 is seed 1's cache entry: nothing new is trained or stored.
  const plain = await runExperiments([spec], tiny);
  assert.deepEqual(plain.AdamW.history, one.history.history);
  assert.equal(readdirSync(cacheDir).length, 2);
});
