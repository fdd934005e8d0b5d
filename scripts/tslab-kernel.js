#!/usr/bin/env node
// Starts the project's tslab kernel: stock tslab 1.0.22 with a few adaptations, one file each in
// scripts/kernel/. Each adaptation is small, says in its header what stock tslab does and why the
// kernel differs, and patches only the tslab or zeromq export it names (tslab's main.js looks its
// collaborators up on these module objects at start-up, so a replaced export takes effect there).
//
// Plain JavaScript on purpose: the kernel spec runs it directly with node.
'use strict';

/** The module objects the adaptations patch. */
function tslabModules() {
  return {
    zmq: require('zeromq'),
    executor: require('tslab/dist/executor'),
    jupyter: require('tslab/dist/jupyter'),
    converter: require('tslab/dist/converter'),
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
  require('./kernel/error-messages'),
  require('./kernel/execute-results'),
  require('./kernel/prefix-completion'),
  require('./kernel/invalid-code'),
  require('./kernel/cooperative-interrupt'),
];

/** Applies every adaptation to `tslab` (see tslabModules) and returns their names. */
function adaptKernel(tslab = tslabModules()) {
  for (const adaptation of adaptations) adaptation.apply(tslab);
  return adaptations.map((adaptation) => adaptation.name);
}

module.exports = { adaptKernel, adaptations, tslabModules };

if (require.main === module) {
  adaptKernel();
  require('tslab/dist/main.js').main();
}
