#!/usr/bin/env bash
# Smoke test of a deployed Promptline: liveness, readiness, then one plain execution on the built-in echo provider.
#
#   PROMPTLINE_URL=https://promptline.staging.example.com PROMPTLINE_API_KEY=pl_... deploy/smoke-test.sh
#
# PROMPTLINE_URL      base URL of the API (the main port, as the ingress serves it), without a trailing /api
# PROMPTLINE_API_KEY  an API key of a user with the member role or above (it registers a model, writes a prompt)
# SMOKE_READY_WAIT    seconds to keep asking /health and /ready before failing (default 60): an ingress may
#                     take a moment to route to pods that Helm already saw ready
# SMOKE_MODEL_NAME    name of the echo model it registers once and reuses on every later run (default smoke-echo)
# SMOKE_INSECURE_TLS  true to accept a certificate that no client trusts (a staging issuer's); never for production
#
# Safe to re-run against a live installation: the echo model is looked up by name and created only when missing,
# and the prompt has a name unique to this run and is deleted when the script exits (its execution record stays,
# as every record does). Uses curl and jq, like the README walk-through. Exits non-zero at the first failed check.
set -euo pipefail

: "${PROMPTLINE_URL:?set PROMPTLINE_URL to the API base URL, e.g. https://promptline.example.com}"
: "${PROMPTLINE_API_KEY:?set PROMPTLINE_API_KEY to an API key of a member (or above)}"
ready_wait="${SMOKE_READY_WAIT:-60}"
model_name="${SMOKE_MODEL_NAME:-smoke-echo}"
base="${PROMPTLINE_URL%/}"
tls=()
if [[ "${SMOKE_INSECURE_TLS:-false}" == true ]]; then
  echo "smoke: warning: not verifying $base's TLS certificate (SMOKE_INSECURE_TLS=true)" >&2
  tls=(--insecure)
fi

for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "smoke: $tool is required" >&2; exit 2; }
done

run_id="smoke-$(date -u +%Y%m%dT%H%M%SZ)-$$-${RANDOM}"
work="$(mktemp -d)"
prompt_id=""
request_number=0

