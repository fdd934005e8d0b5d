import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ResultsCache, cacheKey, cacheKeyFields, runExperiments, type ExperimentSpec } from '../lib/experiments';
import { QUICK_SETTINGS, courseSettings } from '../lib/settings';
import type { OutputSink } from '../lib/training';

const tiny = { epochs: 2, trainSamples: 600, testSamples: 200, seed: 5 };
const freshDir = () => mkdtempSync(join(tmpdir(), 'descent-lab-cache-'));
function recorder(): OutputSink & { text: string } {
  const sink = { interactive: false, text: '', write(chunk: string) { sink.text += chunk; } };
  return sink;
}

test('courseSettings: course values by default, quick mode and overrides from the environment', () => {
  assert.deepEqual(courseSettings({}), { epochs: 50, batchSize: 32, trainSamples: 60000, testSamples: 10000, dataset: 'mnist', seed: 1 });
  assert.deepEqual(courseSettings({ DESCENT_LAB_QUICK: '1' }), { ...QUICK_SETTINGS });
  assert.equal(courseSettings({ DESCENT_LAB_QUICK: '1', DESCENT_LAB_EPOCHS: '3' }).epochs, 3);
  assert.equal(courseSettings({ DESCENT_LAB_DATASET: 'fashion-mnist' }).dataset, 'fashion-mnist');
  assert.throws(() => courseSettings({ DESCENT_LAB_EPOCHS: 'ten' }), /DESCENT_LAB_EPOCHS \(environment\) must be an integer >= 1, got NaN/);
  assert.throws(() => courseSettings({ DESCENT_LAB_DATASET: 'cifar' }), /must be "mnist" or "fashion-mnist", got "cifar"/);
});

test('the cache key covers what changes a result and ignores the label', () => {
  const settings = { ...courseSettings({}), ...tiny };
  const key = (spec: ExperimentSpec, backend = 'wasm', s = settings) => cacheKey(cacheKeyFields(spec, s, backend));
  const sgd = key({ label: 'SGD', optimizer: 'SGD' });
  assert.equal(key({ label: 'Constant', optimizer: 'SGD' }), sgd, 'same run under another label');
  assert.equal(key({ label: 'SGD' }), sgd, 'SGD is the default optimizer');
  assert.notEqual(key({ label: 'SGD', optimizer: { name: 'SGD', learningRate: 0.02 } }), sgd);
  assert.notEqual(key({ label: 'SGD', l2: 0.001 }), sgd);
  assert.notEqual(key({ label: 'SGD', schedule: { kind: 'exp', initialLearningRate: 0.01, k: 0.1 } }), sgd);
  assert.notEqual(key({ label: 'SGD' }, 'cpu'), sgd);
  assert.notEqual(key({ label: 'SGD' }, 'wasm', { ...settings, seed: 6 }), sgd);
  assert.notEqual(key({ label: 'SGD' }, 'wasm', { ...settings, dataset: 'fashion-mnist' }), sgd);
});

test('the cache writes whole entries and ignores broken ones', () => {
  const dir = freshDir();
  const cache = new ResultsCache(dir);
  const history = { epoch: [0], history: { loss: [1], acc: [0.5] }, params: { epochs: 1, batchSize: 32, samples: 1, steps: 1 }, epochSeconds: [1] };
  cache.set({ key: 'abc', label: 'x', createdAt: 'now', keyedBy: {}, history, log: ['Epoch 1/1'] });
  assert.deepEqual(readdirSync(dir), ['abc.json'], 'no temporary file is left behind');
  assert.deepEqual(cache.get('abc')?.history, history);
  require('node:fs').writeFileSync(join(dir, 'def.json'), '{"key": "def", "hist');
  assert.equal(cache.get('def'), undefined, 'a truncated entry reads as a miss');
  assert.equal(cache.get('nothing'), undefined);
});

