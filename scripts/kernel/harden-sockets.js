// Makes the kernel's zeromq sockets safe for three hazards of
// zeromq.js 6 that stock tslab meets. tslab sends without awaiting or catching, so in each case
// the failure either kills the kernel or silently stops it answering.
//
// 1. A burst of output throws. zeromq.js sends synchronously only 512 times in a row; it defers
//    the 513th send to the next turn of the event loop, and any send before that turn throws
//    "Socket is busy writing" (EBUSY). Once TensorFlow.js's WebAssembly backend has loaded, its
//    Emscripten glue turns that uncaught throw into the kernel's death - seen when a cell replayed
//    long training logs. A Publisher never blocks, so a send timeout of 0, which makes zeromq.js
//    send every message at once, is safe and removes the hazard.
// 2. A slow reader loses output. Once 1,000 messages (a Publisher's default high-water mark) wait
//    for a subscriber that reads slowly - Jupyter on a busy machine - the rest of a long log is
//    dropped. An unlimited high-water mark (0) queues them in memory until the client catches up.
// 3. A request that arrives during start-up kills the shell. tslab binds its five sockets while
//    their receive loops already run. Until zeromq.js has finished a bind on the main thread, a
//    send or receive on that socket throws "Socket is blocked by a bind or unbind operation". On a
//    loaded machine Jupyter's first kernel_info_request can slip into that window; the reply and
//    the next receive fail, and the kernel never answers again (seen once in CI). Here a send or
//    receive issued during a bind waits for the bind to finish; sends keep their order.
'use strict';

const noop = () => {};

/** Subclasses a socket class so that send and receive wait for a bind in progress instead of throwing. */
function waitingForBinds(Socket) {
  return class extends Socket {
    #pending = null; // settles once the bind in progress and the sends held back behind it have run

    bind(address) {
      const bound = super.bind(address);
      this.#holdBack(() => bound).catch(noop); // the caller hears of a failed bind through `bound`
      return bound;
    }

    send(...args) {
      return this.#pending ? this.#holdBack(() => super.send(...args)) : super.send(...args);
    }

    receive() {
      return this.#pending ? this.#pending.then(() => super.receive()) : super.receive();
    }

    /** Runs `operation` after everything held back before it, so sends keep their order. */
    #holdBack(operation) {
      const result = (this.#pending ?? Promise.resolve()).then(operation);
      const pending = result.then(noop, noop);
      this.#pending = pending;
      pending.then(() => {
        if (this.#pending === pending) this.#pending = null;
      });
      return result;
    }
  };
}

/**
 * Replaces zmq's Publisher, Router and Reply - the socket types tslab uses - with versions that
 * wait for binds, and Publishers that send at once and never drop a message. Idempotent.
 */
function hardenKernelSockets(zmq) {
  if (zmq.Publisher.hardened) return;
  const Publisher = waitingForBinds(zmq.Publisher);
  zmq.Publisher = class HardenedPublisher extends Publisher {
    static hardened = true;
    constructor(options) {
      super({ sendTimeout: 0, sendHighWaterMark: 0, ...options });
    }
  };
  zmq.Router = waitingForBinds(zmq.Router);
  zmq.Reply = waitingForBinds(zmq.Reply);
}

module.exports = {
  name: 'hardenKernelSockets',
  hardenKernelSockets,
  /** @param {{ zmq: any }} tslab */
  apply: (tslab) => hardenKernelSockets(tslab.zmq),
};
