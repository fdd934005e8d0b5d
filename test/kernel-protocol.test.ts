/**
 * The kernel's answers at the protocol level, one block per adaptation of tslab in scripts/kernel/
 * (each fails against stock tslab). A real kernel, started by jupyter_client as Jupyter starts it,
 * gets one request after another (test/support/kernel_requests.py) and every reply and IOPub
 * message is recorded with its full content.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runKernelDriver } from './support/kernel-driver';

interface Message {
  msg_type: string;
  content: Record<string, any>;
}
/** A request's reply and the IOPub messages it caused, in order. */
interface Exchange {
  reply: Message;
  iopub: Message[];
}

const requests: object[] = [];
/** Queues a request; returns the index of its exchange in `exchanges`. */
const request = (value: object) => requests.push(value) - 1;

const cellInput = request({ execute: "console.log('first');" });
const kernelInfo = request({ kernel_info: true });

const defineCheck = request({ execute: 'function check(x: number) {\n  if (x > 1) throw new RangeError(`too big: ${x}`);\n  return x;\n}' });
const thrown = request({ execute: 'const a = 1;\n\n// a comment\ncheck(a + 1);' });
const thrownAfterAwait = request({ execute: "await new Promise((resolve) => setTimeout(resolve, 10));\nconst b: number = 5;\n\ncheck(b);" });
request({ execute: "import * as dl from 'descent-lab';" });
const libraryError = request({ execute: "const kind = 'nope';\n\ndl.scheduleFromConfig({ kind } as any);" });
const compileError = request({ execute: "const s: string = 1;\nlet t: number = 'a';" });
const trainingInterrupted = request({ execute: "throw new dl.TrainingInterrupted('Adam stopped at epoch 2, batch 10', {});" });
const awaitInterrupted = request({ execute: 'await new Promise((resolve) => setTimeout(resolve, 60_000));', interrupt_after: 2 });
const loopInterrupted = request({ execute: 'while (true) {}', interrupt_after: 2 });

const plainResult = request({ execute: 'const xs = [1, 2, 3];\n\nxs.map((x) => x * 2)' });
const stringResult = request({ execute: "'text'" });
const richResult = request({ execute: "({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<b>rich</b>', 'text/plain': 'rich' }; } })" });
const asyncRichResult = request({ execute: "({ [Symbol.for('Jupyter.display')]: async () => ({ 'text/markdown': '*later*' }) })" });
const noResults = ['undefined', 'null', 'let z = 1;'].map((code) => request({ execute: code }));

const completion = request({ complete: 'const alphaOne = 1, alphaTwo = 2, myAlpha = 3;\nalpha' });
const emojiCode = "const s = '😀😀';\nconst fooBar = 1;\nfooB";
const emojiCompletion = request({ complete: emojiCode, cursor_pos: [...emojiCode].length });

const isComplete = Object.fromEntries(['const = 1;', 'let x = );', 'function f() {', '1 + 1', 'const later = await Promise.resolve(1);']
  .map((code) => [code, request({ is_complete: code })]));

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-protocol-'));
let exchanges: Exchange[] = [];

before(() => {
  exchanges = runKernelDriver<Exchange[]>('kernel_requests.py', requests, workDir);
});

after(() => fs.rmSync(workDir, { recursive: true, force: true }));

const outputs = (index: number, type: string) => exchanges[index].iopub.filter((message) => message.msg_type === type);
const stream = (index: number, name: string) =>
  outputs(index, 'stream').filter((message) => message.content.name === name).map((message) => message.content.text).join('');
const reply = (index: number) => exchanges[index].reply.content;

