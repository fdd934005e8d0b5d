/**
 * Runs one of the Python drivers in test/support (kernel_session.py, kernel_requests.py,
 * interrupt_session.py, sweep_interrupt_session.py) against the project's real tslab kernel through
 * jupyter_client, and returns the record it wrote. Each driver takes the same arguments: the kernel's
 * name, its working directory, a JSON file of what to send, and the JSON file to write.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kernelName } from '../../scripts/register-kernel';
import { prepareJupyter } from '../../scripts/jupyter/notebook-runner';
import { projectRoot } from '../../scripts/jupyter/paths';

export interface KernelDriverOptions {
  /** Environment of the driver and so of the kernel it starts; the default is this process's. */
  env?: NodeJS.ProcessEnv;
}

/** Sends `input` through `driver` (a file name in test/support) in `workDir`; returns the driver's record. */
export function runKernelDriver<Record>(driver: string, input: unknown, workDir: string, options: KernelDriverOptions = {}): Record {
  const python = prepareJupyter();
  const inputFile = path.join(workDir, `${path.parse(driver).name}-input.json`);
  const recordFile = path.join(workDir, `${path.parse(driver).name}-record.json`);
  fs.writeFileSync(inputFile, JSON.stringify(input));
  const session = spawnSync(python, [path.join(projectRoot, 'test', 'support', driver), kernelName, projectRoot, inputFile, recordFile], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...(options.env ?? process.env), PYDEVD_DISABLE_FILE_VALIDATION: '1' },
  });
  assert.equal(session.status, 0, `the kernel session (${driver}) failed:\n${session.stderr.slice(-3000)}`);
  return JSON.parse(fs.readFileSync(recordFile, 'utf8')) as Record;
}
