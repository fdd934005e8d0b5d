// Lets a notebook in any folder import the course's packages: `descent-lab`, `@tensorflow/tfjs` and
// everything else in the node_modules of the install that this kernel runs from.
//
// Stock tslab resolves a cell's imports only from the notebook's folder upwards, twice: TypeScript
// type-checks with its Node10 resolution walking up from the folder to node_modules/<name>, and
// Node's require at run time does the same walk. A notebook in a home folder, nbgrader's course
// directory or /tmp finds no node_modules and fails at its first line ("Cannot find module
// 'descent-lab' or its corresponding type declarations"). TypeScript ignores NODE_PATH.
//
// Here the install's node_modules comes after that walk, for both of them, exactly where NODE_PATH
// puts a folder for Node: a package that the notebook's folder or one above it provides still wins.
// - Node: the folder is added to NODE_PATH and Node's global lookup paths are re-read from it.
// - TypeScript: its walk ends at /node_modules, so the file system that tslab's compiler reads
//   (the `sys` of tslab's own TypeScript) shows the install's packages there: /node_modules/<pkg>
//   reads from <install>/node_modules/<pkg> when no real /node_modules/<pkg> exists. TypeScript then
//   takes each file's real path, so a package's own imports resolve from where it really lives.
'use strict';

const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

/** The node_modules of the checkout or installed prefix that holds this launcher. */
const courseNodeModules = path.resolve(__dirname, '..', '..', 'node_modules');

/** The folder that TypeScript's walk up for node_modules reaches last. */
const lastNodeModules = path.join(path.parse(courseNodeModules).root, 'node_modules');

/** Appends `dir` to NODE_PATH (once) and makes Node's require of this process read it again. */
function addNodePath(dir) {
  const current = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  if (!current.includes(dir)) process.env.NODE_PATH = [...current, dir].join(path.delimiter);
  // Node reads NODE_PATH once at start-up; _initPaths is how it reads it (documented by its use
  // in Node's own REPL and in tools that set NODE_PATH late).
  Module._initPaths();
}

/**
 * Maps a path under /node_modules to the same path under `nodeModules` when the package it
 * belongs to (`name` or `@scope/name`) is not really in /node_modules; other paths map to themselves.
 */
function makeForward(nodeModules, virtualRoot = lastNodeModules) {
  return function forward(file) {
    if (typeof file !== 'string') return file;
    const relative = path.relative(virtualRoot, path.resolve(file));
    if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) return file;
    const parts = relative.split(path.sep);
    const owner = parts.slice(0, parts[0].startsWith('@') ? 2 : 1); // the package, or a scope folder
    if (fs.existsSync(path.join(virtualRoot, ...owner))) return file;
    return path.join(nodeModules, relative);
  };
}

/** The methods of TypeScript's `sys` that take a path first and read the file system. */
const PATH_METHODS = ['fileExists', 'directoryExists', 'readFile', 'getDirectories', 'readDirectory', 'realpath',
  'getModifiedTime', 'getFileSize'];

/** Makes `sys` (TypeScript's file system) show `nodeModules`'s packages under /node_modules. */
function forwardSys(sys, nodeModules, virtualRoot = lastNodeModules) {
  if (sys.descentLabCoursePackages) return;
  const forward = makeForward(nodeModules, virtualRoot);
  for (const method of PATH_METHODS) {
    const original = sys[method];
    if (typeof original !== 'function') continue;
    sys[method] = function (file, ...rest) {
      return original.call(this, forward(file), ...rest);
    };
  }
  // /node_modules itself exists for TypeScript's walk whenever ours does.
  const directoryExists = sys.directoryExists;
  sys.directoryExists = function (dir) {
    return directoryExists.call(this, dir) || (path.resolve(dir) === virtualRoot && directoryExists.call(this, nodeModules));
  };
  sys.descentLabCoursePackages = nodeModules;
}

/** @param {{ typescript?: any }} tslab */
function apply(tslab, nodeModules = courseNodeModules) {
  addNodePath(nodeModules);
  const ts = tslab.typescript ?? require(require.resolve('@tslab/typescript-for-tslab', {
    paths: [path.dirname(require.resolve('tslab/package.json'))],
  }));
  forwardSys(ts.sys, nodeModules);
}

module.exports = { name: 'resolveCoursePackages', apply, courseNodeModules, makeForward, forwardSys };
