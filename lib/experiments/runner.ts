/**
 * Runs a sweep of experiments - the seven optimizers, the three schedules, the
 * regularisers - with finished runs served from the results cache and the rest
 * trained in parallel, one worker thread (with its own backend) per core.
 * Each run's Keras log is printed line by line with its label in front; while
 * epochs run, one status line shows every run's progress, and in a notebook one
 * live chart shows every run's curve growing.
 *
 * Jupyter's Interrupt stops a sweep at once: every worker thread is terminated, the run in this
 * thread stops at its next batch (`fit` listens too), nothing more is printed or drawn, finished
 * runs stay in the cache, and the call rejects with a `TrainingInterrupted` that keeps every run's
 * finished epochs (see sweep-interrupt.ts).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { initBackend } from '../backend';
import { courseSettings, type CourseSettings } from '../settings';
import type { LiveChartOptions } from '../charts';
import { listenForInterrupt, TrainingInterrupted } from '../interrupt';
import type { EpochLogs } from '../training/callbacks';
import type { History } from '../training/history';
import { stdoutSink, type OutputSink } from '../training/progress';
import { ResultsCache, cacheKey, cacheKeyFields } from './cache';
import { maxRunsAtOnce, shouldShareCores } from './schedule';
import { expandSeeds } from './seeds';
import { runExperiment, type ExperimentSpec } from './spec';
import { sweepChart, type SweepChart } from './live-sweep';
import { stoppedAt, SweepEpochs, sweepInterrupted } from './sweep-interrupt';
import type { FromWorker, ToWorker } from './worker';

export interface RunExperimentsOptions extends Partial<CourseSettings> {
  /** Runs trained at once, each in its own worker thread. Defaults to the number of cores; 1 trains in this thread. */
  parallel?: number;
  /** Serve finished runs from the results cache and store new ones. Defaults to `true` unless `DESCENT_LAB_FRESH=1`. */
  cache?: boolean;
  /**
   * Where the cache lives. Defaults to `DESCENT_LAB_CACHE_DIR`, else the user's own cache (`.cache/experiments`
   * in a checkout, `~/.cache/descent-lab/experiments` for an installed library); a folder the user cannot
   * write is read, and new runs go to the user's own cache.
   */
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
  /**
   * Train every configuration without `seeds` of its own once per seed, e.g. `[1, 2, 3]`; each comes
   * back as the mean over its seeds with each seed's history in `seeds` (see seeds.ts), which
   * `curves` draws as a line in a band. Defaults to one run with the settings' seed.
   */
  seeds?: number[];
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

/**
 * Prints prefixed lines from many runs, with a status line that redraws under them, until
 * `finish`: after it nothing more is printed, so that a run still reporting (a stopped one)
 * cannot write into a later cell.
 */
class SweepPrinter {
  private statusShown = false;
  private statusWidth = 0;
  private lastStatus = 0;
  private finished = false;
  constructor(private readonly sink: OutputSink, private readonly logs: RunLog[], private readonly verbose: number) {}