/** The one error message of a failed cell, checked against its execute_reply. */
function theError(index: number): { ename: string; evalue: string; traceback: string[] } {
  const errors = outputs(index, 'error');
  assert.equal(errors.length, 1, `one error message, got ${JSON.stringify(exchanges[index].iopub)}`);
  const { ename, evalue, traceback } = errors[0].content;
  assert.equal(reply(index).status, 'error');
  assert.deepEqual({ ename: reply(index).ename, evalue: reply(index).evalue, traceback: reply(index).traceback }, { ename, evalue, traceback },
    'the execute_reply carries the same ename, evalue and traceback');
  assert.equal(stream(index, 'stderr'), '', 'the error replaces the stderr text, it does not repeat it');
  return { ename, evalue, traceback };
}

describe('cellChannel (scripts/kernel/cell-channel.js)', () => {
  it('broadcasts execute_input with the code and the execution count first', () => {
    const [first] = exchanges[cellInput].iopub;
    assert.equal(first.msg_type, 'execute_input');
    assert.deepEqual(first.content, { code: "console.log('first');", execution_count: reply(cellInput).execution_count });
    assert.equal(reply(cellInput).execution_count, 1);
  });
});

describe('kernelInfoStatus (scripts/kernel/kernel-info.js)', () => {
  it('answers kernel_info with status ok and the versions that really run', () => {
    const info = reply(kernelInfo);
    assert.equal(info.status, 'ok');
    assert.equal(info.implementation, 'tslab');
    assert.equal(info.implementation_version, require('tslab/package.json').version);
    assert.equal(info.language_info.name, 'typescript');
    assert.equal(info.language_info.version, require(require.resolve('@tslab/typescript-for-tslab', { paths: [path.dirname(require.resolve('tslab/package.json'))] })).version);
    assert.equal(info.language_info.file_extension, '.ts');
    assert.equal(info.language_info.pygments_lexer, 'typescript');
  });
});

describe('errorMessages (scripts/kernel/error-messages.js)', () => {
  const internal = /node:|evalmachine|tslab[\\/]dist|scripts[\\/]kernel|In\[\d+\]\.js/;

  it('sends a thrown error as one error message whose traceback starts at the cell line the user typed', () => {
    const count = reply(thrown).execution_count;
    const { ename, evalue, traceback } = theError(thrown);
    assert.equal(ename, 'RangeError');
    assert.equal(evalue, 'too big: 2');
    assert.deepEqual(traceback, [
      `Cell In[${count}], line 4\n----> 4 check(a + 1);`,
      `Cell In[${reply(defineCheck).execution_count}], line 2, in check\n----> 2 if (x > 1) throw new RangeError(\`too big: \${x}\`);`,
      'RangeError: too big: 2',
    ]);
  });

  it('maps the lines of a cell that awaits', () => {
    const { traceback } = theError(thrownAfterAwait);
    assert.match(traceback[0], new RegExp(`^Cell In\\[${reply(thrownAfterAwait).execution_count}\\], line 4\\n----> 4 check\\(b\\);$`));
    assert.equal(traceback.at(-1), 'RangeError: too big: 5');
  });

  it('shows the library\'s frames after the cell line, and no vm, node or tslab frame', () => {
    const { ename, evalue, traceback } = theError(libraryError);
    assert.equal(ename, 'Error');
    assert.match(evalue, /Unknown schedule kind "nope"/);
    assert.match(traceback[0], /^Cell In\[\d+\], line 3\n----> 3 dl\.scheduleFromConfig/);
    assert.match(traceback[1], /^File .*build[\\/]lib[\\/]schedules\.js:\d+:\d+, in (Object\.)?scheduleFromConfig$/);
    assert.equal(traceback.at(-1), `Error: ${evalue}`);
    assert.deepEqual(traceback.filter((line) => internal.test(line)), []);
  });

  it('sends TypeScript\'s diagnostics as a TSError with each one\'s cell line and column', () => {
    const count = reply(compileError).execution_count;
    const { ename, evalue, traceback } = theError(compileError);
    assert.equal(ename, 'TSError');
    assert.equal(evalue, "Type 'number' is not assignable to type 'string'.");
    assert.deepEqual(traceback, [
      `Cell In[${count}], line 1:7 - Type 'number' is not assignable to type 'string'.`,
      `Cell In[${count}], line 2:5 - Type 'string' is not assignable to type 'number'.`,
    ]);
  });

  it('shows an interrupt as one line without frames', () => {
    const { ename, evalue, traceback } = theError(trainingInterrupted);
    assert.deepEqual({ ename, evalue, traceback }, {
      ename: 'TrainingInterrupted', evalue: 'Adam stopped at epoch 2, batch 10', traceback: ['TrainingInterrupted: Adam stopped at epoch 2, batch 10'],
    });
    for (const index of [awaitInterrupted, loopInterrupted]) {
      const interrupt = theError(index);
      assert.equal(interrupt.ename, 'KeyboardInterrupt');
      assert.deepEqual(interrupt.traceback, [`KeyboardInterrupt: ${interrupt.evalue}`]);
    }
  });
});

