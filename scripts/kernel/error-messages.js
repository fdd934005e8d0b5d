// Reports a failing cell as Jupyter's `error` message, with a traceback that starts at the cell.
//
// Stock tslab prints what a cell threw to stderr, as `console.error(error)` renders it - V8's stack,
// whose frames are lines of tslab's compiled JavaScript ("evalmachine.<anonymous>:7") followed by
// vm, tslab and node internals - and TypeScript errors as `2:5 - message` lines; its execute_reply
// says status 'error' with no ename, evalue or traceback. So JupyterLab shows no traceback, and
// nbclient, papermill and nbgrader see a failure without a name or message.
//
// Here the executor's console (the only way tslab's executor reports) is replaced: what the cell
// threw, or the compiler's diagnostics, become one `error` IOPub message and the same fields in the
// execute_reply (through cell-channel.js), and nothing goes to stderr. The traceback reads like
// IPython's, outermost call first: the cell's line (`Cell In[3], line 2`, the line the user typed:
// each compiled cell is named by a sourceURL comment and mapped back with cell-lines.js), then the
// frames of the code it called (the descent-lab library, its dependencies, functions of earlier
// cells), then `Name: message`; vm, node and tslab frames are left out. V8 keeps 10 frames by
// default, which a call into TensorFlow.js fills before reaching the cell, so the limit is raised.
//
// An interrupt is not a bug: an error whose name ends in `Interrupted` (the library's
// TrainingInterrupted) or is KeyboardInterrupt shows no frames, only `Name: message`; tslab's
// "Interrupted asynchronously" and V8's "Script execution was interrupted by `SIGINT`" become
// KeyboardInterrupt.
'use strict';

const path = require('node:path');
const util = require('node:util');
const { currentCell } = require('./cell-channel');
const { cellLineMap } = require('./cell-lines');

const STACK_FRAMES = 50;
const DIAGNOSTIC_FORMAT = '%s%d:%d - %s'; // tslab's printDiagnostics

/** @param {{ executor: any }} tslab */
function apply(tslab) {
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, STACK_FRAMES);
  const createExecutor = tslab.executor.createExecutor;
  tslab.executor.createExecutor = (rootDir, convs, console) => {
    const cells = new Map(); // sourceURL -> { count, src, output, lines? }
    let running = null; // { count, thrown?, diagnostics[] } of the cell that runs
    let unnamed = 0;
    const executor = createExecutor(rootDir, namingCells(convs, (src, converted) => {
      const count = running?.count ?? `#${++unnamed}`;
      const url = `In[${count}].js`;
      cells.set(url, { count, src, output: converted.output });
      converted.output += `\n//# sourceURL=${url}`;
    }), {
      ...console,
      error: (...args) => {
        if (running && args.length === 1) running.thrown = { value: args[0] };
        else if (running && args.length === 5 && args[0] === DIAGNOSTIC_FORMAT) running.diagnostics.push(args);
        else console.error(...args);
      },
    });
    return {
      ...executor,
      async execute(src) {
        const cell = currentCell();
        const run = { count: cell?.count, thrown: undefined, diagnostics: [] };
        running = run;
        let ok;
        try {
          ok = await executor.execute(src);
        } finally {
          if (running === run) running = null;
        }
        let error;
        if (run.thrown) error = thrownError(run.thrown.value, cells);
        else if (!ok && run.diagnostics.length > 0) error = compileError(run.diagnostics, run.count);
        else for (const args of run.diagnostics) console.error(...args); // a module cell: tslab reports and goes on
        if (error) {
          if (cell) {
            cell.publish('error', error);
            Object.assign(cell.reply, error);
          } else {
            console.error(error.traceback.join('\n'));
          }
        }
        return ok;
      },
    };
  };
}

/** `convs` whose node converter calls `named(src, converted)` on each compiled cell before it runs. */
function namingCells(convs, named) {
  let node;
  return {
    get node() {
      if (!node) {
        const converter = convs.node;
        node = {
          ...converter,
          convert(prevDecl, src) {
            const converted = converter.convert(prevDecl, src);
            if (typeof converted.output === 'string' && converted.output) named(src, converted);
            return converted;
          },
        };
      }
      return node;
    },
    get browser() {
      return convs.browser;
    },
    close: () => convs.close(),
  };
}

