/**
 * The frame every page of the site shares: the head (the shared stylesheets; MathJax and plotly.js
 * from assets/ when the page needs them, never inlined), a sidebar with the course's pages in
 * reading order and the search box, the page's own table of contents, and the scripts at the end.
 * Every URL is relative, so the site works from file:// and from any folder of any web server.
 */
import { escapeHtml } from './html';
import type { Heading } from './outline';

export interface NavEntry {
  /** The page's file, e.g. `01-optimizers.html`. */
  page: string;
  shortTitle: string;
}

export interface PageFrame {
  /** The document's title. */
  title: string;
  /** The page's file, to mark it in the sidebar. */
  page: string;
  /** Every notebook page, in reading order. */
  nav: readonly NavEntry[];
  /** The page's contents (inside <main>). */
  main: string;
  /** The sections listed under "On this page". */
  toc: readonly Heading[];
  /** Load MathJax (typesets `$...$` formulas, offline, as SVG). */
  math: boolean;
  /** Load plotly.js (the charts' scripts replace their pictures with it). */
  charts: boolean;
}

export const SITE_NAME = 'Descent Lab';

function sidebar(frame: PageFrame): string {
  const item = (page: string, text: string) => {
    const current = page === frame.page ? ' aria-current="page"' : '';
    return `<li><a href="${escapeHtml(page)}"${current}>${escapeHtml(text)}</a></li>`;
  };
  return `<nav class="site-sidebar" aria-label="Course">
<a class="site-name" href="index.html">${SITE_NAME}</a>
<form class="site-search" role="search" hidden>
<input type="search" name="q" placeholder="Search the course" aria-label="Search the course" autocomplete="off">
<ol class="site-search-results" aria-live="polite"></ol>
</form>
<ul class="site-pages">
${item('index.html', 'About the course')}
${frame.nav.map((entry) => item(entry.page, entry.shortTitle)).join('\n')}
</ul>
</nav>`;
}

function tableOfContents(toc: readonly Heading[]): string {
  if (toc.length === 0) return '';
  const items = toc.map((heading) => `<li class="toc-level-${heading.level}"><a href="#${escapeHtml(heading.id)}">${escapeHtml(heading.text)}</a></li>`);
  return `<nav class="site-toc" aria-label="On this page">
<h2>On this page</h2>
<ol>
${items.join('\n')}
</ol>
</nav>`;
}

export function pageHtml(frame: PageFrame): string {
  const mathjax = frame.math
    ? '<script src="assets/mathjax-config.js"></script>\n<script src="assets/mathjax/tex-svg-full.js" defer></script>\n'
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(frame.title)}</title>
<link rel="stylesheet" href="assets/notebook.css">
<link rel="stylesheet" href="assets/site.css">
${mathjax}</head>
<body data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<div class="site">
${sidebar(frame)}
<main class="site-main">
${frame.main}
</main>
${tableOfContents(frame.toc)}
</div>
<script src="assets/search-index.js"></script>
<script src="assets/site.js"></script>
${frame.charts ? '<script src="assets/plotly.min.js"></script>\n' : ''}</body>
</html>
`;
}
