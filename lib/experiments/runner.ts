/**
 * Runs a sweep of experiments - the seven optimizers, the three schedules, the
 * regularisers - with finished runs served from the results cache and the rest
 * trained in parallel, one worker thread (with its own backend) per core.
 * Each run's Keras log is printed line by line with its label in front; while
 * epochs run, one status line shows every run's progress, and in a notebook one
 * live chart shows every run's curve growing.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { initBackend } from '../backend';
import { courseSettings, type CourseSettings } from '../settings';
import type { LiveChartOptions } from '../charts';
import type { History } from '../training/history';
import { stdoutSink, type OutputSink } from '../training/progress';
import { ResultsCache, cacheKey, cacheKeyFields } from './cache';
import { maxRunsAtOnce, shouldShareCores } from './schedule';
import { runExperiment, type ExperimentSpec } from './spec';
import { sweepChart, type SweepChart } from './live-sweep';
import type { FromWorker, ToWorker } from './worker';

export interface RunExperimentsOptions extends Partial<CourseSettings> {
  /** Runs trained at once, each in its own worker thread. Defaults to the number of cores; 1 trains in this thread. */
  parallel?: number;
  /** Serve finished runs from the results cache and store new ones. Defaults to `true` unless `DESCENT_LAB_FRESH=1`. */
  cache?: boolean;
  /** Where the cache lives. Defaults to `.cache/experiments` or `DESCENT_LAB_CACHE_DIR`. */
  cacheDir?: string;
  /** 0 prints nothing, 1 prints each run's log. Defaults to `1`. */
  verbose?: 0 | 1;
  /** Where the logs go. Defaults to stdout. */
  output?: OutputSink;
  /**
   * One chart in the running notebook cell, updated in place as epochs finish (at most once a
   * second), with cached runs drawn at once; it ends as the finished chart. `false` turns it off.
   * Defaults to on (metric `'val_acc'`) inside a tslab kernel when `verbose` is 1, else off.
   */
  liveChart?: LiveChartOptions | false;
}

/** Splits one run's output into whole lines and the line being redrawn (its progress bar). */
class RunLog {
  private buffer = '';
  progress = '';
  /** Every whole line so far: the run's transcript, kept in the cache and replayed on a hit. */
  readonly lines: string[] = [];
  constructor(readonly label: string) {}

  /** Feeds output; returns the lines it completed. */
  feed(text: string): string[] {
    this.buffer += text;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    this.progress = this.buffer.slice(this.buffer.lastIndexOf('\r') + 1);
    const completed = lines.map((line) => line.slice(line.lastIndexOf('\r') + 1));
    this.lines.push(...completed);
    return completed;
  }
}

/** Prints prefixed lines from many runs, with a status line that redraws under them. */
class SweepPrinter {
  private statusShown = false;
  private statusWidth = 0;
  private lastStatus = 0;
  constructor(private readonly sink: OutputSink, private readonly logs: RunLog[], private readonly verbose: number) {}

  print(log: RunLog, text: string): void {
    const lines = log.feed(text);
    if (this.verbose === 0) return;
    if (lines.length > 0) {
      this.clearStatus();
      for (const line of lines) this.sink.write(line === '' ? '\n' : `[${log.label}] ${line}\n`);
    }
    this.drawStatus(lines.length > 0);
  }

  private clearStatus(): void {
    // Spaces rather than an ANSI erase: Jupyter's stream output understands '\r' but not escapes.
    if (this.statusShown) this.sink.write(`\r${' '.repeat(this.statusWidth)}\r`);
    this.statusShown = false;
  }

  private drawStatus(force: boolean): void {
    if (!this.sink.interactive) return;
    const now = performance.now();
    if (!force && now - this.lastStatus < 250) return;
    this.lastStatus = now;
    const parts = this.logs.filter((log) => log.progress).map((log) => {
      const done = /(\d+)\/(\d+)/.exec(log.progress);
      const eta = /ETA: (\d+s)/.exec(log.progress);
      return `${log.label} ${done ? `${Math.round((100 * Number(done[1])) / Number(done[2]))}%` : ''}${eta ? ` ETA ${eta[1]}` : ''}`;
    });
    if (parts.length === 0) return;
    const status = parts.join(' | ');
    this.sink.write(`\r${status.padEnd(this.statusWidth)}`);
    this.statusWidth = status.length;
    this.statusShown = true;
  }

