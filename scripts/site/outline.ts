/**
 * What a notebook page says about itself: its title (the first `#` heading), a sentence for the
 * index (the first sentence after the title), and its sections (the `##` and `###` headings, with
 * the anchors nbconvert gave them) for the page's table of contents.
 */

export interface Heading {
  id: string;
  text: string;
  level: 2 | 3;
}

export interface Outline {
  /** The whole title, e.g. `3. Regularization: fitting the training set less, generalising better`. */
  title: string;
  /** The title for navigation, without its number and subtitle, e.g. `Regularization`. */
  shortTitle: string;
  /** The first sentence of the text under the title. */
  sentence: string;
  headings: Heading[];
}

/** A heading's text as a reader sees it: without nbconvert's `¶` anchor link. */
export function headingText(heading: Element): string {
  const copy = heading.cloneNode(true) as Element;
  copy.querySelectorAll('a.anchor-link').forEach((link) => link.remove());
  return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The first sentence of `text`: up to the first full stop, question or exclamation mark followed by a space. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = /[.!?](\s|$)/.exec(flat);
  return end ? flat.slice(0, end.index + 1) : flat;
}

export function outline(document: Document, fallbackTitle: string): Outline {
  const h1 = document.querySelector('.jp-MarkdownCell h1');
  const title = h1 ? headingText(h1) : fallbackTitle;
  const shortTitle = title.replace(/^\d+\.\s*/, '').split(/:\s/)[0];
  let paragraph = h1?.nextElementSibling;
  while (paragraph && paragraph.tagName !== 'P') paragraph = paragraph.nextElementSibling;
  const sentence = firstSentence(paragraph?.textContent ?? '');
  const headings = Array.from(document.querySelectorAll('.jp-MarkdownCell h2[id], .jp-MarkdownCell h3[id]')).map((el) => ({
    id: el.id,
    text: headingText(el),
    level: el.tagName === 'H2' ? 2 as const : 3 as const,
  }));
  return { title, shortTitle, sentence, headings };
}
