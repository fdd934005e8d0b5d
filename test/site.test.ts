/**
 * The course website (`npm run site`), built once in quick mode from nothing: the notebooks run
 * first (exactly as `npm start -- --quick`), then the site is written with a hub configured. Every
 * page is then opened from file:// in headless Chromium, as a reader would, with every request
 * that is not file:, data:, blob: or to 127.0.0.1 (the static-server check) recorded and refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { courseNotebooks, notebooksDir, notebooksInReadingOrder, projectRoot } from '../scripts/jupyter/paths';
import { staleReason } from '../scripts/site/freshness';
import { cloneFolder } from '../scripts/site/hub-link';
import { notebookPageHtml } from '../scripts/site/notebook-page';
import { parseSiteArgs } from '../scripts/site/options';
import { checkSiteFolder } from '../scripts/site/site-folder';
import { launchBrowser, offlineContext, OfflineContext } from './support/offline-browser';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-site-'));
const siteDir = path.join(workDir, 'site');
const hub = { url: 'https://hub.example.edu', repo: 'https://github.com/example/descent-lab.git', branch: 'main' };
const names = courseNotebooks().map((file) => path.basename(file, '.ipynb'));
const notebookPages = names.map((name) => `${name}.html`);
const allPages = ['index.html', ...notebookPages];
const MB = 1e6;

let build: { status: number | null; output: string };
let browser: Browser;
let online: OfflineContext;

/** What a reader's browser (scripts on) shows of one page, taken in one visit. */
interface Visit {
  ids: Set<string>;
  /** Every URL the page refers to (links, pictures, scripts, stylesheets), as written in its HTML. */
  references: { tag: string; url: string }[];
  sidebar: string[];
  current: string | null;
  previous: string[];
  next: string[];
  tocEntries: number;
  /** For each chart: whether plotly.js drew it (a visible chart with its SVG). */
  charts: boolean[];
  formulas: number;
  /** Rendered-markdown text still holding `$...$`: formulas MathJax left raw. */
  rawMath: string[];
  downloads: string[];
  hubLinks: string[];
}
const visits = new Map<string, Visit>();

function siteUrl(file: string): string {
  return pathToFileURL(path.join(siteDir, file)).href;
}

async function open(file: string, context = online): Promise<Page> {
  const page = await context.context.newPage();
  await page.goto(siteUrl(file), { waitUntil: 'load' });
  return page;
}

async function visit(file: string): Promise<Visit> {
  const page = await open(file);
  try {
    await page.evaluate(() => (window as unknown as { MathJax?: { startup?: { promise?: Promise<void> } } }).MathJax?.startup?.promise);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.descent-lab-chart'))
      .every((chart) => chart.querySelector('.js-plotly-plot .main-svg')), undefined, { timeout: 120_000 }).catch(() => undefined);
    return await page.evaluate(() => {
      const hrefs = (selector: string) => Array.from(document.querySelectorAll(selector)).map((a) => a.getAttribute('href')!);
      return {
        ids: Array.from(document.querySelectorAll('[id]')).map((el) => el.id),
        references: Array.from(document.querySelectorAll('a[href], img[src], script[src], link[href]')).map((el) => ({
          tag: el.tagName.toLowerCase(),
          url: el.getAttribute(el.tagName === 'A' || el.tagName === 'LINK' ? 'href' : 'src')!,
        })),
        sidebar: hrefs('.site-pages a'),
        current: document.querySelector('.site-pages a[aria-current="page"]')?.getAttribute('href') ?? null,
        previous: hrefs('a[rel="prev"]'),
        next: hrefs('a[rel="next"]'),
        tocEntries: document.querySelectorAll('.site-toc li').length,
        charts: Array.from(document.querySelectorAll('.descent-lab-chart')).map((chart) => {
          const plot = chart.querySelector<HTMLElement>('.js-plotly-plot');
          return Boolean(plot?.querySelector('.main-svg') && plot.getBoundingClientRect().height > 100);
        }),
        formulas: document.querySelectorAll('mjx-container').length,
        rawMath: Array.from(document.querySelectorAll<HTMLElement>('.jp-MarkdownOutput')).flatMap((el) => el.innerText.match(/\$[^$\n]+\$/g) ?? []),
        downloads: hrefs('.site-tools a[download]'),
        hubLinks: hrefs('a.site-hub'),
      };
    }).then((seen) => ({ ...seen, ids: new Set(seen.ids) }));
  } finally {
    await page.close();
  }
}

