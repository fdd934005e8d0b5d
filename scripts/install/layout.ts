/**
 * What a system install's prefix holds, and the record that marks a folder as one:
 *
 *   <prefix>/install.json             the record: version, release, kernel spec folder, cache folder
 *   <prefix>/current -> releases/<id> the release in use (a symlink, swapped in one rename)
 *   <prefix>/releases/<id>/           package.json, build/lib, scripts/tslab-kernel.js + kernel/,
 *                                     notebooks/, student/ (student editions), node_modules/
 *
 * A kernel started from `current` resolves its real folder at start, so it keeps running on its
 * release when an upgrade swaps `current`; the previous release is kept for such kernels.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where `npm run install-system` installs when given no --prefix. */
export const defaultPrefix = '/opt/descent-lab';

export interface InstallRecord {
  name: 'descent-lab';
  version: string;
  /** The folder name under releases/ that `current` points to. */
  release: string;
  /** The kernel spec folder written (…/kernels/descent-lab-tslab). */
  kernelSpecDir: string;
  /** The shared results cache the kernel spec names (DESCENT_LAB_CACHE_DIR), if any. */
  cacheDir?: string;
  installedAt: string;
}

export const releasesDir = (prefix: string) => path.join(prefix, 'releases');
export const currentLink = (prefix: string) => path.join(prefix, 'current');
export const recordFile = (prefix: string) => path.join(prefix, 'install.json');
/** What the system kernel spec runs: through `current`, so an upgrade needs no new spec. */
export const installedLauncher = (prefix: string) => path.join(currentLink(prefix), 'scripts', 'tslab-kernel.js');

/** The prefix's record, or undefined when the folder is not a Descent Lab install. */
export function readRecord(prefix: string): InstallRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(recordFile(prefix), 'utf8')) as InstallRecord;
    return record.name === 'descent-lab' ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `contents` to `file` so that a reader sees the old file or the whole new one. */
export function writeFileAtomic(file: string, contents: string, mode = 0o644): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents, { mode });
  fs.chmodSync(temporary, mode);
  fs.renameSync(temporary, file);
}
