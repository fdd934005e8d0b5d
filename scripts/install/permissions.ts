/** Making an installed tree usable by every user of the machine. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Adds read for all to every file and folder under `dir`, and execute (search) for all to folders and executables. */
export function makeWorldReadable(dir: string): void {
  const visit = (file: string): void => {
    const stat = fs.lstatSync(file);
    if (stat.isSymbolicLink()) return;
    const wanted = stat.mode | 0o444 | (stat.isDirectory() || stat.mode & 0o111 ? 0o111 : 0);
    if ((wanted & 0o7777) !== (stat.mode & 0o7777)) fs.chmodSync(file, wanted & 0o7777);
    if (stat.isDirectory()) for (const name of fs.readdirSync(file)) visit(path.join(file, name));
  };
  visit(dir);
}

/**
 * The first folder on the way to `file` (or the file itself) that other users cannot pass, or
 * undefined when every user can reach and run it: a node under /root (nvm) is useless to students.
 */
export function notReachableByAll(file: string): string | undefined {
  const parts = path.resolve(file).split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const at = path.sep + parts.slice(0, i).join(path.sep);
    if ((fs.statSync(at).mode & 0o001) === 0) return at;
  }
  return undefined;
}
