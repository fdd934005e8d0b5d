/**
 * TensorFlow.js after an Interrupt in synchronous code. tslab runs a cell's synchronous part with
 * Node's breakOnSigint; a real SIGINT here stops a real `tf.tidy` loop the same way, leaving the
 * engine with open scopes. The kernel launcher announces the cell's end ('kernelCellEnd', ok false),
 * and lib/engine-repair.ts must then close the scopes the cell left open - not one the user opened
 * before the cell - free what they tracked, and make `tf.grad` work again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as vm from 'node:vm';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { KERNEL_CELL_END_EVENT, KERNEL_CELL_START_EVENT } from '../lib/interrupt';
import { openScopes, repairEngine } from '../lib/engine-repair';

before(async () => { await initBackend(); });

const announce = (event: string, ...args: unknown[]) => { (process as NodeJS.EventEmitter).emit(event, ...args); };

/** Runs a `tf.tidy` loop under breakOnSigint, as tslab runs a cell, until a real SIGINT stops it. */
function tidyLoopStoppedBySigint(): void {
  const a = tf.randomNormal([200, 200]);
  (globalThis as { repairTest?: unknown }).repairTest = { tf, a };
  // A late signal must not end the test process (vm detaches this listener while the script runs).
  const safetyNet = () => {};
  process.on('SIGINT', safetyNet);
  const killer = spawn('sh', ['-c', `sleep 0.5; kill -INT ${process.pid}`], { stdio: 'ignore' });
  try {
    assert.throws(() => vm.runInThisContext(`{
      const { tf, a } = globalThis.repairTest;
      for (const end = Date.now() + 30000; Date.now() < end;) tf.tidy(() => tf.matMul(a, a).sum().dataSync());
    }`, { breakOnSigint: true }), { code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED' });
  } finally {
    killer.kill();
    process.off('SIGINT', safetyNet);
    delete (globalThis as { repairTest?: unknown }).repairTest;
    a.dispose();
  }
}

function taped(): number {
  return tf.tidy(() => tf.grad((x: tf.Tensor) => x.square().sum())(tf.tensor1d([3])).dataSync()[0]);
}

test('a SIGINT in a tf.tidy loop leaves scopes open; the end of the failed cell closes them', () => {
  const tensors = tf.memory().numTensors;
  announce(KERNEL_CELL_START_EVENT);
  tidyLoopStoppedBySigint();
  assert.ok(openScopes() > 0, 'breakOnSigint left scopes open: the hazard this module exists for');
  announce(KERNEL_CELL_END_EVENT, { ok: false });
  assert.equal(openScopes(), 0);
  const state = (tf.engine() as unknown as { state: { activeScope: unknown; kernelDepth: number } }).state;
  assert.equal(state.activeScope, null);
  assert.equal(state.kernelDepth, 0);
  assert.equal(tf.memory().numTensors, tensors, 'the tensors of the stopped step are freed');
  assert.equal(taped(), 6, 'tf.grad works');
});

test('a scope the user opened before the cell stays open; a successful cell is left alone', () => {
  tf.engine().startScope();
  const kept = tf.scalar(1);
  try {
    announce(KERNEL_CELL_START_EVENT);
    tidyLoopStoppedBySigint();
    const open = openScopes();
    announce(KERNEL_CELL_END_EVENT, { ok: true });
    assert.equal(openScopes(), open, 'a cell that succeeded is not touched');
    announce(KERNEL_CELL_END_EVENT, { ok: false });
    assert.equal(openScopes(), 1, 'only the user\'s own scope is left');
    assert.equal(kept.isDisposed, false);
    assert.equal(taped(), 6);
  } finally {
    tf.engine().endScope();
  }
  assert.equal(kept.isDisposed, true, 'the user\'s scope still frees its tensors when the user ends it');
});

test('repairEngine resets the counters a cut-short kernel call leaves', () => {
  const state = (tf.engine() as unknown as { state: { kernelDepth: number } }).state;
  state.kernelDepth = 1; // what a termination inside a kernel leaves: the tape stays off
  assert.throws(taped, /Cannot compute gradient/);
  assert.deepEqual(repairEngine(), { scopes: 0, counters: true });
  assert.equal(taped(), 6);
  assert.deepEqual(repairEngine(), { scopes: 0, counters: false }, 'a clean engine needs nothing');
});
