// Browser entry of the JupyterLab 4 renderer page (bundled by jupyterlab-page.ts with esbuild;
// plain JavaScript, outside the TypeScript build). It renders every code cell's outputs of the
// notebook embedded in the page the way JupyterLab 4 does: one OutputArea per cell, over a
// RenderMimeRegistry with the standard renderer factories and apputils' Sanitizer, with the
// notebook trusted when the page URL says `?trusted=1` and untrusted otherwise.
import { Sanitizer } from '@jupyterlab/apputils';
import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import '@jupyterlab/rendermime/style/index.css';
import '@jupyterlab/outputarea/style/index.css';

const notebook = JSON.parse(document.getElementById('notebook').textContent);
const trusted = new URLSearchParams(location.search).get('trusted') === '1';
const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories, sanitizer: new Sanitizer() });

for (const cell of notebook.cells) {
  if (cell.cell_type !== 'code') continue;
  const host = document.createElement('div');
  host.className = 'jp-Cell jp-CodeCell';
  document.getElementById('cells').appendChild(host);
  const model = new OutputAreaModel({ trusted, values: cell.outputs });
  Widget.attach(new OutputArea({ model, rendermime }), host);
}
document.body.dataset.rendered = trusted ? 'trusted' : 'untrusted';
