import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { loadMnist, type MnistData } from '../lib/data';
import { buildCompile, COURSE_PARAMETER_COUNT } from '../lib/models';
import { makeOptimizer } from '../lib/optimizers';
import { stepDecay } from '../lib/schedules';
import { earlyStopping, evaluate, fit, learningRateScheduler, setLearningRate, TrainingError, type OutputSink } from '../lib/training';

let data: MnistData;
const quiet = { verbose: 0 as const };

/** An output sink that keeps what it is given. */
function recorder(interactive = false): OutputSink & { text: string } {
  const sink = { interactive, text: '', write(chunk: string) { sink.text += chunk; } };
  return sink;
}

before(async () => {
  await initBackend();
  data = await loadMnist({ trainSamples: 2000, testSamples: 500 });
});
after(() => tf.dispose(Object.values(data)));

test('the course network has 101,770 trainable parameters', () => {
  const model = buildCompile();
  assert.equal(model.countParams(), COURSE_PARAMETER_COUNT);
  assert.equal(model.layers.length, 3);
  model.dispose();
  const regularised = buildCompile('Adam', { l2: 0.001, dropout: 0.2 });
  assert.deepEqual(regularised.layers.map((layer) => layer.getClassName()), ['Flatten', 'Dense', 'Dropout', 'Dense', 'Dropout']);
  assert.equal(regularised.countParams(), COURSE_PARAMETER_COUNT);
  regularised.dispose();
});

test('a short real run on MNIST improves accuracy and keeps the Keras history keys', async () => {
  const model = buildCompile('Adam', { seed: 3 });
  const history = await fit(model, data.xTrain, data.yTrain, { epochs: 2, validationData: [data.xTest, data.yTest], seed: 3, ...quiet });
  assert.deepEqual(Object.keys(history.history).sort(), ['acc', 'loss', 'val_acc', 'val_loss']);
  assert.deepEqual(history.epoch, [0, 1]);
  assert.ok(history.history.acc[1] > history.history.acc[0], `train accuracy rose: ${history.history.acc}`);
  assert.ok(history.history.val_acc![1] > 0.8, `test accuracy after 2 epochs: ${history.history.val_acc}`);
  assert.ok(history.history.loss[1] < history.history.loss[0]);
  model.dispose();
});

test('training leaks no tensors', async () => {
  const model = buildCompile('Nadam', { l2: 0.001, dropout: 0.2, seed: 1 });
  const before = tf.memory().numTensors;
  await fit(model, data.xTrain, data.yTrain, {
    epochs: 2, validationData: [data.xTest, data.yTest], callbacks: [learningRateScheduler(stepDecay({ epochsDrop: 1 }))],
    earlyStopping: { restoreBestWeights: true }, ...quiet,
  });
  const afterFirst = tf.memory().numTensors;
  // What remains is the optimizer's state (slot variables, cached scalars); it goes with the optimizer.
  model.optimizer.dispose();
  assert.equal(tf.memory().numTensors, before, `leaked ${tf.memory().numTensors - before} tensors`);
  model.compile({ optimizer: makeOptimizer('Nadam'), loss: 'sparseCategoricalCrossentropy' });
  await fit(model, data.xTrain, data.yTrain, { epochs: 1, ...quiet });
  const afterSecond = tf.memory().numTensors;
  await fit(model, data.xTrain, data.yTrain, { epochs: 1, validationData: [data.xTest, data.yTest], ...quiet });
  assert.equal(tf.memory().numTensors, afterSecond, 'a further run with the same optimizer adds no tensors');
  assert.ok(afterFirst >= before);
  model.dispose();
});

test('the same seed gives the same history, dropout included', async () => {
  const run = async (seed: number, dropout = 0) => {
    const model = buildCompile('SGD', { seed, dropout });
    const history = await fit(model, data.xTrain, data.yTrain, { epochs: 1, validationData: [data.xTest, data.yTest], seed, ...quiet });
    model.dispose();
    return history.history;
  };
  assert.deepEqual(await run(7), await run(7));
  assert.deepEqual(await run(7, 0.5), await run(7, 0.5));
  assert.notDeepEqual(await run(7, 0.5), await run(8, 0.5));
});

test('with an L2 penalty, loss and val_loss include it as Keras reports them', async () => {
  const model = buildCompile('Adam', { l2: 0.001, seed: 2 });
  const history = await fit(model, data.xTrain, data.yTrain, { epochs: 1, validationData: [data.xTest, data.yTest], ...quiet });
  const penalty = tf.tidy(() => tf.addN(model.layers.filter((l) => l.getClassName() === 'Dense')
    .map((l) => tf.mul(0.001, tf.sum(tf.square(l.getWeights()[0]))))).dataSync()[0]);
  // tfjs's own evaluate leaves the penalty out: cross-entropy alone.
  const [crossEntropy] = (model.evaluate(data.xTest, tf.cast(data.yTest, 'float32'), { batchSize: 500 }) as tf.Scalar[]).map((t) => t.dataSync()[0]);
  assert.ok(penalty > 0.01, `penalty ${penalty}`);
  assert.ok(Math.abs(history.history.val_loss![0] - (crossEntropy + penalty)) < 1e-4, `${history.history.val_loss} vs ${crossEntropy} + ${penalty}`);
  assert.ok(Math.abs(evaluate(model, data.xTest, data.yTest).loss - (crossEntropy + penalty)) < 1e-4);
  model.dispose();
});

