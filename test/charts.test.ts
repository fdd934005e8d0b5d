import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JSDOM } from 'jsdom';
import { chromium, type Page } from 'playwright-core';
import {
  CHART_DEFAULTS, LiveChart, type MimeBundle, PLOTLY_MIME, Series, chartBundle, enableInteractiveCharts, plotlyFigure, plotlyHtml, plotlyIsIncluded,
  plotlyLibraryBundle, resetPlotlyInclusion, resolveChartOptions, seriesPoints, showChart, svgChart, validateSeries,
  wholeNumberTicks, writeSvgChart,
} from '../lib/charts';
import { chromiumPath } from './support/chromium';

const PLOTLY_BANNER = 'plotly.js v3.7.0';
const REQUIRE_JS = '/usr/share/javascript/requirejs/require.min.js';

const accuracies: Series[] = [
  { name: 'SGD', y: [0.86, 0.9, 0.92, 0.93] },
  { name: 'Adam', y: [0.93, 0.96, 0.97, 0.975] },
  { name: 'Early Stopping', y: [0.92, 0.95], x: [1, 2] },
];

const scratchDirs: string[] = [];
after(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'descent-lab-charts-'));
  scratchDirs.push(dir);
  return dir;
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('chart options', () => {
  it('has the expected defaults', () => {
    assert.deepEqual({ ...CHART_DEFAULTS }, {
      title: '', xLabel: 'epoch', yLabel: 'accuracy', width: 640, height: 400, yDomain: undefined, xScale: 'linear',
    });
    assert.deepEqual(resolveChartOptions(), { ...CHART_DEFAULTS });
  });

  it('keeps the defaults for fields given as undefined and takes the rest', () => {
    const resolved = resolveChartOptions({ title: 'model accuracy on test', width: undefined, yDomain: [0.8, 1] });
    assert.deepEqual(resolved, { ...CHART_DEFAULTS, title: 'model accuracy on test', yDomain: [0.8, 1] });
  });

  it("rejects an x scale other than 'linear' or 'log'", () => {
    assert.throws(() => resolveChartOptions({ xScale: 'ln' as never }), /Chart xScale must be 'linear' or 'log'; got "ln"/);
  });

  it('rejects sizes that are not positive and y domains that are not [min, max]', () => {
    assert.throws(() => resolveChartOptions({ width: 0 }), /Chart width must be a positive number of pixels; got 0/);
    assert.throws(() => resolveChartOptions({ yDomain: [1, 0] }), /yDomain must be \[min, max\] with min < max; got \[1,0\]/);
  });
});

describe('series checks', () => {
  it('rejects an empty list of series', () => {
    assert.throws(() => validateSeries([]), /A chart needs at least one series; got none/);
  });

  it('rejects x and y of different lengths, naming the series and the fix', () => {
    assert.throws(() => validateSeries([{ name: 'Adam', y: [0.9, 0.95], x: [0, 1, 2] }]),
      /Series "Adam" has 3 x values but 2 y values: give one x per y, or omit x/);
  });

  it('rejects a series without points, duplicate names and infinite values', () => {
    assert.throws(() => validateSeries([{ name: 'SGD', y: [] }]), /Series "SGD" has no y values/);
    assert.throws(() => validateSeries([{ name: 'SGD', y: [1] }, { name: 'SGD', y: [2] }]),
      /Two series are named "SGD"/);
    assert.throws(() => validateSeries([{ name: 'SGD', y: [1, Infinity] }]), /Series "SGD" has y\[1\] = Infinity/);
    assert.throws(() => validateSeries([{ name: '', y: [1] }]), /non-empty name/);
  });

  it('accepts NaN, which a diverging run produces, as a gap', () => {
    assert.doesNotThrow(() => validateSeries([{ name: 'SGD', y: [0.5, Number.NaN] }]));
  });

  it('puts points at 0..n-1 unless x is given', () => {
    assert.deepEqual(seriesPoints(accuracies).filter((point) => point.name !== 'Adam').map(({ x }) => x),
      [0, 1, 2, 3, 1, 2]);
  });

  it('labels short runs of epochs with whole numbers only', () => {
    assert.deepEqual(wholeNumberTicks(accuracies), [0, 1, 2, 3]);
    assert.equal(wholeNumberTicks([{ name: 'SGD', y: new Array(50).fill(0.9) }]), undefined, '50 epochs: own ticks');
    assert.equal(wholeNumberTicks([{ name: 'SGD', y: [1, 2], x: [0, 0.5] }]), undefined, 'fractional x: own ticks');
  });

  it('checks the series in every renderer', async () => {
    assert.throws(() => plotlyHtml([]), /at least one series/);
    await assert.rejects(svgChart([{ name: 'SGD', y: [1, 2], x: [0] }]), /1 x values but 2 y values/);
  });
});

