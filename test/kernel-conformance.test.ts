/**
 * Jupyter's kernel conformance suite, Debian's jupyter_kernel_test (python3-jupyter-kernel-test,
 * which `npm test` installs with the other system packages), run against the registered
 * `descent-lab-tslab` kernel: test/support/conformance_test.py gives it samples for every test
 * that applies to a TypeScript kernel and skips the rest with a written reason.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { prepareJupyter } from '../scripts/jupyter/notebook-runner';
import { projectRoot } from '../scripts/jupyter/paths';

/** Debian's Python, which has Debian's jupyter_kernel_test. */
const debianPython = '/usr/bin/python3';

/** The tests that do not apply to tslab (each skips with its reason). */
const notApplicable = ['test_clear_output', 'test_history', 'test_pager'];

test('the kernel passes jupyter_kernel_test, every test not run skipped with its reason', (t) => {
  prepareJupyter(); // registers the kernel spec where jupyter_client looks
  const hasSuite = spawnSync(debianPython, ['-c', 'import jupyter_kernel_test'], { encoding: 'utf8' });
  assert.equal(hasSuite.status, 0, `${debianPython} cannot import jupyter_kernel_test: install the Debian package python3-jupyter-kernel-test ` +
    `(npm test's pretest does when run as root).\n${hasSuite.stderr}`);
  const run = spawnSync(debianPython, ['-m', 'unittest', '-v', 'conformance_test'], {
    cwd: path.join(projectRoot, 'test', 'support'),
    encoding: 'utf8',
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    timeout: 10 * 60 * 1000,
  });
  const report = run.stderr; // unittest reports on stderr
  const result = /^Ran \d+ tests? in [\d.]+s\n\n(OK.*|FAILED.*)$/m.exec(report);
  const resultLine = result ? result[0].replace(/\n+/, ' ') : '(no result line)';
  t.diagnostic(resultLine);
  console.log(`jupyter_kernel_test: ${resultLine}`);
  assert.equal(run.status, 0, `the conformance suite failed:\n${report.slice(-6000)}`);
  assert.match(resultLine, /OK/);
  const skipped = [...report.matchAll(/^(test_\w+) \(.*?\) \.\.\. skipped (.*)$/gm)].map(([, name, reason]) => ({ name, reason }));
  assert.deepEqual(skipped.map((skip) => skip.name).sort(), notApplicable, 'exactly the tests that do not apply are skipped');
  for (const { name, reason } of skipped) assert.ok(reason.replace(/['"]/g, '').trim().length > 10, `${name} is skipped with a written reason, got ${reason}`);
});
