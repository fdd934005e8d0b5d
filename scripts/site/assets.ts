/**
 * The files every page shares, written once into `assets/`: plotly.js, MathJax (the single-file
 * SVG bundle, so no web font is fetched) and its configuration, the site's stylesheet and script.
 * The notebooks' stylesheet comes from nbconvert (render-cells.ts) and the search index from the
 * pages (search-index.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mathjaxDir, projectRoot } from '../jupyter/paths';

const staticDir = path.join(projectRoot, 'scripts', 'site', 'static');

/** MathJax as the notebooks' exports configure it: Jupyter's `$...$` and `$$...$$`, SVG output. */
const MATHJAX_CONFIG = `window.MathJax = {
  tex: {
    inlineMath: [['$', '$'], ['\\\\(', '\\\\)']],
    displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
    processEscapes: true,
    processEnvironments: true,
    tags: 'ams'
  },
  svg: { fontCache: 'global' },
  options: { ignoreHtmlClass: 'jp-OutputArea|highlight|site-sidebar|site-toc' }
};
`;

export function writeAssets(siteDir: string): void {
  const assets = path.join(siteDir, 'assets');
  fs.mkdirSync(path.join(assets, 'mathjax'), { recursive: true });
  fs.copyFileSync(require.resolve('plotly.js-dist-min'), path.join(assets, 'plotly.min.js'));
  fs.copyFileSync(path.join(mathjaxDir, 'tex-svg-full.js'), path.join(assets, 'mathjax', 'tex-svg-full.js'));
  fs.writeFileSync(path.join(assets, 'mathjax-config.js'), MATHJAX_CONFIG);
  for (const file of ['site.css', 'site.js']) fs.copyFileSync(path.join(staticDir, file), path.join(assets, file));
}
