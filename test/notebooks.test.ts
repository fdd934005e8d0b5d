/**
 * The three course notebooks, executed end to end in quick mode (2 epochs on 2,000 + 500 images)
 * through real Jupyter (nbclient) and the real tslab kernel, exactly as `npm start -- --quick` runs
 * them; then their HTML exports opened offline in headless Chromium.
 *
 * A fresh results cache makes notebook 1 train its seven runs, so notebooks 2 and 3 can be checked
 * to take the shared baseline runs (SGD as "Constant", Adam as "Standard") from the cache.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { cellOutputText, cellSource, executeNotebook, ExecuteResult, NotebookCell, prepareJupyter, readCells } from '../scripts/jupyter/notebook-runner';
import { courseNotebooks } from '../scripts/jupyter/paths';
import { inspectPage, PageReport } from './support/chromium';

/** The charts each notebook draws, in order: title and number of lines (live charts of the sweeps included). */
const expectedCharts: Record<string, [title: string, traces: number][]> = {
  '01-optimizers': [
    ['model accuracy on test, while training', 7],
    ['model accuracy on train', 7],
    ['model accuracy on test', 7],
    // Five optimizers' means, each with its band's two edges.
    ['accuracy on test: mean and range of seeds 1-3', 15],
  ],
  '02-learning-rate-schedules': [
    ['time-based decay', 1],
    ['step decay', 1],
    ['exponential decay', 1],
    ['schedules: accuracy on test, while training', 3],
    ['accuracy on test, while training', 1],
    ['model accuracy on train', 4],
    ['model accuracy on test', 4],
    ['learning-rate finder', 4],
    ['warm-up then cosine decay', 1],
    ['one-cycle and warm-up then cosine', 2],
    ['per-step schedules: accuracy on test, while training', 2],
    ['model accuracy on test, first 2 epochs', 6],
  ],
  '03-regularization': [
    ['accuracy on test, while training', 1],
    ['accuracy on test, while training', 1],
    ['hidden-layer weights, by how often their pixel is lit', 4],
    ['accuracy on test, while training', 1],
    ['accuracy on test, while training', 1],
    ['dropout: accuracy on test, while training', 2],
    ['dropout: accuracy on train and on test', 4],
    ['model accuracy on test', 5],
  ],
};

const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
const PLOTLY_BANNER = 'plotly.js v3.7.0';
const MB = 1024 * 1024;

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-notebooks-'));
const outDir = path.join(workDir, 'out');
const quickEnv = { DESCENT_LAB_QUICK: '1', DESCENT_LAB_CACHE_DIR: path.join(workDir, 'cache') };
const results = new Map<string, ExecuteResult>();
const logs = new Map<string, string>();


type Output = NonNullable<NotebookCell['outputs']>[number];

/** The chart outputs of some cells: the ones that hold a plotly figure. */
function chartOutputs(cells: NotebookCell[]): Output[] {
  return cells.flatMap((cell) => cell.outputs ?? []).filter((output) => output.data?.[PLOTLY_MIME] !== undefined);
}

/** An output's text/html as one string. */
function htmlOf(output: Output): string {
  const html = output.data?.['text/html'];
  return Array.isArray(html) ? html.join('') : String(html ?? '');
}

