/**
 * The packages a system install needs at run time: every top-level package of the lock file that is
 * not a dev dependency and is installed here (optional ones such as tfjs-node may be absent), as
 * paths relative to the project root (`node_modules/<name>` or `node_modules/@scope/<name>`).
 * Each is copied with its own nested node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface LockFile {
  packages: Record<string, { dev?: boolean; link?: boolean }>;
}

export function runtimePackages(root: string): string[] {
  const lockFile = path.join(root, 'package-lock.json');
  if (!fs.existsSync(lockFile)) throw new Error(`${lockFile} is missing; run \`npm ci\` in ${root} first.`);
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockFile;
  return Object.entries(lock.packages)
    .filter(([key]) => key.startsWith('node_modules/') && !key.slice('node_modules/'.length).includes('node_modules/'))
    .filter(([, entry]) => !entry.dev && !entry.link)
    .map(([key]) => key)
    .filter((key) => fs.existsSync(path.join(root, key)));
}