  finish(): void {
    this.clearStatus();
  }
}

function checkLabels(specs: ExperimentSpec[]): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    if (!spec.label) throw new Error('runExperiments: every experiment needs a label (e.g. { label: "Adam", optimizer: "Adam" }).');
    if (seen.has(spec.label)) throw new Error(`runExperiments: the label "${spec.label}" is used twice; labels key the results.`);
    seen.add(spec.label);
  }
}

/** Epochs an early-stopping run is expected to last (the course's stops after about 7). */
const EARLY_STOPPING_EPOCHS = 7;

/** Epochs a run is expected to train, for deciding when runs share the cores. */
function expectedEpochs(spec: ExperimentSpec, settings: CourseSettings): number {
  return spec.earlyStopping ? Math.min(settings.epochs, EARLY_STOPPING_EPOCHS) : settings.epochs;
}

/**
 * Trains `jobs` on `threads` worker threads, each taking the next job when free, except
 * that the last jobs start together, sharing the cores, when that ends the sweep sooner
 * (see schedule.ts); resolves each job's history through `onDone`.
 */
async function trainInWorkers(
  jobs: { spec: ExperimentSpec; log: RunLog }[], settings: CourseSettings, threads: number,
  printer: SweepPrinter, interactive: boolean, onDone: (index: number, history: History) => void,
  onEpoch: (index: number, epoch: number, logs: Record<string, number>) => void,
): Promise<void> {
  let next = 0;
  let sharing = false;
  const failures: string[] = [];
  const epochsDone = jobs.map(() => 0);
  const running = new Set<number>();
  const left = (job: number) => Math.max(1, expectedEpochs(jobs[job].spec, settings) - epochsDone[job]);
  const workers: Promise<void>[] = [];

  /** Whether the queued jobs should all start now (each in a new worker), judged as a worker frees. */
  const shareCoresNow = () => !sharing && shouldShareCores({
    queued: jobs.slice(next).map((_, offset) => left(next + offset)), running: [...running].map(left), cores: threads,
  }, maxRunsAtOnce(threads));

  const startWorker = () => workers.push(new Promise<void>((resolveLoop) => {
    const worker = new Worker(join(__dirname, 'worker.js'), { env: { ...process.env, DESCENT_LAB_WORKER_INTERACTIVE: interactive ? '1' : '0' } });
    let current = -1;
    const sendNext = () => {
      if (next >= jobs.length || failures.length > 0) {
        worker.postMessage({ type: 'exit' } satisfies ToWorker);
        return;
      }
      if (shareCoresNow()) {
        sharing = true;
        for (let extra = next + 1; extra < jobs.length; extra++) startWorker();
      }
      current = next++;
      running.add(current);
      worker.postMessage({ type: 'run', id: current, spec: jobs[current].spec, settings } satisfies ToWorker);
    };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') sendNext();
      else if (message.type === 'log') printer.print(jobs[message.id].log, message.text);
      else if (message.type === 'epoch') { epochsDone[message.id] = message.epoch + 1; onEpoch(message.id, message.epoch, message.logs); }
      else if (message.type === 'done') { running.delete(message.id); onDone(message.id, message.history); sendNext(); }
      else { running.delete(message.id); failures.push(`"${jobs[message.id].spec.label}": ${message.message}`); sendNext(); }
    });
    worker.on('error', (error) => failures.push(`a worker crashed while training "${jobs[current]?.spec.label}": ${error.message}`));
    worker.on('exit', () => resolveLoop());
  }));

  for (let i = 0; i < threads; i++) startWorker();
  // Workers started while others run join the list, so wait until the list stops growing.
  for (let settled = 0; settled < workers.length; settled = workers.length) await Promise.all(workers);
  if (failures.length > 0) throw new Error(`runExperiments: ${failures.join('; ')}. Runs that finished are kept in the results cache.`);
}

