#!/usr/bin/env node
// Starts the project's tslab kernel: stock tslab 1.0.22 with a few adaptations, one file each in
// scripts/kernel/. Each adaptation is small, says in its header what stock tslab does and why the
// kernel differs, and patches only the tslab or zeromq export it names (tslab's main.js looks its
// collaborators up on these module objects at start-up, so a replaced export takes effect there).
//
// Plain JavaScript on purpose: the kernel spec runs it directly with node.
//
// tslab hands the kernel over to another copy of tslab that it finds in a node_modules above the
// notebook's folder (its "local install" rule, main.js's findLocalStartKernel). The adaptations are
// applied to the copy that will run: to that local copy when it is the tslab version they were
// written for (tslab then loads the very modules adapted here), else this install's tslab runs with
// the hand-over turned off, and one line on stderr says so.
'use strict';

const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

/** This install's tslab folder. */
const ownTslabDir = path.dirname(require.resolve('tslab/package.json'));

/** The module objects the adaptations patch, of the tslab copy in `tslabDir` (default: this install's). */
function tslabModules(tslabDir = ownTslabDir) {
  const load = createRequire(path.join(tslabDir, 'package.json'));
  return {
    zmq: load('zeromq'),
    executor: load('./dist/executor'),
    jupyter: load('./dist/jupyter'),
    converter: load('./dist/converter'),
    typescript: load('@tslab/typescript-for-tslab'),
  };
}

/** The adaptations, in the order they are applied. */
const adaptations = [
  require('./kernel/harden-sockets'),
  require('./kernel/authenticate-messages'),
  // Before cell-channel: it patches the handler class it finds, which must be tslab's own so that
  // cell-channel's subclass (which calls super) keeps its hooks for every request.
  require('./kernel/continue-after-errors'),
  require('./kernel/cell-channel'),
  require('./kernel/kernel-info'),
  require('./kernel/warm-when-idle'),
  require('./kernel/error-messages'),
  require('./kernel/execute-results'),
  require('./kernel/prefix-completion'),
  require('./kernel/invalid-code'),
  require('./kernel/cooperative-interrupt'),
  // Before resolve-course-packages: it wraps TypeScript's file system around this one's, so this
  // one sees the real paths of the install's packages.
  require('./kernel/node-globals-only'),
  require('./kernel/resolve-course-packages'),
];

/** Applies every adaptation to `tslab` (see tslabModules) and returns their names. */
function adaptKernel(tslab = tslabModules()) {
  for (const adaptation of adaptations) adaptation.apply(tslab);
  return adaptations.map((adaptation) => adaptation.name);
}

module.exports = { adaptKernel, adaptations, tslabModules };

/**
 * The tslab folder that tslab's local-install rule hands the kernel to from `cwd`, as main.js's
 * findLocalStartKernel looks for it (skipping folders named node_modules), or null for none.
 */
function localTslabDir(cwd = process.cwd()) {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const main = path.join(dir, 'node_modules', 'tslab', 'dist', 'main.js');
    if (path.basename(dir) !== 'node_modules' && fs.existsSync(main)) return path.dirname(path.dirname(main));
    if (path.dirname(dir) === dir) return null;
  }
}

const tslabVersion = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;

/** Adapts the tslab that will serve this kernel and starts it (argv as tslab's `kernel` command takes it). */
function startAdaptedKernel(argv = process.argv.slice(2), cwd = process.cwd()) {
  const local = localTslabDir(cwd);
  const handOver = local !== null && fs.realpathSync(local) !== fs.realpathSync(ownTslabDir);
  if (handOver && tslabVersion(local) === tslabVersion(ownTslabDir)) {
    adaptKernel(tslabModules(local));
    return require(path.join(ownTslabDir, 'dist', 'main.js')).main();
  }
  adaptKernel();
  const ownMain = require(path.join(ownTslabDir, 'dist', 'main.js'));
  if (!handOver || argv[0] !== 'kernel') return ownMain.main();
  console.error(`Descent Lab kernel: not handing over to the tslab ${tslabVersion(local)} in ${local} `
    + `(its local-install rule): the kernel's adaptations are for tslab ${tslabVersion(ownTslabDir)}, which runs instead.`);
  const option = (name) => { const at = argv.indexOf(name); return at < 0 ? undefined : argv[at + 1]; };
  ownMain.startKernel({
    configPath: option('--config-path') ?? '',
    jsKernel: argv.includes('--js'),
    enableFindLocal: false,
    globalVersion: tslabVersion(ownTslabDir),
  });
}

module.exports.localTslabDir = localTslabDir;

if (require.main === module) startAdaptedKernel();
