/**
 * Issue 7's viewer matrix: notebook 1's charts (quick mode) as readers meet them. Every case looks at
 * each chart output of the notebook it shows and asserts that a Plotly chart or a static picture is
 * visible there (a Plotly chart where the chart contract promises interactivity), and that no
 * request left the machine. The viewers:
 *   1. the classic Notebook 6 (a real `jupyter notebook` server and kernel, driven in Chromium):
 *      Run All; re-run a chart cell, save, reload; an untrusted executed notebook opened;
 *   2. JupyterLab 4's renderer (OutputArea + RenderMimeRegistry), trusted and untrusted; and the
 *      real JupyterLab 4 of `npm run lab` (scripts/lab/), a signed (trusted) and an unsigned
 *      executed notebook, each opened by its URL;
 *   3. stock `jupyter nbconvert --to html`, of the notebook saved after the re-run and of one
 *      executed top to bottom;
 *   4. the project's own HTML export (executeNotebook);
 *   5. that export with JavaScript off.
 * Notebook 1 is trained once (by the top-to-bottom run, into a results cache of this test); the
 * live session replays the runs from the cache.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it, TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cellSource, executeNotebook, ExecuteResult, prepareJupyter, readCells } from '../scripts/jupyter/notebook-runner';
import { notebooksDir, projectRoot } from '../scripts/jupyter/paths';
import { ChartPosition, notebookChartPositions } from './support/chart-outputs';
import { ChartSight, Layout, waitForCharts } from './support/chart-visibility';
import * as classic from './support/classic-notebook';
import { bundleJupyterLabRenderer, jupyterLabPage } from './support/jupyterlab-page';
import { startLabSession } from './support/lab-session';
import { NotebookServer, startNotebookServer } from './support/notebook-server';
import { launchBrowser, OfflineContext, offlineContext } from './support/offline-browser';
import type { LabServer } from '../scripts/lab/server';
import { stockHtmlExport } from './support/stock-nbconvert';

const name = '01-optimizers';
const source = path.join(notebooksDir, `${name}.ipynb`);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-viewers-'));
const outDir = path.join(workDir, 'out');
const liveDir = path.join(workDir, 'live');
const pagesDir = path.join(workDir, 'pages');
const liveNotebook = path.join(liveDir, `${name}.ipynb`);
const untrustedName = `${name}-untrusted.ipynb`;
const env = { DESCENT_LAB_QUICK: '1', DESCENT_LAB_CACHE_DIR: path.join(workDir, 'cache') };
const slow = { timeout: 300_000 };

let python: string;
let executed: ExecuteResult;
let expectedCharts: number;
let server: NotebookServer | undefined;
let browser: Browser | undefined;
const contexts: OfflineContext[] = [];

async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<{ page: Page; offline: OfflineContext }> {
  const offline = await offlineContext(browser!, options);
  contexts.push(offline);
  return { page: await offline.context.newPage(), offline };
}

/** The code-cell ordinal of the first cell whose source holds `text`. */
function codeCellWith(text: string): number {
  const index = readCells(source).filter((cell) => cell.cell_type === 'code').findIndex((cell) => cellSource(cell).includes(text));
  assert.ok(index >= 0, `no code cell contains ${text}`);
  return index;
}

/**
 * Asserts that each chart output at `positions` shows what `want` asks (a Plotly chart, or either a
 * Plotly chart or a picture), and that the page asked no other host for anything; logs the row of
 * the matrix.
 */
async function assertCharts(t: TestContext, page: Page, layout: Layout, positions: ChartPosition[], want: 'plotly' | 'any', offline: OfflineContext): Promise<ChartSight[]> {
  assert.equal(positions.length, expectedCharts, `chart outputs in the notebook shown (the executed notebook has ${expectedCharts})`);
  const sights = await waitForCharts(page, layout, positions, want);
  t.diagnostic(`charts: ${sights.map((sight) => sight.shown).join(', ')}`);
  const missing = sights.filter((sight) => (want === 'plotly' ? sight.shown !== 'plotly' : sight.shown === 'none'));
  assert.deepEqual(missing.map((sight) => `code cell ${sight.position.cell + 1}, output ${sight.position.output + 1}: ${sight.shown}; its text: ${JSON.stringify(sight.text)}`), [],
    `every chart shows ${want === 'plotly' ? 'an interactive Plotly chart' : 'a Plotly chart or a static picture'}`);
  assert.deepEqual(offline.externalRequests, [], 'no request leaves the machine');
  return sights;
}