/** The chart's `text/html` as a DOM, and its static picture decoded back to an SVG document. */
function chartParts(html: string) {
  const document = new JSDOM(html).window.document;
  const picture = document.querySelector('div.descent-lab-chart > img.descent-lab-chart-static');
  assert.ok(picture, 'the chart holds an img.descent-lab-chart-static');
  const src = picture.getAttribute('src') ?? '';
  assert.match(src, /^data:image\/svg\+xml;base64,/);
  const svg = Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').toString('utf8');
  const svgDocument = new new JSDOM('').window.DOMParser().parseFromString(svg, 'image/svg+xml');
  assert.equal(svgDocument.getElementsByTagName('parsererror').length, 0, 'the picture parses as SVG');
  return { document, picture, svg: svgDocument };
}

describe('chartBundle: one output per chart', () => {
  beforeEach(() => resetPlotlyInclusion());
  const options = { title: 'model accuracy on train', yLabel: 'train accuracy' };

  it('carries plotly JSON, HTML and plain text', () => {
    const bundle = chartBundle(accuracies, options);
    assert.deepEqual(Object.keys(bundle.data).sort(), [PLOTLY_MIME, 'text/html', 'text/plain'].sort());
    const figure = bundle.data[PLOTLY_MIME] as ReturnType<typeof plotlyFigure>;
    assert.deepEqual(figure.data.map((trace) => trace.name), ['SGD', 'Adam', 'Early Stopping']);
    assert.match(String(bundle.data['text/plain']), /"model accuracy on train": train accuracy by epoch of SGD, Adam, Early Stopping/);
  });

  it('has a static picture with one line and one marker per point of each series, the legend, title and axis labels', () => {
    const { picture, svg } = chartParts(String(chartBundle(accuracies, options).data['text/html']));
    assert.deepEqual([picture.getAttribute('width'), picture.getAttribute('height')], ['640', '400']);
    assert.match(picture.getAttribute('alt') ?? '', /model accuracy on train/);
    assert.equal(svg.querySelectorAll('g[aria-label="line"] path').length, accuracies.length);
    const points = accuracies.reduce((sum, line) => sum + line.y.length, 0);
    assert.equal(svg.querySelectorAll('g[aria-label="dot"] circle').length, points, 'a marker on every point');
    const legend = svg.querySelector('g[aria-label="legend"]');
    assert.ok(legend);
    assert.deepEqual([...legend.querySelectorAll('text')].map((text) => text.textContent), accuracies.map((line) => line.name));
    assert.equal(legend.querySelectorAll('circle').length, accuracies.length, 'legend swatches have markers too');
    const texts = [...svg.querySelectorAll('text')].map((text) => text.textContent);
    for (const label of ['model accuracy on train', 'epoch', 'train accuracy']) assert.ok(texts.includes(label), label);
  });

  it('leaves a NaN point without a marker, as a gap', () => {
    const { svg } = chartParts(String(chartBundle([{ name: 'SGD', y: [0.5, Number.NaN, 0.7] }]).data['text/html']));
    assert.equal(svg.querySelectorAll('g[aria-label="dot"] circle').length, 2);
  });

  it('draws lines with markers in plotly, hovering run, epoch and value', () => {
    const figure = plotlyFigure(accuracies, resolveChartOptions({ title: 'model accuracy on train' }));
    assert.deepEqual(figure.data.map((trace) => trace.mode), ['lines+markers', 'lines+markers', 'lines+markers']);
    assert.equal(figure.data[0].hovertemplate, '<b>%{fullData.name}</b><br>epoch %{x}<br>accuracy %{y:.4f}<extra></extra>');
    assert.deepEqual(figure.data[2].x, [1, 2]);
    assert.deepEqual(figure.layout.xaxis.tickvals, [0, 1, 2, 3]);
    assert.deepEqual([figure.layout.title.text, figure.layout.xaxis.title.text, figure.layout.yaxis.title.text],
      ['model accuracy on train', 'epoch', 'accuracy']);
    assert.equal(figure.layout.showlegend, true);
  });

  it('never carries plotly.js, even as the first chart of the process', () => {
    const long = ['SGD', 'Momentum', 'Nesterov', 'RMSprop', 'Adagrad', 'Adam', 'NAdam']
      .map((name, i) => ({ name, y: Array.from({ length: 50 }, (_, epoch) => 0.8 + (i + epoch) / 1000) }));
    const html = String(chartBundle(long).data['text/html']);
    assert.equal(count(html, PLOTLY_BANNER), 0);
    assert.ok(html.length < 100_000, `a 7-run, 50-epoch chart is ${html.length} characters`);
    assert.equal(plotlyIsIncluded(), false);
  });

  it('keeps the plotly div hidden and empty until a script draws it, with one script that cannot be closed early', () => {
    const html = String(chartBundle([{ name: '</script><b>x', y: [1] }]).data['text/html']);
    const { document } = chartParts(html);
    const div = document.querySelector('.descent-lab-chart-plotly');
    assert.equal(div?.getAttribute('style'), 'display:none');
    assert.equal(div?.childNodes.length, 0);
    assert.equal(count(html, '</script>'), 1);
    assert.doesNotMatch(html, /did not load/);
  });

  it('gives every chart its own div id', () => {
    const id = (html: string) => /id="(descent-lab-chart-[^"]+)"/.exec(html)?.[1];
    const html = () => String(chartBundle(accuracies).data['text/html']);
    assert.notEqual(id(html()), id(html()));
  });
});

