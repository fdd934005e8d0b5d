/**
 * `npm run bench`: its pure parts (options, medians, the cost configurations
 * of the 15 course runs, the course projection, target checks, the CPU line)
 * with hand-worked numbers, and the whole bench run in `--quick` mode as a
 * child process. No assertion is about speed: the figures
 * only have to be there and be finite numbers.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CONFIGURATIONS, CONFIGURATION_NAMES, configurationOf } from '../scripts/bench/configurations';
import { courseRuns, projectCourse, type CourseRun } from '../scripts/bench/course';
import { formatCpu, parseCpuInfo } from '../scripts/bench/cpu';
import type { EpochTiming } from '../scripts/bench/epoch-timing';
import { parseBenchOptions } from '../scripts/bench/options';
import type { BenchResult } from '../scripts/bench/result';
import { median } from '../scripts/bench/stats';
import { formatReport } from '../scripts/bench/report';
import { checkTargets } from '../scripts/bench/targets';
import type { TorchResult } from '../scripts/bench/torch';

const BENCH = join(__dirname, '..', 'scripts', 'bench.js');
const run = promisify(execFile);

/** Runs the bench with `args`; resolves its stdout, or fails with its stderr. */
async function bench(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BENCH, ...args], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 600_000, // a guard against a hung bench, not a speed check: about 15 s here, a minute or two on a loaded machine
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

describe('cost configurations', () => {
  test('map each of the 15 course runs to the configuration whose epoch it costs like', () => {
    const byLabel = Object.fromEntries(courseRuns().map((run) => [run.spec.label, run.configuration]));
    assert.deepEqual(byLabel, {
      SGD: 'SGD', 'Time Decay': 'SGD', 'Step Decay': 'SGD', 'Exp. Decay': 'SGD',
      Momentum: 'Momentum', Nesterov: 'Momentum',
      RMSprop: 'RMSprop', Adagrad: 'RMSprop',
      Adam: 'Adam', NAdam: 'Adam', 'Early Stopping': 'Adam',
      L2: 'L2',
      Dropout: 'Dropout', 'Dropout (hidden only)': 'Dropout', AdamW: 'Adam',
    });
    // Every configuration is timed by what it names.
    for (const name of CONFIGURATION_NAMES) assert.equal(configurationOf(CONFIGURATIONS[name]), name);
    assert.throws(() => configurationOf({ label: 'x', optimizer: 'Lion' }), /no cost configuration for optimizer "Lion"/);
  });
});

describe('course projection', () => {
  test('lists the 15 runs in the runner\'s order, early stopping first and expected to last 7 epochs', () => {
    const runs = courseRuns();
    assert.equal(runs.length, 15);
    assert.equal(new Set(runs.map((run) => run.spec.label)).size, 15);
    assert.deepEqual(runs.map((run) => run.expectedEpochs).filter((epochs) => epochs !== 50), [7]);
    assert.equal(runs[0].spec.label, 'Early Stopping');
    assert.deepEqual(courseRuns(2).map((run) => run.expectedEpochs), new Array(15).fill(2));
  });

  test('costs each run at its own configuration\'s epoch and deals the runs to the cores in order', () => {
    const runs: CourseRun[] = [
      { spec: { label: 'a' }, configuration: 'SGD', expectedEpochs: 10 },
      { spec: { label: 'b' }, configuration: 'L2', expectedEpochs: 10 },
      { spec: { label: 'c' }, configuration: 'Momentum', expectedEpochs: 5 },
    ];
    const epochSeconds = { SGD: 2, Momentum: 2, RMSprop: NaN, Adam: NaN, L2: 3, Dropout: NaN };
    // Alone: a = 10 x 2 s = 20 s, b = 10 x 3 s = 30 s, c = 5 x 2 s = 10 s; serial 60 s.
    // Two cores at slowdown 1.5: a (30 s) and b (45 s) start; c follows a at 30 s and ends at 45 s,
    // which is also serial x 1.5 / 2 cores: no dealing of these runs finishes sooner.
    const projection = projectCourse(runs, epochSeconds, 2, 1.5);
    assert.equal(projection.cores, 2);
    assert.equal(projection.totalEpochs, 25);
    assert.equal(projection.serialSeconds, 60);
    assert.equal(projection.wallSeconds, 45);
    // One core: no slowdown applies, the wall time is the serial time.
    assert.equal(projectCourse(runs, epochSeconds, 1, 1.5).wallSeconds, 60);
    // The runner's end game: three 10 s runs on 2 cores take 20 s in order, but 15 s started together
    // (each at 2/3 of a core), and the runner starts them together.
    const three: CourseRun[] = ['x', 'y', 'z'].map((label) => ({ spec: { label }, configuration: 'Adam', expectedEpochs: 10 }));
    assert.equal(projectCourse(three, { ...epochSeconds, Adam: 1 }, 2).wallSeconds, 15);
  });
});

