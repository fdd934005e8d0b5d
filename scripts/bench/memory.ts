/**
 * Resident memory of this process. Worker threads live in the same process, so
 * both figures include them.
 *
 * - `readPeakRss` reads the kernel's high-water mark (`VmHWM` in /proc/self/status):
 *   the true peak, even of moments when the main thread was busy and could not sample.
 * - `RssSampler` polls `process.memoryUsage().rss` every 100 ms: a cross-check that
 *   also works where /proc does not exist, but only sees what happens while the
 *   main thread's event loop turns (it does during a sweep, whose training runs in workers).
 */
import { readFileSync } from 'node:fs';

export const MIB = 1024 * 1024;

/** Peak resident set size of this process in bytes, or undefined where /proc is missing. */
export function readPeakRss(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples `process.memoryUsage().rss` on a timer and keeps the largest value. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  /** The largest RSS seen so far, in bytes. */
  peak = process.memoryUsage().rss;

  /** Starts sampling every `intervalMs` milliseconds. Defaults to `100`. */
  start(intervalMs = 100): this {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }

  /** Stops sampling and returns the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}
