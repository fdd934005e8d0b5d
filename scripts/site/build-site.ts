/**
 * Builds the course website from the executed notebooks: runs the notebooks that are missing or
 * stale, then writes the shared assets, each notebook's downloads, its figures and its page, the
 * search index and the front page. The folder is replaced as a whole, so nothing stale stays.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JSDOM } from 'jsdom';
import { courseSettings } from '../../lib/settings';
import { readCells } from '../jupyter/notebook-runner';
import { notebooksInReadingOrder } from '../jupyter/paths';
import { notebookText, readNotebook, studentEdition } from '../student/student-edition';
import { writeAssets } from './assets';
import { extractFigures, mainChartIndex } from './figures';
import { hubLink } from './hub-link';
import { IndexEntry, indexPageHtml } from './index-page';
import { NavEntry } from './layout';
import { downloadPaths, notebookPageHtml } from './notebook-page';
import type { SiteOptions } from './options';
import { outline } from './outline';
import { renderCells } from './render-cells';
import { finalFiguresOf } from './results';
import { runStaleNotebooks } from './run-notebooks';
import { checkSiteFolder } from './site-folder';
import { SearchSection, searchIndexScript, searchSections } from './search-index';
import { withoutPlotlyLibrary } from './slim-notebook';

/** What was written, for the summary `npm run site` prints. */
export interface SiteSummary {
  pages: string[];
  /** Every file of the site with its size in bytes. */
  files: { file: string; bytes: number }[];
}

function write(siteDir: string, file: string, text: string): void {
  const target = path.join(siteDir, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
}

function listFiles(dir: string, prefix = ''): { file: string; bytes: number }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(prefix, entry.name);
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full, relative) : [{ file: relative, bytes: fs.statSync(full).size }];
  });
}

function runDescription(quick: boolean): string {
  const settings = courseSettings({ DESCENT_LAB_QUICK: quick ? '1' : '0' });
  const count = (n: number) => n.toLocaleString('en-US');
  return `${quick ? 'quick mode' : 'the full course'}: ${settings.epochs} epochs in batches of ${settings.batchSize}, ` +
    `${count(settings.trainSamples)} training and ${count(settings.testSamples)} test images`;
}

export function buildSite(options: SiteOptions): SiteSummary {
  const notebooks = notebooksInReadingOrder(options.notebooksDir);
  if (notebooks.length === 0) throw new Error(`No numbered notebook (01-*.ipynb) in ${options.notebooksDir}: nothing to publish.`);
  checkSiteFolder(options.siteDir, options);
  runStaleNotebooks(notebooks, { notebooksDir: options.notebooksDir, executedDir: options.executedDir, mode: options.quick ? 'quick' : 'full' });

  const siteDir = options.siteDir;
  fs.rmSync(siteDir, { recursive: true, force: true });
  fs.mkdirSync(siteDir, { recursive: true });
  writeAssets(siteDir);

  // The downloads first: the pages are rendered from the executed notebooks as they are offered.
  const names = notebooks.map((file) => path.basename(file, '.ipynb'));
  const executed = new Map(names.map((name) => [name, withoutPlotlyLibrary(readNotebook(path.join(options.executedDir, `${name}.ipynb`)))]));
  notebooks.forEach((file, i) => {
    const name = names[i];
    const files = downloadPaths(name);
    const instructor = readNotebook(file);
    write(siteDir, files.instructor, fs.readFileSync(file, 'utf8')); // as committed, byte for byte
    write(siteDir, files.student, notebookText(studentEdition(instructor, path.basename(file)).notebook));
    write(siteDir, files.executed, notebookText(executed.get(name)!));
  });
  const cells = renderCells(names.map((name) => path.join(siteDir, downloadPaths(name).executed)), path.join(siteDir, 'assets', 'notebook.css'));

  const sections: SearchSection[] = [];
  const pages = names.map((name) => {
    const dom = new JSDOM(`<!DOCTYPE html><body>${cells.get(name)}</body>`);
    const document = dom.window.document;
    const figures = extractFigures(document, name);
    for (const figure of figures) write(siteDir, figure.file, figure.svg);
    const pageOutline = outline(document, name);
    sections.push(...searchSections(document, `${name}.html`, pageOutline.shortTitle));
    const main = figures[mainChartIndex(executed.get(name)!)] ?? figures[0];
    return { name, outline: pageOutline, cells: document.body.innerHTML, main };
  });

  const nav: NavEntry[] = pages.map((page) => ({ page: `${page.name}.html`, shortTitle: page.outline.shortTitle }));
  for (const page of pages) {
    const link = options.hub ? hubLink(options.hub, `notebooks/${page.name}.ipynb`) : undefined;
    write(siteDir, `${page.name}.html`, notebookPageHtml({ name: page.name, outline: page.outline, cells: page.cells, hubLink: link }, nav));
  }
  const entries: IndexEntry[] = pages.map((page, i) => ({
    ...nav[i],
    title: page.outline.title,
    sentence: page.outline.sentence,
    thumbnail: page.main?.file,
    thumbnailAlt: page.main?.alt || `The main chart of ${page.outline.shortTitle}`,
    results: finalFiguresOf(readCells(path.join(siteDir, downloadPaths(page.name).executed))),
  }));
  write(siteDir, 'index.html', indexPageHtml({ entries, runDescription: runDescription(options.quick) }));
  write(siteDir, 'assets/search-index.js', searchIndexScript(sections));
  return { pages: ['index.html', ...nav.map((entry) => entry.page)], files: listFiles(siteDir) };
}
