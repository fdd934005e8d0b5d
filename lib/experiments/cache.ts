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
import { join, resolve } from 'node:path';
import { MNIST_SHA256 } from '../data';
import type { CourseSettings } from '../settings';
import type { History } from '../training/history';
import { resultFields, runSettings, type ExperimentSpec } from './spec';

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
}

export function defaultCacheDir(): string {
  return process.env.DESCENT_LAB_CACHE_DIR || resolve(__dirname, '../../../.cache/experiments');
}

/** What the result of `spec` under `settings` on `backend` depends on. */
export function cacheKeyFields(spec: ExperimentSpec, sweepSettings: CourseSettings, backend: string): Record<string, unknown> {
  const settings = runSettings(spec, sweepSettings); // a seed run of seed 1 is the plain run of seed 1
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

  /** The stored entry, or undefined when there is none or it cannot be read. */
  get(key: string): CacheEntry | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.path(key), 'utf8')) as CacheEntry;
      return entry.key === key && Array.isArray(entry.history?.epoch) && Array.isArray(entry.log) ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores an entry atomically: a reader sees the old file or the whole new one. */
  set(entry: CacheEntry): void {
    mkdirSync(this.dir, { recursive: true });
    const temporary = `${this.path(entry.key)}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, JSON.stringify(entry));
    renameSync(temporary, this.path(entry.key));
  }
}
