/**
 * The kernel launcher's cooperative interrupt (scripts/kernel/cooperative-interrupt.js), on tslab's
 * own executor (its real TypeScript converter and vm, without the Jupyter sockets): where nothing
 * listens for 'kernelInterrupt', Interrupt abandons an awaited cell at once as stock tslab does;
 * where something listens, the cell gets the grace period to end by itself, and is abandoned only
 * if it is still the same cell after it. Also: the cell events, and composing with another
 * adaptation that wraps createExecutor, in either order. test/interrupt-kernel.test.ts presses
 * Interrupt on a real kernel.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { projectRoot, tslabKernelLauncher } from '../scripts/jupyter/paths';
import { INTERRUPT_GRACE_MS, KERNEL_CELL_END_EVENT, KERNEL_CELL_START_EVENT, KERNEL_INTERRUPT_EVENT } from '../lib/interrupt';

interface Executor {
  execute(src: string): Promise<boolean>;
  interrupt(): void;
}
interface ExecutorConsole {
  log(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
type CreateExecutor = (rootDir: string, convs: unknown, console: ExecutorConsole) => Executor;
interface ExecutorModule { createExecutor: CreateExecutor }

const adaptation = require(path.join(path.dirname(tslabKernelLauncher), 'kernel', 'cooperative-interrupt.js')) as {
  name: string;
  GRACE_MS: number;
  cooperativeInterrupt(executorModule: ExecutorModule, graceMs?: number): void;
};
const stockModule = require('tslab/dist/executor') as ExecutorModule;
const { createConverter } = require('tslab/dist/converter') as { createConverter(options: object): { close(): void } };

// One TypeScript converter for every executor here, as tslab's ConverterSetImpl makes it.
const node = createConverter({ isJS: false, isBrowser: false });
const convs = { node, browser: node, close() {} };
after(() => node.close());

/** A console that records what the executor prints (tslab prints a failed cell's error with it). */
function recordingConsole(): ExecutorConsole & { errors: unknown[] } {
  const errors: unknown[] = [];
  return { errors, log() {}, error: (...args) => { errors.push(args[0]); } };
}

/** A fresh executor module object (like tslab's, whose export main.js looks up), adapted with `graceMs`. */
function adaptedModule(graceMs: number): ExecutorModule {
  const module = { createExecutor: stockModule.createExecutor };
  adaptation.cooperativeInterrupt(module, graceMs);
  return module;
}

/** Runs `code` as a cell and interrupts it after `interruptAfterMs`; returns how it ended and when. */
async function interruptCell(executor: Executor, code: string, interruptAfterMs = 200): Promise<{ ok: boolean; msAfterInterrupt: number }> {
  let interruptedAt = 0;
  const timer = setTimeout(() => { interruptedAt = performance.now(); executor.interrupt(); }, interruptAfterMs);
  const ok = await executor.execute(code);
  clearTimeout(timer);
  return { ok, msAfterInterrupt: performance.now() - interruptedAt };
}

const sleepCell = (ms: number) => `await new Promise((resolve) => setTimeout(resolve, ${ms}));`;
// A cell that listens as fit does, and ends by itself (its promise rejects) on the event.
const stoppingCell = `await new Promise((_, reject) => process.once('${KERNEL_INTERRUPT_EVENT}', () => reject(new Error('stopped by itself'))));`;

test('the grace period is the one the library documents', () => {
  assert.equal(adaptation.name, 'cooperativeInterrupt');
  assert.equal(adaptation.GRACE_MS, INTERRUPT_GRACE_MS);
});

test('with nobody listening, Interrupt abandons an awaited cell at once, as stock tslab does', async () => {
  for (const module of [stockModule, adaptedModule(5000)]) {
    const console = recordingConsole();
    const executor = module.createExecutor(projectRoot, convs, console);
    const { ok, msAfterInterrupt } = await interruptCell(executor, sleepCell(3000));
    assert.equal(ok, false);
    assert.ok(msAfterInterrupt < 500, `abandoned ${msAfterInterrupt.toFixed(0)} ms after the interrupt`);
    assert.match(String(console.errors[0]), /Interrupted asynchronously/);
  }
});

test('a cell that listens ends by itself on Interrupt, with its own error', async () => {
  const stockConsole = recordingConsole();
  const stock = await interruptCell(stockModule.createExecutor(projectRoot, convs, stockConsole), stoppingCell);
  assert.match(String(stockConsole.errors[0]), /Interrupted asynchronously/, 'stock tslab abandons it instead');
  process.removeAllListeners(KERNEL_INTERRUPT_EVENT); // the abandoned cell's listener
  assert.equal(stock.ok, false);

  const console = recordingConsole();
  const { ok, msAfterInterrupt } = await interruptCell(adaptedModule(5000).createExecutor(projectRoot, convs, console), stoppingCell);
  assert.equal(ok, false);
  assert.ok(msAfterInterrupt < 500, `ended ${msAfterInterrupt.toFixed(0)} ms after the interrupt, well within the grace period`);
  assert.deepEqual(console.errors.map(String), ['Error: stopped by itself']);
});

