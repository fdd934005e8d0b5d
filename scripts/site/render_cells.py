"""Renders executed notebooks' cells to HTML for the course website, through nbconvert.

Used by scripts/site/render-cells.ts (and so by `npm run site`). For each notebook given it writes
`<name>.cells.html`: the cells only, marked up as nbconvert's JupyterLab template marks them up
(the `descent-lab-site` template). With --css-out it also writes the stylesheet those cells need,
once for the whole site: JupyterLab's light theme as the lab template would inline it, and the
syntax-highlighting rules (Pygments).

Exit status: 0 when every notebook was rendered; 1 with the notebook named when one could not be.
"""

import argparse
import os
import sys

import nbformat
from nbconvert import HTMLExporter


def lab_static_file(exporter, name):
    """The lab template's own copy of static/<name>, wherever this nbconvert installed it."""
    for folder in exporter.template_paths:
        candidate = os.path.join(folder, 'static', name)
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError(f"nbconvert's lab template has no static/{name} in {exporter.template_paths}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='+', help='executed .ipynb files')
    ap.add_argument('--out-dir', required=True, help='where <name>.cells.html go')
    ap.add_argument('--template-dir', required=True, help='the folder holding descent-lab-site/')
    ap.add_argument('--css-out', default=None, help='write the cells\' stylesheet to this file')
    args = ap.parse_args(argv)

    exporter = HTMLExporter(template_name='descent-lab-site', extra_template_basedirs=[args.template_dir])
    os.makedirs(args.out_dir, exist_ok=True)
    pygments_css = ''
    for notebook in args.notebooks:
        name = os.path.splitext(os.path.basename(notebook))[0]
        try:
            nb = nbformat.read(notebook, as_version=4)
            body, resources = exporter.from_notebook_node(nb, resources={'metadata': {'name': name}})
        except Exception as error:  # noqa: BLE001 - any failure is reported with the notebook named
            print(f'could not render {notebook}: {type(error).__name__}: {error}', file=sys.stderr)
            return 1
        pygments_css = '\n'.join(resources.get('inlining', {}).get('css', [])) or pygments_css
        with open(os.path.join(args.out_dir, f'{name}.cells.html'), 'w', encoding='utf-8') as f:
            f.write(body)

    if args.css_out:
        parts = []
        for name in ('index.css', 'theme-light.css'):
            with open(lab_static_file(exporter, name), encoding='utf-8') as f:
                parts.append(f.read())
        parts.append(pygments_css)
        with open(args.css_out, 'w', encoding='utf-8') as f:
            f.write('\n'.join(parts))
    return 0


if __name__ == '__main__':
    sys.exit(main())
