/**
 * The committed course notebooks, read as files (no Jupyter needed): they carry no outputs, ask for
 * the project's tslab kernel, read their parameters from the environment first, and import the
 * library by package name.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { kernelName } from '../scripts/register-kernel';
import { cellSource, readCells } from '../scripts/jupyter/notebook-runner';
import { courseNotebooks } from '../scripts/jupyter/paths';

const notebooks = courseNotebooks();

describe('the committed course notebooks', () => {
  it('are the three exercises, in course order, then the trajectories and the landscape', () => {
    assert.deepEqual(notebooks.map((file) => path.basename(file)), [
      '01-optimizers.ipynb',
      '02-learning-rate-schedules.ipynb',
      '03-regularization.ipynb',
      '04-trajectories.ipynb',
      '05-landscape.ipynb',
    ]);
  });

  for (const file of notebooks) {
    const name = path.basename(file);
    const notebook = JSON.parse(fs.readFileSync(file, 'utf8'));
    const cells = readCells(file);
    const code = cells.filter((cell) => cell.cell_type === 'code');
    const trains = name !== '04-trajectories.ipynb';

    describe(name, () => {
      it('carries no outputs and no execution counts (executed copies go to out/)', () => {
        for (const [index, cell] of cells.entries()) {
          assert.deepEqual(cell.outputs ?? [], [], `cell ${index + 1} has outputs`);
          assert.equal(cell.execution_count ?? null, null, `cell ${index + 1} has an execution count`);
        }
      });

      it(`asks for the ${kernelName} kernel`, () => {
        assert.equal(notebook.metadata.kernelspec.name, kernelName);
        assert.equal(notebook.metadata.kernelspec.language, 'typescript');
      });

      it('starts with a title, then a code cell holding the run parameters from the environment', () => {
        assert.equal(cells[0].cell_type, 'markdown');
        assert.match(cellSource(cells[0]), /^# \d\. /);
        assert.equal(cells[1].cell_type, 'code');
        // The trajectories train nothing: their settings are the slider frames' (dl.trajectorySettings).
        assert.match(cellSource(cells[1]), trains ? /dl\.courseSettings\(\)/ : /dl\.trajectorySettings\(\)/);
        assert.match(cellSource(cells[1]), /DESCENT_LAB_QUICK=1/);
      });

      it("imports the library by package name, never a .ts file", () => {
        const sources = code.map(cellSource).join('\n');
        assert.match(sources, /import \* as dl from 'descent-lab';/);
        assert.doesNotMatch(sources, /from '\.{1,2}\//);
      });

      it('runs its training sweeps through the experiment runner (and so the results cache)', { skip: !trains && 'trains nothing' }, () => {
        const sources = code.map(cellSource).join('\n');
        assert.match(sources, /dl\.runExperiments\(/);
        // Notebook 3's AdamW study trains three short runs in the kernel for their weights, which the cache does not keep.
        const inKernelStudies = name === '03-regularization.ipynb' ? 1 : 0;
        assert.equal(sources.match(/dl\.fit\(/g)?.length ?? 0, inKernelStudies, 'dl.fit calls outside the runner');
      });

      it('has unique cell ids (nbformat 4.5)', () => {
        const ids = notebook.cells.map((cell: { id?: string }) => cell.id);
        assert.ok(ids.every((id: unknown) => typeof id === 'string'), 'every cell has an id');
        assert.equal(new Set(ids).size, ids.length);
      });
    });
  }

  it('notebook 2 plots each schedule before training, then trains the three schedules in one parallel call', () => {
    const sources = readCells(notebooks[1]).map(cellSource);
    const chartCells = ['time-based decay', 'step decay', 'exponential decay']
      .map((title) => sources.findIndex((source) => source.includes(`title: '${title}'`)));
    const trainingCells = sources.flatMap((source, index) =>
      (source.includes('dl.runExperiments(') && source.includes('schedule: timeDecay') ? [index] : []));
    assert.equal(trainingCells.length, 1, 'one cell trains the scheduled runs');
    const [training] = trainingCells;
    assert.equal(sources[training].split('dl.runExperiments(').length - 1, 1, 'in one runExperiments call');
    for (const label of ['Time Decay', 'Step Decay', 'Exp. Decay']) {
      assert.match(sources[training], new RegExp(`\\{ label: '${label}', optimizer: 'SGD', schedule: \\w+\\.config \\}`));
    }
    assert.deepEqual([...chartCells].sort((a, b) => a - b), chartCells, 'the charts in section order');
    assert.ok(chartCells.every((index) => index >= 0 && index < training), `charts ${chartCells} come before training ${training}`);
  });

  it('notebook 2 plots the per-step schedules before it trains them, for fewer epochs than the course, and says so', () => {
    const sources = readCells(notebooks[1]).map(cellSource);
    const index = (text: string) => sources.findIndex((source) => source.includes(text));
    const training = index("{ label: 'One-cycle', optimizer: 'SGD', schedule: oneCycle.config }");
    assert.ok(training > 0 && sources[training].includes("{ label: 'Warm-up + Cosine', optimizer: 'SGD', schedule: warmupCosine.config }"));
    assert.match(sources[training], /\.\.\.cycleSettings/, 'trained with the shorter settings');
    assert.match(sources.join('\n'), /const cycleEpochs = Math\.min\(settings\.epochs, 20\)/);
    assert.match(sources.join('\n'), /\*\*20 epochs long, not 50\*\*/, 'the text says the runs are shorter');
    for (const title of ['warm-up then cosine decay', 'one-cycle and warm-up then cosine']) {
      assert.ok(index(`title: '${title}'`) > 0 && index(`title: '${title}'`) < training, `${title} is plotted before training`);
    }
    assert.ok(index('dl.lrFinder(') > 0 && index('dl.lrFinder(') < training, 'the finder runs first');
  });

  it('ask for the baseline runs of notebook 1 with the same descriptions, so the cache serves them', () => {
    const sources = notebooks.map((file) => readCells(file).map(cellSource).join('\n'));
    assert.match(sources[0], /\{ label: 'SGD', optimizer: 'SGD' \}/);
    assert.match(sources[0], /\{ label: 'Adam', optimizer: 'Adam' \}/);
    assert.match(sources[1], /\{ label: 'Constant', optimizer: 'SGD' \}/);
    assert.match(sources[2], /\{ label: 'Standard', optimizer: 'Adam' \}/);
  });
});
