/**
 * notebooks/04-trajectories.ipynb through the real Jupyter (nbclient) and tslab kernel, in quick and
 * in full mode (no training: full mode only embeds more slider frames), and its exported page opened
 * offline in headless Chromium with no kernel: the sliders redraw the paths (the drawn SVG path
 * changes, to the frame's points), the two momentum sliders combine, Play moves the balls, and with
 * JavaScript off every chart shows its static picture.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cellSource, executeNotebook, ExecuteResult, readCells } from '../scripts/jupyter/notebook-runner';
import { notebooksDir } from '../scripts/jupyter/paths';
import { notebookChartPositions } from './support/chart-outputs';
import { waitForCharts } from './support/chart-visibility';
import { launchBrowser, offlineContext, OfflineContext } from './support/offline-browser';

const source = path.join(notebooksDir, '04-trajectories.ipynb');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-trajectories-'));
const MB = 1024 * 1024;
const CHARTS = 10;
const slow = { timeout: 300_000 };
const runs = new Map<'quick' | 'full', ExecuteResult>();
const logs = new Map<string, string>();
let browser: Browser | undefined;
const contexts: OfflineContext[] = [];

before(async () => {
  for (const mode of ['quick', 'full'] as const) {
    let log = '';
    runs.set(mode, await executeNotebook(source, {
      outDir: path.join(workDir, mode), env: { DESCENT_LAB_QUICK: mode === 'quick' ? '1' : '0' }, onOutput: (text) => (log = (log + text).slice(-6000)),
    }));
    logs.set(mode, log);
  }
  browser = await launchBrowser();
}, slow);

after(async () => {
  for (const { context } of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

async function openPage(javaScriptEnabled = true): Promise<{ page: Page; offline: OfflineContext }> {
  const offline = await offlineContext(browser!, { javaScriptEnabled });
  contexts.push(offline);
  const page = await offline.context.newPage();
  await page.goto(pathToFileURL(runs.get('full')!.htmlPath!).href, { waitUntil: 'load' });
  return { page, offline };
}

type Output = { output_type: string; data?: Record<string, unknown>; text?: string | string[] };
const frameCount = (output: Output) => ((output.data!['application/vnd.plotly.v1+json'] as { frames?: unknown[] }).frames ?? []).length;

for (const mode of ['quick', 'full'] as const) {
  describe(`04-trajectories in ${mode} mode`, () => {
    it('runs every cell without an error or stderr output', () => {
      const result = runs.get(mode)!;
      assert.equal(result.ok, true, `${result.failure}\n--- log tail ---\n${logs.get(mode)}`);
      for (const [index, cell] of readCells(result.executedPath).entries()) {
        const bad = (cell.outputs ?? []).filter((output) => output.output_type === 'error' ||
          (output.output_type === 'stream' && (output as { name?: string }).name === 'stderr'));
        assert.deepEqual(bad, [], `cell ${index + 1}`);
      }
    });

    it(`draws ${CHARTS} charts, and its exercise's check passes`, () => {
      const cells = readCells(runs.get(mode)!.executedPath);
      assert.equal(notebookChartPositions(runs.get(mode)!.executedPath).length, CHARTS);
      const check = cells.find((cell) => cellSource(cell).includes('dl.checks.rosenbrockGradient('))!;
      const text = (check.outputs ?? []).map((output: Output) => [output.text ?? ''].flat().join('')).join('');
      assert.match(text, /^passed: your Rosenbrock gradient matches/);
    });

    it('stays small: the notebook at most 8 MB, its page at most 10 MB (plotly.js and MathJax are 7 MB of it)', () => {
      const { executedPath, htmlPath } = runs.get(mode)!;
      const sizes = { notebook: fs.statSync(executedPath).size, html: fs.statSync(htmlPath!).size };
      console.log(`04-trajectories (${mode}): notebook ${(sizes.notebook / MB).toFixed(2)} MB, HTML ${(sizes.html / MB).toFixed(2)} MB`);
      assert.ok(sizes.notebook <= 8 * MB, `${sizes.notebook} bytes`);
      assert.ok(sizes.html <= 10 * MB, `${sizes.html} bytes`);
    });
  });
}

it('full mode embeds more slider frames than quick mode', () => {
  const frames = (mode: 'quick' | 'full') => readCells(runs.get(mode)!.executedPath).flatMap((cell) => cell.outputs ?? [])
    .filter((output: Output) => output.data?.['application/vnd.plotly.v1+json']).map(frameCount);
  const [quick, full] = [frames('quick'), frames('full')];
  assert.equal(quick.length, full.length);
  assert.ok(full.reduce((a, b) => a + b) > quick.reduce((a, b) => a + b), `${quick} vs ${full}`);
});

/** Runs in the page: the `d` of the first path line of the chart titled `title`, and its frame check. */
async function chartState(page: Page, title: string) {
  return page.evaluate((wanted) => {
    const chart = Array.from(document.querySelectorAll<HTMLElement>('.js-plotly-plot')).find((el) => el.querySelector('.gtitle')?.textContent === wanted);
    if (!chart) return undefined;
    const line = chart.querySelectorAll('.scatterlayer .trace')[0]?.querySelector('path.js-line');
    const plot = chart as unknown as { data: { x: number[] }[]; layout: { sliders?: { active: number }[] } };
    return { d: line?.getAttribute('d') ?? '', x: plot.data[1].x.slice(0, 20), active: (plot.layout.sliders ?? []).map((s) => s.active) };
  }, title);
}

