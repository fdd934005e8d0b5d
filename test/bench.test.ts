/**
 * `npm run bench`: its pure parts (options, medians, the course projection,
 * target checks) with hand-worked numbers, and the whole bench run in
 * `--quick` mode as a child process. No assertion is about speed: the figures
 * only have to be there and be finite numbers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { courseRuns, projectCourse, type CourseRun } from '../scripts/bench/course';
import { parseBenchOptions } from '../scripts/bench/options';
import type { BenchResult } from '../scripts/bench/result';
import { median } from '../scripts/bench/stats';
import { checkTargets } from '../scripts/bench/targets';

const BENCH = join(__dirname, '..', 'scripts', 'bench.js');
const run = promisify(execFile);

/** Runs the bench with `args`; resolves its stdout, or fails with its stderr. */
async function bench(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BENCH, ...args], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 600_000, // a guard against a hung bench, not a speed check: about 20 s here, minutes on a loaded machine
  });
  return stdout;
}

/** The numbers after `label` on its line of the table. */
function rowNumbers(table: string, label: string): number[] {
  const line = table.split('\n').find((candidate) => candidate.startsWith(label));
  assert.ok(line, `the table has no row starting "${label}":\n${table}`);
  return (line.slice(label.length).match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
}

function assertFinitePositive(values: number[], what: string): void {
  assert.ok(values.length > 0, `${what}: no numbers`);
  for (const value of values) assert.ok(Number.isFinite(value) && value > 0, `${what}: ${value} is not a positive number`);
}

describe('bench options', () => {
  test('have the expected defaults', () => {
    assert.deepEqual(parseBenchOptions([]), {
      quick: false, course: false, json: false, reps: 5, torch: true, trainSamples: 60_000, testSamples: 10_000,
    });
  });

  test('--quick uses a slice of the data and 2 repetitions, --reps overrides', () => {
    assert.deepEqual(parseBenchOptions(['--quick']), {
      quick: true, course: false, json: false, reps: 2, torch: true, trainSamples: 2_000, testSamples: 500,
    });
    assert.equal(parseBenchOptions(['--quick', '--reps', '3']).reps, 3);
    assert.equal(parseBenchOptions(['--no-torch', '--course', '--json']).torch, false);
  });

  test('reject unknown flags and bad repetitions with the usage', () => {
    assert.throws(() => parseBenchOptions(['--fast']), /Unknown argument "--fast"\. usage: npm run bench/);
    assert.throws(() => parseBenchOptions(['--reps', '0']), /--reps needs a whole number of at least 1, got "0"/);
    assert.throws(() => parseBenchOptions(['--reps']), /--reps needs a whole number/);
  });
});

describe('median', () => {
  test('is the middle value, or the mean of the middle two', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), /no values/);
  });
});

describe('course projection', () => {
  test('lists the 14 runs of the three notebooks, early stopping expected to last 5 epochs', () => {
    const runs = courseRuns();
    assert.equal(runs.length, 14);
    assert.equal(new Set(runs.map((run) => run.spec.label)).size, 14);
    assert.equal(runs.filter((run) => run.family === 'SGD').length, 6);
    assert.deepEqual(runs.map((run) => run.expectedEpochs).filter((epochs) => epochs !== 50), [5]);
  });

  test('deals runs in order to the first free worker and keeps the busiest worker\'s total', () => {
    const runs: CourseRun[] = [
      { spec: { label: 'a' }, family: 'SGD', expectedEpochs: 10 },
      { spec: { label: 'b' }, family: 'Adam', expectedEpochs: 10 },
      { spec: { label: 'c' }, family: 'SGD', expectedEpochs: 5 },
    ];
    // Alone: a = 10 x 2 s = 20 s, b = 10 x 3 s = 30 s, c = 5 x 2 s = 10 s; serial 60 s.
    // Two workers at slowdown 1.5: a (30 s) and b (45 s) start; c joins a's worker at 30 s and ends at 45 s.
    const projection = projectCourse(runs, { SGD: 2, Adam: 3 }, 2, 1.5);
    assert.equal(projection.workers, 2);
    assert.equal(projection.totalEpochs, 25);
    assert.equal(projection.serialSeconds, 60);
    assert.equal(projection.wallSeconds, 45);
    // One core: no slowdown applies, the wall time is the serial time.
    assert.equal(projectCourse(runs, { SGD: 2, Adam: 3 }, 1, 1.5).wallSeconds, 60);
  });
});

