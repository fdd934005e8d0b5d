/**
 * A results cache for experiments: a finished run's history is stored under a
 * key made of everything that changes it - the spec (less its label), the
 * course settings, the data files' checksums, the backend and the library
 * version - so that a rerun, or another notebook asking for the same run,
 * gets it back at once.
 *
 * Where it lives: `DESCENT_LAB_CACHE_DIR` when set (a class's shared cache, which the instructor
 * fills once), else the user's own cache: `.cache/experiments` in a checkout of Descent Lab, or
 * `$XDG_CACHE_HOME/descent-lab/experiments` (`~/.cache/...`) for an installed library. A cache
 * folder the user cannot write is still read, and new runs go to the user's own cache, with one
 * line saying so. A cache that is missing or unreadable never fails a run, and an entry that
 * cannot be parsed is ignored with a line, so the run is trained again.
 *
 * Entries are written to a temporary file of their own and renamed into place, so a reader (or
 * another process writing the same entry at the same moment) sees a whole entry or none.
 * Set `DESCENT_LAB_FRESH=1` (or pass `cache: false`) to train afresh; delete the folder to forget.
 */
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { WeightSnapshots } from '../landscape/snapshots';
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
  /**
   * Where the history's weight snapshots are, when it has some: a file of raw float32 numbers beside
   * the entry (snapshot after snapshot), far smaller and faster than numbers in JSON.
   */
  snapshots?: { file: string; epochs: number[]; parameterCount: number };
}

/** The root of this package: a checkout, or a release of a system install. */
const PACKAGE_ROOT = resolve(__dirname, '../../..');

const READ_ONLY = 'is read-only for you';

/**
 * Why this user cannot store entries in `dir`, or undefined when they can (when it does not exist
 * yet, the nearest existing folder above it decides, as it is created on the first write).
 */
export function cannotWrite(dir: string): string | undefined {
  let existing = resolve(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) return `is not a folder (${existing} is a file)`;
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
    return undefined;
  } catch {
    return READ_ONLY;
  }
}

/** Whether this user can list and read `dir` (a folder that does not exist reads as empty). */
function canRead(dir: string): boolean {
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * The user's own cache: `.cache/experiments` in a checkout (the package root holds the sources,
 * lib/index.ts, and this user may write there), else `$XDG_CACHE_HOME/descent-lab/experiments`.
 */
export function ownCacheDir(): string {
  const inCheckout = join(PACKAGE_ROOT, '.cache', 'experiments');
  if (existsSync(join(PACKAGE_ROOT, 'lib', 'index.ts')) && !cannotWrite(inCheckout)) return inCheckout;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'descent-lab', 'experiments');
}

/** `DESCENT_LAB_CACHE_DIR`, else the user's own cache. */
export function defaultCacheDir(): string {
  return process.env.DESCENT_LAB_CACHE_DIR || ownCacheDir();
}

/** Lines already printed by this process, so that each is said once (not at every cell). */
const said = new Set<string>();

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

/** Where a cache's one-line notices go: the sweep's output, or the console. */
export type CacheNotice = (line: string) => void;

export class ResultsCache {
  /** Where new entries are written; undefined when this user can write no cache at all. */
  readonly dir: string | undefined;
  /** Where entries are looked up, in order: the named cache, then (when that is read-only) the user's own. */
  readonly readDirs: string[];

  constructor(dir: string = defaultCacheDir(), private readonly notice: CacheNotice = (line) => console.log(line)) {
    const problem = cannotWrite(dir);
    if (!problem) {
      this.dir = dir;
      this.readDirs = [dir];
      return;
    }
    const own = ownCacheDir();
    this.dir = own !== dir && !cannotWrite(own) ? own : undefined;
    const readable = problem === READ_ONLY && canRead(dir);
    this.readDirs = [...(readable ? [dir] : []), ...(this.dir ? [this.dir] : [])];
    const why = readable ? `${problem}; its runs are read from it, and` : `${problem === READ_ONLY ? 'cannot be read by you' : problem};`;
    const where = this.dir ? `new runs are stored in ${this.dir}` : `new runs are not stored (${own} cannot be written either)`;
    const line = `results cache: ${dir} ${why} ${where}`;
    // A shared cache that is read, only read: said when a new run is stored (a student replaying says nothing).
    if (readable) this.onFirstStore = line;
    else this.once(line);
  }

