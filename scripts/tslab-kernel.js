#!/usr/bin/env node
/**
 * Jupyter starts this (see the kernelspec `npm run kernel` installs):
 *   node <root>/scripts/tslab-kernel.js <connection_file>
 * It makes the project root tslab's working directory, so notebook cells import `./src/...` with types
 * (tslab uses its working directory as TypeScript's rootDir, and Jupyter would otherwise start it in notebooks/),
 * then starts the project's own tslab kernel.
 */
'use strict';
const path = require('node:path');

const connectionFile = process.argv[2];
if (!connectionFile) {
  process.stderr.write('usage: node scripts/tslab-kernel.js <connection_file> (Jupyter passes it)\n');
  process.exit(1);
}
const root = path.resolve(__dirname, '..');
const configPath = path.resolve(connectionFile);
process.chdir(root);
// Notebook cells read this to know where they run (the kernel's cwd is the project root, not notebooks/).
process.env.MALL_SEGMENTATION_ROOT = root;
const { startKernel } = require(path.join(root, 'node_modules', 'tslab', 'dist', 'main.js'));
startKernel({ configPath, enableFindLocal: false });