/** Clicks the `which`-th slider of the chart titled `title` at `fraction` of its rail. */
async function clickSlider(page: Page, title: string, which: number, fraction: number): Promise<void> {
  const box = await page.evaluate(([wanted, index]) => {
    const chart = Array.from(document.querySelectorAll<HTMLElement>('.js-plotly-plot')).find((el) => el.querySelector('.gtitle')?.textContent === wanted);
    const rail = chart?.querySelectorAll('.slider-group')[index as number]?.querySelector('.slider-rail-rect');
    chart?.scrollIntoView();
    const rect = rail?.getBoundingClientRect();
    return rect ? { x: rect.x, y: rect.y, width: rect.width, height: rect.height } : undefined;
  }, [title, which] as const);
  assert.ok(box, `slider ${which} of "${title}"`);
  await page.mouse.click(box.x + box.width * fraction, box.y + box.height / 2);
}

describe('the exported page, offline, with no kernel', () => {
  it('draws all charts, asks no host for anything, logs no error', slow, async () => {
    const { page, offline } = await openPage();
    const sights = await waitForCharts(page, 'jupyterlab', notebookChartPositions(runs.get('full')!.executedPath), 'plotly');
    assert.deepEqual(sights.map((sight) => sight.shown), Array(CHARTS).fill('plotly'));
    assert.deepEqual(offline.externalRequests, []);
    assert.deepEqual(offline.errors, []);
  });

  it('the learning-rate slider redraws the paths at once', slow, async () => {
    const { page } = await openPage();
    const title = 'ill-conditioned quadratic: move the learning rate';
    await page.waitForFunction((t) => Array.from(document.querySelectorAll('.js-plotly-plot .gtitle')).some((el) => el.textContent === t), title);
    const before = (await chartState(page, title))!;
    await clickSlider(page, title, 0, 0.02);
    await page.waitForFunction(([t, d]) => {
      const chart = Array.from(document.querySelectorAll('.js-plotly-plot')).find((el) => el.querySelector('.gtitle')?.textContent === t);
      return chart?.querySelector('.scatterlayer .trace path.js-line')?.getAttribute('d') !== d;
    }, [title, before.d] as const, { timeout: 10_000 });
    const after = (await chartState(page, title))!;
    assert.notEqual(after.d, before.d, 'the drawn SGD path changed');
    assert.deepEqual(after.active, [0], 'the slider is at its first position');
    assert.notDeepEqual(after.x, before.x);
  });

  it('the two momentum sliders combine: each move shows the frame of both positions', slow, async () => {
    const { page } = await openPage();
    const title = 'Rosenbrock: Momentum and Nesterov, step size and momentum';
    await page.waitForFunction((t) => Array.from(document.querySelectorAll('.js-plotly-plot .gtitle')).some((el) => el.textContent === t), title);
    const frameX = (i: number, j: number) => page.evaluate(([t, name]) => {
      const chart = Array.from(document.querySelectorAll('.js-plotly-plot')).find((el) => el.querySelector('.gtitle')?.textContent === t) as unknown as
        { _transitionData: { _frameHash: Record<string, { data: { x: number[] }[] }> } };
      return chart._transitionData._frameHash[name].data[0].x.slice(0, 20);
    }, [title, `lr ${i} beta ${j}`] as const);
    const start = (await chartState(page, title))!;
    await clickSlider(page, title, 1, 0.02); // momentum to its first value
    await page.waitForFunction(([t, d]) => {
      const chart = Array.from(document.querySelectorAll('.js-plotly-plot')).find((el) => el.querySelector('.gtitle')?.textContent === t);
      return chart?.querySelector('.scatterlayer .trace path.js-line')?.getAttribute('d') !== d;
    }, [title, start.d] as const, { timeout: 10_000 });
    const afterMomentum = (await chartState(page, title))!;
    assert.deepEqual(afterMomentum.x, await frameX(start.active[0], 0));
    await clickSlider(page, title, 0, 0.02); // learning rate to its first value: momentum must stay at its first
    await page.waitForFunction(([t, d]) => {
      const chart = Array.from(document.querySelectorAll('.js-plotly-plot')).find((el) => el.querySelector('.gtitle')?.textContent === t);
      return chart?.querySelector('.scatterlayer .trace path.js-line')?.getAttribute('d') !== d;
    }, [title, afterMomentum.d] as const, { timeout: 10_000 });
    const afterBoth = (await chartState(page, title))!;
    assert.deepEqual(afterBoth.active, [0, 0]);
    assert.deepEqual(afterBoth.x, await frameX(0, 0), 'the frame of (first learning rate, first momentum)');
  });

  it('Play moves the balls along the paths', slow, async () => {
    const { page } = await openPage();
    const title = 'Rosenbrock: the seven paths';
    await page.waitForFunction((t) => Array.from(document.querySelectorAll('.js-plotly-plot .gtitle')).some((el) => el.textContent === t), title);
    const ball = () => page.evaluate((t) => {
      const chart = Array.from(document.querySelectorAll('.js-plotly-plot')).find((el) => el.querySelector('.gtitle')?.textContent === t) as unknown as { data: { name: string; x: number[] }[] };
      return chart.data.find((trace) => trace.name === 'SGD now')!.x[0];
    }, title);
    const start = await ball();
    await page.evaluate((t) => {
      const chart = Array.from(document.querySelectorAll('.js-plotly-plot')).find((el) => el.querySelector('.gtitle')?.textContent === t)!;
      chart.scrollIntoView();
    }, title);
    const button = page.locator('.js-plotly-plot', { has: page.locator('.gtitle', { hasText: title }) }).locator('.updatemenu-button').first();
    await button.click();
    await page.waitForFunction(([t, x]) => {
      const chart = Array.from(document.querySelectorAll('.js-plotly-plot')).find((el) => el.querySelector('.gtitle')?.textContent === t) as unknown as { data: { name: string; x: number[] }[] };
      return chart.data.find((trace) => trace.name === 'SGD now')!.x[0] !== x;
    }, [title, start] as const, { timeout: 20_000 });
    assert.notEqual(await ball(), start);
  });

  it('with JavaScript off, every chart shows its static picture', slow, async () => {
    const { page, offline } = await openPage(false);
    const sights = await waitForCharts(page, 'jupyterlab', notebookChartPositions(runs.get('full')!.executedPath), 'any');
    assert.deepEqual(sights.map((sight) => sight.shown), Array(CHARTS).fill('image'));
    assert.deepEqual(offline.externalRequests, []);
  });
});

