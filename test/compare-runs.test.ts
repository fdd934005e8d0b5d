/**
 * dl.curves and dl.finalFigures: the comparison every notebook ends with, moved out of the
 * notebooks (which used to carry a copy each) into lib/training/compare-runs.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../lib';

function run(epochs: number, history: Partial<dl.HistorySeries>): dl.History {
  return {
    epoch: Array.from({ length: epochs }, (_, i) => i),
    history: { loss: [], acc: [], ...history } as dl.HistorySeries,
    params: { epochs, batchSize: 32, samples: 2000, steps: 63 },
    epochSeconds: [],
  };
}

const runs = {
  SGD: run(2, { acc: [0.5, 0.61234], val_acc: [0.55, 0.63456], val_loss: [1.2, 1.05] }),
  'Early Stopping': run(1, { acc: [0.8], val_acc: [0.85], val_loss: [0.5] }),
};

describe('dl.curves', () => {
  it('makes one named line per run, in the runs\' order, from the chosen metric', () => {
    assert.deepEqual(dl.curves(runs, 'val_acc'), [
      { name: 'SGD', y: [0.55, 0.63456] },
      { name: 'Early Stopping', y: [0.85] },
    ]);
    assert.deepEqual(dl.curves(runs, 'acc').map((line) => line.y), [[0.5, 0.61234], [0.8]]);
  });

  it('is what showChart draws (the lines pass its checks)', () => {
    assert.doesNotThrow(() => dl.validateSeries(dl.curves(runs, 'acc')));
  });

  it('names the run and the metrics it has when the metric is missing, instead of an empty line', () => {
    const noValidation = { Adam: run(2, { loss: [1, 0.5], acc: [0.6, 0.7] }) };
    assert.throws(() => dl.curves(noValidation, 'val_acc'),
      /^Error: curves: run "Adam" has no "val_acc" values \(it has loss, acc\); pick one of those, or train it with validationData/);
  });
});

describe('dl.finalFigures', () => {
  it('has the expected defaults: a 22-character run column and 4 decimals', () => {
    assert.deepEqual(dl.FINAL_FIGURES_DEFAULTS, { labelWidth: 22, digits: 4 });
  });

  it('prints the table the notebooks printed: epochs, train acc, test acc and test loss of the last epoch', () => {
    assert.equal(dl.finalFiguresTable(runs), [
      'run                   epochs  train acc  test acc  test loss',
      'SGD                        2     0.6123    0.6346     1.0500',
      'Early Stopping             1     0.8000    0.8500     0.5000',
    ].join('\n'));
  });

  it('shows - for a figure a run does not have, and follows digits', () => {
    const table = dl.finalFiguresTable({ Plain: run(1, { acc: [0.75] }) }, { digits: 2 });
    assert.equal(table.split('\n')[1], `${'Plain'.padEnd(22)}     1       0.75         -          -`);
  });

  it('widens the run column for a label longer than it, so the columns stay aligned', () => {
    const long = 'Dropout (hidden only), lr 0.1';
    const lines = dl.finalFiguresTable({ [long]: runs.SGD, SGD: runs.SGD }).split('\n');
    assert.equal(new Set(lines.map((line) => line.length)).size, 1, 'every line as long as the header');
    assert.ok(lines[1].startsWith(`${long} `));
    assert.equal(dl.finalFiguresTable(runs, { labelWidth: 30 }).split('\n')[0].indexOf('epochs'), 30);
  });

  it('prints through console.log, as the notebooks\' copy did', () => {
    const printed: string[] = [];
    const log = console.log;
    console.log = (line: string) => printed.push(line);
    try {
      dl.finalFigures(runs);
    } finally {
      console.log = log;
    }
    assert.deepEqual(printed, [dl.finalFiguresTable(runs)]);
  });
});