describe('LiveChart: drawn in place while a run trains', () => {
  /** A live chart of two lines that the test grows, writing into a list instead of a cell. */
  function liveChart() {
    const lines: Series[] = [{ name: 'SGD', y: [] }, { name: 'Adam', y: [] }];
    const writes: { bundle: MimeBundle; update: boolean }[] = [];
    const chart = new LiveChart((bundle, displayId, update = false) => { if (displayId) writes.push({ bundle, update }); },
      ['SGD', 'Adam'], () => lines, {}, 0);
    return { lines, writes, chart };
  }

  it('draws the finished lines when they differ from the last drawing, or when nothing was drawn yet', () => {
    const { lines, writes, chart } = liveChart();
    chart.start();
    lines[0].y.push(0.9);
    chart.update();
    lines[1].y.push(0.95); // an epoch that ended after the last drawing
    chart.finish();
    assert.equal(writes.length, 3);
    assert.match(String(writes[2].bundle.data['text/plain']), /SGD, Adam/);

    const empty = liveChart();
    empty.chart.start();
    empty.chart.finish();
    assert.equal(empty.writes.length, 2);
    assert.match(String(empty.writes[1].bundle.data['text/plain']), /^No epoch of SGD, Adam finished/);
  });
});

describe('the plotly.js library output', () => {
  beforeEach(() => resetPlotlyInclusion());

  it('carries plotly.js once, with define hidden while it runs and put back after', () => {
    const html = String(plotlyLibraryBundle().data['text/html']);
    assert.equal(count(html, PLOTLY_BANNER), 1);
    assert.equal(plotlyIsIncluded(), true);
    const scripts = [...new JSDOM(html).window.document.querySelectorAll('script')].map((script) => script.textContent ?? '');
    assert.equal(scripts.length, 3);
    assert.match(scripts[0], /window\.__descentLabDefine = window\.define; window\.define = undefined;/);
    assert.ok(scripts[1].includes(PLOTLY_BANNER));
    assert.match(scripts[2], /window\.define = window\.__descentLabDefine;/);
  });

  it('comes before the first plotlyHtml fragment of a process only, until reset', () => {
    assert.equal(count(plotlyHtml(accuracies), PLOTLY_BANNER), 1);
    assert.equal(count(plotlyHtml(accuracies), PLOTLY_BANNER), 0);
    resetPlotlyInclusion();
    assert.equal(count(plotlyHtml(accuracies), PLOTLY_BANNER), 1);
  });
});