test('runExperiments trains in parallel, then serves the same runs from the cache with their logs', async () => {
  const cacheDir = freshDir();
  const specs: ExperimentSpec[] = [
    { label: 'SGD', optimizer: 'SGD' },
    { label: 'Step Decay', optimizer: 'SGD', schedule: { kind: 'step', initialLearningRate: 0.01, dropRate: 0.5, epochsDrop: 1 } },
  ];
  const first = recorder();
  const before = tf.memory().numTensors;
  const trained = await runExperiments(specs, { ...tiny, cacheDir, parallel: 2, output: first });
  assert.equal(tf.memory().numTensors, before, 'workers own their tensors');
  assert.deepEqual(Object.keys(trained), ['SGD', 'Step Decay']);
  assert.deepEqual(trained['Step Decay'].history.lr, [0.01, 0.005].map(Math.fround));
  assert.equal(trained.SGD.history.val_acc!.length, 2);
  assert.match(first.text, /^\[Step Decay\] Epoch 00002: LearningRateScheduler reducing learning rate to 0\.005\.$/m);
  assert.match(first.text, /^\[SGD\] 600\/600 \[={30}\] - .* - val_acc: \d\.\d{4}$/m);
  assert.equal(readdirSync(cacheDir).length, 2);

  const second = recorder();
  const cached = await runExperiments([{ label: 'Constant', optimizer: 'SGD' }], { ...tiny, cacheDir, output: second });
  assert.deepEqual(cached.Constant, trained.SGD, 'the same run under another label comes from the cache');
  assert.match(second.text, /^\[Constant\] 2 epoch\(s\) from the results cache/);
  assert.match(second.text, /^\[Constant\] 600\/600 \[={30}\]/m, 'the stored log is replayed');
  const stored = JSON.parse(readFileSync(join(cacheDir, readdirSync(cacheDir)[0]), 'utf8'));
  assert.ok(stored.keyedBy.library && stored.keyedBy.backend && stored.keyedBy.data);

  const fresh = recorder();
  await runExperiments([{ label: 'SGD', optimizer: 'SGD' }], { ...tiny, cacheDir, cache: false, output: fresh });
  assert.doesNotMatch(fresh.text, /results cache/, 'cache: false trains afresh');
});

test('runExperiments names a failing run and keeps the runs that finished', async () => {
  const cacheDir = freshDir();
  await assert.rejects(
    runExperiments([
      { label: 'Adam', optimizer: 'Adam' },
      { label: 'Broken', optimizer: 'Adamax' },
    ], { ...tiny, cacheDir, parallel: 2, verbose: 0 }),
    /"Broken": Unknown optimizer "Adamax".*Runs that finished are kept in the results cache/s,
  );
  assert.equal(readdirSync(cacheDir).length, 1, 'the Adam run was stored');
  await assert.rejects(runExperiments([{ label: 'A' }, { label: 'A' }], { ...tiny, cacheDir }), /the label "A" is used twice/);
});

test('runExperiments checks its live chart options before training, and needs a kernel only when one is asked for', async () => {
  const cacheDir = freshDir();
  const specs = [{ label: 'SGD' }];
  await assert.rejects(runExperiments(specs, { ...tiny, cacheDir, liveChart: { metric: 'val_accuracy' } }),
    /liveChart\.metric must be one of val_acc, acc, val_loss, loss, lr; got "val_accuracy"/);
  await assert.rejects(runExperiments(specs, { ...tiny, cacheDir, liveChart: { width: -1 } }), /Chart width must be a positive number/);
  await assert.rejects(runExperiments(specs, { ...tiny, cacheDir, liveChart: { title: 'SGD' } }),
    /liveChart draws into a Jupyter notebook run by the tslab kernel, and none is running here; leave liveChart out \(or pass liveChart: false\)/);
  assert.deepEqual(readdirSync(cacheDir), [], 'nothing was trained');
});

test('every course run is one the notebooks ask for, so pre-training serves them', () => {
  const { COURSE_EXPERIMENTS } = require('../lib/experiments') as typeof import('../lib/experiments');
  const notebooks = { optimizers: '01-optimizers', schedules: '02-learning-rate-schedules', regularization: '03-regularization' };
  for (const [group, specs] of Object.entries(COURSE_EXPERIMENTS)) {
    const source = (JSON.parse(readFileSync(join(__dirname, '../../notebooks', `${notebooks[group as keyof typeof notebooks]}.ipynb`), 'utf8')) as { cells: { source: string[] }[] })
      .cells.map((cell) => cell.source.join('')).join('\n');
    for (const spec of specs) assert.ok(source.includes(`label: '${spec.label}'`), `${spec.label} is trained in the ${group} notebook`);
  }
});
