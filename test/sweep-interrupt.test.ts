/**
 * Interrupting `runExperiments` without a kernel: the tests emit the kernel's interrupt event
 * themselves, as the kernel launcher does on Jupyter's Interrupt, and check what the sweep leaves:
 * a prompt TrainingInterrupted with every run's finished epochs, no worker thread and no CPU use
 * left, no output after it, the finished runs in the cache and nothing of the stopped ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { runExperiments, type ExperimentSpec } from '../lib/experiments';
import { KERNEL_INTERRUPT_EVENT, TrainingInterrupted, interrupted } from '../lib/interrupt';
import type { History } from '../lib/training';

const freshDir = () => mkdtempSync(join(tmpdir(), 'descent-lab-interrupt-'));
/** An interactive sink (as in a notebook, so that runs show their progress) that keeps what it got. */
function recorder(onWrite: (text: string) => void = () => {}) {
  const sink = { interactive: true, text: '', write(chunk: string) { sink.text += chunk; onWrite(sink.text); } };
  return sink;
}
/** What the kernel launcher does on Jupyter's Interrupt. */
const interruptKernel = () => (process as NodeJS.EventEmitter).emit(KERNEL_INTERRUPT_EVENT);
const threadCount = () => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Polls `condition` every 50 ms until it holds or `ms` pass; returns whether it held. */
async function eventually(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = performance.now() + ms; performance.now() < end; await sleep(50)) if (condition()) return true;
  return condition();
}
async function rejection(promise: Promise<unknown>): Promise<TrainingInterrupted> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TrainingInterrupted, `rejected with a TrainingInterrupted, not ${error}`);
    return error;
  }
  assert.fail('the interrupted sweep resolved');
}
/** The val_acc figures a run printed, as the log shows them (4 decimals). */
const printedValAcc = (text: string, label: string) =>
  [...text.matchAll(new RegExp(`^\\[${label}\\] .*val_acc: (\\d\\.\\d{4})$`, 'gm'))].map((match) => match[1]);
const shownValAcc = (history: History) => (history.history.val_acc ?? []).map((value) => value.toFixed(4));

// Epochs of a few tenths of a second: long enough to interrupt inside one, short enough for a test.
const settings = { epochs: 30, trainSamples: 6000, testSamples: 500, seed: 3 };
/** Stops after its second epoch: nothing improves val_loss by 100. */
const short: ExperimentSpec = { label: 'Short', optimizer: 'SGD', earlyStopping: { minDelta: 100 } };

