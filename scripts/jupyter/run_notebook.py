"""Executes one notebook headless through Jupyter's own machinery and exports it as offline HTML.

Used by scripts/notebook-runner.ts (and so by `npm start` and the notebook tests); the TypeScript
side finds a Python that has nbclient and nbconvert and passes everything explicitly, so this file
holds no project knowledge of its own.

While the notebook runs it prints, line by line:
    [notebook 1/3 01-optimizers] cell 4/23: const results = await dl.runExperiments(...
followed by whatever the cell writes to stdout/stderr (the training logs), as it arrives, and, for a
cell whose live chart was updated in place, one line such as `[01-optimizers]   (live chart: 5 updates)`.

The executed notebook is signed as `jupyter trust` signs it (in this machine's notebook signature
database), so Jupyter shows its charts' scripts and interactive outputs when it is opened here.

Exit status: 0 when every cell ran and the outputs were written (with --allow-errors, also when
some cells failed: their errors are in their outputs); 1 when a cell failed (the error
line names the notebook, the cell index and first source line, and the error); 2 on bad usage.
"""

import argparse
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.preprocessors import coalesce_streams
from nbformat.sign import NotebookNotary

# The marker the TypeScript runner looks for to report a failed cell without parsing tracebacks.
FAILURE_MARKER = 'DESCENT_LAB_CELL_FAILED'


def first_line(source):
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return ''


class StreamingClient(NotebookClient):
    """A NotebookClient that echoes progress and stream output while cells run, not only at the end."""

    def __init__(self, nb, label, **kw):
        super().__init__(nb, **kw)
        self.label = label
        self.failed_index = None
        self.current_index = None
        self.display_updates = {}  # cell index -> update_display_data messages received
        self.on_cell_start = self.announce_cell
        self.on_cell_error = self.remember_failure
        self.on_cell_executed = self.report_updates

    def announce_cell(self, cell, cell_index):
        self.current_index = cell_index
        if cell.cell_type != 'code':
            return  # nbclient 0.7 calls the hook for markdown cells too
        total = len(self.nb.cells)
        print(f'[{self.label}] cell {cell_index + 1}/{total}: {first_line(cell.source)}', flush=True)

    def remember_failure(self, cell, cell_index, execute_reply):
        self.failed_index = cell_index

    def process_message(self, msg, cell, cell_index):
        # update_display_data never reaches output(): nbclient applies it to the output with the
        # same display id (_update_display_id) here, so this is where a live chart's redraws are seen.
        if msg['msg_type'] == 'update_display_data':
            self.display_updates[cell_index] = self.display_updates.get(cell_index, 0) + 1
        return super().process_message(msg, cell, cell_index)

    def report_updates(self, cell, cell_index, execute_reply):
        updates = self.display_updates.get(cell_index, 0)
        if updates:
            print(f'[{self.label}]   (live chart: {updates} update{"" if updates == 1 else "s"})', flush=True)

    def output(self, outs, msg, display_id, cell_index):
        content = msg['content']
        if msg['msg_type'] == 'stream':
            target = sys.stderr if content.get('name') == 'stderr' else sys.stdout
            target.write(content.get('text', ''))
            target.flush()
        elif msg['msg_type'] in ('display_data', 'execute_result'):
            kinds = ', '.join(sorted(content.get('data', {}).keys()))
            print(f'[{self.label}]   (display: {kinds})', flush=True)
        elif msg['msg_type'] == 'error':
            # The traceback where the cell's output goes, as stderr text went before the kernel sent errors.
            sys.stderr.write('\n'.join(content.get('traceback', [])) + '\n')
            sys.stderr.flush()
        return super().output(outs, msg, display_id, cell_index)


def error_of(cell, ename, evalue):
    """`Name: message` of a failed cell. The project's kernel names the error in its execute_reply
    (scripts/kernel/error-messages.js); stock tslab reports it as stderr text only, with no ename, so
    for such a kernel fall back to the first `...Error: ...` line."""
    if ename and ename != '<Error>':
        return f'{ename}: {evalue}'
    lines = []
    for output in cell.get('outputs', []):
        if output.get('output_type') == 'error':
            lines.append(f"{output.get('ename')}: {output.get('evalue')}")
        elif output.get('output_type') == 'stream' and output.get('name') == 'stderr':
            lines.extend(output.get('text', '').splitlines())
    pattern = re.compile(r'^\s*(\w*(Error|Exception)\b.*)$')
    for line in lines:
        match = pattern.match(line)
        if match:
            return match.group(1)
    # A TypeScript compile error: tslab prints `line:col - message` lines.
    compile_errors = [line.strip() for line in lines if re.match(r'^\d+:\d+ - ', line)]
    if compile_errors:
        return 'TypeScript error at ' + '; '.join(compile_errors)
    return next((line.strip() for line in lines if line.strip()), 'the cell reported an error without a message')


