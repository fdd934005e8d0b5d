// Makes a cell's last expression its result (Jupyter's `execute_result`, JupyterLab's Out[n]).
//
// Stock tslab prints the value of a cell's last expression with console.log, so it arrives as
// stdout text, mixed with what the cell printed, with no execution count and no rich form. Here it
// is an `execute_result` of the cell (through cell-channel.js) holding `text/plain` as console.log
// would have printed it for a non-string (util.inspect; a string shows quoted, as in Node's REPL),
// or, for a value with a method at `value[Symbol.for('Jupyter.display')]`, the MIME bundle that the
// method returns (Deno's convention; it may return a promise of the bundle). undefined and null
// give no result, as before; a silent request publishes none.
'use strict';

const util = require('node:util');
const { currentCell } = require('./cell-channel');

/** The key of the method that gives a value's MIME bundle (Deno's Jupyter kernel uses the same). */
const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');

/** @param {{ executor: any }} tslab */
function apply(tslab) {
  const createExecutor = tslab.executor.createExecutor;
  tslab.executor.createExecutor = (rootDir, convs, console) => {
    let published = null; // the result of the cell that runs, once tslab hands it over
    const executor = createExecutor(rootDir, convs, {
      ...console,
      // tslab's executor calls console.log only with the value of the cell's last expression.
      log: (...args) => {
        const cell = currentCell();
        if (!cell || args.length !== 1) return console.log(...args);
        published = publishResult(cell, args[0]);
      },
    });
    return {
      ...executor,
      async execute(src) {
        published = null;
        const ok = await executor.execute(src);
        await published; // a bundle that came as a promise goes out before the reply
        return ok;
      },
    };
  };
}

/** Publishes `value` as cell's execute_result. */
async function publishResult(cell, value) {
  if (cell.silent) return;
  cell.publish('execute_result', { execution_count: cell.count, data: await mimeBundle(value), metadata: {} });
}

/** The MIME bundle of `value`: its own (see JUPYTER_DISPLAY) if it has one, else `text/plain`. */
async function mimeBundle(value) {
  if (typeof value?.[JUPYTER_DISPLAY] === 'function') {
    let problem;
    try {
      const bundle = await value[JUPYTER_DISPLAY]();
      if (bundle !== null && typeof bundle === 'object' && Object.keys(bundle).length > 0) return bundle;
      problem = `returned ${util.inspect(bundle)}, not a MIME bundle such as { 'text/html': '<b>hi</b>' }`;
    } catch (error) {
      problem = `threw ${util.inspect(error)}`;
    }
    // The cell's stderr, written directly: the executor's console.error may be another adaptation's.
    process.stderr.write(`[Symbol.for('Jupyter.display')]() ${problem}; showing the value as text instead.\n`);
  }
  return { 'text/plain': util.inspect(value) };
}

module.exports = { name: 'executeResults', apply, mimeBundle, JUPYTER_DISPLAY };
