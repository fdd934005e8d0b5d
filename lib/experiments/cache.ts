/**
 * A results cache for experiments: a finished run's history is stored under a
 * key made of everything that changes it - the spec (less its label), the
 * course settings, the data files' checksums, the backend and the library
 * version - so that a rerun, or another notebook asking for the same run,
 * gets it back at once. Entries are written to a temporary file and renamed
 * into place, so an interrupted run never leaves a half-written entry.
 *
 * The cache lives in `.cache/experiments` at the project root, or in
 * `DESCENT_LAB_CACHE_DIR`. Set `DESCENT_LAB_FRESH=1` (or pass `cache: false`)
 * to train afresh; delete the folder to forget every entry.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { WeightSnapshots } from '../landscape/snapshots';
import { join, resolve } from 'node:path';
import { MNIST_SHA256 } from '../data';
import type { CourseSettings } from '../settings';
import type { History } from '../training/history';
import { resultFields, type ExperimentSpec } from './spec';

/**
 * Bump when the stored format or the training semantics change. 4: Keras's renormalizing loss
 * (dropout after the softmax trains differently) and denormals flushed to zero.
 */
const CACHE_FORMAT = 4;

const LIBRARY_VERSION: string = require('../../../package.json').version;

export interface CacheEntry {
  key: string;
  label: string;
  createdAt: string;
  /** Everything the key was made from, for a person reading the file. */
  keyedBy: Record<string, unknown>;
  history: History;
  /** The run's log, line by line, replayed when the entry is served. */
  log: string[];
  /**
   * Where the history's weight snapshots are, when it has some: a file of raw float32 numbers beside
   * the entry (snapshot after snapshot), far smaller and faster than numbers in JSON.
   */
  snapshots?: { file: string; epochs: number[]; parameterCount: number };
}

export function defaultCacheDir(): string {
  return process.env.DESCENT_LAB_CACHE_DIR || resolve(__dirname, '../../../.cache/experiments');
}

/** What the result of `spec` under `settings` on `backend` depends on. */
export function cacheKeyFields(spec: ExperimentSpec, settings: CourseSettings, backend: string): Record<string, unknown> {
  return {
    format: CACHE_FORMAT,
    library: LIBRARY_VERSION,
    backend,
    spec: resultFields(spec),
    settings: {
      epochs: settings.epochs, batchSize: settings.batchSize, trainSamples: settings.trainSamples,
      testSamples: settings.testSamples, dataset: settings.dataset, seed: settings.seed,
    },
    data: MNIST_SHA256[settings.dataset],
  };
}

export function cacheKey(fields: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32);
}

export class ResultsCache {
  constructor(readonly dir: string = defaultCacheDir()) {}

  private path(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  /**
   * The stored entry, or undefined when there is none or it cannot be read. With `snapshots`, its
   * history carries the weight snapshots when they were stored and can be read whole; without, never
   * (they are 6 MB a course run, read only by whoever asks).
   */
  get(key: string, { snapshots = false } = {}): CacheEntry | undefined {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(readFileSync(this.path(key), 'utf8')) as CacheEntry;
    } catch {
      return undefined;
    }
    if (entry.key !== key || !Array.isArray(entry.history?.epoch) || !Array.isArray(entry.log)) return undefined;
    if (snapshots && entry.snapshots) {
      const stored = this.readSnapshots(entry.snapshots);
      if (stored) entry.history.snapshots = stored;
    }
    return entry;
  }

  private readSnapshots({ file, epochs, parameterCount }: NonNullable<CacheEntry['snapshots']>): WeightSnapshots | undefined {
    try {
      const bytes = readFileSync(join(this.dir, file));
      if (bytes.length !== epochs.length * parameterCount * 4) return undefined; // cut short: as if absent
      // Copied into a buffer of its own: Buffer's memory may be shared and misaligned for float32.
      const data = new Float32Array(epochs.length * parameterCount);
      new Uint8Array(data.buffer).set(bytes);
      return { epochs, parameterCount, data };
    } catch {
      return undefined;
    }
  }

  /**
   * Stores an entry atomically: a reader sees the old file or the whole new one. Weight snapshots in
   * its history go to a file of their own, written first, so that an entry never names a missing one.
   */
  set(entry: CacheEntry): void {
    mkdirSync(this.dir, { recursive: true });
    const { snapshots, ...history } = entry.history;
    const stored: CacheEntry = { ...entry, history };
    if (snapshots) {
      const file = `${entry.key}.weights.f32`;
      this.writeAtomically(join(this.dir, file), new Uint8Array(snapshots.data.buffer, snapshots.data.byteOffset, snapshots.data.byteLength));
      stored.snapshots = { file, epochs: snapshots.epochs, parameterCount: snapshots.parameterCount };
    }
    this.writeAtomically(this.path(entry.key), JSON.stringify(stored));
  }

  private writeAtomically(path: string, contents: string | Uint8Array): void {
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, contents);
    renameSync(temporary, path);
  }
}
