/**
 * A page that shows a notebook's outputs through JupyterLab 4's own renderer (see
 * jupyterlab-page.entry.js), bundled with esbuild at test time. JupyterLab's packages import their
 * CSS webpack-style (`@import url('~@lumino/widgets/style/index.css')`); a small esbuild plugin
 * resolves the `~package/...` form from node_modules, and the CSS's images and fonts are inlined
 * as data: URLs, so the page loads nothing but its own two files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, Plugin } from 'esbuild';
import { projectRoot } from '../../scripts/jupyter/paths';

const entry = path.join(projectRoot, 'test', 'support', 'jupyterlab-page.entry.js');

/** Resolves webpack's `~package/path` module requests (used in CSS imports) from node_modules. */
export const tildeImports: Plugin = {
  name: 'tilde-imports',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^~/ }, (args) => ({
      path: require.resolve(args.path.slice(1), { paths: [args.resolveDir] }),
    }));
  },
};

/** Bundles the renderer into `dir` (renderer.js and renderer.css). */
export async function bundleJupyterLabRenderer(dir: string): Promise<void> {
  await build({
    entryPoints: { renderer: entry },
    outdir: dir,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: false,
    logLevel: 'error',
    plugins: [tildeImports],
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.svg': 'dataurl', '.png': 'dataurl', '.gif': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.eot': 'dataurl' },
  });
}

type Output = { text?: string | string[]; data?: Record<string, unknown> };

/**
 * The notebook as Jupyter's server hands it to JupyterLab: nbformat's `rejoin_lines` joins the
 * line lists that .ipynb files store (sources, stream text, non-JSON mime data) into strings.
 */
export function asServed(notebook: { cells: { source: string | string[]; outputs?: Output[] }[] }) {
  const join = (value: unknown) => (Array.isArray(value) ? value.join('') : value);
  for (const cell of notebook.cells) {
    cell.source = join(cell.source) as string;
    for (const output of cell.outputs ?? []) {
      if (output.text !== undefined) output.text = join(output.text) as string;
      for (const [mime, value] of Object.entries(output.data ?? {})) {
        if (mime !== 'application/json' && !mime.endsWith('+json')) output.data![mime] = join(value);
      }
    }
  }
  return notebook;
}

/**
 * Writes `<name>.html` into `dir` (which must hold the bundle) with the notebook embedded; open it
 * with `?trusted=1` to render it trusted. Returns the page's path.
 */
export function jupyterLabPage(dir: string, notebookFile: string, name = path.basename(notebookFile, '.ipynb')): string {
  const notebook = JSON.stringify(asServed(JSON.parse(fs.readFileSync(notebookFile, 'utf8')))).replace(/</g, '\\u003c');
  const file = path.join(dir, `${name}.html`);
  fs.writeFileSync(file, `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${name}</title><link rel="stylesheet" href="renderer.css"></head>
<body><div id="cells"></div>
<script type="application/json" id="notebook">${notebook}</script>
<script src="renderer.js"></script>
</body></html>
`);
  return file;
}
