/**
 * `npm run bench`: how fast the course trains on this machine's default backend.
 *
 * Prints, for SGD and Adam through the library's `fit`: seconds per epoch,
 * milliseconds per step and microseconds per sample (medians of several
 * epochs, training and validation also apart); the slowdown when two runs
 * train at once; the course sweep's projected wall time (and, with `--course`,
 * its measured wall time and peak memory); the bench's own peak memory; the
 * same network in PyTorch when a python3 imports torch, with the ratio; and
 * each target with PASS or MISS.
 *
 *     npm run bench -- [--quick] [--course] [--json] [--reps N] [--no-torch]
 *
 * Progress goes to stderr, the report (or the JSON) to stdout.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadMnist } from '../lib';
import { courseRuns, projectCourse } from './bench/course';
import type { CourseMeasurement } from './bench/course-run';
import { fullEpochSeconds, timeEpochs } from './bench/epoch-timing';
import { RssSampler, readPeakRss } from './bench/memory';
import { parseBenchOptions, type BenchOptions } from './bench/options';
import { timeSideBySide } from './bench/parallel';
import { formatReport } from './bench/report';
import type { BenchResult } from './bench/result';
import { checkTargets } from './bench/targets';
import { runTorchBench } from './bench/torch';

const BATCH_SIZE = 32;

const progress = (text: string) => process.stderr.write(`bench: ${text}\n`);

/** Trains the sweep in a child process, so that its peak memory is its own; its logs pass through on stderr. */
function measureCourse(quick: boolean): Promise<CourseMeasurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'bench', 'course-run.js'), ...(quick ? ['--quick'] : [])],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => { stdout += text; });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as CourseMeasurement);
      else reject(new Error(`the course sweep exited with code ${code}; its log is above`));
    });
  });
}

async function bench(options: BenchOptions): Promise<BenchResult> {
  const sampler = new RssSampler().start(100);
  const loadAtStart = loadavg()[0];
  const backend = await initBackend();
  const cores = availableParallelism();
  progress(`${backend.name} backend; loading ${options.trainSamples} + ${options.testSamples} MNIST samples`);
  const data = await loadMnist({ trainSamples: options.trainSamples, testSamples: options.testSamples });
  let epochs: BenchResult['epochs'];
  try {
    progress(`timing ${options.reps} SGD epochs through fit`);
    const sgd = await timeEpochs('SGD', data, options.reps, BATCH_SIZE);
    progress(`timing ${options.reps} Adam epochs through fit`);
    const adam = await timeEpochs('Adam', data, options.reps, BATCH_SIZE);
    epochs = { SGD: sgd, Adam: adam };
  } finally {
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
  }
  progress('timing SGD and Adam side by side in two worker threads');
  const sideBySide = await timeSideBySide(epochs, options.trainSamples, options.testSamples);
  const projection = projectCourse(courseRuns(),
    { SGD: fullEpochSeconds(epochs.SGD), Adam: fullEpochSeconds(epochs.Adam) }, cores, sideBySide.slowdown);
  const benchPeakRss = readPeakRss() ?? sampler.stop();
  sampler.stop();

  let torch: BenchResult['torch'] = { available: false, reason: 'PyTorch comparison skipped (--no-torch)' };
  if (options.torch) {
    progress('timing the same network in PyTorch (when a python3 imports torch)');
    torch = runTorchBench(options.reps, options.trainSamples, options.testSamples);
  }
  let course: CourseMeasurement | undefined;
  if (options.course) {
    progress(`training the course sweep${options.quick ? ' (--quick: 2 epochs on a slice)' : ' (15-30 minutes)'}`);
    course = await measureCourse(options.quick);
  }
  const result = {
    backend, node: process.version, cores, loadAverage: { start: loadAtStart, end: loadavg()[0] }, quick: options.quick, reps: options.reps,
    trainSamples: options.trainSamples, testSamples: options.testSamples, batchSize: BATCH_SIZE,
    epochs, sideBySide, projection, benchPeakRss, torch, course,
  };
  return { ...result, targets: checkTargets(result) };
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const result = await bench(options);
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});
