/**
 * `npm run site`: publishes the course as one static website in out/site/ (scripts/site/ is this
 * surface): a front page, one page per notebook with navigation, contents, downloads (instructor
 * notebook, student edition, executed notebook) and, when a hub is configured, an "Open in
 * JupyterHub" link; search in the browser; plotly.js and MathJax once in assets/. It works from
 * file:// and from any static web server, and no page asks anything of another host.
 *
 * Usage: see `usage` in options.ts (`npm run site -- --quick`, `--hub URL`, `--out DIR`, ...).
 */
import * as path from 'node:path';
import { buildSite } from './build-site';
import { parseSiteArgs } from './options';

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

function main(): void {
  const options = parseSiteArgs(process.argv.slice(2));
  const summary = buildSite(options);
  const total = summary.files.reduce((sum, file) => sum + file.bytes, 0);
  const pages = summary.files.filter((file) => summary.pages.includes(file.file)).sort((a, b) => b.bytes - a.bytes);
  console.log(`\nThe course website is in ${path.relative(process.cwd(), options.siteDir) || '.'}/ ` +
    `(${summary.files.length} files, ${megabytes(total)}); open index.html in a browser.`);
  for (const page of pages) console.log(`  ${page.file.padEnd(36)} ${megabytes(page.bytes)}`);
  if (!options.hub) console.log('No hub configured: pages have no "Open in JupyterHub" link (see --hub).');
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