/** Trains the runs `toTrain` of `specs`: in this thread when one thread suffices, else in workers. */
async function train(
  toTrain: number[], specs: ExperimentSpec[], settings: CourseSettings, parallel: number | undefined, verbose: number,
  output: OutputSink, printer: SweepPrinter, logs: RunLog[], store: (index: number, history: History) => void,
  chart: SweepChart | undefined,
): Promise<void> {
  const threads = Math.min(parallel ?? availableParallelism(), toTrain.length);
  if (threads === 1) {
    for (const index of toTrain) {
      const sink: OutputSink = { interactive: output.interactive, write: (text) => printer.print(logs[index], text) };
      const onEpoch = chart ? (epoch: number, epochLogs: Record<string, number>) => chart.epochEnd(index, epoch, epochLogs) : undefined;
      store(index, await runExperiment(specs[index], settings, verbose > 0 ? sink : { interactive: false, write() {} }, onEpoch));
    }
  } else if (threads > 1) {
    const jobs = toTrain.map((index) => ({ spec: specs[index], log: logs[index] }));
    await trainInWorkers(jobs, settings, threads, printer, output.interactive, (job, history) => store(toTrain[job], history),
      (job, epoch, epochLogs) => chart?.epochEnd(toTrain[job], epoch, epochLogs));
  }
}

/**
 * Trains every experiment (or takes it from the cache) and returns the
 * histories keyed by label, in the order of `specs`.
 */
export async function runExperiments(specs: ExperimentSpec[], options: RunExperimentsOptions = {}): Promise<Record<string, History>> {
  checkLabels(specs);
  const defaults = courseSettings();
  const settings: CourseSettings = {
    epochs: options.epochs ?? defaults.epochs, batchSize: options.batchSize ?? defaults.batchSize,
    trainSamples: options.trainSamples ?? defaults.trainSamples, testSamples: options.testSamples ?? defaults.testSamples,
    dataset: options.dataset ?? defaults.dataset, seed: options.seed ?? defaults.seed,
  };
  const { verbose = 1, output = stdoutSink } = options;
  const chart: SweepChart | undefined = sweepChart(specs.map((spec) => spec.label), options.liveChart, verbose);
  const useCache = options.cache ?? !['1', 'true'].includes(process.env.DESCENT_LAB_FRESH ?? '');
  const cache = new ResultsCache(options.cacheDir);
  const backend = (await initBackend()).name;

  const histories: (History | undefined)[] = specs.map(() => undefined);
  const logs = specs.map((spec) => new RunLog(spec.label));
  const printer = new SweepPrinter(output, logs, verbose);
  const keys = specs.map((spec) => cacheKeyFields(spec, settings, backend));
  const store = (index: number, history: History) => {
    histories[index] = history;
    if (useCache) {
      cache.set({
        key: cacheKey(keys[index]), label: specs[index].label, createdAt: new Date().toISOString(),
        keyedBy: keys[index], history, log: logs[index].lines,
      });
    }
  };

  const toTrain: number[] = [];
  specs.forEach((spec, index) => {
    const entry = useCache ? cache.get(cacheKey(keys[index])) : undefined;
    if (!entry) return toTrain.push(index);
    histories[index] = entry.history;
    // Replay the stored log, so that a cached run reads like a fresh one.
    printer.print(logs[index], `${entry.history.epoch.length} epoch(s) from the results cache `
      + `(trained ${entry.createdAt}; DESCENT_LAB_FRESH=1 trains again). Its log:\n`
      + entry.log.map((line) => `${line}\n`).join(''));
  });

  chart?.start(histories);
  try {
    await train(toTrain, specs, settings, options.parallel, verbose, output, printer, logs, store, chart);
  } finally {
    printer.finish();
    chart?.finish(histories);
  }
  return Object.fromEntries(specs.map((spec, index) => [spec.label, histories[index]!]));
}