describe('executeResults (scripts/kernel/execute-results.js)', () => {
  /** The one execute_result of a cell (with the cell's count), and no stdout. */
  function theResult(index: number): Record<string, unknown> {
    const results = outputs(index, 'execute_result');
    assert.equal(results.length, 1, `one execute_result, got ${JSON.stringify(exchanges[index].iopub)}`);
    assert.equal(reply(index).status, 'ok');
    assert.equal(results[0].content.execution_count, reply(index).execution_count);
    assert.equal(stream(index, 'stdout'), '', 'the value is the result, not printed text');
    return results[0].content.data;
  }

  it('makes the last expression the cell\'s result, as util.inspect shows it', () => {
    assert.deepEqual(theResult(plainResult), { 'text/plain': '[ 2, 4, 6 ]' });
    assert.deepEqual(theResult(stringResult), { 'text/plain': "'text'" });
  });

  it('uses the MIME bundle of Symbol.for(\'Jupyter.display\'), also when it comes as a promise', () => {
    assert.deepEqual(theResult(richResult), { 'text/html': '<b>rich</b>', 'text/plain': 'rich' });
    assert.deepEqual(theResult(asyncRichResult), { 'text/markdown': '*later*' });
  });

  it('gives no result for undefined, null or a declaration', () => {
    for (const index of noResults) {
      assert.equal(reply(index).status, 'ok');
      assert.deepEqual(outputs(index, 'execute_result'), []);
      assert.equal(stream(index, 'stdout'), '');
    }
  });
});

describe('prefixCompletion (scripts/kernel/prefix-completion.js)', () => {
  it('offers only the names that start with what was typed', () => {
    const { matches, cursor_start, cursor_end, status } = reply(completion);
    assert.equal(status, 'ok');
    assert.deepEqual([...matches].sort(), ['alphaOne', 'alphaTwo']);
    const code = 'const alphaOne = 1, alphaTwo = 2, myAlpha = 3;\nalpha';
    assert.deepEqual([cursor_start, cursor_end], [code.length - 'alpha'.length, code.length]);
  });

  it('counts cursor positions in code points, as the protocol does', () => {
    const { matches, cursor_start, cursor_end } = reply(emojiCompletion);
    const points = [...emojiCode].length;
    assert.deepEqual([cursor_start, cursor_end], [points - 'fooB'.length, points]);
    assert.deepEqual(matches, ['fooBar']);
  });
});

describe('invalidCode (scripts/kernel/invalid-code.js)', () => {
  it('answers invalid for a syntax error, incomplete for unfinished code, complete otherwise', () => {
    const status = (code: string) => reply(isComplete[code]);
    assert.deepEqual(status('const = 1;'), { status: 'invalid' });
    assert.deepEqual(status('let x = );'), { status: 'invalid' });
    assert.deepEqual(status('function f() {'), { status: 'incomplete', indent: '  ' });
    assert.deepEqual(status('1 + 1'), { status: 'complete' });
    assert.deepEqual(status('const later = await Promise.resolve(1);'), { status: 'complete' });
  });
});