test('early stopping stops as Keras does: patience 0 ends at the first epoch without improvement', async () => {
  // minDelta 10 means no later epoch can improve on the first one by that much.
  const model = buildCompile('Adam');
  const history = await fit(model, data.xTrain, data.yTrain, {
    epochs: 6, validationData: [data.xTest, data.yTest], earlyStopping: { monitor: 'val_loss', minDelta: 10 }, ...quiet,
  });
  assert.deepEqual(history.epoch, [0, 1]);
  assert.match(history.stopReason ?? '', /early stopping: val_loss did not improve/);
  const patient = await fit(model, data.xTrain, data.yTrain, {
    epochs: 6, validationData: [data.xTest, data.yTest], earlyStopping: { monitor: 'val_acc', minDelta: 1, patience: 2 }, ...quiet,
  });
  assert.deepEqual(patient.epoch, [0, 1, 2], "mode 'auto' picks max for val_acc; patience 2 waits two epochs");
  model.dispose();
});

test('early stopping on a key the logs lack says which keys exist', async () => {
  const model = buildCompile();
  await assert.rejects(fit(model, data.xTrain, data.yTrain, { earlyStopping: true, ...quiet }),
    (error: TrainingError) => /"val_loss" is not in the epoch logs \(loss, acc\)/.test(error.message) && error.history.epoch.length === 0);
  model.dispose();
});

test('a run whose loss turns NaN stops cleanly and keeps the epochs before it', async () => {
  const model = buildCompile('SGD', { seed: 1 });
  const explode = { onEpochBegin(epoch: number) { if (epoch === 1) setLearningRate(model.optimizer, 1e30); } };
  const sink = recorder();
  const before = tf.memory().numTensors;
  const history = await fit(model, data.xTrain, data.yTrain, { epochs: 4, callbacks: [explode], output: sink, verbose: 0 });
  assert.deepEqual(history.epoch, [0]);
  assert.equal(history.divergence?.epoch, 1);
  assert.ok(!Number.isFinite(history.divergence!.loss));
  assert.match(history.stopReason!, /diverged: the loss became (NaN|Infinity) at epoch 2/);
  assert.match(sink.text, /Training stopped: the loss became .* The 1 finished epoch\(s\) are kept in the history; a smaller learning rate/);
  model.optimizer.dispose(); // its cached learning-rate scalar is the only tensor fit leaves
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('verbose 1 prints Keras lines; verbose 0 prints nothing', async () => {
  const model = buildCompile('SGD');
  const sink = recorder();
  await fit(model, data.xTrain, data.yTrain, {
    epochs: 2, validationData: [data.xTest, data.yTest], output: sink,
    callbacks: [learningRateScheduler(stepDecay({ epochsDrop: 1 }), { verbose: 1 })],
  });
  const lines = sink.text.split('\n');
  assert.equal(lines[1], 'Epoch 00001: LearningRateScheduler reducing learning rate to 0.01.');
  assert.equal(lines[2], 'Epoch 1/2');
  assert.match(lines[3], /^2000\/2000 \[={30}\] - \d+s \d+(us|ms|s)\/sample - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4}$/);
  assert.equal(lines[5], 'Epoch 00002: LearningRateScheduler reducing learning rate to 0.005.');
  assert.ok(!sink.text.includes('\r'), 'no redraws where output is not interactive');
  const silent = recorder(true);
  await fit(model, data.xTrain, data.yTrain, { epochs: 1, output: silent, verbose: 0 });
  assert.equal(silent.text, '');
  model.dispose();
});

test('a schedule logs the float32 rate it set as lr, and every optimizer takes it', async () => {
  for (const name of ['SGD', 'Momentum', 'Nesterov', 'RMSprop', 'Adagrad', 'Adam', 'NAdam']) {
    const model = buildCompile(name);
    const history = await fit(model, tf.slice(data.xTrain, 0, 64), tf.slice(data.yTrain, 0, 64), {
      epochs: 3, callbacks: [learningRateScheduler(stepDecay({ initialLearningRate: 0.004, epochsDrop: 1 }))], ...quiet,
    });
    assert.deepEqual(history.history.lr, [0.004, 0.002, 0.001].map(Math.fround), name);
    model.dispose();
  }
});

test('bad arguments give clear errors', async () => {
  const model = buildCompile();
  await assert.rejects(fit(model, data.xTrain, data.yTest, quiet), /labels must have shape \[2000\] to match 2000 images, got \[500\]/);
  await assert.rejects(fit(model, data.xTrain, data.yTrain, { epochs: 0 }), /epochs must be an integer >= 1, got 0/);
  assert.throws(() => buildCompile('Adamax'), /Adamax/);
  assert.throws(() => buildCompile('SGD', { dropout: 1 }), /dropout must be a number in \[0, 1\), got 1/);
  assert.throws(() => makeOptimizer('SGD', { learningRate: -1 }), /learningRate/);
  model.dispose();
});
