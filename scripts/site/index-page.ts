/**
 * The site's front page: what the course teaches, its notebooks in reading order (each with the
 * sentence it opens with and a picture of its main chart), and its results: the final figures of
 * every training run, as the notebooks printed them.
 */
import { escapeHtml } from './html';
import { NavEntry, pageHtml, SITE_NAME } from './layout';
import type { Heading } from './outline';
import type { RunFigures } from './results';

export interface IndexEntry extends NavEntry {
  title: string;
  sentence: string;
  /** The main chart's picture inside the site, when the notebook has charts. */
  thumbnail?: string;
  thumbnailAlt: string;
  results: RunFigures[];
}

export interface IndexOptions {
  entries: readonly IndexEntry[];
  /** How the executed notebooks were run, e.g. `quick mode: 2 epochs on 2,000 training images`. */
  runDescription: string;
}

const SECTIONS: Heading[] = [
  { id: 'what-you-learn', text: 'What the course teaches', level: 2 },
  { id: 'reading-order', text: 'Reading order', level: 2 },
  { id: 'results', text: 'Results', level: 2 },
];

function introduction(): string {
  return `<h1>${SITE_NAME}: how neural networks learn, optimizer by optimizer</h1>
<h2 id="what-you-learn">What the course teaches</h2>
<p>The course trains one small network, a dense classifier of handwritten digits (MNIST), again and
again, changing one thing at a time: the rule that updates its weights, the learning rate's schedule,
the regularization. Every run is real training, in TypeScript with TensorFlow.js, and every chart
compares runs side by side.</p>
<ul>
<li><strong>Optimizers:</strong> SGD, Momentum, Nesterov, RMSprop, Adagrad, Adam and NAdam, each update
rule written from scratch and checked against the library, and which of their differences stand out
of the noise of the random seed.</li>
<li><strong>The loss landscape:</strong> the seven optimizers' real paths through the network's weights,
projected on one plane, over the loss drawn on that plane.</li>
<li><strong>How they move:</strong> the same optimizers stepping across two-dimensional loss surfaces.</li>
<li><strong>Learning-rate schedules:</strong> time-based, step and exponential decay, the learning-rate
finder, warm-up then cosine decay, and one-cycle.</li>
<li><strong>Regularization:</strong> an L2 penalty, early stopping and dropout, and why AdamW's decoupled
weight decay is not L2 inside Adam.</li>
</ul>
<p>Each page is a notebook as it ran. Download it to run it yourself in Jupyter with the course's
TypeScript kernel, or take its student edition, where the exercises wait to be written.</p>`;
}

function card(entry: IndexEntry, index: number): string {
  const picture = entry.thumbnail
    ? `<img src="${escapeHtml(entry.thumbnail)}" alt="${escapeHtml(entry.thumbnailAlt)}" width="320">`
    : '';
  return `<li class="site-card">
<a href="${escapeHtml(entry.page)}">${picture}<span class="site-card-step">Step ${index + 1}</span>
<span class="site-card-title">${escapeHtml(entry.title)}</span></a>
<p>${escapeHtml(entry.sentence)}</p>
</li>`;
}

function resultsTable(entry: IndexEntry): string {
  if (entry.results.length === 0) return '';
  const rows = entry.results.map((row) =>
    `<tr><th scope="row">${escapeHtml(row.run)}</th><td>${row.epochs}</td><td>${row.trainAcc}</td><td>${row.testAcc}</td><td>${row.testLoss}</td></tr>`);
  return `<table class="site-results">
<caption><a href="${escapeHtml(entry.page)}">${escapeHtml(entry.shortTitle)}</a></caption>
<thead><tr><th scope="col">run</th><th scope="col">epochs</th><th scope="col">train acc</th><th scope="col">test acc</th><th scope="col">test loss</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

export function indexPageHtml(options: IndexOptions): string {
  const main = `${introduction()}
<h2 id="reading-order">Reading order</h2>
<ol class="site-cards">
${options.entries.map(card).join('\n')}
</ol>
<h2 id="results">Results</h2>
<p>The last epoch of every training run (${escapeHtml(options.runDescription)}): accuracy on the training
batches and on the test set, and the test loss.</p>
${options.entries.map(resultsTable).join('\n')}`;
  return pageHtml({
    title: `${SITE_NAME}: a course on neural-network optimizers`,
    page: 'index.html',
    nav: options.entries,
    main,
    toc: SECTIONS,
    math: true, // the notebooks' opening sentences may hold a formula
    charts: false,
  });
}