before(async () => {
  const run = spawnSync(process.execPath, [
    path.join(projectRoot, 'build', 'scripts', 'site', 'main.js'),
    '--quick', '--from', path.join(workDir, 'executed'), '--out', siteDir,
    '--hub', hub.url, '--repo', hub.repo, '--branch', hub.branch,
  ], { encoding: 'utf8', env: { ...process.env, DESCENT_LAB_CACHE_DIR: path.join(workDir, 'cache') }, maxBuffer: 64 * MB });
  build = { status: run.status, output: `${run.stdout}\n${run.stderr}` };
  browser = await launchBrowser();
  online = await offlineContext(browser);
  if (run.status !== 0) return;
  for (const file of allPages) visits.set(file, await visit(file));
});

after(async () => {
  await browser?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('the site\'s parts: reading order, hub link, options, folder', () => {
  it('puts listed notebooks in reading order, then unlisted numbered ones in file order', () => {
    const dir = fs.mkdtempSync(path.join(workDir, 'order-'));
    for (const name of ['01-optimizers', '02-learning-rate-schedules', '03-regularization', '04-trajectories', '05-landscape', '06-extra', '07-more']) {
      fs.writeFileSync(path.join(dir, `${name}.ipynb`), '{}');
    }
    fs.writeFileSync(path.join(dir, 'scratch.ipynb'), '{}');
    assert.deepEqual(notebooksInReadingOrder(dir).map((file) => path.basename(file, '.ipynb')), [
      '01-optimizers', '05-landscape', '04-trajectories', '02-learning-rate-schedules', '03-regularization', '06-extra', '07-more',
    ]);
  });

  it('names the folder nbgitpuller clones into after the repository', () => {
    assert.equal(cloneFolder('https://github.com/example/descent-lab.git'), 'descent-lab');
    assert.equal(cloneFolder('https://gitlab.example.edu/course/optimizers/'), 'optimizers');
    assert.equal(cloneFolder('git@github.com:example/descent-lab.git'), 'descent-lab');
  });

  it('adds the hub link only when a hub is configured, and says what is missing when the repository is not', () => {
    assert.equal(parseSiteArgs([], {}).hub, undefined);
    assert.deepEqual(parseSiteArgs(['--hub', 'https://hub.example.edu/hub/', '--repo', hub.repo], {}).hub,
      { url: 'https://hub.example.edu', repo: hub.repo, branch: 'main' });
    assert.deepEqual(parseSiteArgs([], { DESCENT_LAB_HUB_URL: 'https://hub.example.edu', DESCENT_LAB_REPO_URL: hub.repo, DESCENT_LAB_REPO_BRANCH: 'fall' }).hub,
      { url: 'https://hub.example.edu', repo: hub.repo, branch: 'fall' });
    assert.throws(() => parseSiteArgs(['--hub', 'hub.example.edu', '--repo', hub.repo], {}), /must start with http/);
    const page = { name: '01-optimizers', outline: { title: 'One', shortTitle: 'One', sentence: '', headings: [] }, cells: '<p>cells</p>' };
    const nav = [{ page: '01-optimizers.html', shortTitle: 'One' }];
    assert.doesNotMatch(notebookPageHtml(page, nav), /site-hub|git-pull/);
    assert.match(notebookPageHtml({ ...page, hubLink: 'https://hub.example.edu/hub/user-redirect/git-pull?repo=x' }, nav), /class="site-hub"/);
  });

  it('refuses to replace a folder that is not a site, or one that holds the notebooks', () => {
    const keep = { executedDir: path.join(workDir, 'out'), notebooksDir };
    assert.throws(() => checkSiteFolder(workDir, keep), /holds the executed notebooks/);
    assert.throws(() => checkSiteFolder(projectRoot, keep), /holds the notebooks/);
    const other = fs.mkdtempSync(path.join(workDir, 'other-'));
    fs.writeFileSync(path.join(other, 'thesis.tex'), '');
    assert.throws(() => checkSiteFolder(other, keep), /not a site this command wrote/);
    assert.doesNotThrow(() => checkSiteFolder(path.join(workDir, 'new-site'), keep));
  });
});

describe('npm run site', () => {
  it('builds the site from freshly run notebooks', () => {
    assert.equal(build.status, 0, build.output.slice(-3000));
    assert.match(build.output, /Running .*not run yet/, 'the missing notebooks ran first');
    for (const page of allPages) assert.ok(fs.existsSync(path.join(siteDir, page)), `${page} was written`);
  });

  it('keeps each page under 1.5 MB and the whole site under 15 MB, with plotly.js and MathJax once in assets/', () => {
    const sizes = new Map<string, number>();
    const walk = (dir: string): void => fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else sizes.set(path.relative(siteDir, full), fs.statSync(full).size);
    });
    walk(siteDir);
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    assert.ok(total <= 15 * MB, `the site is ${(total / MB).toFixed(2)} MB`);
    for (const page of allPages) {
      assert.ok(sizes.get(page)! <= 1.5 * MB, `${page} is ${(sizes.get(page)! / MB).toFixed(2)} MB`);
      const html = fs.readFileSync(path.join(siteDir, page), 'utf8');
      const longestScript = Math.max(0, ...[...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1].length));
      assert.ok(longestScript < 300_000, `${page} inlines a ${longestScript}-character script (plotly.js or MathJax?)`);
    }
    const plotly = [...sizes.keys()].filter((file) => /plotly.*\.js$/.test(file));
    const mathjax = [...sizes.keys()].filter((file) => /tex-.*\.js$/.test(file));
    assert.deepEqual(plotly, [path.join('assets', 'plotly.min.js')]);
    assert.deepEqual(mathjax, [path.join('assets', 'mathjax', 'tex-svg-full.js')]);
  });

  it('lists the pages in reading order in every sidebar, with previous and next links along it', () => {
    const order = notebooksInReadingOrder().map((file) => `${path.basename(file, '.ipynb')}.html`);
    for (const [at, file] of order.entries()) {
      const seen = visits.get(file)!;
      assert.deepEqual(seen.sidebar, ['index.html', ...order], `${file}'s sidebar`);
      assert.equal(seen.current, file);
      assert.deepEqual(seen.previous, [at === 0 ? 'index.html' : order[at - 1]], `${file}'s previous page`);
      assert.deepEqual(seen.next, at === order.length - 1 ? [] : [order[at + 1]], `${file}'s next page`);
      assert.ok(seen.tocEntries >= 2, `${file} has a table of contents`);
    }
    assert.deepEqual(visits.get('index.html')!.sidebar, ['index.html', ...order]);
  });

  it('resolves every link on every page: files, and anchors to elements that exist', () => {
    const broken: string[] = [];
    let hubLinks = 0;
    assert.equal(visits.size, allPages.length);
    for (const [file, seen] of visits) {
      for (const { tag, url } of seen.references) {
        if (url.startsWith(`${hub.url}/`)) {
          hubLinks++;
          continue;
        }
        if (/^[a-z]+:/i.test(url) || url.startsWith('//')) {
          broken.push(`${file}: <${tag}> ${url} leaves the site`);
          continue;
        }
        const [target, fragment] = url.split('#');
        const targetFile = target === '' ? file : path.posix.normalize(target);
        if (!fs.existsSync(path.join(siteDir, targetFile))) broken.push(`${file}: <${tag}> ${url}: no such file`);
        else if (fragment && !visits.get(targetFile)?.ids.has(decodeURIComponent(fragment))) broken.push(`${file}: <${tag}> ${url}: no such anchor`);
      }
    }
    assert.deepEqual(broken, []);
    assert.equal(hubLinks, notebookPages.length, 'one hub link per notebook page');
  });

  it('links each notebook page to the hub in nbgitpuller\'s form', () => {
    const [href] = visits.get('03-regularization.html')!.hubLinks;
    const link = new URL(href);
    assert.equal(`${link.origin}${link.pathname}`, `${hub.url}/hub/user-redirect/git-pull`);
    assert.deepEqual(Object.fromEntries(link.searchParams), {
      repo: hub.repo, urlpath: 'lab/tree/descent-lab/notebooks/03-regularization.ipynb', branch: 'main',
    });
    assert.deepEqual(visits.get('index.html')!.hubLinks, [], 'the index has no notebook to open');
  });

  it('draws every chart interactively where scripts run, and typesets the formulas', () => {
    for (const file of notebookPages) {
      const seen = visits.get(file)!;
      assert.ok(seen.charts.length > 0, `${file} has charts`);
      assert.deepEqual(seen.charts, seen.charts.map(() => true), `${file}: every chart drawn by plotly.js`);
      assert.ok(seen.formulas > 0, `${file}: MathJax typeset its formulas`);
      assert.deepEqual(seen.rawMath, [], `${file}: no formula left as $...$`);
    }
  });

  it('shows a picture of every chart where scripts do not run', async () => {
    const noScripts = await offlineContext(browser, { javaScriptEnabled: false });
    try {
      for (const file of allPages) {
        const page = await open(file, noScripts);
        const pictures = await page.$$eval('.descent-lab-chart, .site-card', (els) => els.map((el) => {
          const img = el.querySelector('img');
          const box = img?.getBoundingClientRect();
          return Boolean(img && img.complete && img.naturalWidth > 0 && box!.width >= 200 && box!.height >= 150);
        }));
        if (file !== 'index.html') assert.ok(pictures.length > 0, `${file} has charts`);
        else assert.equal(pictures.length, notebookPages.length, 'the index shows one thumbnail per notebook');
        assert.deepEqual(pictures, pictures.map(() => true), `${file}: every chart (or thumbnail) shows its picture`);
        assert.equal(await page.$eval('.site-search', (form) => form.checkVisibility()), false, `${file}: no search box without scripts`);
        await page.close();
      }
      assert.deepEqual(noScripts.externalRequests, []);
    } finally {
      await noScripts.context.close();
    }
  });

  it('prints a page with its pictures and without the sidebar', async () => {
    const page = await open('01-optimizers.html');
    await page.waitForFunction(() => document.querySelector('.descent-lab-chart .js-plotly-plot .main-svg'), undefined, { timeout: 120_000 });
    await page.emulateMedia({ media: 'print' });
    const seen = await page.evaluate(() => ({
      sidebar: document.querySelector('.site-sidebar')!.checkVisibility(),
      toc: document.querySelector('.site-toc')!.checkVisibility(),
      pictures: Array.from(document.querySelectorAll('img.descent-lab-chart-static')).map((img) => img.checkVisibility()),
      plots: Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot) => plot.checkVisibility()),
    }));
    assert.equal(seen.sidebar, false);
    assert.equal(seen.toc, false);
    assert.ok(seen.pictures.length > 0 && seen.pictures.every(Boolean), 'every picture prints');
    assert.ok(seen.plots.every((shown) => !shown), 'the interactive charts do not');
    await page.close();
  });

  it('finds "dropout" in the browser and lists notebook 3\'s page', async () => {
    const page = await open('index.html');
    await page.fill('.site-search input', 'dropout');
    const hits = await page.$$eval('.site-search-results a', (links) => links.map((a) => a.getAttribute('href')!));
    assert.ok(hits.length > 0, 'some result');
    assert.ok(hits.some((href) => href.startsWith('03-regularization.html')), `results: ${hits.join(', ')}`);
    await page.click('.site-search-results a');
    await page.waitForURL(/03-regularization\.html/);
    await page.close();
  });

  it('offers three downloads per page, each a valid notebook; the student edition without solutions', () => {
    const downloads: { kind: string; file: string }[] = [];
    for (const file of notebookPages) {
      const hrefs = visits.get(file)!.downloads;
      assert.deepEqual(hrefs.map((href) => href.split('/')[0]), ['notebooks', 'student', 'executed'], `${file}: three downloads`);
      for (const href of hrefs) downloads.push({ kind: href.split('/')[0], file: path.join(siteDir, href) });
    }
    const validate = spawnSync('/usr/bin/python3', ['-c', [
      'import sys, nbformat',
      'for f in sys.argv[1:]:',
      '    nbformat.validate(nbformat.read(f, as_version=4))',
      'print("valid", len(sys.argv) - 1)',
    ].join('\n'), ...downloads.map((d) => d.file)], { encoding: 'utf8' });
    assert.equal(validate.status, 0, validate.stderr);
    assert.equal(validate.stdout.trim(), `valid ${downloads.length}`);

    const text = (file: string) => fs.readFileSync(file, 'utf8');
    for (const { kind, file } of downloads) {
      const notebook = JSON.parse(text(file));
      const outputs = notebook.cells.flatMap((cell: { outputs?: unknown[] }) => cell.outputs ?? []);
      if (kind === 'student') {
        assert.doesNotMatch(text(file), /BEGIN SOLUTION/, `${file}: solutions removed`);
        assert.match(text(file), /YOUR CODE HERE/);
        assert.equal(outputs.length, 0, `${file}: no outputs`);
      } else if (kind === 'notebooks') {
        assert.equal(text(file), text(path.join(notebooksDir, path.basename(file))), `${file}: the instructor notebook as committed`);
      } else {
        assert.equal(kind, 'executed');
        assert.ok(outputs.length > 0, `${file}: outputs kept`);
        assert.ok(fs.statSync(file).size < 4 * MB, `${file}: without its copy of plotly.js`);
      }
    }
  });

  it('reads the mode each notebook ran in, and would run them again for the full course', () => {
    const executedDir = path.join(workDir, 'executed');
    for (const notebook of courseNotebooks()) {
      assert.equal(staleReason(notebook, executedDir, 'quick'), undefined, notebook);
      assert.equal(staleReason(notebook, executedDir, 'full'), 'it ran in quick mode', notebook);
    }
    assert.equal(staleReason(path.join(notebooksDir, '01-optimizers.ipynb'), workDir, 'quick'), 'not run yet');
  });

  it('works from a plain static web server too', async () => {
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
    const server = http.createServer((request, response) => {
      const file = path.join(siteDir, decodeURIComponent(new URL(request.url!, 'http://x').pathname));
      if (!file.startsWith(siteDir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      fs.createReadStream(file).pipe(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const page = await online.context.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sub/../03-regularization.html`);
      await page.waitForFunction(() => Array.from(document.querySelectorAll('.descent-lab-chart'))
        .every((chart) => chart.querySelector('.js-plotly-plot .main-svg')), undefined, { timeout: 120_000 });
      assert.ok(await page.$('mjx-container'), 'formulas typeset');
      await page.fill('.site-search input', 'dropout');
      assert.ok((await page.$$('.site-search-results a[href^="03-regularization.html"]')).length > 0);
      await page.close();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('asked nothing of any other host', () => {
    assert.deepEqual(online.externalRequests, []);
    assert.deepEqual(online.errors, []);
  });
});