describe('targets', () => {
  const timing = (epochMedian: number) => ({ epochMedian }) as BenchResult['epochs']['SGD'];
  const result = (quick: boolean, sgd: number, adam: number, wallSeconds: number) => ({
    quick, reps: 5, epochs: { SGD: timing(sgd), Adam: timing(adam) }, projection: { wallSeconds },
  }) as unknown as Omit<BenchResult, 'targets'>;

  test('pass at the limit and miss above it', () => {
    const statuses = (checks: ReturnType<typeof checkTargets>) => checks.map((check) => check.status);
    assert.deepEqual(statuses(checkTargets(result(false, 3.0, 3.5, 20 * 60))), ['PASS', 'PASS', 'PASS', 'n/a']);
    assert.deepEqual(statuses(checkTargets(result(false, 3.01, 3.51, 20 * 60 + 1))), ['MISS', 'MISS', 'MISS', 'n/a']);
  });

  test('are not judged on a --quick slice', () => {
    const checks = checkTargets(result(true, 0.1, 0.1, 60));
    assert.deepEqual(checks.map((check) => check.status), ['n/a', 'n/a', 'n/a', 'n/a']);
    assert.match(checks[0].note, /--quick/);
  });
});

describe('npm run bench -- --quick', () => {
  test('prints the table with finite figures for SGD and Adam, the projection, memory and the targets', async () => {
    const table = await bench('--quick');
    assert.match(table, /^Descent Lab bench: (wasm|cpu|tensorflow) backend/);
    for (const label of ['s per epoch (validation included)', 'ms per step (epoch / 63)', 'µs per sample (training alone)',
      's per epoch, 2 runs at once (workers)']) {
      const numbers = rowNumbers(table, label);
      assert.equal(numbers.length, 2, `${label}: one figure for SGD and one for Adam`);
      assertFinitePositive(numbers, label);
    }
    assertFinitePositive(rowNumbers(table, 'projected wall'), 'projected wall');
    assertFinitePositive(rowNumbers(table, 'peak RSS of this bench process'), 'peak RSS');
    assert.match(table, /^PyTorch(: PyTorch not available| \S+, 1 thread)/m);
    if (/^PyTorch \S+, 1 thread/m.test(table)) {
      assertFinitePositive(rowNumbers(table, 'ratio: library epoch / PyTorch epoch'), 'PyTorch ratio');
    }
    const targets = table.slice(table.indexOf('\nTargets\n'));
    assert.equal(targets.match(/ (PASS|MISS|n\/a) /g)?.length, 4, targets);
  });

  test('--json --course trains the 14-run sweep on a slice and reports its wall time and peak memory', async () => {
    const result = JSON.parse(await bench('--quick', '--json', '--course', '--no-torch')) as BenchResult;
    for (const optimizer of ['SGD', 'Adam'] as const) {
      const timing = result.epochs[optimizer];
      assert.equal(timing.epochSeconds.length, 2);
      assertFinitePositive([timing.epochMedian, timing.validationMedian, timing.msPerStep, timing.usPerSample], optimizer);
      assert.equal(timing.steps, 63);
    }
    assertFinitePositive([result.projection.wallSeconds, result.sideBySide.slowdown, result.benchPeakRss], 'projection and memory');
    assert.deepEqual(result.torch, { available: false, reason: 'PyTorch comparison skipped (--no-torch)' });
    const course = result.course!;
    assert.equal(course.runs.length, 14);
    for (const courseRun of course.runs) assert.ok(courseRun.epochs >= 1 && courseRun.epochs <= 2, `${courseRun.label}: ${courseRun.epochs} epochs`);
    assertFinitePositive([course.wallSeconds, course.sampledPeakRss, course.peakRss ?? 1], 'course');
    assert.deepEqual(result.targets.map((target) => target.status), ['n/a', 'n/a', 'n/a', 'n/a']);
  });
});
