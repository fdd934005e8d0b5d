/**
 * The offline page check itself: the Chromium inspector must see what it claims to check, or the
 * notebook tests' "no external request, every formula rendered, no console error" would pass
 * vacuously. Each case loads a small hand-made page that breaks one rule, plus one that keeps them all.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { mathjaxDir } from '../scripts/jupyter/paths';
import { inspectPage } from './support/chromium';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-browser-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function page(name: string, head: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `<!DOCTYPE html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`);
  return file;
}

const markdown = (text: string) => `<div class="jp-RenderedHTMLCommon jp-MarkdownOutput">${text}</div>`;
const mathjax = '<script>window.MathJax = { tex: { inlineMath: [["$", "$"]] }, svg: { fontCache: "global" } };</script>' +
  `<script>${fs.readFileSync(path.join(mathjaxDir, 'tex-svg-full.js'), 'utf8')}</script>`;

describe('the offline page inspector', () => {
  it('passes a page with an inlined MathJax formula and nothing else', async () => {
    const report = await inspectPage(page('clean.html', mathjax, markdown('<p>Step: $\\theta - \\eta g$.</p>')), 0);
    assert.equal(report.formulas, 1);
    assert.deepEqual(report.rawMath, []);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.externalRequests, []);
  });

  it('reports a formula left as raw $...$ text when MathJax is missing', async () => {
    const report = await inspectPage(page('raw.html', '', markdown('<p>Step: $\\theta - \\eta g$.</p>')), 0);
    assert.equal(report.formulas, 0);
    assert.deepEqual(report.rawMath, ['$\\theta - \\eta g$']);
  });

  it('records (and blocks) a request to another host, such as a CDN script', async () => {
    const file = page('cdn.html', '<script src="https://cdn.example.invalid/require.min.js"></script>', '<p>hi</p>');
    const report = await inspectPage(file, 0);
    assert.deepEqual(report.externalRequests, ['https://cdn.example.invalid/require.min.js']);
  });

  it('reports console errors and uncaught exceptions', async () => {
    const file = page('errors.html', '', '<script>console.error("broken chart"); throw new Error("boom");</script>');
    const report = await inspectPage(file, 0);
    assert.equal(report.errors.length, 2);
    assert.match(report.errors[0], /broken chart/);
    assert.match(report.errors[1], /boom/);
  });

  it('reports a chart that never drew', async () => {
    const report = await inspectPage(page('no-chart.html', '', '<div id="chart"></div>'), 1, 500);
    assert.deepEqual(report.charts, []);
  });
});
