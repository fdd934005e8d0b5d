/**
 * One notebook's page: its downloads and the hub link above the cells, the cells as nbconvert
 * rendered them, and links to the previous and next page in reading order below.
 */
import { escapeHtml } from './html';
import { NavEntry, PageFrame, pageHtml, SITE_NAME } from './layout';
import type { Outline } from './outline';

/** Where a notebook's three downloads live inside the site. */
export function downloadPaths(name: string) {
  return {
    instructor: `notebooks/${name}.ipynb`,
    student: `student/${name}.ipynb`,
    executed: `executed/${name}.ipynb`,
  };
}

export interface NotebookPage {
  name: string;
  outline: Outline;
  /** The cells' HTML, its pictures already pointing at figure files. */
  cells: string;
  /** The "Open in JupyterHub" link, when a hub is configured. */
  hubLink?: string;
}

function tools(page: NotebookPage): string {
  const files = downloadPaths(page.name);
  const link = (href: string, text: string, title: string) =>
    `<a href="${escapeHtml(href)}" download title="${escapeHtml(title)}">${text}</a>`;
  const hub = page.hubLink
    ? `\n<a class="site-hub" href="${escapeHtml(page.hubLink)}" title="Open the notebook on the course's JupyterHub (nbgitpuller)">Open in JupyterHub</a>`
    : '';
  return `<div class="site-tools">
<span>Download:</span>
${link(files.instructor, 'notebook', 'The instructor notebook, without outputs')}
${link(files.student, 'student edition', 'The exercises with their solutions cut out')}
${link(files.executed, 'executed notebook', 'The notebook with every output shown on this page')}${hub}
</div>`;
}

function previousNext(nav: readonly NavEntry[], at: number): string {
  const before = at === 0 ? { page: 'index.html', shortTitle: 'About the course' } : nav[at - 1];
  const after = nav[at + 1];
  const link = (entry: NavEntry, rel: string, label: string) =>
    `<a rel="${rel}" href="${escapeHtml(entry.page)}"><span>${label}</span> ${escapeHtml(entry.shortTitle)}</a>`;
  return `<nav class="site-prevnext" aria-label="Previous and next">
${link(before, 'prev', 'Previous:')}
${after ? link(after, 'next', 'Next:') : ''}
</nav>`;
}

export function notebookPageHtml(page: NotebookPage, nav: readonly NavEntry[]): string {
  const at = nav.findIndex((entry) => entry.page === `${page.name}.html`);
  const frame: PageFrame = {
    title: `${page.outline.shortTitle} - ${SITE_NAME}`,
    page: `${page.name}.html`,
    nav,
    main: `${tools(page)}\n<article class="jp-Notebook site-notebook">\n${page.cells}\n</article>\n${previousNext(nav, at)}`,
    toc: page.outline.headings,
    math: true,
    charts: true,
  };
  return pageHtml(frame);
}
