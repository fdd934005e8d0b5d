#!/usr/bin/env node
// Installs the Debian packages that the tests and notebooks need, when they are missing:
// Jupyter (the classic Notebook, nbconvert, nbclient, ipykernel) to run the notebooks with the
// tslab kernel, Chromium to check the exported pages in a real browser, and Fashion-MNIST for the
// data tests. On Debian as root it runs apt-get; anywhere else it prints what to install.
//
// Plain JavaScript on purpose: `npm test` runs it before the TypeScript build.
'use strict';
const { spawnSync } = require('node:child_process');

const PACKAGES = [
  'jupyter-notebook', 'jupyter-nbconvert', 'python3-nbclient', 'python3-ipykernel',
  'chromium', 'fonts-dejavu-core', 'dataset-fashion-mnist', 'python3-jupyter-kernel-test',
  // `npm run lab`: jupyter_server and LabServerApp serve the JupyterLab 4 built from npm (scripts/lab/).
  'python3-jupyter-server', 'python3-jupyterlab-server',
  // The class hub (npm run hub, test/hub.test.ts): JupyterHub 3 with its configurable-http-proxy.
  'jupyterhub',
];

const installed = (name) =>
  spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes('install ok installed');

const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasApt) {
  console.log('Not a Debian system: install Jupyter (pip install jupyterlab nbclient nbconvert) and Chromium yourself; '
    + 'set DESCENT_LAB_CHROMIUM to the browser binary if it is not /usr/bin/chromium.');
  process.exit(0);
}
const missing = PACKAGES.filter((name) => !installed(name));
if (missing.length === 0) process.exit(0);
if (process.getuid && process.getuid() !== 0) {
  console.error(`Missing Debian packages: ${missing.join(' ')}.\nInstall them with: sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}
const apt = (args) => {
  console.log(`$ apt-get ${args.join(' ')}`);
  const run = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (run.status !== 0) {
    console.error(`apt-get ${args[0]} failed (exit ${run.status}). Install these packages by hand: ${missing.join(' ')}`);
    process.exit(1);
  }
};
apt(['update', '-qq']);
apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