before(async () => {
  python = prepareJupyter();
  let log = '';
  executed = await executeNotebook(source, { outDir, env, onOutput: (text) => (log = (log + text).slice(-5000)) });
  assert.equal(executed.ok, true, `${executed.failure}\n--- log tail ---\n${log}`);
  expectedCharts = notebookChartPositions(executed.executedPath).length;
  assert.ok(expectedCharts >= 2, `notebook 1 draws at least its two charts (found ${expectedCharts})`);

  fs.mkdirSync(liveDir);
  fs.mkdirSync(pagesDir);
  fs.copyFileSync(source, liveNotebook);
  // The executed notebook, unsigned: no signature in its metadata (and the server's notary starts empty).
  const unsigned = JSON.parse(fs.readFileSync(executed.executedPath, 'utf8'));
  delete unsigned.metadata.signature;
  fs.writeFileSync(path.join(liveDir, untrustedName), JSON.stringify(unsigned, null, 1));
  // `import ... from 'descent-lab'` resolves from the kernel's folder upwards.
  fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(liveDir, 'node_modules'), 'dir');
  const started = await Promise.all([startNotebookServer(python, liveDir, env), launchBrowser(), bundleJupyterLabRenderer(pagesDir)]);
  [server, browser] = started;
}, slow);

after(async () => {
  for (const { context } of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('1. the classic Notebook 6, live (jupyter notebook server, tslab kernel, Chromium)', () => {
  let live: { page: Page; offline: OfflineContext } | undefined;

  it('Run All: every chart is an interactive Plotly chart', slow, async (t) => {
    live = await newPage();
    await classic.openNotebook(live.page, server!.url(`notebooks/${name}.ipynb`));
    await classic.runAll(live.page);
    assert.deepEqual(await classic.errorOutputs(live.page), [], 'no cell failed');
    await classic.save(live.page);
    await assertCharts(t, live.page, 'classic', notebookChartPositions(liveNotebook), 'plotly', live.offline);
  });

  it('a chart cell run again, the notebook saved and the page reloaded: every chart is an interactive Plotly chart', slow, async (t) => {
    assert.ok(live, 'the Run All case opened the notebook');
    const { page, offline } = live;
    await classic.runCodeCell(page, codeCellWith("title: 'model accuracy on train'"));
    await classic.save(page);
    t.diagnostic('in the session, after the re-run:');
    await assertCharts(t, page, 'classic', notebookChartPositions(liveNotebook), 'plotly', offline);
    t.diagnostic('after the reload:');
    await classic.reloadNotebook(page);
    assert.equal(await classic.isTrusted(page), true, 'the notebook saved in the session is trusted');
    await assertCharts(t, page, 'classic', notebookChartPositions(liveNotebook), 'plotly', offline);
  });

  it('an executed notebook that is not trusted (unsigned): every chart shows', slow, async (t) => {
    const { page, offline } = await newPage();
    await classic.openNotebook(page, server!.url(`notebooks/${untrustedName}`));
    assert.equal(await classic.isTrusted(page), false, 'the unsigned notebook opens untrusted');
    await assertCharts(t, page, 'classic', notebookChartPositions(path.join(liveDir, untrustedName)), 'any', offline);
  });
});

describe("2. JupyterLab 4's renderer (OutputArea, RenderMimeRegistry with the standard factories)", () => {
  for (const trusted of [true, false]) {
    it(`${trusted ? 'trusted: every chart is an interactive Plotly chart' : 'untrusted: every chart shows'}`, slow, async (t) => {
      const file = jupyterLabPage(pagesDir, executed.executedPath, `${name}-jupyterlab`);
      const { page, offline } = await newPage();
      await page.goto(`${pathToFileURL(file).href}${trusted ? '?trusted=1' : ''}`, { waitUntil: 'load' });
      await page.waitForSelector(`body[data-rendered="${trusted ? 'trusted' : 'untrusted'}"]`, { state: 'attached' });
      await assertCharts(t, page, 'jupyterlab', notebookChartPositions(executed.executedPath), trusted ? 'plotly' : 'any', offline);
    });
  }
});

describe('2b. the real JupyterLab 4 of `npm run lab` (its own plotly renderer draws untrusted charts too)', () => {
  let lab: LabServer | undefined;
  let firstContext = 0; // the browser contexts of this section start here in `contexts`
  const trustedName = `${name}-executed.ipynb`;
  const labUntrustedName = `${name}-lab-untrusted.ipynb`;

  before(async () => {
    fs.copyFileSync(executed.executedPath, path.join(liveDir, trustedName));
    // The notary trusts a notebook whose digest (taken without its signature) it has signed, so
    // an unsigned copy of the executed notebook would be trusted too: this one's content differs.
    const copy = JSON.parse(fs.readFileSync(executed.executedPath, 'utf8'));
    delete copy.metadata.signature;
    copy.metadata.descent_lab_copy = 'not signed by anyone';
    fs.writeFileSync(path.join(liveDir, labUntrustedName), JSON.stringify(copy, null, 1));
    // The user's notary, where the run that executed the notebook signed it: it opens trusted.
    lab = await startLabSession(liveDir, env, { notary: 'user' });
    firstContext = contexts.length;
  }, slow);

  after(async () => {
    // Its pages first: a JupyterLab page left open may start a kernel while the server shuts down,
    // and that kernel would outlive the server.
    for (const { context } of contexts.splice(firstContext)) await context.close().catch(() => undefined);
    await lab?.stop();
  });

  for (const [trusted, file] of [[true, trustedName], [false, labUntrustedName]] as const) {
    it(`${trusted ? 'trusted' : 'untrusted'}: every chart is an interactive Plotly chart`, slow, async (t) => {
      const { page, offline } = await newPage();
      // `reset`: a fresh workspace, so that only this notebook is open.
      await page.goto(lab!.url(`lab/tree/${file}?reset`));
      await page.locator('.jp-NotebookPanel .jp-Notebook .jp-Cell').first().waitFor({ timeout: 120_000 });
      // The cells' trust in the notebook's model (what the status bar's trust item reports), read
      // once the model holds every cell of the file: while it loads it may hold one cell, trusted.
      await page.locator('[title*="code cells trusted"]').first().waitFor({ state: 'attached' });
      const cellCount = JSON.parse(fs.readFileSync(path.join(liveDir, file), 'utf8')).cells.length as number;
      await page.waitForFunction((count) => {
        const app = (window as unknown as { jupyterapp?: { shell: { currentWidget?: { content?: { model?: { cells: { length: number } } } } } } }).jupyterapp;
        return app?.shell.currentWidget?.content?.model?.cells.length === count;
      }, cellCount, { timeout: 60_000 });
      const untrustedCells = await page.evaluate(() => {
        const app = (window as unknown as { jupyterapp: { shell: { currentWidget: { content: { model: { cells: { length: number; get(i: number): { type: string; trusted: boolean } } } } } } } }).jupyterapp;
        const model = app.shell.currentWidget.content.model.cells;
        return Array.from({ length: model.length }, (_, i) => model.get(i)).filter((cell) => cell.type === 'code' && !cell.trusted).length;
      });
      const title = await page.locator('[title*="code cells trusted"]').first().getAttribute('title');
      t.diagnostic(`trust: ${title}`);
      assert.equal(untrustedCells === 0, trusted, `the notebook opens ${trusted ? 'trusted' : 'untrusted'} (${title})`);
      await assertCharts(t, page, 'jupyterlab', notebookChartPositions(path.join(liveDir, file)), 'plotly', offline);
    });
  }
});

describe('3. stock `jupyter nbconvert --to html`', () => {
  /** The stock template's own requests (require.js and MathJax from a CDN), seen on a page without outputs. */
  let templateRequests: string[] = [];

  before(async () => {
    const { page, offline } = await newPage();
    await page.goto(pathToFileURL(stockHtmlExport(python, source, pagesDir, `${name}-no-outputs-stock`)).href, { waitUntil: 'load' });
    templateRequests = [...offline.externalRequests];
  });

  for (const [what, file, want] of [
    ['the notebook saved after the re-run in the live session', () => liveNotebook, 'any'],
    ['the notebook executed top to bottom', () => executed.executedPath, 'plotly'],
  ] as const) {
    it(`${what}: every chart ${want === 'plotly' ? 'is an interactive Plotly chart' : 'shows'}`, slow, async (t) => {
      const html = stockHtmlExport(python, file(), pagesDir, `${name}-${want}-stock`);
      const { page, offline } = await newPage();
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      // The template itself asks CDNs for require.js and MathJax (aborted here); the charts may not add any.
      const own = offline.externalRequests.filter((url) => !templateRequests.includes(url));
      t.diagnostic(`the stock template's own requests (aborted): ${templateRequests.join(', ') || 'none'}`);
      offline.externalRequests.splice(0, offline.externalRequests.length, ...own);
      await assertCharts(t, page, 'jupyterlab', notebookChartPositions(file()), want, offline);
    });
  }
});

describe("4. the project's HTML export (executeNotebook)", () => {
  it('every chart is an interactive Plotly chart', slow, async (t) => {
    const { page, offline } = await newPage();
    await page.goto(pathToFileURL(executed.htmlPath!).href, { waitUntil: 'load' });
    await assertCharts(t, page, 'jupyterlab', notebookChartPositions(executed.executedPath), 'plotly', offline);
  });
});

describe("5. the project's HTML export with JavaScript off", () => {
  it('every chart shows', slow, async (t) => {
    const { page, offline } = await newPage({ javaScriptEnabled: false });
    await page.goto(pathToFileURL(executed.htmlPath!).href, { waitUntil: 'load' });
    await assertCharts(t, page, 'jupyterlab', notebookChartPositions(executed.executedPath), 'any', offline);
  });
});