describe('the committed notebook, as a file', () => {
  const notebook = JSON.parse(fs.readFileSync(source, 'utf8'));
  const solution = notebook.cells.find((cell: { metadata: { nbgrader?: { solution?: boolean } } }) => cell.metadata.nbgrader?.solution);
  const check = notebook.cells.find((cell: { metadata: { nbgrader?: { grade?: boolean } } }) => cell.metadata.nbgrader?.grade);

  it('marks its exercise as an nbgrader solution cell, followed by a locked check cell', () => {
    assert.deepEqual(solution.metadata.nbgrader, { solution: true, grade: false, locked: false, grade_id: 'rosenbrock-gradient', schema_version: 3 });
    assert.deepEqual(check.metadata.nbgrader, { grade: true, solution: false, locked: true, points: 1, grade_id: 'check-rosenbrock-gradient', schema_version: 3 });
    assert.equal(notebook.cells.indexOf(check), notebook.cells.indexOf(solution) + 1);
    const lines = [solution.source].flat().join('').split('\n').map((line: string) => line.trim());
    assert.equal(lines.filter((line: string) => line === '// BEGIN SOLUTION').length, 1);
    assert.equal(lines.filter((line: string) => line === '// END SOLUTION').length, 1);
  });

  it('no other cell uses the student\'s function, so a stub fails only the check', () => {
    const users = notebook.cells.filter((cell: { cell_type: string; source: string | string[] }) =>
      cell.cell_type === 'code' && /\brosenbrockGradient\b/.test([cell.source].flat().join('')));
    assert.deepEqual(users.map((cell: unknown) => notebook.cells.indexOf(cell)), [notebook.cells.indexOf(solution), notebook.cells.indexOf(check)]);
  });
});
