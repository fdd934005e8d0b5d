// Gives a notebook Node's global declarations only, not those of every @types package the install
// happens to hold.
//
// Stock tslab compiles without a `types` list, so TypeScript adds every package under each
// node_modules/@types above the notebook's folder to the program as global declarations. This
// install's node_modules/@types holds about 50 packages that its JupyterLab build and Observable
// Plot pulled in (lodash, react, thirty d3-*, jsdom, which in turn pulls in the browser's whole DOM
// library). Each kernel parsed and bound all of them before it answered its first request, for
// globals that no notebook has. Measured on an AMD EPYC (medians of 5 starts): leaving them out
// takes a kernel's start from 2.5 to 1.3 CPU-seconds (1.9 s to 1.25 s until it answers) and its
// memory from 252 to 173 MiB. And the DOM made `document.title` type-check in a Node kernel, only
// to fail when run.
//
// Here the install's own @types folder lists only `node` when TypeScript collects those automatic
// global packages, which is what `"types": ["node"]` in the project's tsconfig.json says for the
// library. An import still finds any @types package (`import * as d3 from 'd3'` gets @types/d3):
// module resolution reads files and folders, never this listing. Any other node_modules/@types
// (the notebook folder's own, say) is listed as stock TypeScript lists it.
//
// Applied before resolveCoursePackages, so that it sees the real paths that adaptation forwards
// the virtual /node_modules/@types to.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { courseNodeModules } = require('./resolve-course-packages');

/** The packages whose global declarations a notebook gets from the install's @types. */
const GLOBAL_TYPE_PACKAGES = ['node'];

const realPath = (dir) => {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
};

/** Makes `sys.getDirectories` list only GLOBAL_TYPE_PACKAGES in `typesFolder`. */
function listNodeGlobalsOnly(sys, typesFolder) {
  if (sys.descentLabGlobalTypes) return;
  const courseTypes = realPath(typesFolder);
  const getDirectories = sys.getDirectories;
  sys.getDirectories = function (dir, ...rest) {
    const entries = getDirectories.call(this, dir, ...rest);
    if (path.basename(dir) !== '@types' || realPath(dir) !== courseTypes) return entries;
    return entries.filter((name) => GLOBAL_TYPE_PACKAGES.includes(name));
  };
  sys.descentLabGlobalTypes = GLOBAL_TYPE_PACKAGES;
}

/** @param {{ typescript: any }} tslab the launcher's tslabModules(), whose TypeScript compiles the cells */
function apply(tslab, typesFolder = path.join(courseNodeModules, '@types')) {
  listNodeGlobalsOnly(tslab.typescript.sys, typesFolder);
}

module.exports = { name: 'nodeGlobalsOnly', apply, GLOBAL_TYPE_PACKAGES };
