/**
 * Jupyter's Interrupt during training, on a real descent-lab-tslab kernel started by jupyter_client
 * (test/support/interrupt_session.py presses Interrupt as the Interrupt button does: SIGINT), on
 * full MNIST. Three cases, each a few times:
 *  (a) `await dl.loadMnist()` and `await dl.fit(...)` in one cell: stock tslab never hears the
 *      interrupt (fit never yields) and all 20 epochs run;
 *  (b) `await dl.fit(...)` alone in its cell: stock tslab's breakOnSigint kills fit mid-tf.tidy and
 *      leaves TensorFlow.js with open scopes, so tf.grad and `fit` with `tape: true` fail after;
 *  (c) a synchronous tf.tidy loop of the user's own: breakOnSigint stops it (as before), and the
 *      scopes it left open must be closed.
 * For (a) and (b): the cell ends within a second or so with fit's one-line message, the kernel
 * answers a kernel_info request while training, its CPU falls to idle, nothing reaches a later
 * cell, TensorFlow.js is clean, no tensor leaks, and dl.interrupted().history has the finished epochs.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runKernelDriver } from './support/kernel-driver';

interface KernelEvent {
  type: string;
  name?: string;
  text?: string;
  /** Arrived after the cell had replied and gone idle. */
  late: boolean;
}
interface CellRecord {
  status: string;
  events: KernelEvent[];
  seconds_to_end?: number;
  kernel_info_seconds?: number | null;
  cpu_after?: number;
  ended_before_interrupt?: boolean;
}
interface Cell {
  code: string;
  interrupt: { after: string; delay: number } | null;
  role: 'setup' | 'a' | 'b' | 'kept' | 'c' | 'report' | 'tape';
}

const REPEATS = 3;
const fitCall = 'await dl.fit(run.model, run.data.xTrain, run.data.yTrain, { epochs: 20, validationData: [run.data.xTest, run.data.yTest] });';

const setup = `import * as dl from 'descent-lab';
const tf = require('@tensorflow/tfjs');
await dl.initBackend();
// Properties, not variables: in tslab, later cells' assignments to a variable do not reach the functions below.
const run: { data?: dl.MnistData; model?: any; small?: any[]; tensorsBefore?: number } = {};
/** TensorFlow.js's state, and whether taped gradients work. */
function engineReport() {
  const state = tf.engine().state;
  const grad = tf.tidy(() => tf.grad((x) => x.square().sum())(tf.tensor1d([3])).dataSync()[0]);
  return { scopes: state.scopeStack.length, activeScope: state.activeScope ? state.activeScope.name : null, kernelDepth: state.kernelDepth, grad };
}
/** What the interrupted fit kept, and the tensors left once the optimizer (its slots) is disposed. */
function fitReport() {
  const engine = engineReport();
  const history = dl.interrupted().history;
  run.model.optimizer.dispose();
  const tensorsAfter = tf.memory().numTensors;
  run.model.compile({ optimizer: tf.train.sgd(0.01), loss: 'sparseCategoricalCrossentropy' });
  return { ...engine, finished: history.epoch.length, losses: history.history.loss.length, stopReason: history.stopReason, tensorsBefore: run.tensorsBefore, tensorsAfter };
}`;

