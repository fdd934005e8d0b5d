/**
 * The live chart of a sweep: each run's metric so far, one line per run, drawn into the running
 * tslab cell and updated in place as epochs finish (cached runs are whole from the start).
 */
import { kernelWriter, LiveChart, resolveChartOptions, type LiveChartOptions } from '../charts';
import type { EpochLogs } from '../training/callbacks';
import type { History } from '../training/history';

/** The metrics a run's history holds, and what a chart of each is called. */
const METRICS: Record<string, { title: string; yLabel: string }> = {
  val_acc: { title: 'accuracy on test, while training', yLabel: 'accuracy' },
  acc: { title: 'accuracy on train, while training', yLabel: 'accuracy' },
  val_loss: { title: 'loss on test, while training', yLabel: 'loss' },
  loss: { title: 'loss on train, while training', yLabel: 'loss' },
  lr: { title: 'learning rate, while training', yLabel: 'learning rate' },
};

export class SweepChart {
  private readonly curves: number[][];
  private readonly live: LiveChart;

  constructor(labels: string[], private readonly metric: string, chart: LiveChartFactory) {
    this.curves = labels.map(() => []);
    this.live = chart(labels, () => labels.map((name, i) => ({ name, y: this.curves[i] })));
  }

  /** Draws the runs that are already whole (from the cache) at once. */
  start(histories: (History | undefined)[]): void {
    histories.forEach((history, i) => { if (history) this.curves[i] = [...(history.history[this.metric] ?? [])]; });
    this.live.start();
  }

  /** Adds run `index`'s figure for `epoch` and asks for a redraw. */
  epochEnd(index: number, epoch: number, logs: EpochLogs): void {
    const value = logs[this.metric];
    if (value === undefined) return;
    this.curves[index][epoch] = value;
    this.live.update();
  }

  /** The finished chart, from the runs' histories (early-stopped runs end where they stopped). */
  finish(histories: (History | undefined)[]): void {
    histories.forEach((history, i) => { if (history) this.curves[i] = [...(history.history[this.metric] ?? [])]; });
    this.live.finish();
  }

  get updates(): number {
    return this.live.updates;
  }
}

type LiveChartFactory = (names: string[], series: () => { name: string; y: number[] }[]) => LiveChart;

/**
 * The sweep's live chart, or undefined when there is none: `option` false, no tslab kernel
 * running (an error if `option` asked for one), or `verbose` 0 with `option` left out.
 */
export function sweepChart(labels: string[], option: LiveChartOptions | false | undefined, verbose: number): SweepChart | undefined {
  if (option === false || (option === undefined && verbose === 0)) return undefined;
  // Check the options first, so a mistake is reported wherever the code runs.
  const { metric = 'val_acc', minIntervalMs = 1000, ...chartOptions } = option ?? {};
  const known = METRICS[metric];
  if (!known) {
    throw new Error(`runExperiments: liveChart.metric must be one of ${Object.keys(METRICS).join(', ')}; got ${JSON.stringify(metric)}.`);
  }
  if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) {
    throw new Error(`runExperiments: liveChart.minIntervalMs must be a number of milliseconds >= 0; got ${minIntervalMs}.`);
  }
  const given = Object.fromEntries(Object.entries(chartOptions).filter(([, value]) => value !== undefined));
  const options = { title: known.title, yLabel: known.yLabel, ...given };
  resolveChartOptions(options); // a bad size or domain fails now, not after training
  const write = kernelWriter();
  if (!write) {
    if (option === undefined) return undefined;
    throw new Error('runExperiments: liveChart draws into a Jupyter notebook run by the tslab kernel, and none is running here; ' +
      'leave liveChart out (or pass liveChart: false) outside a notebook.');
  }
  return new SweepChart(labels, metric, (names, series) => new LiveChart(write, names, series, options, minIntervalMs));
}