/** Writes `html` to a scratch page, opens it in headless Chromium and runs `check` on the tab, with the page's errors. */
async function inChromium(name: string, html: string, check: (tab: Page, errors: string[]) => Promise<void>): Promise<void> {
  const page = join(scratchDir(), name);
  writeFileSync(page, html);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(pathToFileURL(page).href);
    await check(tab, errors);
  } finally {
    await browser.close();
  }
}

describe('plotlyHtml in a browser page that loads require.js, as nbconvert pages do', () => {
  const skip = !existsSync(chromiumPath) ? `${chromiumPath} is missing (apt-get install chromium)`
    : !existsSync(REQUIRE_JS) ? `${REQUIRE_JS} is missing (apt-get install libjs-requirejs)` : false;

  it('draws every chart, even one whose script runs before plotly.js has loaded, hides its picture and keeps define', { skip }, async () => {
    resetPlotlyInclusion();
    const first = plotlyHtml(accuracies, { title: 'model accuracy on train' });
    const second = plotlyHtml(accuracies.slice(0, 2), { title: 'model accuracy on test' });
    // The library-free fragment comes first, so it has to wait for window.Plotly.
    await inChromium('page.html', `<!doctype html><html><head><meta charset="utf-8">
<script src="${pathToFileURL(REQUIRE_JS).href}"></script>
<script>window.requireJsDefine = window.define;</script></head><body>${second}${first}</body></html>`, async (tab, errors) => {
      await tab.waitForFunction(() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2,
        undefined, { timeout: 20_000 });
      const state = await tab.evaluate(() => ({
        traces: [...document.querySelectorAll('.js-plotly-plot')].map((el) => el.querySelectorAll('.scatterlayer .trace').length),
        titles: [...document.querySelectorAll('.js-plotly-plot .gtitle')].map((el) => el.textContent),
        defineKept: (window as unknown as { define: unknown; requireJsDefine: unknown }).define ===
          (window as unknown as { requireJsDefine: unknown }).requireJsDefine,
        leftover: '__descentLabDefine' in window,
        picturesShown: [...document.querySelectorAll('img.descent-lab-chart-static')]
          .filter((img) => getComputedStyle(img).display !== 'none').length,
        markers: [...document.querySelectorAll('.js-plotly-plot')].map((el) => el.querySelectorAll('.scatterlayer .point').length),
      }));
      // Hover the second point of the first line of the second chart (SGD, epoch 1, 0.9).
      const hover = await tab.evaluate(() => {
        const chart = document.querySelectorAll('.js-plotly-plot')[1] as HTMLElement;
        (window as unknown as { Plotly: { Fx: { hover(el: HTMLElement, points: object[]): void } } })
          .Plotly.Fx.hover(chart, [{ curveNumber: 0, pointNumber: 1 }]);
        return chart.querySelector('.hoverlayer .hovertext')?.textContent ?? '';
      });
      assert.equal(hover, 'SGDepoch 1accuracy 0.9000');
      assert.deepEqual(state.markers, [8, 10], 'a marker on every point');
      assert.deepEqual(errors, []);
      assert.deepEqual(state.traces, [2, 3]);
      assert.deepEqual(state.titles, ['model accuracy on test', 'model accuracy on train']);
      assert.equal(state.defineKept, true);
      assert.equal(state.leftover, false);
      assert.equal(state.picturesShown, 0, 'the static pictures give way to the drawn charts');
    });
  });

  it('keeps the static picture, loaded and with no error text, when plotly.js never comes', { skip }, async () => {
    const html = `<!doctype html><html><head><meta charset="utf-8"></head><body>${chartBundle(accuracies).data['text/html']}</body></html>`;
    await inChromium('no-plotly.html', html, async (tab, errors) => {
      await tab.waitForTimeout(1500); // nothing to wait for: the check is that nothing replaces the picture
      const state = await tab.evaluate(() => {
        const img = document.querySelector<HTMLImageElement>('img.descent-lab-chart-static')!;
        const box = img.getBoundingClientRect();
        return { loaded: img.complete && img.naturalWidth > 0, width: box.width, height: box.height,
          text: document.body.innerText.trim(), plotlyBox: document.querySelector('.descent-lab-chart-plotly')!.getBoundingClientRect().height };
      });
      assert.deepEqual(errors, []);
      assert.deepEqual(state, { loaded: true, width: 640, height: 400, text: '', plotlyBox: 0 });
    });
  });
});