describe('targets', () => {
  const timing = (epochSeconds: number[]) => ({ epochSeconds, epochMedian: median(epochSeconds) }) as EpochTiming;
  const blas = (reference: boolean) => ({ name: reference ? 'reference BLAS' : 'OpenBLAS', library: null, reference });
  const torch = (sgd: number, adam: number, reference = false) => ({
    available: true, blas: blas(reference), SGD: { epochMedian: sgd }, Adam: { epochMedian: adam },
  }) as unknown as TorchResult;
  const result = (options: { quick?: boolean; l2?: number[]; wallSeconds?: number; torch?: TorchResult }) => ({
    quick: options.quick ?? false, reps: 3,
    epochs: { SGD: timing([1.5]), Adam: timing([0.9, 1, 1.1]), L2: timing(options.l2 ?? [1, 1.3, 1.2]) },
    projection: { wallSeconds: options.wallSeconds ?? 15 * 60 },
    torch: options.torch ?? torch(1, 2 / 3),
  }) as unknown as Omit<BenchResult, 'targets'>;
  const statuses = (checks: ReturnType<typeof checkTargets>) => checks.map((check) => check.status);

  test('pass at the limit and miss above it', () => {
    // L2: slowest 1.3 s / Adam median 1 s = 1.3; SGD 1.5 s / 1 s = 1.5; Adam 1 s / (2/3 s) = 1.5; wall 15 min.
    // Then: 1.31 / 1; 1.5 / 0.99 and 1 / 0.66, both about 1.52; 15 min + 1 s.
    const atLimit = checkTargets(result({}));
    assert.deepEqual(atLimit.map((check) => check.name), [
      'L2 slowest epoch / Adam median epoch <= 1.3', 'SGD epoch / PyTorch epoch (1 thread) <= 1.5x',
      'Adam epoch / PyTorch epoch (1 thread) <= 1.5x', 'full course wall <= 15 min', 'course peak RSS <= 2 GiB',
    ]);
    assert.deepEqual(statuses(atLimit), ['PASS', 'PASS', 'PASS', 'PASS', 'n/a']);
    assert.ok(Math.abs(atLimit[0].value! - 1.3) < 1e-12);
    assert.deepEqual(statuses(checkTargets(result({ l2: [1.31], wallSeconds: 15 * 60 + 1, torch: torch(0.99, 0.66) }))),
      ['MISS', 'MISS', 'MISS', 'MISS', 'n/a']);
  });

  test('do not judge the PyTorch ratios against the reference BLAS, nor without torch', () => {
    const reference = checkTargets(result({ torch: torch(10, 10, true) }));
    assert.deepEqual(statuses(reference).slice(1, 3), ['n/a', 'n/a']);
    assert.equal(reference[1].value, 0.15);
    assert.match(reference[1].note, /reference BLAS, about 6x slower; apt-get install libopenblas0-pthread/);
    const missing = checkTargets(result({ torch: { available: false, reason: 'PyTorch not available' } }));
    assert.deepEqual(statuses(missing).slice(1, 3), ['n/a', 'n/a']);
    assert.equal(missing[1].note, 'PyTorch not available');
  });

  test('on a --quick slice judge the ratios (same process, same slice) but not the course', () => {
    const checks = checkTargets(result({ quick: true, wallSeconds: 60 }));
    assert.deepEqual(statuses(checks), ['PASS', 'PASS', 'PASS', 'n/a', 'n/a']);
    assert.match(checks[0].note, /--quick slice/);
    assert.match(checks[3].note, /--quick/);
  });
});

describe('CPU line', () => {
  test('names the model and vendor from /proc/cpuinfo, else the fallback model', () => {
    const cpuinfo = 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel name\t: Intel(R) Xeon(R) Processor\n\nprocessor\t: 1\n';
    assert.equal(formatCpu(parseCpuInfo(cpuinfo, 'ignored')), 'CPU Intel(R) Xeon(R) Processor (GenuineIntel)');
    assert.equal(formatCpu(parseCpuInfo('', 'Apple M2')), 'CPU Apple M2');
  });
});