/** The error message for TypeScript's diagnostics of cell `count`. */
function compileError(diagnostics, count) {
  const lines = diagnostics.map(([, file, line, column, message]) =>
    `${file ? `File ${file.trim()}` : `Cell In[${count}]`}, line ${line}:${column} - ${message}`);
  return { ename: 'TSError', evalue: String(diagnostics[0][4]), traceback: lines };
}

/** The error message for a value a cell threw. */
function thrownError(value, cells) {
  const isError = value instanceof Error || (value !== null && typeof value === 'object' && typeof value.message === 'string');
  if (!isError) {
    const shown = util.inspect(value);
    return { ename: 'Uncaught', evalue: shown, traceback: [`Uncaught ${shown}`] };
  }
  let ename = String(value.name ?? value.constructor?.name ?? 'Error');
  let evalue = String(value.message);
  if (value.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' || evalue === 'Interrupted asynchronously') {
    ename = 'KeyboardInterrupt';
    evalue = value.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' ? 'the cell was interrupted' : 'the cell was interrupted while it awaited';
  }
  const interrupt = ename === 'KeyboardInterrupt' || ename.endsWith('Interrupted'); // not a bug: no frames
  const last = evalue ? `${ename}: ${evalue}` : ename;
  return { ename, evalue, traceback: interrupt ? [last] : [...userFrames(value, cells), last] };
}

/** The stack of `error` as traceback lines, outermost call first, without vm, node and tslab frames. */
function userFrames(error, cells) {
  let stack = '';
  try {
    stack = String(error.stack ?? '');
  } catch {
    // a throwing stack getter leaves only the name and message
  }
  const lines = [];
  for (const text of stack.split('\n')) {
    const frame = parseFrame(text);
    if (!frame) continue;
    const cell = cells.get(frame.file);
    if (cell) {
      const line = cellLine(cell, frame.line);
      if (line === undefined) continue; // the compiled cell's own wrapper, not a line the user typed
      lines.push(line < 0 ? `Cell In[${cell.count}]${frame.callee}` :
        `Cell In[${cell.count}], line ${line + 1}${frame.callee}\n----> ${line + 1} ${cell.src.split('\n')[line].trim()}`);
    } else if (!isInternal(frame.file)) {
      lines.push(`File ${shownPath(frame.file)}:${frame.line}:${frame.column}${frame.callee}`);
    }
  }
  return lines.reverse();
}

/** `at fn (file:line:column)` or `at file:line:column` as its parts, or null for other stack lines. */
function parseFrame(text) {
  const match = /^\s+at (?:async )?(?:(.*?) \((.*)\)|(.*))$/.exec(text);
  const where = match && /^(.*):(\d+):(\d+)$/.exec(match[2] ?? match[3]);
  if (!where) return null; // e.g. `at new Promise (<anonymous>)`, `at async Promise.all (index 0)`
  // A function of an earlier cell is called on tslab's `exports` Proxy, which V8 names as its receiver.
  const callee = match[1]?.replace(/^Proxy\./, '');
  const fn = callee && !callee.includes('<anonymous>') ? `, in ${callee}` : '';
  return { callee: fn, file: where[1], line: Number(where[2]), column: Number(where[3]) };
}

/** The 0-based cell line of 1-based line `line` of the compiled cell: -1 when unknown, undefined past the cell's code. */
function cellLine(cell, line) {
  cell.lines ??= cellLineMap(cell.src, cell.output);
  return line <= cell.lines.length ? cell.lines[line - 1] : undefined;
}

const tslabDir = path.dirname(require.resolve('tslab/package.json')) + path.sep;
const adaptationsDir = __dirname + path.sep;
const launcher = path.join(path.dirname(__dirname), 'tslab-kernel.js');

/** Frames of node, vm, tslab and this launcher: how the kernel runs a cell, not what the cell did. */
function isInternal(file) {
  return file.startsWith('node:') || file.startsWith('evalmachine.') || file.startsWith(tslabDir) ||
    file.includes(`${path.sep}@tslab${path.sep}`) || file.startsWith(adaptationsDir) || file === launcher;
}

/** `file` relative to the kernel's folder when it lies inside it, else as it is. */
function shownPath(file) {
  const absolute = file.startsWith('file://') ? require('node:url').fileURLToPath(file) : file;
  const relative = path.relative(process.cwd(), absolute);
  return path.isAbsolute(absolute) && relative && !relative.startsWith('..') ? relative : file;
}

module.exports = { name: 'errorMessages', apply, thrownError };
