"""What nbgrader's ClearSolutions makes of a notebook's cells, as the student-edition test's reference.

Usage: clear_solutions.py NOTEBOOK CODE_STUB
Prints JSON: {"engine": ..., "sources": [each cell's source after ClearSolutions]}, or
{"engine": ..., "error": "..."} with exit status 1 when ClearSolutions refuses the notebook.

Where nbgrader is installed, its own preprocessor runs, configured as the README tells instructors
(`c.ClearSolutions.code_stub = {'typescript': ...}`). Elsewhere (Debian has no nbgrader package) the
same rules, as nbgrader 0.9 documents and applies them, are worked through here in Python on the
notebook as nbformat reads it: an implementation independent of the TypeScript one under test.
  - a line containing BEGIN SOLUTION opens a region, one containing END SOLUTION closes it; both go,
    with everything between; the stub's lines come in place of the BEGIN line, each prefixed with
    that line's leading whitespace (code stub in code cells, "YOUR ANSWER HERE" elsewhere);
  - a second BEGIN inside a region, or a region left open at the end of the cell, is an error;
  - a region in a cell whose metadata lacks nbgrader.solution = true is an error;
  - a solution cell without a region becomes the stub as a whole;
  - the notebook's kernel language must have a code stub.
"""

import json
import re
import sys

import nbformat

TEXT_STUB = 'YOUR ANSWER HERE'


def with_nbgrader(nb, stub):
    from nbgrader.preprocessors import ClearSolutions
    from traitlets.config import Config

    config = Config()
    config.ClearSolutions.code_stub = {'typescript': stub}
    config.ClearSolutions.begin_solution_delimeter = 'BEGIN SOLUTION'
    config.ClearSolutions.end_solution_delimeter = 'END SOLUTION'
    nb, _ = ClearSolutions(config=config).preprocess(nb, {})
    return [cell.source for cell in nb.cells]


def cut(source, stub_text):
    out = []
    opened = False
    found = False
    for line in source.split('\n'):
        if 'BEGIN SOLUTION' in line:
            if opened:
                raise RuntimeError('encountered nested begin solution statements')
            opened = found = True
            lead = re.match(r'\s*', line).group(0)
            out.extend(lead + stub_line for stub_line in stub_text.split('\n'))
        elif 'END SOLUTION' in line:
            opened = False
        elif not opened:
            out.append(line)
    if opened:
        raise RuntimeError('no end solution statement found')
    return '\n'.join(out), found


def by_the_rules(nb, stub):
    language = nb.metadata.get('kernelspec', {}).get('language', 'python')
    if language != 'typescript':
        raise ValueError(f"language '{language}' has not been specified in ClearSolutions.code_stub")
    sources = []
    for cell in nb.cells:
        stub_text = stub if cell.cell_type == 'code' else TEXT_STUB
        source, found = cut(cell.source, stub_text)
        solution = cell.metadata.get('nbgrader', {}).get('solution', False)
        if found and not solution:
            raise RuntimeError('Solution region detected in a non-solution cell')
        if solution and not found:
            source = stub_text
        sources.append(source)
    return sources


def main():
    notebook, stub = sys.argv[1], sys.argv[2]
    nb = nbformat.read(notebook, as_version=4)
    try:
        import nbgrader  # noqa: F401
        engine, run = 'nbgrader', with_nbgrader
    except ImportError:
        engine, run = 'the rules of nbgrader 0.9, in Python', by_the_rules
    try:
        print(json.dumps({'engine': engine, 'sources': run(nb, stub)}))
    except (RuntimeError, ValueError) as error:
        print(json.dumps({'engine': engine, 'error': str(error)}))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
