"""Jupyter's kernel conformance suite (Debian's python3-jupyter-kernel-test) against the project's
tslab kernel, `descent-lab-tslab`: what Jupyter frontends, nbclient, papermill and nbgrader rely on.

Run: JUPYTER_DATA_DIR=... /usr/bin/python3 -m unittest test/support/conformance_test.py
(test/kernel-conformance.test.ts registers the kernel first and runs it from `npm test`).

Every test of jupyter_kernel_test.KernelTests either gets samples here or is skipped with the reason.
"""

import time
import unittest
from unittest import SkipTest

import jupyter_kernel_test

JUPYTER_DISPLAY = "Symbol.for('Jupyter.display')"


class DescentLabTslabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = 'descent-lab-tslab'
    language_name = 'typescript'
    file_extension = '.ts'

    code_hello_world = "console.log('hello, world');"
    code_stderr = "console.error('to stderr');"

    # Candidates are the ones that start with what was typed: `myAlpha` and `flatMap` contain the
    # typed text without starting with it.
    completion_samples = [
        {'text': 'const alphaOne = 1, alphaTwo = 2, myAlpha = 3;\nalpha', 'matches': {'alphaOne', 'alphaTwo'}},
        {'text': '[1, 2].ma', 'matches': {'map'}},
    ]

    complete_code_samples = [
        '1 + 1',
        'const x: number = 1;',
        'function f(n: number) {\n  return n;\n}',
        'const later = await Promise.resolve(1);',
    ]
    incomplete_code_samples = [
        'function f(n: number) {',
        'const xs = [1,',
        'for (let i = 0; i < 3; i++) {\n  console.log(i);',
    ]
    invalid_code_samples = [
        'const = 1;',
        '1 +* 2',
        'let x = );',
        'if (true) }',
    ]

    code_generate_error = "throw new Error('a deliberate error');"

    code_execute_result = [
        {'code': '1 + 2', 'result': '3'},
        {'code': 'const answer: number = 6 * 7;\nanswer', 'result': '42'},
        {'code': "'a' + 'b'", 'result': "'ab'"},
        {'code': "({ [%s]: () => ({ 'text/html': '<b>rich</b>' }) })" % JUPYTER_DISPLAY,
         'mime': 'text/html', 'result': '<b>rich</b>'},
    ]

    code_display_data = [
        {'code': "import * as tslab from 'tslab';\ntslab.display.html('<b>shown</b>');", 'mime': 'text/html'},
        {'code': "import * as tslab from 'tslab';\ntslab.display.markdown('*shown*');", 'mime': 'text/markdown'},
    ]

    code_inspect_sample = 'Math.max'

    def test_error(self):
        super().test_error()
        # tslab aborts every execute_request that arrives within 200 ms of a failed cell (its form of
        # stop_on_error); wait that out, so that the next test's request is not aborted on a slow machine.
        time.sleep(0.5)

    def test_history(self):
        raise SkipTest('tslab keeps no execution history (history_request is not part of what it serves)')

    def test_pager(self):
        raise SkipTest('tslab has no pager: nothing a cell does produces a page payload')

    def test_clear_output(self):
        raise SkipTest("tslab's display API has no way to clear a cell's output")


if __name__ == '__main__':
    unittest.main()