describe('npm run bench -- --quick --json --course', () => {
  // One child run serves both checks (the JSON and the table drawn from it): each bench run costs tens of
  // seconds on a loaded 2-core machine, and the table is a pure function of the JSON.
  let result: BenchResult;
  before(async () => {
    result = JSON.parse(await bench('--quick', '--json', '--course')) as BenchResult;
  });

  test('times every configuration, projects the course from them and trains the 15-run sweep on a slice', () => {
    for (const name of CONFIGURATION_NAMES) {
      const timing = result.epochs[name];
      assert.equal(timing.spec.label, name);
      assert.equal(timing.epochSeconds.length, 2);
      assert.equal(timing.steps, 63);
      assertFinitePositive([timing.epochMedian, timing.epochMin, timing.epochMax, timing.validationMedian, timing.msPerStep, timing.usPerSample], name);
      assert.ok(timing.epochMin <= timing.epochMedian && timing.epochMedian <= timing.epochMax, `${name}: min <= median <= max`);
      assertFinitePositive([result.projection.epochSeconds[name]], `${name} full-data epoch`);
    }
    assertFinitePositive([result.projection.wallSeconds, result.sideBySide.slowdown, result.benchPeakRss], 'projection and memory');
    assert.equal(result.projection.totalEpochs, 14 * 50 + 7);
    assert.match(result.cpu.model, /\S/);
    if (result.torch.available) assert.match(result.torch.blas.name, /\S/);
    const course = result.course!;
    assert.equal(course.runs.length, 15);
    for (const run of course.runs) {
      assert.ok(run.epochs >= 1 && run.epochs <= 2, `${run.label}: ${run.epochs} epochs`);
      assertFinitePositive([run.minEpochSeconds, run.medianEpochSeconds, run.maxEpochSeconds], run.label);
      assert.equal(run.epochSeconds?.length, run.label === 'L2' ? run.epochs : undefined, `${run.label}: the full list for L2 only`);
    }
    assertFinitePositive([course.wallSeconds, course.sampledPeakRss, course.peakRss ?? 1, result.courseProjection!.wallSeconds], 'course');
    assert.deepEqual(result.targets.map((target) => target.status).slice(3), ['n/a', 'n/a']);
  });

  test('prints the CPU, a row per configuration, the L2 epochs, the projection, the sweep run by run and the targets', () => {
    const table = formatReport(result);
    assert.match(table, /^Descent Lab bench: (wasm|cpu|tensorflow) backend/);
    assert.match(table, /^CPU \S/m);
    for (const name of CONFIGURATION_NAMES) {
      const numbers = rowNumbers(table, name.padEnd(12));
      assert.equal(numbers.length, 7, `${name}: median, min, max, validation, ms/step, µs/sample, val_acc`);
      assertFinitePositive(numbers, name);
    }
    assert.equal(rowNumbers(table, 'L2 epochs (s):').length, 4, 'two epochs and the two ratios (slowest and median)');
    assert.equal(rowNumbers(table, 's per epoch, 2 runs at once (workers)').length, 2);
    assertFinitePositive(rowNumbers(table, 'projected wall'), 'projected wall');
    assert.match(table, /^ {2}= each run's expected epochs x its configuration's full-data epoch \(SGD [\d.]+ s, .*Dropout [\d.]+ s\)/m);
    assertFinitePositive(rowNumbers(table, 'measured wall (2 epochs, 2000 samples)'), 'measured vs projected wall');
    for (const label of ['SGD', 'Exp. Decay', 'L2', 'Early Stopping']) {
      const numbers = rowNumbers(table, `  ${label}`.padEnd(26));
      assert.equal(numbers.length, 5, `${label}: epochs, min, median, max, val_acc`);
      assertFinitePositive(numbers, label);
    }
    assertFinitePositive(rowNumbers(table, 'peak RSS of this bench process'), 'peak RSS');
    assert.match(table, /^PyTorch(: PyTorch not available| \S+, 1 thread[^\n]*\n {2}BLAS: \S)/m);
    const targets = table.slice(table.indexOf('\nTargets\n'));
    assert.equal(targets.match(/ (PASS|MISS|n\/a) /g)?.length, 5, targets);
  });
});