  /** The line to say when the first new run is stored, if any. */
  private onFirstStore: string | undefined;

  private once(line: string): void {
    if (said.has(line)) return;
    said.add(line);
    this.notice(line);
  }

  /**
   * The stored entry, or undefined when there is none or it cannot be read (said in one line, except
   * for a plain miss). With `snapshots`, its history carries the weight snapshots when they were
   * stored and can be read whole; without, never (they are 6 MB a course run, read only when asked for).
   */
  get(key: string, { snapshots = false } = {}): CacheEntry | undefined {
    for (const dir of this.readDirs) {
      const file = join(dir, `${key}.json`);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') this.once(`results cache: cannot read ${dir} (${code}); its runs are trained again`);
        continue;
      }
      const entry = parseEntry(text, key);
      if (entry) {
        if (snapshots && entry.snapshots) {
          const stored = readSnapshots(dir, entry.snapshots);
          if (stored) entry.history.snapshots = stored;
        }
        return entry;
      }
      this.notice(`results cache: ignoring ${file}, which is not a whole entry; the run is trained again`);
    }
    return undefined;
  }

  /**
   * Stores an entry atomically: a reader sees the old file or the whole new one. A cache that
   * cannot be written loses the entry, not the run: one line says so and training goes on.
   */
  set(entry: CacheEntry): void {
    if (this.onFirstStore) this.once(this.onFirstStore);
    this.onFirstStore = undefined;
    if (!this.dir) return;
    const dir = this.dir;
    // Weight snapshots go to a file of their own, written before the entry that names it.
    const { snapshots, ...history } = entry.history;
    const stored: CacheEntry = { ...entry, history };
    const files: [string, string | Uint8Array][] = [];
    if (snapshots) {
      stored.snapshots = { file: `${entry.key}.weights.f32`, epochs: snapshots.epochs, parameterCount: snapshots.parameterCount };
      files.push([join(dir, stored.snapshots.file), new Uint8Array(snapshots.data.buffer, snapshots.data.byteOffset, snapshots.data.byteLength)]);
    }
    files.push([join(dir, `${entry.key}.json`), JSON.stringify(stored)]);
    for (const [file, contents] of files) {
      // Unique per process, thread and call: two writers of the same entry never share a temporary file.
      const temporary = `${file}.${process.pid}-${threadId}-${randomBytes(4).toString('hex')}.tmp`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(temporary, contents);
        renameSync(temporary, file);
      } catch (error) {
        try {
          rmSync(temporary, { force: true });
        } catch {
          // the folder itself is gone or not a folder: no temporary file was left in it
        }
        this.once(`results cache: cannot store runs in ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); they are not cached`);
        return;
      }
    }
  }
}

/** The weight snapshots an entry in `dir` names, or undefined when their file is missing or cut short. */
function readSnapshots(dir: string, { file, epochs, parameterCount }: NonNullable<CacheEntry['snapshots']>): WeightSnapshots | undefined {
  try {
    const bytes = readFileSync(join(dir, file));
    if (bytes.length !== epochs.length * parameterCount * 4) return undefined; // as if absent: the run trains again
    // Copied into a buffer of its own: Buffer's memory may be shared and misaligned for float32.
    const data = new Float32Array(epochs.length * parameterCount);
    new Uint8Array(data.buffer).set(bytes);
    return { epochs, parameterCount, data };
  } catch {
    return undefined;
  }
}

/** The entry in `text` when it is a whole one for `key`, else undefined. */
function parseEntry(text: string, key: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(text) as CacheEntry;
    return entry?.key === key && Array.isArray(entry.history?.epoch) && Array.isArray(entry.log) ? entry : undefined;
  } catch {
    return undefined;
  }
}
