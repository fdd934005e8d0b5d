/**
 * The site's folder is replaced as a whole on every build, so that no page of an older build stays
 * behind. Before anything is deleted, this makes sure the folder is one: a mistyped `--out` must
 * never remove the executed notebooks (the full course trains for minutes) or anything else.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../jupyter/paths';

function inside(folder: string, parent: string): boolean {
  const relative = path.relative(parent, folder);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Throws, naming the problem and the fix, unless `siteDir` may be replaced by a fresh build. */
export function checkSiteFolder(siteDir: string, keep: { executedDir: string; notebooksDir: string }): void {
  for (const [what, folder] of [['executed notebooks', keep.executedDir], ['notebooks', keep.notebooksDir], ['project', projectRoot]] as const) {
    if (inside(folder, siteDir)) {
      throw new Error(`The site's folder ${siteDir} holds the ${what} (${folder}), and a build replaces the whole folder: ` +
        'choose another --out, e.g. out/site.');
    }
  }
  if (!fs.existsSync(siteDir)) return;
  const entries = fs.readdirSync(siteDir);
  const isSite = entries.includes('index.html') && entries.includes('assets');
  if (entries.length > 0 && !isSite) {
    throw new Error(`${siteDir} is not empty and is not a site this command wrote (no index.html and assets/); ` +
      'a build replaces the whole folder, so choose an empty or new folder for --out.');
  }
}
