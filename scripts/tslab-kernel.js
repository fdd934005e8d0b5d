#!/usr/bin/env node
// Starts the project's tslab kernel with one fix to how it publishes output.
//
// tslab sends every output message on a zeromq Publisher without awaiting the send. zeromq.js 6
// sends synchronously only 512 times in a row; it defers the 513th send to the next turn of the
// event loop, and any send before that turn throws "Socket is busy writing" (EBUSY). In tslab the
// throw is uncaught, and once TensorFlow.js's WebAssembly backend has loaded, its Emscripten glue
// turns any uncaught exception into the kernel's death - seen when a cell replayed long training
// logs. A Publisher never blocks, so a send timeout of 0, which makes zeromq.js send every message
// at once, is safe and removes the hazard.
//
// A Publisher does drop messages instead: once 1,000 (its default high-water mark) wait for a
// subscriber that reads slowly - Jupyter on a busy machine - the rest of a long log is lost.
// An unlimited high-water mark (0) queues them in memory until the client catches up.
//
// Plain JavaScript on purpose: the kernel spec runs it directly with node.
'use strict';

/** Makes every Publisher created from now on send synchronously and never drop a message. */
function useSynchronousPublishers(zmq) {
  const { Publisher } = zmq;
  if (Publisher.synchronous) return;
  zmq.Publisher = class SynchronousPublisher extends Publisher {
    static synchronous = true;
    constructor(options) {
      super({ sendTimeout: 0, sendHighWaterMark: 0, ...options });
    }
  };
}

module.exports = { useSynchronousPublishers };

if (require.main === module) {
  useSynchronousPublishers(require('zeromq'));
  require('tslab/dist/main.js').main();
}