describe('showChart and enableInteractiveCharts outside a kernel', () => {
  it('say what to use instead when no tslab kernel runs, and keep plotly.js for the next chart', () => {
    resetPlotlyInclusion();
    assert.throws(() => showChart(accuracies),
      /showChart draws into a Jupyter notebook run by the tslab kernel, and none is running here\. Outside a notebook, use plotlyHtml\(\)/);
    assert.throws(() => enableInteractiveCharts(), /enableInteractiveCharts draws into a Jupyter notebook run by the tslab kernel/);
    assert.equal(plotlyIsIncluded(), false);
  });
});

describe('svgChart', () => {
  function parseSvg(svg: string): Document {
    const document = new new JSDOM('').window.DOMParser().parseFromString(svg, 'image/svg+xml');
    assert.equal(document.getElementsByTagName('parsererror').length, 0, 'the SVG parses as XML');
    return document;
  }

  it('is a standalone SVG document with one line path per series', async () => {
    const document = parseSvg(await svgChart(accuracies, { title: 'model accuracy on train' }));
    const root = document.documentElement;
    assert.equal(root.tagName, 'svg');
    assert.equal(root.getAttribute('xmlns'), 'http://www.w3.org/2000/svg');
    assert.deepEqual([root.getAttribute('width'), root.getAttribute('height')], ['640', '400']);
    assert.equal(document.querySelectorAll('g[aria-label="line"] path').length, accuracies.length);
  });

  it('has a legend in the lines\' colors, the axis labels and the title', async () => {
    const document = parseSvg(await svgChart(accuracies, { title: 'model accuracy on train', yLabel: 'val accuracy' }));
    const texts = [...document.querySelectorAll('text')].map((text) => text.textContent);
    for (const label of ['model accuracy on train', 'epoch', 'val accuracy']) assert.ok(texts.includes(label), label);
    const legend = document.querySelector('g[aria-label="legend"]');
    assert.ok(legend, 'the SVG has a legend group');
    assert.deepEqual([...legend.querySelectorAll('text')].map((text) => text.textContent), accuracies.map((s) => s.name));
    const swatchColors = [...legend.querySelectorAll('line')].map((line) => line.getAttribute('stroke'));
    const lineColors = [...document.querySelectorAll('g[aria-label="line"] path')].map((path) => path.getAttribute('stroke'));
    assert.deepEqual(swatchColors, lineColors);
    assert.equal(new Set(lineColors).size, accuracies.length);
  });

  it('honours the width, height and y domain', async () => {
    const document = parseSvg(await svgChart(accuracies, { width: 300, height: 200, yDomain: [0, 1] }));
    assert.equal(document.documentElement.getAttribute('viewBox'), '0 0 300 200');
    const yTicks = [...document.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent);
    assert.equal(yTicks[0], '0.0');
    assert.equal(yTicks.at(-1), '1.0');
    const xTicks = [...document.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent);
    assert.deepEqual(xTicks, ['0', '1', '2', '3']);
  });

  it('writes the SVG to a file with writeSvgChart', async () => {
    const path = join(scratchDir(), 'accuracy.svg');
    await writeSvgChart(path, accuracies);
    assert.equal(parseSvg(readFileSync(path, 'utf8')).querySelectorAll('g[aria-label="line"] path').length, 3);
  });
});
