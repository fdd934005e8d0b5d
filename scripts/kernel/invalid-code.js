// Makes is_complete_request answer `invalid` for code with a syntax error.
//
// Stock tslab answers `incomplete` when the parser's only complaint is at the very end ("'}'
// expected.") and `complete` for everything else, syntax errors included; so a console that asks
// before running (jupyter console, JupyterLab's console) cannot tell broken code from finished
// code. Here code that TypeScript's parser rejects anywhere before its end is `invalid`; tslab's
// answer stands otherwise (`incomplete` with its indent, or `complete`). The code is parsed as tslab
// compiles it: as a TypeScript (or, for jslab, JavaScript) module, so that top-level await is valid.
'use strict';

const path = require('node:path');

/** The TypeScript that tslab compiles with. */
const typescript = () => require(require.resolve('@tslab/typescript-for-tslab', { paths: [path.dirname(require.resolve('tslab/package.json'))] }));

/** tslab's prefix, which makes every cell a module (see converter.js's srcPrefix). */
const MODULE_PREFIX = 'export {};\n';

/** Whether TypeScript's parser reports an error in `code` other than at its very end. */
function hasSyntaxErrorBeforeEnd(code, isJs = false) {
  const ts = typescript();
  const source = ts.createSourceFile(isJs ? 'cell.js' : 'cell.ts', MODULE_PREFIX + code, ts.ScriptTarget.Latest, false,
    isJs ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const end = MODULE_PREFIX.length + code.length;
  return source.parseDiagnostics.some((diagnostic) => diagnostic.start < end);
}

/** @param {{ jupyter: any }} tslab */
function apply(tslab) {
  const { JupyterHandlerImpl } = tslab.jupyter;
  tslab.jupyter.JupyterHandlerImpl = class InvalidCodeHandler extends JupyterHandlerImpl {
    handleIsComplete(req) {
      if (hasSyntaxErrorBeforeEnd(req.code, this.isJs)) return { status: 'invalid' };
      return super.handleIsComplete(req);
    }
  };
}

module.exports = { name: 'invalidCode', apply, hasSyntaxErrorBeforeEnd };
