/**
 * `fit` and Jupyter's Interrupt, without a kernel: the kernel launcher's adaptation
 * (scripts/kernel/cooperative-interrupt.js) emits 'kernelInterrupt' on `process`, which these tests
 * emit themselves. `fit` must give the event loop a turn before its first batch and every few
 * hundred ms, stop at the next batch when the event comes, print nothing after it, free everything
 * and reject with a TrainingInterrupted that keeps the finished epochs. test/interrupt-kernel.test.ts
 * presses Interrupt on a real kernel.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { loadMnist, type MnistData } from '../lib/data';
import { buildCompile } from '../lib/models';
import { fit, type Callback, type OutputSink } from '../lib/training';
import { EventLoopYielder, interrupted, KERNEL_INTERRUPT_EVENT, TrainingInterrupted, yieldToEventLoop } from '../lib/interrupt';

let data: MnistData;

before(async () => {
  await initBackend();
  data = await loadMnist({ trainSamples: 12000, testSamples: 1000 });
});
after(() => tf.dispose(Object.values(data)));

/** What the kernel launcher does on Interrupt when something listens. */
function pressInterrupt(): void {
  (process as NodeJS.EventEmitter).emit(KERNEL_INTERRUPT_EVENT);
}

/** An interactive output sink that keeps what it is given. */
function recorder(): OutputSink & { text: string } {
  const sink = { interactive: true, text: '', write(chunk: string) { sink.text += chunk; } };
  return sink;
}

/** The engine's internal state: open scopes and the counters a cut-short op leaves behind. */
function engineState() {
  return (tf.engine() as unknown as { state: { scopeStack: unknown[]; activeScope: unknown; kernelDepth: number; gradientDepth: number } }).state;
}

/** Asserts that TensorFlow.js is clean: no open scope, and taped gradients work. */
function assertEngineClean(): void {
  const state = engineState();
  assert.equal(state.scopeStack.length, 0, 'no open scope');
  assert.equal(state.activeScope, null);
  assert.equal(state.kernelDepth, 0);
  const gradient = tf.tidy(() => tf.grad((x: tf.Tensor) => x.square().sum())(tf.tensor1d([3])).dataSync()[0]);
  assert.equal(gradient, 6, 'tf.grad works');
}

test('fit yields before its first batch, so no training runs in the caller\'s synchronous turn', async () => {
  const model = buildCompile('SGD', { seed: 1 });
  const calls: string[] = [];
  const spy: Callback = { onTrainBegin: () => { calls.push('begin'); } };
  const run = fit(model, data.xTrain, data.yTrain, { epochs: 1, verbose: 0, callbacks: [spy] });
  assert.deepEqual(calls, [], 'fit returned to its caller before onTrainBegin');
  await run;
  assert.deepEqual(calls, ['begin']);
  model.dispose();
});

