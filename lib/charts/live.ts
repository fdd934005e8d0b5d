/**
 * A chart that grows while it is drawn: one notebook display, shown once and then replaced in
 * place (`update_display_data` with its display id), so a training cell shows its curves epoch by
 * epoch and ends with one finished chart, static fallback included, in the saved notebook.
 */
import { randomBytes } from 'node:crypto';
import { chartBundle, MimeBundle } from './bundle';
import { KernelWriter } from './kernel';
import { ChartOptions } from './options';
import { Series } from './series';
import { ensurePlotlyShown } from './show';

/** What a live chart draws and how often. Every field is optional. */
export interface LiveChartOptions extends ChartOptions {
  /** The history metric drawn per run, e.g. `'acc'`. Defaults to `'val_acc'` (accuracy on the test set). */
  metric?: string;
  /** The shortest time between two redraws, in ms. Defaults to `1000`: redrawing costs the kernel and the browser. */
  minIntervalMs?: number;
}

/** Shown until the first epoch ends, when there is nothing to draw yet (and kept if none ever did). */
function pendingBundle(names: readonly string[], finished: boolean): MimeBundle {
  const text = finished ? `No epoch of ${names.join(', ')} finished, so there is no chart to draw.`
    : `Training ${names.join(', ')}: the chart appears when the first epoch ends.`;
  return { data: { 'text/html': `<div class="descent-lab-chart-pending">${text.replace(/</g, '&lt;')}</div>`, 'text/plain': text }, metadata: {} };
}

export class LiveChart {
  /** The display id every update replaces. */
  readonly displayId = randomBytes(8).toString('hex');
  /** How many `update_display_data` messages were sent. */
  updates = 0;
  private lastDraw = 0;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  /**
   * `series()` gives the current lines (a line without points yet is left out); `names` are all
   * the lines to come, for the text shown before the first point.
   */
  constructor(
    private readonly write: KernelWriter,
    private readonly names: readonly string[],
    private readonly series: () => Series[],
    private readonly options: ChartOptions = {},
    private readonly minIntervalMs = 1000,
  ) {
    if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) {
      throw new Error(`liveChart.minIntervalMs must be a number of milliseconds >= 0; got ${minIntervalMs}.`);
    }
  }

  /** The lines with points so far (a line without points yet is left out). */
  private lines(): Series[] {
    return this.series().filter((line) => line.y.length > 0);
  }

  /** What to show now: the chart, or the pending text while no line has a point. */
  private drawing(): MimeBundle {
    const lines = this.lines();
    return lines.length > 0 ? chartBundle(lines, this.options) : pendingBundle(this.names, this.finished);
  }

  /** Shows the chart as it is now (cached runs whole, the rest empty). */
  start(): void {
    const drawing = this.drawing(); // first, so a bad option throws before anything is shown
    ensurePlotlyShown(this.write);
    this.show(drawing, false);
  }

  /** Asks for a redraw: at once when the last is `minIntervalMs` old, else once it is. */
  update(): void {
    if (this.finished || this.timer) return;
    const wait = this.lastDraw + this.minIntervalMs - performance.now();
    if (wait <= 0) {
      this.redraw();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.finished) this.redraw();
    }, wait);
    this.timer.unref();
  }

  /** The last redraw, with the finished lines; later updates are ignored. */
  finish(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.finished = true;
    this.redraw();
  }

  private redraw(): void {
    this.show(this.drawing(), true);
    this.updates++;
  }

  private show(bundle: MimeBundle, update: boolean): void {
    this.write(bundle, this.displayId, update);
    this.lastDraw = performance.now();
  }
}