/** What Jupyter's notary (as `jupyter trust --check` uses it) says of a notebook file on this machine. */
function isTrusted(file: string): boolean {
  const check = spawnSync(prepareJupyter(), ['-c', 'import sys, nbformat\nfrom nbformat.sign import NotebookNotary\n' +
    'print(NotebookNotary().check_signature(nbformat.read(sys.argv[1], as_version=4)))', file], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  return check.stdout.trim() === 'True';
}

/** The cell whose source contains `text`, with its outputs. */
function cellWith(cells: NotebookCell[], text: string): NotebookCell {
  const cell = cells.find((candidate) => cellSource(candidate).includes(text));
  assert.ok(cell, `no cell contains ${text}`);
  return cell;
}

before(async () => {
  // 04-trajectories trains nothing and draws contour charts: test/trajectories-notebook.test.ts runs and checks it.
  for (const notebook of courseNotebooks().filter((file) => path.basename(file, '.ipynb') in expectedCharts)) {
    const name = path.basename(notebook, '.ipynb');
    let log = '';
    results.set(name, await executeNotebook(notebook, { outDir, env: quickEnv, onOutput: (text) => (log += text) }));
    logs.set(name, log);
  }
});

after(() => fs.rmSync(workDir, { recursive: true, force: true }));

for (const [name, charts] of Object.entries(expectedCharts)) {
  describe(`${name}, executed in quick mode`, () => {
    it('runs every cell without an error', () => {
      const result = results.get(name);
      assert.ok(result, 'the notebook was executed');
      assert.equal(result.ok, true, `${result.failure}\n--- log tail ---\n${logs.get(name)?.slice(-3000)}`);
      const cells = readCells(result.executedPath);
      for (const [index, cell] of cells.entries()) {
        if (cell.cell_type !== 'code') continue;
        assert.equal(cell.execution_count !== null, true, `cell ${index + 1} did not run`);
        const errors = (cell.outputs ?? []).filter((output) => output.output_type === 'error' ||
          (output.output_type === 'stream' && (output as { name?: string }).name === 'stderr'));
        assert.deepEqual(errors, [], `cell ${index + 1} reported an error`);
      }
    });

    it(`draws ${charts.length} chart(s), one display each: plotly JSON, HTML with a static picture, plain text`, () => {
      const outputs = chartOutputs(readCells(results.get(name)!.executedPath));
      assert.deepEqual(outputs.map((output) => (output.data![PLOTLY_MIME] as { layout: { title: { text: string } } }).layout.title.text),
        charts.map(([title]) => title));
      for (const output of outputs) {
        assert.deepEqual(Object.keys(output.data!).sort(), [PLOTLY_MIME, 'text/html', 'text/plain']);
        assert.match(htmlOf(output), /<div class="descent-lab-chart">\n<img class="descent-lab-chart-static" src="data:image\/svg\+xml;base64,/);
        assert.equal(htmlOf(output).includes(PLOTLY_BANNER), false, 'no chart output carries plotly.js');
      }
    });

    it('carries plotly.js once, in the output of its first code cell', () => {
      const cells = readCells(results.get(name)!.executedPath);
      const carriers = cells.flatMap((cell, index) => (cell.outputs ?? [])
        .filter((output) => htmlOf(output).includes(PLOTLY_BANNER)).map(() => index));
      assert.deepEqual(carriers, [1]);
    });

    it('stays small: the notebook at most 8 MB, its HTML page at most 10 MB', () => {
      const { executedPath, htmlPath } = results.get(name)!;
      const sizes = { notebook: fs.statSync(executedPath).size, html: fs.statSync(htmlPath!).size };
      console.log(`${name}: notebook ${(sizes.notebook / MB).toFixed(2)} MB, HTML ${(sizes.html / MB).toFixed(2)} MB`);
      assert.ok(sizes.notebook <= 8 * MB, `the notebook is ${sizes.notebook} bytes`);
      assert.ok(sizes.html <= 10 * MB, `the HTML page is ${sizes.html} bytes`);
    });

    it('is signed, so Jupyter on this machine trusts it (and would not trust it changed)', () => {
      const executed = results.get(name)!.executedPath;
      assert.equal(isTrusted(executed), true);
      const changed = path.join(workDir, `${name}.changed.ipynb`);
      const notebook = JSON.parse(fs.readFileSync(executed, 'utf8'));
      notebook.cells.find((cell: NotebookCell) => cell.cell_type === 'code').outputs.push(
        { output_type: 'display_data', data: { 'text/html': '<script>alert(1)</script>' }, metadata: {} });
      fs.writeFileSync(changed, JSON.stringify(notebook));
      assert.equal(isTrusted(changed), false);
    });

    it('streamed its progress and training log while it ran', () => {
      const log = logs.get(name) ?? '';
      assert.match(log, new RegExp(`\\[${name}\\] cell 2/\\d+: import \\* as dl from 'descent-lab';`));
      assert.match(log, /val_acc: \d\.\d{4}/);
    });
  });
}

describe('the notebooks work together through the results cache', () => {
  it('notebook 1 trains its seven runs for 2 epochs on 2,000 images', () => {
    const cells = readCells(results.get('01-optimizers')!.executedPath);
    const log = cellOutputText(cellWith(cells, 'dl.runExperiments(['));
    for (const label of ['SGD', 'Momentum', 'Nesterov', 'RMSprop', 'Adagrad', 'Adam', 'NAdam']) {
      assert.match(log, new RegExp(`\\[${label}\\] Epoch 2/2`));
    }
    assert.match(log, /2000\/2000/);
  });

  it("notebook 1's sweep ends with its live chart finished: every epoch of every run, updated in place while it ran", () => {
    const cell = cellWith(readCells(results.get('01-optimizers')!.executedPath), 'dl.runExperiments([');
    const [live] = chartOutputs([cell]);
    const figure = live.data![PLOTLY_MIME] as { data: { name: string; y: number[] }[] };
    assert.deepEqual(figure.data.map((trace) => [trace.name, trace.y.length]),
      ['SGD', 'Momentum', 'Nesterov', 'RMSprop', 'Adagrad', 'Adam', 'NAdam'].map((label) => [label, 2]));
    assert.match(logs.get('01-optimizers') ?? '', /\[01-optimizers\] {3}\(live chart: \d+ updates?\)/);
  });

  it('notebook 1 trains five optimizers over three seeds, each seed its own run, and tabulates every seed', () => {
    const cells = readCells(results.get('01-optimizers')!.executedPath);
    const log = cellOutputText(cellWith(cells, 'const seedRuns = await dl.runExperiments('));
    for (const label of ['SGD', 'Momentum', 'Nesterov', 'Adam', 'NAdam']) {
      for (const seed of [1, 2, 3]) assert.match(log, new RegExp(`\\[${label} \\(seed ${seed}\\)\\] Epoch 2/2`));
    }
    const table = cellOutputText(cellWith(cells, 'highest minus lowest'));
    const rows = table.split('\n').filter((line) => /^\w+(\s+\d\.\d{4}){5}$/.test(line.trim()));
    assert.equal(rows.length, 5, table);
    for (const row of rows) {
      const [seed1, seed2, seed3, mean, range] = row.trim().split(/\s+/).slice(1).map(Number);
      assert.ok(Math.abs(mean - (seed1 + seed2 + seed3) / 3) <= 1e-4 && Math.abs(range - (Math.max(seed1, seed2, seed3) - Math.min(seed1, seed2, seed3))) <= 1e-4, row);
    }
  });

  it("notebook 3's AdamW shrinks never-lit weights by (1 - eta lambda)^steps, where L2 inside Adam all but zeroes them", () => {
    const text = cellOutputText(cellWith(readCells(results.get('03-regularization')!.executedPath), 'weightSizesAfterTraining('));
    const [, kept, steps, predicted] = /AdamW kept (\d\.\d{6}) of their size; \(1 - 0\.001 \* 0\.004\)\^(\d+) = (\d\.\d{6})/.exec(text) ?? [];
    assert.ok(kept, text);
    assert.equal(Number(steps), 2 * Math.ceil(2000 / 32));
    assert.ok(Math.abs(Number(kept) - Number(predicted)) <= 2e-6, `${kept} against ${predicted}`);
    const neverLit = (row: string) => Number(new RegExp(`^${row}\\s+(\\d\\.\\d{4})`, 'm').exec(text)?.[1]);
    assert.ok(neverLit('Adam \\+ L2 \\(λ = 0\\.001\\)') < 0.1 * neverLit('initial weights'), text);
    assert.equal(neverLit('Adam'), neverLit('initial weights'), 'plain Adam never moves a weight whose gradient is 0');
  });

  it("notebook 2 takes its Constant run from notebook 1's SGD run", () => {
    const cells = readCells(results.get('02-learning-rate-schedules')!.executedPath);
    assert.match(cellOutputText(cellWith(cells, "label: 'Constant'")), /\[Constant\] 2 epoch\(s\) from the results cache/);
  });

  it('notebook 2 trains its three schedules in one call, each epoch announcing its rate as Keras does', () => {
    const cells = readCells(results.get('02-learning-rate-schedules')!.executedPath);
    const log = cellOutputText(cellWith(cells, "label: 'Step Decay'"));
    // The rates of epoch index t = 1: 0.01 / (1 + 0.0002), 0.01 * 0.5^0 and 0.01 * e^-0.1.
    assert.match(log, /\[Time Decay\] Epoch 00002: LearningRateScheduler reducing learning rate to 0\.009998000399920017\./);
    assert.match(log, /\[Step Decay\] Epoch 00002: LearningRateScheduler reducing learning rate to 0\.01\./);
    assert.match(log, /\[Exp\. Decay\] Epoch 00002: LearningRateScheduler reducing learning rate to 0\.009048374180359595\./);
  });

  it("notebook 3 takes its Standard run from notebook 1's Adam run", () => {
    const cells = readCells(results.get('03-regularization')!.executedPath);
    assert.match(cellOutputText(cellWith(cells, "label: 'Standard'")), /\[Standard\] 2 epoch\(s\) from the results cache/);
  });

  it('the from-scratch checks agree with the library', () => {
    const optimizers = cellOutputText(cellWith(readCells(results.get('01-optimizers')!.executedPath), 'scratchRun('));
    const rows = optimizers.split('\n').filter((line) => /^\w+\s+-?\d+\.\d{6}\s+-?\d+\.\d{6}$/.test(line.trim()));
    assert.equal(rows.length, 7);
    for (const row of rows) {
      const [, ours, theirs] = row.trim().split(/\s+/).map(Number);
      assert.ok(Math.abs(ours - theirs) < 1e-5, row);
    }
    const l2 = cellOutputText(cellWith(readCells(results.get('03-regularization')!.executedPath), 'penaltyByHand'));
    const [byHand, inModel] = [...l2.matchAll(/(\d+\.\d{6})/g)].map((match) => match[1]);
    assert.equal(byHand, inModel);
  });
});

describe('the HTML exports, opened offline in headless Chromium', () => {
  const reports = new Map<string, PageReport>();

  before(async () => {
    for (const [name, charts] of Object.entries(expectedCharts)) {
      const html = results.get(name)?.htmlPath;
      if (html) reports.set(name, await inspectPage(html, charts.length));
    }
  });

  for (const [name, charts] of Object.entries(expectedCharts)) {
    describe(name, () => {
      it('is one self-contained file: plotly.js inlined once, no external script or stylesheet', () => {
        const html = fs.readFileSync(results.get(name)!.htmlPath!, 'utf8');
        assert.equal(html.split('window.__descentLabDefine = window.define').length - 1, 1, 'plotly.js inlined once');
        assert.doesNotMatch(html, /<script[^>]+src=/i);
        assert.doesNotMatch(html, /<link[^>]+href="https?:/i);
        assert.match(html, /MathJax/);
      });

      it('draws every chart with all its lines', () => {
        const report = reports.get(name);
        assert.ok(report, 'the page was opened');
        assert.deepEqual(
          report.charts.map((chart) => [chart.title, chart.traces, chart.drawnTraces]),
          charts.map(([title, traces]) => [title, traces, traces]),
        );
      });

      it('renders every formula (MathJax output present, no raw $...$ left)', () => {
        const report = reports.get(name)!;
        assert.ok(report.formulas > 0, 'MathJax rendered formulas');
        assert.deepEqual(report.rawMath, []);
      });

      it('logs no console error and asks no host for anything', () => {
        const report = reports.get(name)!;
        assert.deepEqual(report.errors, []);
        assert.deepEqual(report.externalRequests, []);
      });
    });
  }
});
