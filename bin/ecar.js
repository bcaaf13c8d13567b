#!/usr/bin/env node
'use strict';
// The `ecar` command; the TypeScript sources are compiled into dist/ by `npm run build`.
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'client', 'src', 'cli', 'main.js');
let cli;
try {
  cli = require(entry);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(entry)) {
    process.stderr.write('ecar: not built yet; run `npm ci && npm run build` in the project folder.\n');
    process.exit(1);
  }
  throw error;
}
cli.main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`ecar: ${error && error.message ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
