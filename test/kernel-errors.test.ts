/**
 * After a failing cell, a request sent with `stop_on_error: false` (nbclient's allow_errors, and so
 * nbgrader's autograde and the student editions' runs) must still run. Stock tslab aborts every
 * request that arrives within 200 ms of a failure, whatever it asks; the kernel launcher's
 * adaptation scripts/kernel/continue-after-errors.js honours the flag. Tested here on tslab's own
 * handler and executor in this process, then through Jupyter and the real kernel.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cellOutputText, executeNotebook, readCells } from '../scripts/jupyter/notebook-runner';
import { tslabKernelLauncher } from '../scripts/jupyter/paths';
import { notebookText } from '../scripts/student/student-edition';

interface Reply { status: string; execution_count?: number }
interface Handler { handleExecute(req: { code: string; stop_on_error?: boolean }, writeStream: (name: string, text: string) => void, writeDisplayData: () => void): Promise<Reply> }
type HandlerClass = new (executor: unknown, isJs: boolean) => Handler;

const tslabJupyter = require('tslab/dist/jupyter') as { JupyterHandlerImpl: HandlerClass };
const { createConverter } = require('tslab/dist/converter') as { createConverter(options: object): { close(): void } };
const { createExecutor } = require('tslab/dist/executor') as {
  createExecutor(dir: string, convs: object, console: object): { close(): void };
};
const adaptation = require(path.join(path.dirname(tslabKernelLauncher), 'kernel', 'continue-after-errors.js')) as {
  name: string; continueAfterErrors(cls: HandlerClass): void;
};

/** The kernel handler's class as stock tslab has it, and a subclass with the adaptation applied. */
class Adapted extends tslabJupyter.JupyterHandlerImpl {}
adaptation.continueAfterErrors(Adapted);

let executor: { close(): void };
const output: string[] = [];

before(() => {
  let converter: { close(): void } | undefined;
  const convs = {
    get node() { return (converter ??= createConverter({ isJS: false, isBrowser: false })); },
    get browser() { return this.node; },
    close() { converter?.close(); },
  };
  executor = createExecutor(process.cwd(), convs, { log: () => {}, error: () => {} });
});
after(() => executor.close());

/** Runs cells one after another as nbclient does: each request sent as soon as the previous reply is in. */
async function runCells(handler: Handler, cells: string[], stopOnError?: boolean): Promise<string[]> {
  const statuses: string[] = [];
  // tslab points process.stdout/stderr at the cell's output while it runs; the test runner needs them back.
  const { stdout, stderr } = { stdout: process.stdout.write, stderr: process.stderr.write };
  try {
    for (const code of cells) {
      const request = stopOnError === undefined ? { code } : { code, stop_on_error: stopOnError };
      statuses.push((await handler.handleExecute(request, (_name, text) => output.push(text), () => {})).status);
    }
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
  return statuses;
}

const failing = "throw new Error('not implemented yet');";

describe('continueAfterErrors, on tslab\'s own handler and executor', () => {
  it('stock tslab aborts the cell after a failing one even when the request says stop_on_error: false', async () => {
    const stock = new tslabJupyter.JupyterHandlerImpl(executor, false);
    assert.deepEqual(await runCells(stock, [failing, 'console.log("stock ran");'], false), ['error', 'abort']);
    assert.equal(output.includes('stock ran\n'), false);
  });

  it('with the adaptation, that cell runs (and the one after it), each failure its own', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the stock handler's 200 ms
    const adapted = new Adapted(executor, false);
    assert.deepEqual(await runCells(adapted, [failing, 'console.log("adapted ran");', failing, 'console.log("and again");'], false),
      ['error', 'ok', 'error', 'ok']);
    assert.ok(output.includes('adapted ran\n') && output.includes('and again\n'));
  });

  it('keeps stock behaviour for a request that does not ask: stop_on_error true or absent aborts what follows', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const adapted = new Adapted(executor, false);
    assert.deepEqual(await runCells(adapted, [failing, 'console.log(1);'], true), ['error', 'abort']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(await runCells(adapted, [failing, 'console.log(2);']), ['error', 'abort']);
  });

  it('runs requests queued together in order, one at a time', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const adapted = new Adapted(executor, false);
    const order: string[] = [];
    (globalThis as { order?: string[] }).order = order;
    const { stdout, stderr } = { stdout: process.stdout.write, stderr: process.stderr.write };
    try {
      const replies = await Promise.all([
        adapted.handleExecute({ code: "(globalThis as any).order.push('a start'); await new Promise((r) => setTimeout(r, 200)); (globalThis as any).order.push('a end'); throw new Error('a');", stop_on_error: false }, () => {}, () => {}),
        adapted.handleExecute({ code: "(globalThis as any).order.push('b');", stop_on_error: false }, () => {}, () => {}),
      ]);
      assert.deepEqual(replies.map((reply) => reply.status), ['error', 'ok']);
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    }
    assert.deepEqual(order, ['a start', 'a end', 'b']);
  });

  it('is applied by the kernel launcher, once', () => {
    const launcher = require(tslabKernelLauncher) as { adaptations: { name: string }[] };
    assert.ok(launcher.adaptations.some((entry) => entry.name === adaptation.name));
    const before = Adapted.prototype.handleExecute;
    adaptation.continueAfterErrors(Adapted);
    assert.equal(Adapted.prototype.handleExecute, before, 'idempotent');
  });
});

describe('continueAfterErrors, through Jupyter and the real kernel', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-errors-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs every cell of a notebook with allowErrors, keeping each failure in its own cell', async () => {
    const cells = ["const kept = 'kept';", failing, 'console.log(kept);', "throw new Error('second');", "console.log('last');"]
      .map((source, index) => ({ cell_type: 'code' as const, id: `c${index}`, metadata: {}, source, outputs: [], execution_count: null }));
    const file = path.join(dir, 'errors.ipynb');
    fs.writeFileSync(file, notebookText({ cells, metadata: { kernelspec: { name: 'descent-lab-tslab', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 }));
    const result = await executeNotebook(file, { outDir: dir, html: false, allowErrors: true, onOutput: () => {} });
    assert.equal(result.ok, true, result.failure);
    const texts = readCells(result.executedPath).map(cellOutputText);
    assert.equal(texts[0], '');
    assert.match(texts[1], /Error: not implemented yet/);
    assert.equal(texts[2], 'kept\n');
    assert.match(texts[3], /Error: second/);
    assert.equal(texts[4], 'last\n');
  });
});