ERASE_LINE = re.compile(r'\x1b\[2?K')


def tidy_streams(nb):
    """Stores what a terminal would show: consecutive stream chunks merged, progress lines that were
    overwritten with a carriage return dropped, erase-line escapes removed."""
    nb, _ = coalesce_streams(nb, {})
    for cell in nb.cells:
        for output in cell.get('outputs', []):
            if output.get('output_type') == 'stream':
                output.text = ERASE_LINE.sub('', output.text)
    return nb


def report_failure(nb, name, out_dir, index, what):
    """Keeps what ran as `<name>.failed.ipynb` (apart from finished runs), prints the failure line
    that names the notebook, the cell and what went wrong, and returns the exit status 1."""
    where = 'a cell' if index is None else f'cell {index + 1}/{len(nb.cells)} (`{first_line(nb.cells[index].source)}`)'
    tidy_streams(nb)
    nbformat.write(nb, os.path.join(out_dir, f'{name}.failed.ipynb'))
    print(f'{FAILURE_MARKER} notebook {name}.ipynb: {where} failed: {what}', file=sys.stderr, flush=True)
    return 1


def export_html(nb, template_dirs, include_dirs):
    exporter = HTMLExporter(
        template_name='descent-lab-offline',
        extra_template_basedirs=template_dirs,
        extra_template_paths=include_dirs,
    )
    body, _resources = exporter.from_notebook_node(nb)
    return body


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebook', help='the .ipynb to execute')
    ap.add_argument('--out-dir', required=True, help='where the executed .ipynb and the .html go')
    ap.add_argument('--kernel', required=True, help='the kernel spec name to run the notebook with')
    ap.add_argument('--label', default=None, help='prefix of the progress lines')
    ap.add_argument('--template-dir', action='append', default=[],
                    help='a folder holding nbconvert template folders (repeatable)')
    ap.add_argument('--include-dir', action='append', default=[],
                    help='a folder holding files the template inlines, e.g. MathJax (repeatable)')
    ap.add_argument('--cwd', default=None, help="the kernel's working directory (default: the notebook's folder)")
    ap.add_argument('--no-html', action='store_true', help='skip the HTML export')
    ap.add_argument('--allow-errors', action='store_true',
                    help='run every cell even when one fails, keeping each error in its output (nbclient allow_errors)')
    args = ap.parse_args(argv)

    name = os.path.splitext(os.path.basename(args.notebook))[0]
    label = args.label or name
    nb = nbformat.read(args.notebook, as_version=4)
    cwd = args.cwd or os.path.dirname(os.path.abspath(args.notebook))
    client = StreamingClient(
        nb,
        label,
        kernel_name=args.kernel,
        timeout=None,  # a full course run trains for a long time; no cell is cut short
        startup_timeout=120,
        resources={'metadata': {'path': cwd}},
        # Once a cell's reply arrives, nbclient waits only this long for the output still queued
        # behind it, then by default drops the rest with a warning. A cell that prints thousands of
        # lines at its end, on a busy machine, can need more than the default 4 s; and losing
        # output silently is worse than failing, so a timeout is an error.
        iopub_timeout=120,
        raise_on_iopub_timeout=True,
        # A student edition's check cells fail until the exercise above them is written; grading
        # (and its tests) need every cell's outcome, as nbgrader's autograde runs with allow_errors.
        allow_errors=args.allow_errors,
    )

    os.makedirs(args.out_dir, exist_ok=True)
    try:
        client.execute()
    except CellExecutionError as error:
        failed = client.failed_index
        what = (f'{error.ename}: {error.evalue}' if failed is None
                else error_of(nb.cells[failed], error.ename, error.evalue))
        return report_failure(nb, name, args.out_dir, failed, what)
    except (CellTimeoutError, DeadKernelError) as error:
        # Not the cell's own error: the kernel died, or its output stopped arriving.
        what = 'the kernel died' if isinstance(error, DeadKernelError) else 'its output stopped arriving'
        return report_failure(nb, name, args.out_dir, client.current_index, f'{what} ({error})')

    tidy_streams(nb)
    # As `jupyter trust` does: the signature goes to the notary's database, keyed by the
    # notebook's contents, so the file written next is trusted on this machine.
    NotebookNotary().sign(nb)
    nbformat.write(nb, os.path.join(args.out_dir, f'{name}.ipynb'))
    stale = os.path.join(args.out_dir, f'{name}.failed.ipynb')
    if os.path.exists(stale):
        os.remove(stale)
    if not args.no_html:
        with open(os.path.join(args.out_dir, f'{name}.html'), 'w', encoding='utf-8') as f:
            f.write(export_html(nb, args.template_dir, args.include_dir))
    print(f'[{label}] done: {os.path.join(args.out_dir, name)}.ipynb' + ('' if args.no_html else ' and .html'),
          flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
