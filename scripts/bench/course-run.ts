/**
 * Trains the whole course sweep (15 runs, 50 epochs, all the data, no results
 * cache) through `runExperiments` over every core, and prints one JSON line:
 * wall time, peak resident memory, and each run's epoch times (min, median,
 * max; every epoch of the L2 run, whose slowest epoch is a target). `npm run bench --
 * --course` starts it as a child process so that its memory is measured alone.
 *
 *     node build/scripts/bench/course-run.js [--quick]
 *
 * `--quick` trains the same 15 runs for 2 epochs on 2,000 + 500 samples. Each
 * run's Keras log goes to stderr with its label in front.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { COURSE_SETTINGS, QUICK_SETTINGS, initBackend, runExperiments } from '../../lib';
import { courseRuns } from './course';
import { RssSampler, readPeakRss } from './memory';
import { median, secondsSince } from './stats';

export interface CourseMeasurement {
  backend: string;
  workers: number;
  epochsPerRun: number;
  trainSamples: number;
  testSamples: number;
  /** Wall time of the whole sweep, worker start-up included, in seconds. */
  wallSeconds: number;
  /** Largest `process.memoryUsage().rss` sampled every 100 ms, in bytes. */
  sampledPeakRss: number;
  /** The kernel's high-water mark of resident memory (VmHWM), in bytes, where /proc exists. */
  peakRss?: number;
  runs: CourseRunMeasurement[];
}

export interface CourseRunMeasurement {
  label: string;
  /** Epochs trained (fewer than asked when early stopping ended the run). */
  epochs: number;
  /** Fastest, median and slowest epoch, validation included, in seconds, trained side by side with the other runs. */
  minEpochSeconds: number;
  medianEpochSeconds: number;
  maxEpochSeconds: number;
  /** Every epoch, in seconds: kept for the L2 run only, whose spread the L2 target is about. */
  epochSeconds?: number[];
  finalValAcc: number;
  stopReason?: string;
}

/** Keeps every epoch of these runs, not just the summary. */
const FULL_LIST_RUNS = new Set(['L2']);

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const settings = quick ? QUICK_SETTINGS : COURSE_SETTINGS;
  const backend = await initBackend();
  const runs = courseRuns(settings.epochs);
  const cacheDir = mkdtempSync(join(tmpdir(), 'descent-lab-course-'));
  const sampler = new RssSampler().start(100);
  const start = performance.now();
  try {
    const histories = await runExperiments(runs.map((run) => run.spec), {
      ...settings, cache: false, cacheDir, verbose: 1, output: { interactive: false, write: (text) => process.stderr.write(text) },
    });
    const wallSeconds = secondsSince(start);
    const sampledPeakRss = sampler.stop();
    const measurement: CourseMeasurement = {
      backend: backend.name,
      workers: Math.min(availableParallelism(), runs.length),
      epochsPerRun: settings.epochs, trainSamples: settings.trainSamples, testSamples: settings.testSamples,
      wallSeconds, sampledPeakRss, peakRss: readPeakRss(),
      runs: runs.map(({ spec }) => {
        const history = histories[spec.label];
        const valAcc = history.history.val_acc ?? [];
        const seconds = history.epochSeconds;
        return {
          label: spec.label, epochs: history.epoch.length,
          minEpochSeconds: Math.min(...seconds), medianEpochSeconds: median(seconds), maxEpochSeconds: Math.max(...seconds),
          epochSeconds: FULL_LIST_RUNS.has(spec.label) ? seconds : undefined,
          finalValAcc: valAcc[valAcc.length - 1] ?? NaN, stopReason: history.stopReason,
        };
      }),
    };
    process.stdout.write(`${JSON.stringify(measurement)}\n`);
  } finally {
    sampler.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