  print(log: RunLog, text: string): void {
    const lines = log.feed(text); // even when finished: a run that ends by itself keeps its whole transcript
    if (this.verbose === 0 || this.finished) return;
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

  /** Prints one line of the sweep's own (not a run's), under the status line. */
  notice(line: string): void {
    if (this.verbose === 0 || this.finished) return;
    this.clearStatus();
    this.sink.write(`${line}\n`);
  }

  /** Clears the status line; later output is dropped. */
  finish(): void {
    if (this.finished) return;
    this.clearStatus();
    this.finished = true;
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

/**
 * Waits for every promise in `list`, including those pushed while it waits (workers that
 * start while others run). `Promise.all` alone would see only the ones listed when called.
 */
export async function settleGrowingList(list: Promise<unknown>[]): Promise<void> {
  for (let waited = 0; waited < list.length;) {
    const listed = list.length;
    await Promise.all(list.slice(0, listed));
    waited = listed;
  }
}

/** Epochs an early-stopping run is expected to last (the course's stops after about 7). */
const EARLY_STOPPING_EPOCHS = 7;

/** Epochs a run is expected to train, for deciding when runs share the cores. */
function expectedEpochs(spec: ExperimentSpec, settings: CourseSettings): number {
  return spec.earlyStopping ? Math.min(settings.epochs, EARLY_STOPPING_EPOCHS) : settings.epochs;
}

/** What the training of a sweep reports, by the run's index in the sweep's specs. */
interface TrainingEvents {
  /** The run started training. */
  started(index: number): void;
  /** The run finished an epoch (index from 0) in `seconds`. */
  epochEnd(index: number, epoch: number, logs: EpochLogs, seconds: number): void;
  /** The run finished. */
  done(index: number, history: History): void;
  /** The run failed (the sweep reports it when it ends). */
  failed(index: number): void;
}

/**
 * Trains `jobs` on `threads` worker threads, each taking the next job when free, except
 * that the last jobs start together, sharing the cores, when that ends the sweep sooner
 * (see schedule.ts); reports through `events`. When `stop` aborts, every worker is terminated
 * at once (immediate wherever its run is, and it frees all the worker held) and what the workers
 * had sent by then is ignored; it then resolves once they are gone.
 */
async function trainInWorkers(
  jobs: { index: number; spec: ExperimentSpec; log: RunLog }[], settings: CourseSettings, threads: number,
  printer: SweepPrinter, events: TrainingEvents, stop: AbortSignal,
): Promise<void> {
  if (stop.aborted) return;
  let next = 0;
  let sharing = false;
  const failures: string[] = [];
  const epochsDone = jobs.map(() => 0);
  const running = new Set<number>();
  const left = (job: number) => Math.max(1, expectedEpochs(jobs[job].spec, settings) - epochsDone[job]);
  const workers: Promise<void>[] = [];
  const threadsAlive = new Set<Worker>();
  const terminateAll = () => { for (const worker of threadsAlive) void worker.terminate(); };
  stop.addEventListener('abort', terminateAll, { once: true });

  /** Whether the queued jobs should all start now (each in a new worker), judged as a worker frees. */
  const shareCoresNow = () => !sharing && shouldShareCores({
    queued: jobs.slice(next).map((_, offset) => left(next + offset)), running: [...running].map(left), cores: threads,
  }, maxRunsAtOnce(threads));

  const startWorker = () => workers.push(new Promise<void>((resolveLoop) => {
    const worker = new Worker(join(__dirname, 'worker.js'));
    threadsAlive.add(worker);
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
      events.started(jobs[current].index);
      worker.postMessage({ type: 'run', id: current, spec: jobs[current].spec, settings } satisfies ToWorker);
    };
    worker.on('message', (message: FromWorker) => {
      if (stop.aborted) return; // sent before the worker was terminated
      if (message.type === 'ready') sendNext();
      else if (message.type === 'log') printer.print(jobs[message.id].log, message.text);
      else if (message.type === 'epoch') {
        epochsDone[message.id] = message.epoch + 1;
        events.epochEnd(jobs[message.id].index, message.epoch, message.logs, message.seconds);
      } else if (message.type === 'done') { running.delete(message.id); events.done(jobs[message.id].index, message.history); sendNext(); }
      else {
        running.delete(message.id);
        events.failed(jobs[message.id].index);
        failures.push(`"${jobs[message.id].spec.label}": ${message.message}`);
        sendNext();
      }
    });
    worker.on('error', (error) => failures.push(`a worker crashed while training "${jobs[current]?.spec.label}": ${error.message}`));
    worker.on('exit', () => {
      threadsAlive.delete(worker);
      resolveLoop();
    });
  }));

  for (let i = 0; i < threads; i++) startWorker();
  await settleGrowingList(workers);
  stop.removeEventListener('abort', terminateAll);
  if (failures.length > 0 && !stop.aborted) {
    throw new Error(`runExperiments: ${failures.join('; ')}. Runs that finished are kept in the results cache.`);
  }
}

/**
 * Trains the runs `toTrain` of `specs`: in this thread when one thread suffices, else in workers.
 * Returns early when `stop` aborts; a run in this thread stops then at its next batch, because
 * `fit` listens for the Interrupt too and rejects with a `TrainingInterrupted`, which aborts
 * `stop` here if it came first.
 */
async function train(
  toTrain: number[], specs: ExperimentSpec[], settings: CourseSettings, parallel: number | undefined, verbose: number,
  output: OutputSink, printer: SweepPrinter, logs: RunLog[], events: TrainingEvents, stop: AbortController,
  partial: SweepEpochs,
): Promise<void> {
  const threads = Math.min(parallel ?? availableParallelism(), toTrain.length);
  if (threads === 1) {
    for (const index of toTrain) {
      if (stop.signal.aborted) return;
      const sink: OutputSink = { interactive: output.interactive, write: (text) => printer.print(logs[index], text) };
      const onEpoch = (epoch: number, epochLogs: EpochLogs, seconds: number) => events.epochEnd(index, epoch, epochLogs, seconds);
      events.started(index);
      let history: History;
      try {
        history = await runExperiment(specs[index], settings, verbose > 0 ? sink : { interactive: false, write() {} }, onEpoch, stop.signal);
      } catch (error) {
        if (!(error instanceof TrainingInterrupted)) throw error;
        if (error.kept.history) partial.replace(index, error.kept.history);
        stop.abort();
        return;
      }
      // A run that ended by itself is whole, even when the Interrupt came during it.
      events.done(index, history);
    }
  } else if (threads > 1) {
    const jobs = toTrain.map((index) => ({ index, spec: specs[index], log: logs[index] }));
    await trainInWorkers(jobs, settings, threads, printer, events, stop.signal);
  }
}

/**
 * Trains every experiment (or takes it from the cache) and returns the
 * histories keyed by label, in the order of `configurations`; one with seeds trains once per seed
 * and returns their mean, each seed's history in its `seeds`.
 *
 * Jupyter's Interrupt (the kernel's `kernelInterrupt` event) stops it at once and it rejects with a
 * `TrainingInterrupted` whose `kept.runs` (also `interrupted().runs`) holds every run by label
 * (a seed's as "Adam (seed 2)"): finished runs whole (and in the cache), the others with the epochs they finished.
 */
export async function runExperiments(configurations: ExperimentSpec[], options: RunExperimentsOptions = {}): Promise<Record<string, History>> {
  checkLabels(configurations);
  // From here on, `specs` are the runs: a configuration with seeds is one run per seed.
  const { runs: specs, combine } = expandSeeds(configurations, options.seeds);
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
  const histories: (History | undefined)[] = specs.map(() => undefined);
  const logs = specs.map((spec) => new RunLog(spec.label));
  const printer = new SweepPrinter(output, logs, verbose);
  // Its notices (a read-only shared cache, a broken entry) go where the logs go, one line each.
  const cache = useCache ? new ResultsCache(options.cacheDir, (line) => printer.notice(line)) : undefined;
  const partial = new SweepEpochs(specs.length, settings);
  const training = new Set<number>();
  // From here on an Interrupt ends the output at once (while it is still this cell's) and stops the training.
  let chartShown = false;
  let outputEnded = false;
  const endOutput = () => {
    if (outputEnded) return;
    outputEnded = true;
    printer.finish();
    if (chartShown) chart?.finish(histories); // the last drawing: finished runs whole, stopped ones up to their last epoch
  };
  const stop = new AbortController();
  // A microtask, so that it runs after the other abort listeners: the workers are terminated first
  // (trainInWorkers), and the last drawing runs on cores that training no longer holds.
  stop.signal.addEventListener('abort', () => queueMicrotask(endOutput), { once: true });
  const stopListening = listenForInterrupt(() => stop.abort());
  const interruption = () => sweepInterrupted({
    labels: specs.map((spec) => spec.label), finished: histories, partial, cached: useCache,
    stopped: [...training].sort((a, b) => a - b).map((index) => stoppedAt(specs[index].label, partial.of(index), logs[index].progress)),
  });

  try {
    const backend = (await initBackend()).name;
    if (stop.signal.aborted) throw interruption();
    const keys = specs.map((spec) => cacheKeyFields(spec, settings, backend));
    const events: TrainingEvents = {
      started: (index) => training.add(index),
      failed: (index) => training.delete(index),
      epochEnd: (index, epoch, epochLogs, seconds) => {
        partial.epochEnd(index, epoch, epochLogs, seconds);
        chart?.epochEnd(index, epoch, epochLogs);
      },
      done: (index, history) => {
        training.delete(index);
        histories[index] = history;
        if (cache) {
          cache.set({
            key: cacheKey(keys[index]), label: specs[index].label, createdAt: new Date().toISOString(),
            keyedBy: keys[index], history, log: logs[index].lines,
          });
        }
      },
    };

    const toTrain: number[] = [];
    specs.forEach((spec, index) => {
      const entry = cache?.get(cacheKey(keys[index]), { snapshots: spec.snapshots });
      // A run asked to keep weight snapshots trains again when its entry has none.
      if (!entry || (spec.snapshots && !entry.history.snapshots)) return toTrain.push(index);
      histories[index] = entry.history;
      // Replay the stored log, so that a cached run reads like a fresh one.
      printer.print(logs[index], `${entry.history.epoch.length} epoch(s) from the results cache `
        + `(trained ${entry.createdAt}; DESCENT_LAB_FRESH=1 trains again). Its log:\n`
        + entry.log.map((line) => `${line}\n`).join(''));
    });

    chart?.start(histories);
    chartShown = true;
    await train(toTrain, specs, settings, options.parallel, verbose, output, printer, logs, events, stop, partial);
    // Had every run finished when the Interrupt came (the last one just before), the sweep is whole.
    if (stop.signal.aborted && histories.some((history) => !history)) throw interruption();
  } finally {
    stopListening();
    endOutput();
  }
  return combine(histories.map((history) => history!));
}
