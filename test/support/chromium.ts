/**
 * Opens an exported notebook page in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) the way a reader would, offline, and reports what drew and what went wrong.
 * Every request is routed through here and recorded; only file: and data: URLs are served, so a
 * page that needs the network shows up as both a recorded request and a failure to draw.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** The browser the tests drive; override with DESCENT_LAB_CHROMIUM. */
export const chromiumPath = process.env.DESCENT_LAB_CHROMIUM || '/usr/bin/chromium';

// No GPU, no QUIC, and none of the background traffic a fresh profile starts (updates, sync).
export const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One Plotly chart as the page drew it. */
export interface DrawnChart {
  /** The traces Plotly holds for the chart (`el.data.length`). */
  traces: number;
  /** The traces it drew as SVG (`.scatterlayer .trace`). */
  drawnTraces: number;
  /** The chart's title text, as drawn. */
  title: string;
}

/** What a reader's browser made of a page. */
export interface PageReport {
  charts: DrawnChart[];
  /** Formulas MathJax typeset (`mjx-container` elements). */
  formulas: number;
  /** Rendered-markdown text still holding `$...$`: formulas MathJax left raw. */
  rawMath: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** Every URL the page asked for that was not file: or data:. */
  externalRequests: string[];
}

/**
 * Loads `htmlFile`, waits for MathJax to finish and for `expectedCharts` Plotly charts to appear
 * (or `timeoutMs` to pass), and reports. Uses a fresh profile folder, removed afterwards.
 */
export async function inspectPage(htmlFile: string, expectedCharts: number, timeoutMs = 30_000): Promise<PageReport> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: launchArgs,
  });
  const errors: string[] = [];
  const externalRequests: string[] = [];
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      externalRequests.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
    await page.evaluate(async () => {
      const mathjax = (window as unknown as { MathJax?: { startup?: { promise?: Promise<unknown> } } }).MathJax;
      await mathjax?.startup?.promise;
    });
    await page
      .waitForFunction(
        (count) =>
          document.querySelectorAll('.js-plotly-plot').length >= count &&
          Array.from(document.querySelectorAll('.js-plotly-plot')).every((el) => el.querySelector('.main-svg')),
        expectedCharts,
        { timeout: timeoutMs },
      )
      .catch(() => undefined); // the report below says what is missing
    const drawn = await page.evaluate(() => {
      const charts = Array.from(document.querySelectorAll<HTMLElement>('.js-plotly-plot')).map((el) => ({
        traces: ((el as unknown as { data?: unknown[] }).data ?? []).length,
        drawnTraces: el.querySelectorAll('.scatterlayer .trace').length,
        title: el.querySelector('.gtitle')?.textContent ?? '',
      }));
      const formulas = document.querySelectorAll('mjx-container').length;
      const rawMath = Array.from(document.querySelectorAll<HTMLElement>('.jp-MarkdownOutput'))
        .map((el) => el.innerText)
        .flatMap((text) => text.match(/\$[^$\n]+\$/g) ?? []);
      return { charts, formulas, rawMath };
    });
    return { ...drawn, errors, externalRequests };
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}
