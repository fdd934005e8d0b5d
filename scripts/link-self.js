#!/usr/bin/env node
// Makes `import * as dl from 'descent-lab'` resolve from the notebooks.
//
// tslab compiles notebook cells with its own TypeScript and refuses imports of .ts files outside
// the notebook's folder, so the notebooks import the compiled package by name instead. Node and
// TypeScript find a package by walking up to node_modules/<name>; a symlink
// node_modules/descent-lab -> .. lets both resolve this very package (main: build/lib/index.js,
// types: build/lib/index.d.ts) without publishing or `npm link`ing it.
//
// Plain JavaScript on purpose: `npm run build` runs it before (and regardless of) the TypeScript build.
// Idempotent: a correct link is left alone, a stale one is replaced.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { name } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const link = path.join(root, 'node_modules', name);
const target = '..'; // relative, so the link survives moving or cloning the checkout

let existing = null;
try {
  existing = fs.readlinkSync(link);
} catch (error) {
  if (error.code === 'EINVAL') {
    throw new Error(`${link} exists and is not a symlink; remove it and run \`npm run build\` again.`);
  }
  if (error.code !== 'ENOENT') throw error;
}
if (existing !== target) {
  if (existing !== null) fs.unlinkSync(link);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(target, link, 'dir');
  console.log(`linked ${path.relative(root, link)} -> ${target}`);
}
