/**
 * How much slower an epoch gets when the sweep trains runs side by side: two
 * worker threads share the memory bus and the caches of a 2-core machine, so
 * "14 runs / 2 cores" would promise too much without this factor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiments } from '../../lib';
import type { EpochTiming } from './epoch-timing';
import { median } from './stats';

export interface ParallelTiming {
  /** Runs trained at once, one per worker thread. */
  workers: number;
  /** Last-epoch seconds of the SGD and the Adam run when trained side by side. */
  epochSeconds: { SGD: number; Adam: number };
  /** Side-by-side epoch over the same epoch alone, the median of the two optimizers. */
  slowdown: number;
}

/**
 * Trains an SGD and an Adam run at once through `runExperiments` (no cache), two
 * epochs each - the first warms the worker up - and compares the second epochs
 * with the single-thread timings.
 */
export async function timeSideBySide(alone: { SGD: EpochTiming; Adam: EpochTiming }, trainSamples: number, testSamples: number): Promise<ParallelTiming> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'descent-lab-bench-'));
  try {
    const histories = await runExperiments([
      { label: 'SGD', optimizer: 'SGD' },
      { label: 'Adam', optimizer: 'Adam' },
    ], { epochs: 2, trainSamples, testSamples, cache: false, cacheDir, verbose: 0, parallel: 2 });
    const last = (label: 'SGD' | 'Adam') => histories[label].epochSeconds[histories[label].epochSeconds.length - 1];
    const epochSeconds = { SGD: last('SGD'), Adam: last('Adam') };
    return {
      workers: 2,
      epochSeconds,
      slowdown: median([epochSeconds.SGD / alone.SGD.epochMedian, epochSeconds.Adam / alone.Adam.epochMedian]),
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