test('an interrupted sweep in worker threads stops them at once, keeps the finished run and every finished epoch', async (t) => {
  const cacheDir = freshDir();
  const threadsBefore = threadCount();
  let interruptedAt = 0;
  let signalled = false;
  // How many workers had been told to stop when the sweep wrote its first output after the
  // interrupt (clearing its status line): they must be first, so the cores are free for the rest.
  let terminatedBeforeOutput: number | undefined;
  const terminate = Worker.prototype.terminate;
  let terminateCalls = 0;
  Worker.prototype.terminate = function (this: Worker) {
    terminateCalls++;
    return terminate.call(this);
  };
  t.after(() => { Worker.prototype.terminate = terminate; });
  const output = recorder((text) => {
    if (signalled) terminatedBeforeOutput ??= terminateCalls;
    // Once Short has finished (and is cached) and the status line shows Adam into its third epoch.
    if (!interruptedAt && readdirSync(cacheDir).some((file) => file.endsWith('.json')) && /^\[Adam\] Epoch 3\/[^]*(\r|\| )Adam \d+%/m.test(text)) {
      interruptedAt = performance.now();
      setImmediate(() => { signalled = true; interruptKernel(); });
    }
  });
  const specs = [short, { label: 'Adam', optimizer: 'Adam' }, { label: 'NAdam', optimizer: 'Nadam' }];
  const error = await rejection(runExperiments(specs, { ...settings, cacheDir, parallel: 2, output }));
  const seconds = (performance.now() - interruptedAt) / 1000;
  console.log(`workers: interrupt to rejection ${seconds.toFixed(3)} s`);
  assert.ok(interruptedAt > 0, 'the test interrupted the sweep');
  assert.ok(seconds < 5, `rejected ${seconds.toFixed(1)} s after the interrupt`);
  assert.ok((terminatedBeforeOutput ?? 0) >= 2, `every worker was told to stop before the sweep wrote anything more (${terminatedBeforeOutput} of them)`);

  assert.match(error.message, /^stopped Adam \(epoch \d+, batch \d+ of 188\) and NAdam \(epoch \d+(, batch \d+ of 188)?\); the finished run is in the results cache; dl\.interrupted\(\)\.runs holds every run's finished epochs\.$/);
  assert.equal(process.listenerCount(KERNEL_INTERRUPT_EVENT), 0, 'the sweep stopped listening');

  // Nothing runs any more: no worker thread, no CPU, no output.
  const printed = output.text.length;
  assert.ok(await eventually(() => threadCount() <= threadsBefore, 3000), `threads: ${threadsBefore} before, ${threadCount()} after`);
  const cpu = process.cpuUsage();
  await sleep(1500);
  const { user, system } = process.cpuUsage(cpu);
  assert.ok(user + system < 300_000, `${((user + system) / 1000).toFixed(0)} ms of CPU in the 1.5 s after the interrupt`);
  assert.equal(output.text.slice(printed), '', 'nothing was printed after the rejection');

  // The cache holds Short, whole, and nothing of the stopped runs.
  const entries = readdirSync(cacheDir);
  assert.equal(entries.length, 1, `cache: ${entries}`);
  const stored = JSON.parse(readFileSync(join(cacheDir, entries[0]), 'utf8'));
  assert.equal(stored.label, 'Short');

  // Every run by label: Short whole, the stopped ones with the epochs they finished (as their logs showed them).
  const runs = error.kept.runs!;
  assert.equal(interrupted(), error.kept, 'dl.interrupted() returns what the error kept');
  assert.deepEqual(Object.keys(runs), ['Short', 'Adam', 'NAdam']);
  assert.deepEqual(runs.Short, stored.history);
  assert.equal(runs.Short.epoch.length, 2);
  assert.ok(runs.Adam.epoch.length >= 2, `Adam kept ${runs.Adam.epoch.length} epoch(s)`);
  assert.match(runs.Adam.stopReason ?? '', /^interrupted in epoch \d+ at batch \d+ of 188$/);
  for (const label of ['Adam', 'NAdam']) {
    const history = runs[label];
    assert.deepEqual(history.epoch, history.epoch.map((_, i) => i));
    assert.equal(history.epochSeconds.length, history.epoch.length);
    assert.deepEqual(history.params, { epochs: 30, batchSize: 32, samples: 6000, steps: 188 });
    const printedFigures = printedValAcc(output.text, label);
    assert.deepEqual(shownValAcc(history).slice(0, printedFigures.length), printedFigures, `${label}'s epochs are those its log showed`);
    assert.match(error.message, new RegExp(`${label} \\(epoch ${history.epoch.length + 1}[,)]`), `${label} was in its next epoch`);
  }
});

test('an interrupt while the sweep starts ends it before any run trains', async () => {
  const cacheDir = freshDir();
  const output = recorder();
  const sweep = runExperiments([{ label: 'SGD' }, { label: 'Adam', optimizer: 'Adam' }], { ...settings, cacheDir, parallel: 2, output });
  interruptKernel();
  const error = await rejection(sweep);
  assert.equal(error.message, "2 runs not started; no run had finished; dl.interrupted().runs holds every run's finished epochs.");
  assert.deepEqual(Object.keys(error.kept.runs!), ['SGD', 'Adam']);
  assert.equal(error.kept.runs!.SGD.epoch.length, 0);
  assert.equal(error.kept.runs!.SGD.stopReason, 'interrupted before it started');
  assert.deepEqual(readdirSync(cacheDir), []);
  assert.equal(output.text, '');
});

test('an interrupted sweep in this thread (parallel: 1) stops, prints nothing more, stores nothing of the stopped run and frees its tensors', async () => {
  const cacheDir = freshDir();
  const tensorsBefore = tf.memory().numTensors;
  let printedAtInterrupt = -1;
  // The interrupt arrives while SGD trains its third epoch (fit writes its progress bar synchronously).
  const output = recorder((text) => {
    if (printedAtInterrupt < 0 && /^\[SGD\] Epoch 3\//m.test(text)) {
      printedAtInterrupt = text.length;
      interruptKernel();
    }
  });
  const specs = [{ label: 'SGD' }, { label: 'Adam', optimizer: 'Adam' }];
  const error = await rejection(runExperiments(specs, { ...settings, cacheDir, parallel: 1, output }));
  assert.match(error.message, /^stopped SGD \(epoch 3(, batch \d+ of 188)?\), 1 run not started; no run had finished; dl\.interrupted\(\)\.runs holds every run's finished epochs\.$/);
  // Only the status line may be cleared (spaces and carriage returns) after the interrupt.
  assert.match(output.text.slice(printedAtInterrupt), /^[\r ]*$/, 'nothing but the status line\'s erasure after the interrupt');
  assert.equal(error.kept.runs!.SGD.epoch.length, 2);
  assert.deepEqual(shownValAcc(error.kept.runs!.SGD), printedValAcc(output.text, 'SGD'));
  assert.equal(error.kept.runs!.Adam.epoch.length, 0);
  assert.deepEqual(readdirSync(cacheDir), [], 'nothing of the stopped run is stored');
  assert.equal(tf.memory().numTensors, tensorsBefore, 'the stopped run freed its tensors');
  assert.equal(process.listenerCount(KERNEL_INTERRUPT_EVENT), 0);
});

test('a sweep that is not interrupted stops listening when it ends', async () => {
  const result = await runExperiments([{ label: 'SGD' }], { epochs: 1, trainSamples: 300, testSamples: 100, cache: false, verbose: 0 });
  assert.equal(result.SGD.epoch.length, 1);
  assert.equal(process.listenerCount(KERNEL_INTERRUPT_EVENT), 0);
});
