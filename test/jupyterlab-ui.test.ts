/**
 * The course in the real JupyterLab 4 of `npm run lab` (scripts/lab/), driven in Chromium the way a
 * student uses it: notebooks opened from the file browser, Run All from the Run menu, the toolbar's
 * stop and restart buttons, Tab and Shift+Tab in a cell, Ctrl+S, closing and reopening a tab. One
 * server (quick mode, DESCENT_LAB_QUICK=1, a results cache of this test) and one browser serve
 * every case, in order: notebook 1 first trains the runs that notebooks 2 and 3 reuse. Every
 * request the page makes is routed: anything not on 127.0.0.1 is recorded and refused.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, it, TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cellSource, readCells } from '../scripts/jupyter/notebook-runner';
import { courseNotebooks, notebooksDir, projectRoot } from '../scripts/jupyter/paths';
import { LabServer } from '../scripts/lab/server';
import { writeStudentEdition } from '../scripts/student/student-edition';
import { notebookChartPositions } from './support/chart-outputs';
import { waitForCharts } from './support/chart-visibility';
import { startLabSession } from './support/lab-session';
import * as lab from './support/lab-ui';
import { launchBrowser, OfflineContext, offlineContext } from './support/offline-browser';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-jupyterlab-'));
const env = { DESCENT_LAB_QUICK: '1', DESCENT_LAB_CACHE_DIR: path.join(workDir, '.results-cache') };
const slow = { timeout: 600_000 };
const scratch = 'scratch.ipynb';
const liveChart = 'live-chart.ipynb';

let server: LabServer | undefined;
let browser: Browser | undefined;
let offline: OfflineContext | undefined;
let page: Page;

/** A notebook of the kernel's language whose code cells are `sources`. */
function notebookWith(sources: string[]) {
  const kernelspec = { name: 'descent-lab-tslab', display_name: 'TypeScript (Descent Lab tslab)', language: 'typescript' };
  return {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec, language_info: { name: 'typescript' } },
    cells: sources.map((source, i) => ({ cell_type: 'code', id: `scratch-${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  };
}

/** The index among all cells of the first code cell of `file` whose source holds `text`. */
function cellWith(file: string, text: string): number {
  const index = readCells(file).findIndex((cell) => cell.cell_type === 'code' && cellSource(cell).includes(text));
  assert.ok(index >= 0, `no code cell of ${path.basename(file)} contains ${text}`);
  return index;
}

/**
 * The target, 1 s from the click to the cell's end, is asserted as it is on a machine whose
 * load average is under its core count. On a loaded machine (CI's may be) the bound is 3 s: the
 * kernel's hard bound (the cooperative-interrupt adaptation's 2 s grace) plus the browser's and the
 * server's share of two busy cores. Measured on a 2-core AMD EPYC since the sweep terminates its
 * workers before its last drawing: 54 to 213 ms, quiet or beside two busy loops; before that, one
 * clean-clone run took 1.23 s. The time is printed either way.
 */
function stopLimit(t: TestContext): number {
  const load = os.loadavg()[0];
  const busy = load >= os.cpus().length;
  if (busy) t.diagnostic(`machine loaded (load average ${load.toFixed(1)} on ${os.cpus().length} cores): allowing 3 s instead of 1 s`);
  return busy ? 3000 : 1000;
}

/** Prints whether the stop kept the 1 s target. */
function reportTarget(t: TestContext, what: string, ms: number): void {
  t.diagnostic(`stop button to the ${what} cell's end: ${ms.toFixed(0)} ms (${ms <= 1000 ? 'within' : 'OVER'} the 1 s target)`);
}

/**
 * Presses the toolbar's stop button while cell `index` runs, and measures in the page, from the
 * click to the moment the cell shows both its `TrainingInterrupted` line and a finished prompt.
 */
async function stopAndTime(index: number): Promise<number> {
  await page.evaluate(([panel, i]) => {
    const w = window as unknown as { stopClicked?: number; cellEnded?: number };
    const cell = document.querySelectorAll(`${panel} .jp-Notebook .jp-Cell`)[i as number] as HTMLElement;
    document.addEventListener('click', (event) => {
      if ((event.target as Element).closest?.('[data-command="notebook:interrupt-kernel"]')) w.stopClicked ??= performance.now();
    }, { capture: true });
    const ended = () => !cell.querySelector('.jp-InputArea-prompt')!.textContent!.includes('*') && (cell.textContent ?? '').includes('TrainingInterrupted');
    const observer = new MutationObserver(() => {
      if (w.stopClicked !== undefined && ended()) {
        w.cellEnded = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(cell, { subtree: true, childList: true, characterData: true, attributes: true });
    delete w.stopClicked;
    delete w.cellEnded;
  }, [lab.notebookPanel, index] as const);
  await lab.toolbarButton(page, 'notebook:interrupt-kernel').click();
  await page.waitForFunction(() => (window as unknown as { cellEnded?: number }).cellEnded !== undefined, undefined, { timeout: 30_000 });
  return page.evaluate(() => {
    const w = window as unknown as { stopClicked: number; cellEnded: number };
    return w.cellEnded - w.stopClicked;
  });
}

/** After Run All: no cell failed, every chart output is a drawn plotly chart, every formula typeset. */
async function assertRunAllDrew(t: TestContext, name: string): Promise<void> {
  const shown = await lab.waitForRunToEnd(page, 300_000);
  assert.deepEqual(await lab.errorOutputs(page), [], `no cell of ${name} failed`);
  assert.ok(shown.every((prompt) => /\[\d+\]/.test(prompt)), `every code cell ran: ${shown.join(' ')}`);
  await lab.save(page);
  await assertChartsAndFormulas(t, name);
}

async function assertChartsAndFormulas(t: TestContext, name: string): Promise<void> {
  const positions = notebookChartPositions(path.join(workDir, name));
  assert.ok(positions.length >= 1, `${name} has chart outputs`);
  const sights = await waitForCharts(page, 'jupyterlab', positions, 'plotly');
  assert.deepEqual(sights.filter((sight) => sight.shown !== 'plotly').map((sight) => `cell ${sight.position.cell + 1}: ${sight.shown} ${sight.text}`), [],
    'every chart output is a drawn plotly chart');
  const math = await lab.formulas(page);
  assert.ok(math.typeset > 0, 'MathJax typeset the formulas');
  assert.deepEqual(math.raw, [], 'no formula left as raw TeX');
  t.diagnostic(`${name}: ${positions.length} charts drawn, ${math.typeset} formulas typeset`);
}

before(async () => {
  for (const file of courseNotebooks()) fs.copyFileSync(file, path.join(workDir, path.basename(file)));
  fs.writeFileSync(path.join(workDir, scratch), JSON.stringify(notebookWith([
    "import * as dl from 'descent-lab';\nconst settings = dl.courseSettings();\nawait dl.initBackend();\nconst data = await dl.loadMnist(settings);",
    "const model = dl.buildCompile('SGD');\nawait dl.fit(model, data.xTrain, data.yTrain, { epochs: 1000 });",
    "console.log('the kernel takes the next cell');",
    "const answer = 42;\nthrow new Error('this cell fails on its second line');",
    '',
  ]), null, 1));
  // A sweep long enough to watch, redrawn at every epoch's end (no minimum interval), so that what
  // the page shows does not depend on how fast this machine trains.
  fs.writeFileSync(path.join(workDir, liveChart), JSON.stringify(notebookWith([
    "import * as dl from 'descent-lab';\ndl.enableInteractiveCharts();",
    "await dl.runExperiments([{ label: 'Adam', optimizer: 'Adam' }],\n"
    + "  { epochs: 5, trainSamples: 12000, testSamples: 500, cache: false, parallel: 1, liveChart: { minIntervalMs: 0 } });",
  ]), null, 1));
  writeStudentEdition(path.join(notebooksDir, '02-learning-rate-schedules.ipynb'), path.join(workDir, 'student'));
  // `import ... from 'descent-lab'` resolves from the kernel's folder upwards.
  fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(workDir, 'node_modules'), 'dir');
  [server, browser] = await Promise.all([startLabSession(workDir, env), launchBrowser()]);
  offline = await offlineContext(browser);
  page = await offline.context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(server.url('lab'));
  await lab.waitForLab(page);
}, slow);

// DESCENT_LAB_SCREENSHOTS=<folder> keeps a picture of the page after each case, to see what it saw.
afterEach(async (t) => {
  const folder = process.env.DESCENT_LAB_SCREENSHOTS;
  if (folder && page) await page.screenshot({ path: path.join(folder, `${t.name.slice(0, 40).replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
});

after(async () => {
  if (offline) assert.deepEqual(offline.externalRequests, [], 'no request left the machine');
  await offline?.context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('JupyterLab 4 (npm run lab) driven as a student does', () => {
  const first = '01-optimizers.ipynb';

  it("a sweep's live chart grows in place while it trains, as one drawn plotly chart", slow, async (t) => {
    await lab.openFromFileBrowser(page, liveChart);
    // After every change to the sweep cell's outputs: how many points its plotly chart shows.
    await page.evaluate(([panel]) => {
      const w = window as unknown as { liveChartSeen: { points: number }[] };
      w.liveChartSeen = [];
      const cell = document.querySelectorAll(`${panel} .jp-Notebook .jp-Cell`)[1] as HTMLElement;
      new MutationObserver(() => {
        const charts = Array.from(cell.querySelectorAll('.js-plotly-plot')) as (HTMLElement & { data?: { y?: unknown[] }[] })[];
        // The largest, should an old drawing and its replacement be in the page together for a moment.
        const points = Math.max(0, ...charts.map((chart) => (chart.data ?? []).reduce((n, trace) => n + (trace.y?.length ?? 0), 0)));
        const last = w.liveChartSeen.at(-1);
        if (points > 0 && last?.points !== points) w.liveChartSeen.push({ points });
      }).observe(cell, { subtree: true, childList: true });
    }, [lab.notebookPanel] as const);
    await lab.menu(page, 'Run', 'Run All Cells');
    await page.waitForTimeout(500);
    await lab.waitForRunToEnd(page, 300_000);
    assert.deepEqual(await lab.errorOutputs(page), []);
    const seen = await page.evaluate(() => (window as unknown as { liveChartSeen: { points: number }[] }).liveChartSeen);
    t.diagnostic(`points drawn, in order: ${seen.map((state) => state.points).join(', ')}`);
    const charts = await lab.cells(page).nth(1).locator('.js-plotly-plot').count();
    assert.equal(charts, 1, 'one chart, replaced in place: no second one below it');
    assert.equal(seen.at(-1)?.points, 5, 'it ends with every epoch');
    assert.ok(seen.length >= 2, 'the page showed the chart part-way before the finished one');
    assert.ok(seen.every((state, i) => i === 0 || state.points > seen[i - 1].points), 'and it only grew');
    await lab.save(page);
    await lab.closeTab(page);
  });

  it("notebook 1: Run All, the stop button during the sweep ends the cell (target 1 s) with the TrainingInterrupted line, and the next cell runs", slow, async (t) => {
    await lab.openFromFileBrowser(page, first);
    const sweep = cellWith(path.join(workDir, first), 'dl.runExperiments(');
    await lab.menu(page, 'Run', 'Run All Cells');
    // Training has begun when the sweep's first Keras log line (or its live chart) is there.
    await lab.cells(page).nth(sweep).locator('.jp-OutputArea-output', { hasText: /Epoch 1\// }).first().waitFor({ state: "attached", timeout: 120_000 });
    const limit = stopLimit(t);
    const ms = await stopAndTime(sweep);
    reportTarget(t, 'sweep', ms);
    const outputs = await lab.codeCellOutputs(page);
    const sweepOutput = await lab.cellText(page, sweep);
    assert.match(sweepOutput, /TrainingInterrupted: .*stopped/, 'the cell ends with the TrainingInterrupted line');
    assert.ok(ms <= limit, `the cell ended ${ms.toFixed(0)} ms after the click (the bound here: ${limit / 1000} s)`);
    assert.ok(outputs.length > 0);
    const sweepCount = Number(/\[(\d+)\]/.exec(await lab.cells(page).nth(sweep).locator('.jp-InputArea-prompt').textContent() ?? '')?.[1]);
    await page.waitForTimeout(400); // past tslab's 200 ms abort window after a failed cell (see the fit case)
    await lab.runCell(page, sweep + 2, 60_000); // the next code cell (a Markdown cell sits between)
    const next = (await lab.cells(page).nth(sweep + 2).locator('.jp-InputArea-prompt').textContent()) ?? '';
    assert.equal(next.replace(/\s/g, ''), `[${sweepCount + 1}]:`, 'the next cell ran, right after the interrupted one');
  });

  it('notebook 1: restart the kernel and Run All: every chart drawn, every formula typeset, no cell failed', slow, async (t) => {
    await lab.toolbarButton(page, 'notebook:restart-run-all').click();
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    await page.waitForTimeout(1000);
    await assertRunAllDrew(t, first);
  });

  for (const name of courseNotebooks().slice(1).map((file) => path.basename(file))) {
    it(`${name}: opened from the file browser, Run All: every chart drawn, every formula typeset`, slow, async (t) => {
      await lab.closeTab(page);
      await lab.openFromFileBrowser(page, name);
      await lab.menu(page, 'Run', 'Run All Cells');
      await page.waitForTimeout(500);
      await assertRunAllDrew(t, name);
    });
  }

  it('saved, closed and reopened: the charts are still drawn', slow, async (t) => {
    const name = '02-learning-rate-schedules.ipynb';
    await lab.closeTab(page);
    await lab.openFromFileBrowser(page, name);
    await assertChartsAndFormulas(t, name);
    await lab.closeTab(page);
  });

  it('during a dl.fit the stop button ends the cell (target 1 s); the next cell runs; a failing cell shows Cell In[n], line L', slow, async (t) => {
    await lab.openFromFileBrowser(page, scratch);
    await lab.menu(page, 'Run', 'Run All Cells');
    await lab.cells(page).nth(1).locator('.jp-OutputArea-output', { hasText: /Epoch 2\// }).first().waitFor({ state: "attached", timeout: 120_000 });
    const limit = stopLimit(t);
    const ms = await stopAndTime(1);
    reportTarget(t, 'fit', ms);
    assert.match(await lab.cellText(page, 1), /TrainingInterrupted: training stopped (in|at the start of) epoch \d+/);
    assert.ok(ms <= limit, `the cell ended ${ms.toFixed(0)} ms after the click (the bound here: ${limit / 1000} s)`);
    // tslab answers 'aborted' to every cell sent within 200 ms of a failed one when the request asks
    // to stop on errors (JupyterLab's Shift+Enter does); a student's next click comes later than that.
    await page.waitForTimeout(400);
    await lab.runCell(page, 2, 60_000);
    await lab.runCell(page, 3, 60_000);
    assert.match(await lab.cellText(page, 2), /the kernel takes the next cell/);
    const failing = await lab.cellText(page, 3);
    const count = /\[(\d+)\]/.exec(failing)?.[1];
    assert.ok(count, `the failing cell has an execution count: ${failing}`);
    assert.match(failing, new RegExp(`Cell In\\[${count}\\], line 2`), 'the error names the cell and its line');
    assert.match(failing, /this cell fails on its second line/);
  });

  it('Tab on dl.make offers makeOptimizer; Shift+Tab on dl.fit shows its documentation', slow, async () => {
    await lab.editCell(page, 4);
    await page.keyboard.type('dl.make');
    await page.keyboard.press('Tab');
    const completer = page.locator('.jp-Completer .jp-Completer-item', { hasText: 'makeOptimizer' });
    const editor = lab.cells(page).nth(4).locator('.cm-content');
    await Promise.race([completer.first().waitFor(), editor.filter({ hasText: 'dl.makeOptimizer' }).waitFor()]);
    await page.keyboard.press('Escape');
    await lab.replaceSource(page, 4, 'dl.fit');
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Tab');
    const tooltip = page.locator('.jp-Tooltip');
    await tooltip.waitFor();
    assert.match((await tooltip.textContent()) ?? '', /Trains `?model`? .*compiled with its optimizer/s, 'the tooltip shows fit\'s doc comment');
    await page.keyboard.press('Escape');
    await lab.replaceSource(page, 4, '');
    await lab.save(page);
    await lab.closeTab(page);
  });

  it("a student edition's check cell says 'not implemented yet', and passes once the solution is typed in", slow, async () => {
    const name = '02-learning-rate-schedules.ipynb';
    const solutionCell = cellWith(path.join(notebooksDir, name), 'function timeDecayByHand');
    const checkCell = cellWith(path.join(notebooksDir, name), "dl.checks.schedule('time'");
    await lab.openFolder(page, 'student');
    await lab.openFromFileBrowser(page, name);
    await lab.menu(page, 'Run', 'Run All Cells');
    await page.waitForTimeout(500);
    await lab.waitForRunToEnd(page, 120_000);
    assert.match(await lab.cellText(page, checkCell), /not implemented yet/);
    await lab.replaceSource(page, solutionCell, cellSource(readCells(path.join(notebooksDir, name))[solutionCell]));
    await lab.runCell(page, solutionCell, 60_000);
    await lab.runCell(page, checkCell, 60_000);
    assert.match(await lab.cellText(page, checkCell), /passed/);
  });
});