test('a cell that listens but does not stop is abandoned after the grace period', async () => {
  const console = recordingConsole();
  const executor = adaptedModule(400).createExecutor(projectRoot, convs, console);
  const code = `const deaf = () => {};\nprocess.on('${KERNEL_INTERRUPT_EVENT}', deaf);\ntry { ${sleepCell(5000)} } finally { process.off('${KERNEL_INTERRUPT_EVENT}', deaf); }`;
  const { ok, msAfterInterrupt } = await interruptCell(executor, code);
  assert.equal(ok, false);
  assert.ok(msAfterInterrupt >= 390 && msAfterInterrupt < 3000, `abandoned ${msAfterInterrupt.toFixed(0)} ms after the interrupt (grace 400 ms)`);
  assert.match(String(console.errors[0]), /Interrupted asynchronously/);
  process.removeAllListeners(KERNEL_INTERRUPT_EVENT);
});

test('the grace period of a cell that stopped by itself does not abandon the next cell', async () => {
  const console = recordingConsole();
  const executor = adaptedModule(400).createExecutor(projectRoot, convs, console);
  assert.equal((await interruptCell(executor, stoppingCell)).ok, false);
  const next = performance.now();
  assert.equal(await executor.execute(sleepCell(1000)), true, 'the next cell runs to its end');
  assert.ok(performance.now() - next >= 990);
  assert.equal(console.errors.length, 1);
});

test('an Interrupt between cells reaches work that a cell left running without awaiting it', async () => {
  const executor = adaptedModule(400).createExecutor(projectRoot, convs, recordingConsole());
  const heard: string[] = [];
  (globalThis as { heard?: string[] }).heard = heard;
  assert.equal(await executor.execute(`process.once('${KERNEL_INTERRUPT_EVENT}', () => globalThis.heard.push('stopped'));`), true);
  executor.interrupt();
  assert.deepEqual(heard, ['stopped']);
  delete (globalThis as { heard?: string[] }).heard;
});

test('each cell is announced on process when it starts and when it ends, with whether it succeeded', async () => {
  const executor = adaptedModule(400).createExecutor(projectRoot, convs, recordingConsole());
  const events: string[] = [];
  const onStart = () => events.push('start');
  const onEnd = (result: { ok: boolean }) => events.push(`end ok=${result.ok}`);
  process.on(KERNEL_CELL_START_EVENT, onStart);
  process.on(KERNEL_CELL_END_EVENT, onEnd);
  try {
    await executor.execute('const one = 1;');
    await executor.execute("throw new Error('failed');");
    await interruptCell(executor, sleepCell(3000));
  } finally {
    process.off(KERNEL_CELL_START_EVENT, onStart);
    process.off(KERNEL_CELL_END_EVENT, onEnd);
  }
  assert.deepEqual(events, ['start', 'end ok=true', 'start', 'end ok=false', 'start', 'end ok=false']);
});

test('composes with another adaptation that wraps createExecutor, in either order', async () => {
  // Like an adaptation that hands tslab its own console (to send errors its own way).
  const ownConsole = (module: ExecutorModule, console: ExecutorConsole) => {
    const create = module.createExecutor;
    module.createExecutor = (rootDir, convs_) => create(rootDir, convs_, console);
  };
  for (const order of ['cooperative first', 'cooperative last']) {
    const console = recordingConsole();
    const module = { createExecutor: stockModule.createExecutor };
    if (order === 'cooperative first') adaptation.cooperativeInterrupt(module, 5000);
    ownConsole(module, console);
    if (order === 'cooperative last') adaptation.cooperativeInterrupt(module, 5000);
    const executor = module.createExecutor(projectRoot, convs, recordingConsole());
    const { ok, msAfterInterrupt } = await interruptCell(executor, stoppingCell);
    assert.equal(ok, false, order);
    assert.ok(msAfterInterrupt < 500, `${order}: ended ${msAfterInterrupt.toFixed(0)} ms after the interrupt`);
    assert.deepEqual(console.errors.map(String), ['Error: stopped by itself'], `${order}: the other adaptation's console got the cell's own error`);
  }
});

test('applying the adaptation twice wraps once', async () => {
  const module = { createExecutor: stockModule.createExecutor };
  adaptation.cooperativeInterrupt(module, 5000);
  const once = module.createExecutor;
  adaptation.cooperativeInterrupt(module, 5000);
  assert.equal(module.createExecutor, once);
});
