/**
 * Keras's progress bar for `verbose: 1`:
 *
 *     Epoch 7/50
 *     60000/60000 [==============================] - 3s 52us/sample - loss: 0.2967 - acc: 0.9157 - val_loss: ...
 *
 * While an epoch runs, the bar redraws in place with a carriage return, which
 * both terminals and Jupyter's stream output honour; where output is neither
 * (a pipe, a CI log), only the finished line of each epoch is printed.
 */
import { formatMetric } from './format';

/** Where training output goes: stdout by default, a worker's message port in a sweep. */
export interface OutputSink {
  write(text: string): void;
  /** Whether redrawing a line with '\r' shows as an update rather than as clutter. */
  readonly interactive: boolean;
}

/** True inside a Jupyter kernel (tslab sets these for its child process). */
function inJupyter(): boolean {
  return Boolean(process.env.JPY_PARENT_PID || process.env.JPY_SESSION_NAME || (globalThis as { $$mime$$?: unknown }).$$mime$$);
}

export const stdoutSink: OutputSink = {
  write: (text) => { process.stdout.write(text); },
  get interactive() { return Boolean(process.stdout.isTTY) || inJupyter(); },
};

const BAR_WIDTH = 30;
/** Redraws closer together than this are skipped: Keras uses 50 ms; Jupyter prefers fewer. */
const REDRAW_INTERVAL_MS = 250;

function bar(done: number, total: number): string {
  const width = Math.floor((BAR_WIDTH * done) / total);
  let fill = width > 0 ? '='.repeat(width - 1) + (done < total ? '>' : '=') : '';
  fill += '.'.repeat(BAR_WIDTH - fill.length);
  return `${String(done).padStart(String(total).length)}/${total} [${fill}]`;
}

function perSample(seconds: number, samples: number): string {
  const unit = seconds / Math.max(samples, 1);
  if (unit >= 1) return `${unit.toFixed(0)}s/sample`;
  if (unit >= 1e-3) return `${(unit * 1e3).toFixed(0)}ms/sample`;
  return `${(unit * 1e6).toFixed(0)}us/sample`;
}

function metrics(logs: Record<string, number>): string {
  return Object.entries(logs).map(([key, value]) => ` - ${key}: ${formatMetric(value)}`).join('');
}

/** One epoch's progress bar. */
export class EpochProgress {
  private readonly start = performance.now();
  private lastDraw = 0;

  constructor(private readonly sink: OutputSink, private readonly total: number) {}

  /** Redraws the bar if enough time has passed; cheap to call after every batch. */
  update(done: number, logs: Record<string, number>): void {
    if (!this.sink.interactive) return;
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = now;
    const elapsed = (now - this.start) / 1000;
    const eta = done > 0 ? Math.round((elapsed / done) * (this.total - done)) : 0;
    this.sink.write(`\r${bar(done, this.total)} - ETA: ${eta}s${metrics(logs)}`);
  }

  /** Prints the finished line with the epoch's metrics, including the validation ones. */
  finish(logs: Record<string, number>): void {
    const seconds = (performance.now() - this.start) / 1000;
    const line = `${bar(this.total, this.total)} - ${seconds.toFixed(0)}s ${perSample(seconds, this.total)}${metrics(logs)}`;
    this.sink.write(this.sink.interactive ? `\r${line}\n` : `${line}\n`);
  }
}
