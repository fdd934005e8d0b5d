/**
 * The cells of each notebook as HTML, made by nbconvert (render_cells.py with the
 * `descent-lab-site` template) so that they look as in every other export of the course, and the
 * stylesheet they need, written once into the site's assets.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../jupyter/paths';
import { ensureJupyterPython } from '../jupyter/python';

const script = path.join(projectRoot, 'scripts', 'site', 'render_cells.py');
const templates = path.join(projectRoot, 'scripts', 'site', 'templates');

/** Each notebook's cells' HTML, by notebook name; `cssFile` receives their stylesheet. */
export function renderCells(notebooks: string[], cssFile: string): Map<string, string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-lab-site-'));
  try {
    const run = spawnSync(ensureJupyterPython(), [script, ...notebooks, '--out-dir', tmp, '--template-dir', templates, '--css-out', cssFile], {
      encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'],
    });
    if (run.status !== 0) throw new Error(`nbconvert could not render the notebooks: ${run.stderr.trim() || `exit ${run.status}`}`);
    return new Map(notebooks.map((file) => {
      const name = path.basename(file, '.ipynb');
      return [name, fs.readFileSync(path.join(tmp, `${name}.cells.html`), 'utf8')];
    }));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
