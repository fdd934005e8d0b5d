/**
 * When the last runs of a sweep share the cores (lib/experiments/schedule.ts), with
 * hand-worked numbers; and a real sweep that ends that way, in worker threads.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiments } from '../lib/experiments';
import { listOrderFinish, maxRunsAtOnce, sharedFinish, shouldShareCores, simulateSweep } from '../lib/experiments/schedule';

const course = Array<number>(13).fill(50); // the course's 13 runs of 50 epochs

describe('sharing the cores at the end of a sweep', () => {
  it('projects both futures by hand', () => {
    // Three runs of 50 on 2 cores: in order, 50 + 50 on one core; shared, 150 / 2.
    assert.equal(listOrderFinish({ queued: [50, 50, 50], running: [], cores: 2 }), 100);
    assert.equal(sharedFinish({ queued: [50, 50, 50], running: [], cores: 2 }), 75);
    // A run with 7 left beside two new ones: all at 2/3 speed until it ends (10.5), then 43 each at full speed.
    assert.equal(sharedFinish({ queued: [50, 50], running: [7], cores: 2 }), 10.5 + 43);
    // Fewer runs than cores: each at full speed.
    assert.equal(sharedFinish({ queued: [5], running: [3], cores: 4 }), 5);
  });

  const decisions: [string, Parameters<typeof shouldShareCores>[0], number, boolean][] = [
    ['the last three of equal runs share 2 cores', { queued: [50, 50], running: [43], cores: 2 }, 3, true],
    ['but not beyond the limit of runs at once', { queued: [50, 50, 50], running: [43], cores: 2 }, 3, false],
    ['nor when going on in order ends as soon', { queued: [50], running: [50], cores: 2 }, 3, false],
    ['nor with nothing queued', { queued: [], running: [10], cores: 2 }, 3, false],
  ];
  for (const [name, state, maxRuns, expected] of decisions) {
    it(name, () => assert.equal(shouldShareCores(state, maxRuns), expected));
  }

  it('ends the course at total work / cores, every core busy to the end, with the short run first', () => {
    assert.equal(maxRunsAtOnce(2), 3);
    assert.equal(simulateSweep([7, ...course], 2), (7 + 650) / 2);
    // In plain list order the 13th run trains alone, one core idle; with the short run last sharing cannot help within 3 runs.
    assert.equal(simulateSweep([7, ...course], 2, 2), 350);
    assert.equal(simulateSweep([...course, 7], 2), 350);
  });

  it('trains a sweep whose last runs start together, each to its end', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'descent-lab-schedule-'));
    try {
      const histories = await runExperiments(['A', 'B', 'C'].map((label) => ({ label, optimizer: 'SGD' })), {
        epochs: 2, trainSamples: 256, testSamples: 64, cache: false, cacheDir, verbose: 0, parallel: 2, liveChart: false,
      });
      for (const label of ['A', 'B', 'C']) assert.equal(histories[label].epoch.length, 2, `${label} trained both epochs`);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
