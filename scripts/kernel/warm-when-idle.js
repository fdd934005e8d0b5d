// Answers a starting kernel's first requests before building its TypeScript compiler, and builds
// the compiler as soon as the kernel is idle.
//
// Stock tslab builds its compiler (a TypeScript watch program over Node's declarations and the
// ES libraries, 1 CPU-second on an AMD EPYC) before it opens its sockets, so nothing answers until
// it is done: JupyterLab shows "Kernel starting" all that time. When a class starts 30 kernels at
// once on a small hub, that second of CPU per kernel, shared by all, is what the students wait for.
//
// Here the compiler is built when first needed (a cell, a completion, a tooltip) or once the kernel
// has been idle for IDLE_MS after its last kernel_info request (Jupyter's server and the notebook
// page each send one as they connect), whichever comes first; START_MS after start-up if no
// kernel_info request ever comes. A student's first cell therefore never waits longer than in
// stock tslab, and usually not at all: it comes after the compiler is built, while they read.
'use strict';

/** How long the kernel must be idle after a kernel_info request before it builds the compiler. */
const IDLE_MS = 500;
/** When it builds the compiler if no kernel_info request comes at all. */
const START_MS = 3000;

/** The methods of the converter that tslab 1.0.22's createConverter returns, besides `close`. */
const CONVERTER_METHODS = ['convert', 'inspect', 'complete', 'addModule'];

/**
 * A converter that tslab's code can use at once: built by `create()` on the first call of any of
 * its methods, or when a warm that `warmAfter(ms)` schedules (replacing an earlier one) comes. A
 * plain object with one own method each, so that code which copies a converter (`{ ...converter }`,
 * as the error-messages adaptation does) copies them all.
 */
function lazyConverter(create) {
  let real = null;
  let timer = null;
  const build = () => {
    clearTimeout(timer);
    real ??= create();
    return real;
  };
  const converter = {
    ...Object.fromEntries(CONVERTER_METHODS.map((name) => [name, (...args) => build()[name](...args)])),
    close() {
      clearTimeout(timer);
      real?.close();
    },
  };
  return {
    converter,
    warmAfter(ms) {
      if (real) return;
      clearTimeout(timer);
      timer = setTimeout(build, ms);
    },
    get built() { return real !== null; },
  };
}

/** The lazy converters of this process not built yet, to warm after the next idle spell. */
const waiting = new Set();

function warmAllAfter(ms) {
  for (const lazy of waiting) {
    if (lazy.built) waiting.delete(lazy);
    else lazy.warmAfter(ms);
  }
}

/** @param {{ converter: any, jupyter: any }} tslab */
function apply(tslab) {
  const { createConverter } = tslab.converter;
  tslab.converter.createConverter = function (...args) {
    const lazy = lazyConverter(() => createConverter.apply(this, args));
    waiting.add(lazy);
    lazy.warmAfter(START_MS);
    return lazy.converter;
  };
  const { JupyterHandlerImpl } = tslab.jupyter;
  tslab.jupyter.JupyterHandlerImpl = class WarmWhenIdleHandler extends JupyterHandlerImpl {
    handleKernel() {
      warmAllAfter(IDLE_MS);
      return super.handleKernel();
    }
  };
}

module.exports = { name: 'warmWhenIdle', apply, lazyConverter, CONVERTER_METHODS, IDLE_MS, START_MS };