# Every request carries X-Request-Id "<run id>-<n>", so its log lines are easy to find (runbooks: search requestId).
# Sets $status to the HTTP status and leaves the body in $work/body.
call() {
  local method="$1" path="$2" body="${3:-}"
  request_number=$((request_number + 1))
  local args=(-sS "${tls[@]}" -o "$work/body" -w '%{http_code}' --max-time 60 -X "$method"
    -H "X-Request-Id: $run_id-$request_number" -H 'Accept: application/json')
  if [[ "$path" == /api/* ]]; then
    args+=(-H "Authorization: Bearer $PROMPTLINE_API_KEY")
  fi
  if [[ -n "$body" ]]; then
    args+=(-H 'Content-Type: application/json' --data-binary "$body")
  fi
  : >"$work/body"
  # curl prints 000 itself when it gets no answer; its own error goes to stderr.
  status="$(curl "${args[@]}" "$base$path")" || true
  status="${status:-000}"
}

fail() {
  echo "smoke: FAILED: $*" >&2
  if [[ -s "$work/body" ]]; then
    echo "smoke: last response body:" >&2
    head -c 2000 "$work/body" >&2
    echo >&2
  fi
  exit 1
}

cleanup() {
  local code=$?
  if [[ -n "$prompt_id" ]]; then
    call DELETE "/api/v1/prompts/$prompt_id"
    if [[ "$status" != 204 ]]; then
      echo "smoke: could not delete prompt $prompt_id (HTTP $status); delete it by hand" >&2
    fi
  fi
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT

# 1. Liveness and readiness, retried for a while after a deploy.
deadline=$((SECONDS + ready_wait))
for path in /health /ready; do
  while :; do
    call GET "$path"
    [[ "$status" == 200 ]] && break
    if ((SECONDS >= deadline)); then
      fail "GET $path answered HTTP $status for ${ready_wait}s"
    fi
    sleep 3
  done
  echo "smoke: GET $path 200 $(jq -c '{status, components: ((.components // {}) | map_values(.status))}' "$work/body")"
done
if [[ "$(jq -r .status "$work/body")" != UP ]]; then
  echo "smoke: warning: /ready is $(jq -r .status "$work/body"), not UP (DEGRADED means Redis does not answer)" >&2
fi

# 2. The echo model: reuse the one named $model_name, or register it.
find_model() {
  local token="" query
  model_id=""
  while :; do
    query="pageSize=200${token:+&pageToken=$(jq -rn --arg token "$token" '$token | @uri')}"
    call GET "/api/v1/models?$query"
    [[ "$status" == 200 ]] || fail "GET /api/v1/models answered HTTP $status"
    model_id="$(jq -r --arg name "$model_name" \
      '.items[] | select(.name == $name and .provider == "echo") | .id' "$work/body" | head -n 1)"
    model_enabled="$(jq -r --arg name "$model_name" '.items[] | select(.name == $name) | .enabled' "$work/body" \
      | head -n 1)"
    token="$(jq -r '.nextPageToken // empty' "$work/body")"
    if [[ -n "$model_id" || -z "$token" ]]; then
      break
    fi
  done
}

find_model
if [[ -z "$model_id" ]]; then
  call POST /api/v1/models \
    "$(jq -nc --arg name "$model_name" '{provider: "echo", name: $name, providerModelId: "echo"}')"
  case "$status" in
    201) model_id="$(jq -r .id "$work/body")"; echo "smoke: registered echo model $model_name ($model_id)" ;;
    409) find_model ;; # registered by a concurrent run, or the name is taken by another provider's model
    *) fail "POST /api/v1/models answered HTTP $status" ;;
  esac
  [[ -n "$model_id" ]] || fail "model $model_name exists but is not an echo model; set SMOKE_MODEL_NAME"
else
  echo "smoke: reusing echo model $model_name ($model_id)"
  if [[ "$model_enabled" == false ]]; then
    call PATCH "/api/v1/models/$model_id" '{"enabled":true}'
    [[ "$status" == 200 ]] || fail "PATCH /api/v1/models/$model_id (enable) answered HTTP $status"
    echo "smoke: re-enabled echo model $model_name"
  fi
fi

# 3. A prompt unique to this run, on that model.
template='Promptline smoke test {{run}}: the echo provider returns this sentence.'
call POST /api/v1/prompts "$(jq -nc --arg name "$run_id" --arg model "$model_id" --arg text "$template" \
  '{name: $name, tags: ["smoke-test"], modelId: $model, template: {format: "text", text: $text}}')"
[[ "$status" == 201 ]] || fail "POST /api/v1/prompts answered HTTP $status"
prompt_id="$(jq -r .id "$work/body")"
echo "smoke: created prompt $run_id ($prompt_id)"

# 4. One plain (not streamed) execution; the echo provider answers with the rendered prompt.
expected="Promptline smoke test $run_id: the echo provider returns this sentence."
call POST "/api/v1/prompts/$prompt_id/execute" "$(jq -nc --arg run "$run_id" \
  '{variables: {run: $run}, timeout: "30s", stream: false}')"
[[ "$status" == 200 ]] || fail "POST /api/v1/prompts/$prompt_id/execute answered HTTP $status"
execution_id="$(jq -r .id "$work/body")"
[[ "$(jq -r .status "$work/body")" == succeeded ]] || fail "execution $execution_id is $(jq -r .status "$work/body")"
[[ "$(jq -r .output "$work/body")" == "$expected" ]] || fail "execution $execution_id output differs from: $expected"

# 5. The record reads back as it was answered.
call GET "/api/v1/executions/$execution_id"
[[ "$status" == 200 ]] || fail "GET /api/v1/executions/$execution_id answered HTTP $status"
recorded="$(jq -r .status "$work/body")"
[[ "$recorded" == succeeded ]] || fail "execution $execution_id is recorded as $recorded"
echo "smoke: execution $execution_id succeeded in $(jq -r .latencyMs "$work/body") ms: $(jq -r .output "$work/body")"
echo "smoke: passed (run $run_id)"
