/**
 * `npm run bench`: how fast the course trains on this machine's default backend.
 *
 * Prints the CPU it ran on; for every cost configuration of the course's runs
 * (SGD, Momentum, RMSprop, Adam, L2, Dropout), trained through the library's
 * `fit` in this one process: seconds per epoch (median, min, max), ms per step
 * and µs per sample; every epoch of the L2 run; the slowdown when two runs
 * train at once; the course sweep's projected wall time from each run's own
 * configuration (and, with `--course`, its measured wall time, peak memory and
 * per-run epochs); the bench's own peak memory; the same network in PyTorch
 * when a python3 imports torch, with the BLAS it uses and the ratio; and each
 * target with PASS, MISS or n/a.
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
import { CONFIGURATIONS, CONFIGURATION_NAMES, type ConfigurationName } from './bench/configurations';
import { courseRuns, projectCourse } from './bench/course';
import type { CourseMeasurement } from './bench/course-run';
import { readCpuInfo } from './bench/cpu';
import { fullEpochSeconds, timeEpochs, type EpochTiming } from './bench/epoch-timing';
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
  // One after another in this process, so that the ratios between them (L2 over Adam) compare like with like.
  const epochs = {} as Record<ConfigurationName, EpochTiming>;
  try {
    for (const name of CONFIGURATION_NAMES) {
      progress(`timing ${options.reps} ${name} epochs through fit`);
      epochs[name] = await timeEpochs(CONFIGURATIONS[name], data, options.reps, BATCH_SIZE);
    }
  } finally {
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
  }
  progress('timing SGD and Adam side by side in two worker threads');
  const sideBySide = await timeSideBySide(epochs, options.trainSamples, options.testSamples);
  const fullEpochs = Object.fromEntries(CONFIGURATION_NAMES.map((name) => [name, fullEpochSeconds(epochs[name])])) as Record<ConfigurationName, number>;
  const projection = projectCourse(courseRuns(), fullEpochs, cores, sideBySide.slowdown);
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
  // The sweep --course trained, projected with its own epochs and samples, so that measured and projected walls compare.
  const courseProjection = course && projectCourse(courseRuns(course.epochsPerRun), Object.fromEntries(CONFIGURATION_NAMES.map(
    (name) => [name, fullEpochSeconds(epochs[name], course!.trainSamples, course!.testSamples)])) as Record<ConfigurationName, number>,
  cores, sideBySide.slowdown);
  const result = {
    backend, node: process.version, cpu: readCpuInfo(), cores, loadAverage: { start: loadAtStart, end: loadavg()[0] }, quick: options.quick, reps: options.reps,
    trainSamples: options.trainSamples, testSamples: options.testSamples, batchSize: BATCH_SIZE,
    epochs, sideBySide, projection, benchPeakRss, torch, course, courseProjection,
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
