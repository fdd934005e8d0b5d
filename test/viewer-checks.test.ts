/**
 * The viewer matrix's own instruments (test/support/chart-visibility.ts and offline-browser.ts)
 * must see what they claim to, or viewers.test.ts would pass vacuously: hand-made pages where a
 * chart output holds a hidden, a too small, a broken or a good picture, an undrawn and a drawn
 * Plotly-like chart, and a page that asks another host for a script.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { lookAtCharts } from './support/chart-visibility';
import { launchBrowser, offlineContext } from './support/offline-browser';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-viewer-checks-'));
let browser: Browser;
before(async () => (browser = await launchBrowser()));
after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const svg = (w: number, h: number) =>
  `data:image/svg+xml;base64,${Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="teal"/></svg>`).toString('base64')}`;

/** One JupyterLab-layout code cell per output, in order. */
function page(name: string, outputs: string[], head = ''): string {
  const file = path.join(dir, name);
  const cells = outputs.map((output) => `<div class="jp-CodeCell"><div class="jp-OutputArea-child">${output}</div></div>`).join('\n');
  fs.writeFileSync(file, `<!DOCTYPE html><html><head><meta charset="utf-8">${head}</head><body>${cells}</body></html>`);
  return pathToFileURL(file).href;
}

describe("the viewer matrix's chart detector", () => {
  it('tells a drawn chart and a shown picture from everything that is not one', async () => {
    const cases: [string, string][] = [
      ['image', `<img src="${svg(640, 400)}" width="640" height="400">`],
      ['none', `<img src="${svg(640, 400)}" width="640" height="400" style="display:none">`],
      ['none', `<img src="${svg(640, 400)}" width="640" height="400" style="visibility:hidden">`],
      ['none', `<img src="${svg(640, 400)}" width="160" height="100">`],
      ['none', '<img src="data:image/png;base64,bm90IGEgcGljdHVyZQ==" width="640" height="400">'],
      ['none', '<div class="js-plotly-plot" style="width:640px;height:400px"></div>'],
      ['plotly', '<div class="js-plotly-plot" style="width:640px;height:400px"><svg class="main-svg" width="640" height="400"></svg></div>'],
      ['none', '<div class="js-plotly-plot" style="width:640px;height:400px;display:none"><svg class="main-svg"></svg></div>'],
      ['none', '<p>plotly.js did not load</p>'],
    ];
    const { context } = await offlineContext(browser);
    try {
      const tab = await context.newPage();
      await tab.goto(page('cases.html', cases.map(([, html]) => html)), { waitUntil: 'load' });
      const sights = await lookAtCharts(tab, 'jupyterlab', cases.map((_, cell) => ({ cell, output: 0 })));
      assert.deepEqual(sights.map((sight) => sight.shown), cases.map(([shown]) => shown));
      const missing = await lookAtCharts(tab, 'jupyterlab', [{ cell: 0, output: 1 }, { cell: 99, output: 0 }]);
      assert.deepEqual(missing.map((sight) => sight.shown), ['none', 'none']);
    } finally {
      await context.close();
    }
  });

  it('records and blocks a request to another host; file: pages load', async () => {
    const offline = await offlineContext(browser);
    try {
      const tab = await offline.context.newPage();
      await tab.goto(page('cdn.html', ['<p>hi</p>'], '<script src="https://cdn.example.invalid/plotly.min.js"></script>'), { waitUntil: 'load' });
      assert.deepEqual(offline.externalRequests, ['https://cdn.example.invalid/plotly.min.js']);
    } finally {
      await offline.context.close();
    }
  });
});
