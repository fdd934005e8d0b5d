/**
 * The live chart of `runExperiments`, seen as a notebook frontend sees it: a real tslab kernel
 * (started by jupyter_client, as Jupyter starts it) runs small sweeps, and every IOPub message of
 * each cell is recorded in arrival order. The chart must be one display that is replaced in place
 * while the runs train, between their log lines, and end holding every epoch of every run.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runKernelDriver } from './support/kernel-driver';

interface KernelEvent {
  type: string;
  /** When the kernel made the message, in ms (IOPub messages only). */
  time: number;
  status?: string;
  text?: string;
  display_id?: string | null;
  mime?: string[];
  traces?: [name: string, points: number][];
}
/** A cell's IOPub messages and its execute_reply, in arrival order. */
interface CellRun {
  events: KernelEvent[];
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-live-'));
const cacheDir = path.join(workDir, 'cache');
const tiny = 'epochs: 3, trainSamples: 6000, testSamples: 500';
// Epochs of about half a second here (the sweep has to outlast the one-second redraw interval, also
// on a faster machine, so that updates arrive between its epochs).
const sweepSize = 'epochs: 3, trainSamples: 20000, testSamples: 500';
const cells = [
  "import * as dl from 'descent-lab';\ndl.enableInteractiveCharts();",
  // Two runs in two worker threads, trained afresh; the live chart is on by default in a kernel.
  `const sweep = await dl.runExperiments([{ label: 'SGD', optimizer: 'SGD' }, { label: 'Adam', optimizer: 'Adam' }],
  { ${sweepSize}, cache: false, parallel: 2 });`,
  // One run in the kernel's own thread, stored in the cache; it must not leave tensors behind.
  `const tf = require('@tensorflow/tfjs');
const tensorsBefore = tf.memory().numTensors;
await dl.runExperiments([{ label: 'Momentum', optimizer: 'Momentum' }], { ${tiny}, cacheDir: ${JSON.stringify(cacheDir)}, parallel: 1 });
console.log(\`tensors: \${tensorsBefore} before, \${tf.memory().numTensors} after\`);`,
  // The same run again: from the cache, so the chart is whole in its first display.
  `await dl.runExperiments([{ label: 'Momentum again', optimizer: 'Momentum' }], { ${tiny}, cacheDir: ${JSON.stringify(cacheDir)} });`,
  // No minimum interval: a redraw at every epoch's end, whatever the machine's speed or load.
  `await dl.runExperiments([{ label: 'Nesterov', optimizer: 'Nesterov' }], { epochs: 3, trainSamples: 2000, testSamples: 500, cache: false, parallel: 1, liveChart: { minIntervalMs: 0 } });`,
];
let runs: CellRun[] = [];

before(() => {
  runs = runKernelDriver<KernelEvent[][]>('kernel_session.py', cells, workDir).map((events) => ({ events }));
});

after(() => fs.rmSync(workDir, { recursive: true, force: true }));

const displays = (run: CellRun) => run.events.filter((event) => event.type === 'display_data');
const updates = (run: CellRun) => run.events.filter((event) => event.type === 'update_display_data');
const errors = (run: CellRun) => run.events.filter((event) => event.type === 'error' || /Error/.test(event.text ?? ''));

describe('the live chart of runExperiments, in a real tslab kernel', () => {
  it('runs every cell without an error', () => {
    assert.equal(runs.length, cells.length);
    for (const [index, run] of runs.entries()) {
      assert.equal(run.events.find((event) => event.type === 'execute_reply')?.status, 'ok', `cell ${index + 1}`);
      assert.deepEqual(errors(run), [], `cell ${index + 1}`);
    }
  });

  it('shows one display and replaces it in place while the sweep trains', () => {
    const run = runs[1];
    const [shown, ...others] = displays(run);
    assert.deepEqual(others, [], 'one display: plotly.js came with the first cell, so no second copy');
    assert.ok(shown.display_id, 'the display has a display id');
    const redraws = updates(run);
    assert.ok(redraws.length >= 2, `${redraws.length} update(s): one while training and the final one at least`);
    assert.ok(redraws.every((event) => event.display_id === shown.display_id), 'every update replaces that display');
    // The final update and the reply travel on different sockets, so only the ones while training are ordered.
    const reply = run.events.findIndex((event) => event.type === 'execute_reply');
    assert.ok(redraws.slice(0, -1).every((event) => run.events.indexOf(event) < reply), 'the updates while training came before the execute reply');
  });

  // Whether a once-a-second redraw falls between two epoch lines depends on how long epochs take
  // (on a loaded machine the first epoch can end late and the rest close together), so the
  // interleaving is checked with the interval at 0, where it does not depend on time: a redraw at
  // each epoch's end, among that run's epoch log lines.
  it('redraws in place between the epoch log lines while a run trains', () => {
    const run = runs[4];
    const [shown] = displays(run);
    const redraws = updates(run);
    assert.equal(redraws.length, 4, 'one update per epoch, and the final one');
    assert.ok(redraws.every((event) => event.display_id === shown.display_id), 'every update replaces that display');
    assert.deepEqual(redraws.slice(0, -1).map((event) => event.traces), [[['Nesterov', 1]], [['Nesterov', 2]], [['Nesterov', 3]]], 'each shows the epochs so far');
    const epochLines = run.events.filter((event) => event.type === 'stream' && /val_acc: \d\.\d{4}/.test(event.text ?? ''));
    assert.equal(epochLines.length, 3);
    const at = (event: KernelEvent) => run.events.indexOf(event);
    const between = redraws.slice(0, -1).filter((update) =>
      epochLines.some((line) => at(line) < at(update)) && epochLines.some((line) => at(line) > at(update)));
    assert.ok(between.length >= 2, 'updates arrived between the epoch log lines');
  });

  it('redraws at most once a second while training', () => {
    const whileTraining = updates(runs[1]).slice(0, -1).map((event) => event.time);
    for (let i = 1; i < whileTraining.length; i++) {
      assert.ok(whileTraining[i] - whileTraining[i - 1] >= 950, `updates ${i} and ${i + 1} are ${whileTraining[i] - whileTraining[i - 1]} ms apart`);
    }
  });

  it('ends as the finished chart: every epoch of every run, with its static picture', () => {
    const last = updates(runs[1]).at(-1)!;
    assert.deepEqual(last.mime, ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
    assert.deepEqual(last.traces, [['SGD', 3], ['Adam', 3]]);
  });

  it('keeps the Keras log lines of every run', () => {
    const log = runs[1].events.map((event) => event.text ?? '').join('');
    for (const label of ['SGD', 'Adam']) assert.match(log, new RegExp(`\\[${label}\\] Epoch 3/3`));
  });

  it('draws a run trained in the kernel\'s own thread, and leaves no tensor behind', () => {
    const run = runs[2];
    assert.ok(updates(run).length >= 1);
    assert.deepEqual(updates(run).at(-1)!.traces, [['Momentum', 3]]);
    const [, before, after] = /tensors: (\d+) before, (\d+) after/.exec(run.events.map((event) => event.text ?? '').join('')) ?? [];
    assert.ok(before !== undefined, 'the cell printed its tensor count');
    assert.equal(after, before);
  });

  it('draws a cached run whole at once, in its first display', () => {
    const [shown] = displays(runs[3]);
    assert.deepEqual(shown.traces, [['Momentum again', 3]]);
    assert.deepEqual(updates(runs[3]).at(-1)!.traces, [['Momentum again', 3]]);
  });
});
