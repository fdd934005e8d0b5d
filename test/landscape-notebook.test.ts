/**
 * notebooks/05-landscape.ipynb through the real Jupyter (nbclient) and tslab kernel in quick mode,
 * with the project's results cache as `npm start` uses it (the seven quick runs train when they are
 * not there), then its exported page opened offline in headless Chromium with no kernel.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { cellOutputText, cellSource, executeNotebook, ExecuteResult, NotebookCell, readCells } from '../scripts/jupyter/notebook-runner';
import { notebooksDir } from '../scripts/jupyter/paths';
import { notebookChartPositions } from './support/chart-outputs';
import { waitForCharts } from './support/chart-visibility';
import { launchBrowser, offlineContext, OfflineContext } from './support/offline-browser';

const source = path.join(notebooksDir, '05-landscape.ipynb');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-landscape-nb-'));
const MB = 1024 * 1024;
const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
const LABELS = ['SGD', 'Momentum', 'Nesterov', 'RMSprop', 'Adagrad', 'Adam', 'NAdam'];
const slow = { timeout: 300_000 };
let result: ExecuteResult;
let cells: NotebookCell[] = [];
let log = '';
let browser: Browser | undefined;
const contexts: OfflineContext[] = [];

before(async () => {
  result = await executeNotebook(source, { outDir: workDir, env: { DESCENT_LAB_QUICK: '1' }, onOutput: (text) => (log = (log + text).slice(-6000)) });
  if (result.ok) cells = readCells(result.executedPath);
  browser = await launchBrowser();
}, slow);

after(async () => {
  for (const { context } of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

type Figure = { data: { type: string; name: string; x: number[]; y: number[] }[]; layout: { title: { text: string } } };
const figures = () => cells.flatMap((cell) => cell.outputs ?? []).filter((output) => output.data?.[PLOTLY_MIME]).map((output) => output.data![PLOTLY_MIME] as Figure);
const textOf = (fragment: string) => cellOutputText(cells.find((cell) => cellSource(cell).includes(fragment))!);

describe('05-landscape in quick mode', () => {
  it('runs every cell without an error or stderr output', () => {
    assert.equal(result.ok, true, `${result.failure}\n--- log tail ---\n${log}`);
    for (const [index, cell] of cells.entries()) {
      const bad = (cell.outputs ?? []).filter((output) => output.output_type === 'error' ||
        (output.output_type === 'stream' && (output as { name?: string }).name === 'stderr'));
      assert.deepEqual(bad, [], `cell ${index + 1}`);
    }
  });

  it('finds the seven runs starting from the same weights, and its exercise\'s check passes', () => {
    assert.match(textOf('dl.runExperiments('), /3 snapshots per run, after epochs 0, 1, 2 \(101,770 parameters, 1\.2 MB a run\)/);
    assert.match(textOf('dl.runExperiments('), /largest difference between the runs' initial weights: 0\n/);
    assert.match(textOf('dl.checks.planeProjection('), /^passed: your projection matches the library's/);
  });

  it('prints the plane\'s share, the cost, and a row per run (final point, distance, share off the plane)', () => {
    const text = textOf('dl.computeLandscape(');
    assert.match(text, /the plane keeps \d+\.\d% of the squared displacements \(PC1 \d+\.\d%, PC2 \d+\.\d%\)/);
    const cost = /CPU seconds: plane (\S+), grid (\S+), lines (\S+) \(21 x 21 points, 1000 images\)/.exec(text);
    assert.ok(cost, text);
    console.log(`05-landscape (quick): CPU seconds plane ${cost[1]}, grid ${cost[2]}, lines ${cost[3]}`);
    for (const label of LABELS) assert.match(text, new RegExp(`^${label}\\s+-?\\d+\\.\\d\\d\\s+-?\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d\\s+\\d+%$`, 'm'));
  });

  it('draws the shared plane (contours, seven paths with a dot per snapshot, the start), the slow four\'s plane, and the seven lines', () => {
    const [plane, slowPlane, lines] = figures();
    assert.equal(figures().length, 3);
    assert.deepEqual(slowPlane.data.map((trace) => trace.name), ['loss', 'SGD', 'Momentum', 'Nesterov', 'Adagrad', 'initial weights']);
    assert.match(textOf('slowLabels'), /their own plane keeps \d+\.\d% of their squared displacements; off it at the end: SGD \d+%, Momentum \d+%, Nesterov \d+%, Adagrad \d+%/);
    assert.equal(plane.layout.title.text, "the optimizers' paths on the loss surface of the shared plane");
    assert.deepEqual(plane.data.map((trace) => trace.name), ['loss', ...LABELS, 'initial weights']);
    for (const trace of plane.data.slice(1, 8)) {
      assert.equal(trace.x.length, 3, `${trace.name}: epochs 0, 1, 2`);
      assert.deepEqual([trace.x[0], trace.y[0]], [0, 0], `${trace.name} starts at the origin`);
    }
    assert.equal(lines.layout.title.text, 'loss on the straight line from the initial to the final weights');
    assert.deepEqual(lines.data.map((trace) => trace.name), LABELS);
  });

  it('stays small: the notebook at most 8 MB, its page at most 10 MB', () => {
    const sizes = { notebook: fs.statSync(result.executedPath).size, html: fs.statSync(result.htmlPath!).size };
    console.log(`05-landscape (quick): notebook ${(sizes.notebook / MB).toFixed(2)} MB, HTML ${(sizes.html / MB).toFixed(2)} MB`);
    assert.ok(sizes.notebook <= 8 * MB, `${sizes.notebook} bytes`);
    assert.ok(sizes.html <= 10 * MB, `${sizes.html} bytes`);
  });
});

describe('its exported page, offline, with no kernel', () => {
  for (const javaScriptEnabled of [true, false]) {
    it(javaScriptEnabled ? 'draws the three charts with plotly, asks no host for anything, logs no error' : 'with JavaScript off, shows the three static pictures', slow, async () => {
      const offline = await offlineContext(browser!, { javaScriptEnabled });
      contexts.push(offline);
      const page = await offline.context.newPage();
      await page.goto(pathToFileURL(result.htmlPath!).href, { waitUntil: 'load' });
      const sights = await waitForCharts(page, 'jupyterlab', notebookChartPositions(result.executedPath), javaScriptEnabled ? 'plotly' : 'any');
      assert.deepEqual(sights.map((sight) => sight.shown), Array(3).fill(javaScriptEnabled ? 'plotly' : 'image'));
      assert.deepEqual(offline.externalRequests, []);
      if (javaScriptEnabled) assert.deepEqual(offline.errors, []);
    });
  }
});
