// Preloaded into a kernel (NODE_OPTIONS=--require) by test/kernel-warm-when-idle.test.ts: writes
// when tslab's TypeScript first reads a declaration file (ms since the epoch, then its path) to the
// file named by DESCENT_LAB_TYPESCRIPT_READS.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const typescript = require(require.resolve('@tslab/typescript-for-tslab', {
  paths: [path.dirname(require.resolve('tslab/package.json'))],
}));
const record = process.env.DESCENT_LAB_TYPESCRIPT_READS;
const readFile = typescript.sys.readFile;
let recorded = false;
typescript.sys.readFile = function (file, ...rest) {
  if (!recorded && record && String(file).endsWith('.d.ts')) {
    recorded = true;
    fs.writeFileSync(record, `${Date.now()} ${file}\n`);
  }
  return readFile.call(this, file, ...rest);
};
