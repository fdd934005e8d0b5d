/**
 * The site's search index: the text of every page's prose, section by section (a section runs
 * from one heading to the next), so a hit links to the section that has the word. It is a script
 * (`assets/search-index.js`) that sets a global, because a page opened from file:// may load a
 * script but may not fetch() a JSON file; site.js searches it in the browser.
 */
import { headingText } from './outline';
import { scriptJson } from './html';

export interface SearchSection {
  /** The page's file, e.g. `03-regularization.html`. */
  page: string;
  pageTitle: string;
  /** The heading's anchor (empty for the text above the first section). */
  id: string;
  heading: string;
  text: string;
}

/** The sections of one page's markdown cells, in order; empty ones are left out. */
export function searchSections(document: Document, page: string, pageTitle: string): SearchSection[] {
  const sections: SearchSection[] = [];
  let current: SearchSection = { page, pageTitle, id: '', heading: pageTitle, text: '' };
  const blocks = document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown > *');
  for (const block of Array.from(blocks)) {
    if (/^H[1-6]$/.test(block.tagName)) {
      sections.push(current);
      // The title's section is the page's opening: its hits read as the page itself.
      const heading = block.tagName === 'H1' ? pageTitle : headingText(block);
      current = { page, pageTitle, id: block.id, heading, text: '' };
    } else {
      current.text += ` ${(block.textContent ?? '').replace(/\s+/g, ' ').trim()}`;
    }
  }
  sections.push(current);
  return sections
    .map((section) => ({ ...section, text: section.text.trim() }))
    .filter((section) => section.text || section.id);
}

/** The contents of `assets/search-index.js`. */
export function searchIndexScript(sections: SearchSection[]): string {
  return `// The course's text, section by section, for the search box (scripts/site/search-index.ts).\n` +
    `window.DESCENT_LAB_SEARCH = ${scriptJson(sections)};\n`;
}