const cells: Cell[] = [{ code: setup, interrupt: null, role: 'setup' }];
const report = (what: string): Cell => ({ code: `console.log('report ' + JSON.stringify(${what}()));`, interrupt: null, role: 'report' });
const tapeFit: Cell = {
  code: `const [sx, sy] = [run.data.xTrain.slice(0, 2000), run.data.yTrain.slice(0, 2000)];
const taped = await dl.fit(run.model, sx, sy, { epochs: 1, tape: true, verbose: 0 });
tf.dispose([sx, sy]);
console.log('tape fit: ' + taped.history.loss.length + ' epoch');`,
  interrupt: null,
  role: 'tape',
};
for (let i = 0; i < REPEATS; i++) {
  cells.push({
    code: `if (run.data) tf.dispose(Object.values(run.data));
if (run.model) run.model.dispose();
run.data = await dl.loadMnist();
run.model = dl.buildCompile('Adam', { seed: ${i + 1} });
run.tensorsBefore = tf.memory().numTensors;
${fitCall}`,
    interrupt: { after: 'Epoch 1/20', delay: 3 },
    role: 'a',
  }, report('fitReport'), tapeFit);
}
for (let i = 0; i < REPEATS; i++) {
  cells.push(
    { code: `run.model.dispose();\nrun.model = dl.buildCompile('Adam', { seed: ${i + 1} });\nrun.tensorsBefore = tf.memory().numTensors;`, interrupt: null, role: 'setup' },
    { code: fitCall, interrupt: { after: 'Epoch 1/20', delay: 3 }, role: 'b' },
    report('fitReport'), tapeFit,
  );
}
// (b) once more on the first 6,000 images, interrupted a second after epoch 2 began: epochs have finished.
cells.push(
  { code: `run.model.dispose();
run.model = dl.buildCompile('Adam', { seed: 9 });
run.small = [run.data.xTrain.slice(0, 6000), run.data.yTrain.slice(0, 6000)];
run.tensorsBefore = tf.memory().numTensors;`, interrupt: null, role: 'setup' },
  { code: 'await dl.fit(run.model, run.small[0], run.small[1], { epochs: 20 });', interrupt: { after: 'Epoch 2/20', delay: 1 }, role: 'kept' },
  report('fitReport'), tapeFit,
  { code: 'tf.dispose(run.small);', interrupt: null, role: 'setup' },
);
for (let i = 0; i < REPEATS; i++) {
  cells.push({
    code: `console.log('looping');
const a${i} = tf.randomNormal([200, 200]);
for (const end = Date.now() + 120000; Date.now() < end;) tf.tidy(() => tf.matMul(a${i}, a${i}).sum().dataSync());`,
    interrupt: { after: 'looping', delay: 2 },
    role: 'c',
  }, report('engineReport'));
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-interrupt-'));
let records: (CellRecord & { cell: Cell })[] = [];

before(() => {
  records = runKernelDriver<CellRecord[]>('interrupt_session.py', cells, workDir).map((record, index) => ({ ...record, cell: cells[index] }));
});

after(() => fs.rmSync(workDir, { recursive: true, force: true }));

const text = (record: CellRecord) => record.events.map((event) => event.text ?? '').join('');
const interruptedCells = (role: Cell['role']) => records.filter((record) => record.cell.role === role);
/** The cell that follows `record`. */
const next = (record: CellRecord, offset = 1) => records[records.indexOf(record as CellRecord & { cell: Cell }) + offset];
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
const FIT_MESSAGE = /TrainingInterrupted: training stopped (in epoch \d+ after batch \d+ of (1875|188)|at the start of epoch \d+); (the \d+ finished epochs are kept|the 1 finished epoch is kept|no epoch had finished) /;

function parseReport(record: CellRecord): Record<string, unknown> {
  const lines = text(record).split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `the next cell printed only its own line, got:\n${text(record).slice(0, 2000)}`);
  assert.match(lines[0], /^report \{/);
  return JSON.parse(lines[0].slice('report '.length)) as Record<string, unknown>;
}

function assertStoppedPromptly(record: CellRecord, label: string): void {
  assert.equal(record.ended_before_interrupt, false, `${label}: the cell was still running when interrupted`);
  assert.equal(record.status, 'error', `${label}: an interrupted cell fails`);
  assert.ok(record.seconds_to_end! < 5, `${label}: the cell ended ${record.seconds_to_end!.toFixed(2)} s after the interrupt`);
  assert.ok(record.cpu_after! < 0.5, `${label}: the kernel used ${(100 * record.cpu_after!).toFixed(0)} % of a core in the 2 s after`);
  assert.deepEqual(record.events.filter((event) => event.late), [], `${label}: no output after the cell ended`);
}

describe('Interrupt during training, on a real tslab kernel', () => {
  it('runs the setup and check cells without an error', () => {
    assert.equal(records.length, cells.length);
    for (const [index, record] of records.entries()) {
      if (record.cell.interrupt) continue;
      assert.equal(record.status, 'ok', `cell ${index + 1} (${record.cell.role}):\n${text(record).slice(0, 2000)}`);
    }
  });

  const labels = { a: '(a) loadMnist and fit in one cell', b: '(b) fit alone in its cell', kept: '(b) on 6,000 images, after an epoch or more' };
  for (const role of ['a', 'b', 'kept'] as const) {
    const label = labels[role];
    it(`${label}: the cell ends at once with fit's message, and the kernel answers while it trains`, () => {
      const runs = interruptedCells(role);
      const times = runs.map((record) => record.seconds_to_end!);
      console.log(`# ${label}: ended ${times.map((t) => t.toFixed(2)).join(', ')} s after the interrupt (median ${median(times).toFixed(2)} s); `
        + `kernel_info answered in ${runs.map((record) => record.kernel_info_seconds?.toFixed(3)).join(', ')} s; `
        + `CPU after ${runs.map((record) => `${(100 * record.cpu_after!).toFixed(0)} %`).join(', ')}`);
      for (const [index, record] of runs.entries()) {
        const which = `${label}, run ${index + 1}`;
        console.log(`# ${which}: ${/TrainingInterrupted: training stopped[^\n]*/.exec(text(record))?.[0] ?? text(record).slice(-300)}`);
        assertStoppedPromptly(record, which);
        // Until the kernel sends errors as `error` messages, tslab prints them to stderr: either will do.
        assert.match(text(record), FIT_MESSAGE, `${which}: the message says what stopped and where the epochs are`);
        assert.doesNotMatch(text(record), /Interrupted asynchronously/, `${which}: fit stopped by itself; tslab did not abandon the cell`);
        assert.ok(record.kernel_info_seconds != null && record.kernel_info_seconds < 5,
          `${which}: kernel_info answered while training (${record.kernel_info_seconds} s)`);
      }
    });

    it(`${label}: TensorFlow.js is clean, nothing leaks, the finished epochs are kept, and the tape works after`, () => {
      for (const [index, record] of interruptedCells(role).entries()) {
        const which = `${label}, run ${index + 1}`;
        const result = parseReport(next(record));
        assert.deepEqual({ scopes: result.scopes, activeScope: result.activeScope, kernelDepth: result.kernelDepth, grad: result.grad },
          { scopes: 0, activeScope: null, kernelDepth: 0, grad: 6 }, `${which}: no open scope, and tf.grad works`);
        assert.equal(result.tensorsAfter, result.tensorsBefore, `${which}: the stopped run left no tensor (with its optimizer disposed)`);
        assert.equal(result.losses, result.finished, `${which}: one loss per finished epoch`);
        if (role === 'kept') assert.ok((result.finished as number) >= 1, `${which}: epoch 1 finished before the interrupt`);
        const finished = result.finished as number;
        const kept = finished === 0 ? 'no epoch had finished' : finished === 1 ? 'the 1 finished epoch is kept' : `the ${finished} finished epochs are kept`;
        assert.ok(text(record).includes(kept), `${which}: the message counts the kept epochs (${finished})`);
        assert.match(String(result.stopReason), /^interrupted /);
        const tape = next(record, 2);
        assert.equal(tape.status, 'ok', `${which}: fit with tape: true after the interrupt:\n${text(tape).slice(0, 2000)}`);
        assert.equal(text(tape), 'tape fit: 1 epoch\n', `${which}: only the tape fit's own line`);
      }
    });
  }

  it('(c) a synchronous tf.tidy loop: breakOnSigint stops it, and TensorFlow.js is clean in the next cell', () => {
    const runs = interruptedCells('c');
    console.log(`# (c) sync loop: ended ${runs.map((record) => record.seconds_to_end!.toFixed(2)).join(', ')} s after the interrupt`);
    for (const [index, record] of runs.entries()) {
      const which = `(c), run ${index + 1}`;
      assertStoppedPromptly(record, which);
      // Node's own error as stock tslab prints it, or the kernel's `error` message for it (scripts/kernel/error-messages.js).
      assert.match(text(record), /Script execution was interrupted by `SIGINT`|KeyboardInterrupt: the cell was interrupted/);
      const result = parseReport(next(record));
      assert.deepEqual(result, { scopes: 0, activeScope: null, kernelDepth: 0, grad: 6 }, `${which}: no open scope, and tf.grad works`);
    }
  });
});