test('fit gives the event loop a turn every few hundred ms while it trains', async () => {
  const model = buildCompile('SGD', { seed: 1 });
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 20);
  const started = performance.now();
  await fit(model, data.xTrain, data.yTrain, { epochs: 2, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  console.log(`# ${ticks} timer ticks during ${seconds.toFixed(2)} s of training`);
  // A yield every 200 ms of work: at least one tick per ~0.4 s even on a loaded machine; never
  // a tick per 20 ms, which would mean a yield per batch.
  assert.ok(ticks >= Math.floor(seconds / 0.4), `${ticks} ticks in ${seconds.toFixed(2)} s`);
  assert.ok(ticks < seconds / 0.1 + 2, `${ticks} ticks in ${seconds.toFixed(2)} s: fit yields more often than it needs to`);
  model.dispose();
});

test('EventLoopYielder is due only after its interval', async () => {
  const yielder = new EventLoopYielder(50);
  assert.equal(yielder.due(), false);
  const until = performance.now() + 60;
  while (performance.now() < until) { /* work */ }
  assert.equal(yielder.due(), true);
  await yielder.yield();
  assert.equal(yielder.due(), false, 'the clock restarts at each yield');
  let immediate = false;
  setImmediate(() => { immediate = true; });
  await yieldToEventLoop();
  assert.equal(immediate, true, 'a turn of the event loop runs pending immediates');
});

test('an interrupt during training stops fit at the next batch, keeps the finished epochs and frees everything', async () => {
  const model = buildCompile('Adam', { seed: 2 });
  const tensorsBefore = tf.memory().numTensors;
  const output = recorder();
  const calls: string[] = [];
  const spy: Callback = { onTrainEnd: () => { calls.push('end'); } };
  let interruptedAt = 0;
  let printedBeforeInterrupt = '';
  // The interrupt is pressed 100 ms after the second epoch ends. It reaches fit at fit's next turn
  // of the event loop (every ~200 ms of work), which on a fast machine can be an epoch later: so the
  // test records the last batch that ended before the press and expects fit to stop right after it.
  let epochNow = 0;
  let lastBatch = { epoch: -1, batch: -1 };
  const afterEpochs: Callback = {
    onEpochBegin: (epoch) => { epochNow = epoch; },
    onBatchEnd: (batch) => { if (interruptedAt === 0) lastBatch = { epoch: epochNow, batch }; },
    onEpochEnd: (epoch) => {
      if (epoch !== 1) return;
      setTimeout(() => {
        printedBeforeInterrupt = output.text;
        interruptedAt = performance.now();
        pressInterrupt();
      }, 100);
    },
  };
  const error = await fit(model, data.xTrain, data.yTrain, {
    epochs: 20, validationData: [data.xTest, data.yTest], output, callbacks: [afterEpochs, spy],
  }).then(() => assert.fail('fit should have been interrupted'), (rejection: unknown) => rejection);
  const stopMs = performance.now() - interruptedAt;
  console.log(`# stopped ${stopMs.toFixed(0)} ms after the interrupt: ${(error as Error).message}`);

  assert.ok(error instanceof TrainingInterrupted, `a TrainingInterrupted, got ${error}`);
  assert.equal(error.name, 'TrainingInterrupted');
  assert.ok(lastBatch.epoch >= 2, `the interrupt came after the second epoch (last batch before it: ${JSON.stringify(lastBatch)})`);
  const kept = (finished: number) => `the ${finished} finished epochs are kept in dl.interrupted().history`;
  const { epoch: e, batch: b } = lastBatch;
  const expected = b + 1 < 375
    ? [`training stopped in epoch ${e + 1} after batch ${b + 1} of 375; ${kept(e)}`]
    : [`training stopped in epoch ${e + 1} after batch 375 of 375; ${kept(e)}`, `training stopped at the start of epoch ${e + 2}; ${kept(e + 1)}`];
  assert.ok(expected.includes(error.message), `fit stopped at the batch after the interrupt: ${error.message}; expected ${expected.join(' or ')}`);
  const history = error.kept.history!;
  assert.equal(interrupted(), error.kept, 'interrupted() returns what the error kept');
  const finished = history.epoch.length;
  assert.deepEqual(history.epoch, [...Array(finished).keys()], 'only finished epochs, the partial one dropped');
  assert.equal(history.history.loss.length, finished);
  assert.equal(history.history.val_acc!.length, finished);
  assert.equal(`training stopped ${history.stopReason!.replace(/^interrupted /, '')}; ${kept(finished)}`, error.message);
  assert.ok(stopMs < 2000, `fit stopped within the grace period: ${stopMs.toFixed(0)} ms`);
  assert.deepEqual(calls, [], 'as in Keras, onTrainEnd is not called when an interrupt stops the run');
  assert.equal(output.text, printedBeforeInterrupt, 'nothing printed after the interrupt');
  assert.equal(process.listenerCount(KERNEL_INTERRUPT_EVENT), 0, 'fit stopped listening');

  assertEngineClean();
  model.optimizer.dispose(); // its slots, made by the first step, go with it
  assert.equal(tf.memory().numTensors, tensorsBefore, `leaked ${tf.memory().numTensors - tensorsBefore} tensors`);

  // The same model trains on afterwards, on the tape too.
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'sparseCategoricalCrossentropy' });
  const again = await fit(model, data.xTrain, data.yTrain, { epochs: 1, verbose: 0, tape: true });
  assert.equal(again.epoch.length, 1);
  assert.ok(Number.isFinite(again.history.loss[0]));
  model.dispose();
});

test('an interrupt before the first batch rejects with an empty history', async () => {
  const model = buildCompile('SGD', { seed: 3 });
  const run = fit(model, data.xTrain, data.yTrain, { epochs: 5, verbose: 0 });
  pressInterrupt();
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof TrainingInterrupted);
    assert.equal(error.message, 'training stopped at the start of epoch 1; no epoch had finished (dl.interrupted().history is empty)');
    assert.deepEqual(error.kept.history!.epoch, []);
    return true;
  });
  assertEngineClean();
  model.dispose();
});

test('with the tape, an interrupt also leaves TensorFlow.js clean and leaks nothing', async () => {
  const model = buildCompile('SGD', { seed: 4 });
  const tensorsBefore = tf.memory().numTensors;
  setTimeout(pressInterrupt, 300);
  await assert.rejects(fit(model, data.xTrain, data.yTrain, { epochs: 20, verbose: 0, tape: true }),
    /^TrainingInterrupted: training stopped (in epoch \d+ after batch \d+|at the start of epoch \d+)/);
  assertEngineClean();
  assert.equal(tf.memory().numTensors, tensorsBefore, `leaked ${tf.memory().numTensors - tensorsBefore} tensors`);
  model.dispose();
});

test('outside a kernel nobody emits the event, and fit does not listen once it has returned', async () => {
  const model = buildCompile('SGD', { seed: 5 });
  const history = await fit(model, data.xTrain, data.yTrain, { epochs: 1, verbose: 0 });
  assert.equal(history.epoch.length, 1);
  assert.equal(process.listenerCount(KERNEL_INTERRUPT_EVENT), 0);
  model.dispose();
});
