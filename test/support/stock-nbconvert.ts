/** `jupyter nbconvert --to html` as anyone would run it: stock template, no options. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** Converts `notebook` into `outDir`; returns the HTML file's path. */
export function stockHtmlExport(python: string, notebook: string, outDir: string, name = path.basename(notebook, '.ipynb')): string {
  const run = spawnSync(python, ['-m', 'nbconvert', '--to', 'html', '--output-dir', outDir, '--output', name, notebook], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`jupyter nbconvert --to html ${notebook} failed (${run.status}):\n${run.stderr}`);
  return path.join(outDir, `${name}.html`);
}
