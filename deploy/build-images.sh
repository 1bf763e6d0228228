#!/usr/bin/env bash
# Builds the api and runtime images from deploy/docker/Dockerfile on this machine (no Docker daemon, no registry),
# then runs them against the local PostgreSQL and Redis the way the Helm chart runs them, and checks them.
#
#   deploy/build-images.sh     # as root. About 6 minutes the first time (debootstrap, every Maven dependency);
#                              # about 2 minutes after that, of which the builds take 15 s when nothing changed
#                              # and the start-up measurements most of the rest (STARTUP_RUNS=1 shortens them).
#
# 1. Installs buildah, podman, runc and debootstrap from Debian's packages when missing (apt-get).
# 2. Makes the two base images locally, once; they stay in the image store and are made again only when their inputs
#    change (the JDK, the module list, the Debian mirror) or with REBUILD_BASES=1:
#      localhost/promptline-base-jdk:25  debootstrap --variant=minbase bookworm + the local JDK 25 (build stage)
#      localhost/promptline-base-jre:25  the same minbase, trimmed, + a JRE jlinked from the local JDK 25
#    in place of eclipse-temurin:25-jdk and eclipse-temurin:25-jre, which this machine cannot pull.
# 3. buildah build --target api and --target runtime with the layer cache (--layers) and the Dockerfile's Maven cache
#    mount; reports how many layers each image shares with the previous one of the same tag. Then checks with jdeps
#    that the JRE has every module the images' jars use.
# 4. Runs the images with podman, as user 10001 with a read-only root filesystem, a tmpfs at /tmp, no capabilities
#    and the chart's memory limits (api 1 GiB, runtime 512 MiB), on a throwaway database (dropped at the end) and its
#    own Redis key prefix (deleted at the end):
#      - the heap the api's JVM picks under a 1 GiB limit (MaxRAMPercentage);
#      - the api image's `migrate` command;
#      - the runtime image, then the api image pointed at it (RUNTIME_ADDRESS=localhost:$RUNTIME_PORT, as in the
#        pod) with DATABASE_MIGRATE_ON_START=false: /health and /ready must answer 200, /ready must report the
#        database at the expected schema version, Redis and the remote runtime UP (the api calls the runtime's
#        grpc.health.v1 service), and neither container may print a JVM warning;
#      - the runtime stopped, /ready must turn 503; SIGTERM must stop both containers with exit code 0;
#      - the api image with no configuration at all (embedded PostgreSQL in /tmp, in-process runtime): /ready 200;
#      - start-up: STARTUP_RUNS times each, alternating, from `podman run` to the api's first /ready 200 and to the
#        runtime's "listening" line, with the images' AOT caches (-XX:AOTMode=on: fail if unusable) and without
#        (-XX:AOTMode=off).
# 5. Prints the image sizes (uncompressed, and gzip-compressed as a registry stores them) and the timings.
#
# Settings (environment): JAVA_HOME (a JDK 25; default: the Temurin 25 in /usr/lib/jvm), IMAGE_TAG (dev),
# API_PORT (18080), MANAGEMENT_PORT (18081), RUNTIME_PORT (19090), STARTUP_RUNS (3), PGHOST/PGPORT/PGUSER
# (127.0.0.1/5432/postgres), REDIS_HOST/REDIS_PORT (127.0.0.1/6379), PROMPTLINE_IMAGES_CACHE (the debootstrap
# tarball and the last build logs; /var/cache/promptline-images), STORAGE_DRIVER (overlay), REBUILD_BASES=1.
#
# How buildah and podman are made to run in this sandbox: see the comment above buildah_ and podman_ below.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- Settings ------------------------------------------------------------------------------------------------------

IMAGE_TAG=${IMAGE_TAG:-dev}
API_IMAGE=localhost/promptline-api:$IMAGE_TAG
RUNTIME_IMAGE=localhost/promptline-runtime:$IMAGE_TAG
JDK_BASE=localhost/promptline-base-jdk:25
JRE_BASE=localhost/promptline-base-jre:25
API_PORT=${API_PORT:-18080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-18081}
RUNTIME_PORT=${RUNTIME_PORT:-19090}
STARTUP_RUNS=${STARTUP_RUNS:-3}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
CACHE_DIR=${PROMPTLINE_IMAGES_CACHE:-/var/cache/promptline-images}
STORAGE_DRIVER=${STORAGE_DRIVER:-overlay}
SUITE=bookworm
# The JRE's modules: what `jdeps --print-module-deps` finds in the two applications' jars (check_modules verifies it
# on every run and fails when a module is missing), plus what nothing names in bytecode but is looked up by name at
# run time: jdk.crypto.ec (elliptic-curve TLS), jdk.naming.dns (DNS through JNDI), jdk.charsets (encodings beyond
# the standard ones) and jdk.zipfs (zip file systems). jlink adds what these require (java.xml, java.logging, ...).
JRE_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.management,java.naming,java.net.http
JRE_MODULES+=,java.prefs,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.sql.rowset,jdk.jfr
JRE_MODULES+=,jdk.management,jdk.net,jdk.security.auth,jdk.unsupported
JRE_MODULES+=,jdk.crypto.ec,jdk.naming.dns,jdk.charsets,jdk.zipfs

NAME_PREFIX=promptline-images-$$
DATABASE=promptline_images_$$
REDIS_PREFIX="promptline-images-$$:"
WORK=$(mktemp -d /tmp/promptline-images.XXXXXX)
mkdir -p "$CACHE_DIR"

log() { printf '%s build-images: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() {
  log "FAIL: $*"
  exit 1
}
now_ms() { date +%s%3N; }
seconds_since() { awk -v start="$1" -v end="$(now_ms)" 'BEGIN { printf "%.1f", (end - start) / 1000 }'; }
mib() { awk -v bytes="$1" 'BEGIN { printf "%.0f MiB", bytes / 1048576 }'; }

SCRIPT_START=$(now_ms)
declare -A TIMES=()

cleanup() {
  local status=$?
  set +e
  # Every container this run started has a name starting with $NAME_PREFIX.
  if command -v podman >/dev/null; then
    podman_ ps --all --filter "name=^$NAME_PREFIX-" --format '{{.Names}}' 2>/dev/null \
      | xargs -r podman --storage-driver "$STORAGE_DRIVER" --runtime runc --cgroup-manager cgroupfs \
        --events-backend file rm --force --time 0 >/dev/null 2>&1
  fi
  if [[ -n "${DATABASE_CREATED:-}" ]]; then
    psql --quiet --no-psqlrc --dbname postgres -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" >/dev/null 2>&1
  fi
  if command -v redis-cli >/dev/null; then
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "${REDIS_PREFIX}*" 2>/dev/null \
      | xargs -r redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" del >/dev/null 2>&1
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

# --- JDK ----------------------------------------------------------------------------------------------------------

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/jlink" || "$(java_major "$JAVA_HOME")" -lt 25 ]]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/*25*; do
    if [[ -x "$candidate/bin/jlink" && "$(java_major "$candidate")" -ge 25 ]]; then
      JAVA_HOME=$candidate
      break
    fi
  done
fi
[[ -x "${JAVA_HOME:-}/bin/jlink" ]] || fail "no JDK 25 found: set JAVA_HOME"
export JAVA_HOME
JDK_VERSION=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release")
log "JDK $JDK_VERSION at $JAVA_HOME"

# --- Tools --------------------------------------------------------------------------------------------------------

install_tools() {
  local missing=()
  command -v buildah >/dev/null || missing+=(buildah)
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v curl >/dev/null || missing+=(curl)
  command -v jq >/dev/null || missing+=(jq)
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  if ((${#missing[@]} > 0)); then
    log "installing ${missing[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
install_tools

# BUILDAH and PODMAN, as root, share the image store in /var/lib/containers/storage. What this sandbox (a Firecracker
# VM: root without CAP_SYS_RESOURCE, hybrid cgroup v1/v2 hierarchy, no systemd, no journald) needs:
# - STORAGE_DRIVER=overlay works (kernel overlayfs on ext4); vfs would too, but copies every layer in full.
# - buildah build --isolation chroot: RUN steps run in a chroot sharing the host's network, with no cgroup and no
#   OCI runtime, so none of the problems below reach the build.
# - podman --runtime runc: crun 1.8 (Debian 12) refuses a hybrid cgroup hierarchy ("cgroups in hybrid mode not
#   supported"); runc uses the v1 controllers, so --memory is enforced as the chart's limits are.
# - podman run --ulimit nofile=16384:16384 --ulimit nproc=16384:16384 (in run_flags): podman's default limits
#   (1048576 open files) exceed the sandbox's hard limits, and raising a hard limit needs CAP_SYS_RESOURCE, so the
#   runtime's setrlimit fails with EPERM unless the limits asked for are lower.
# - --cgroup-manager cgroupfs (no systemd), --events-backend file (no journald), --log-driver k8s-file (in
#   run_flags), and --network host (no bridge set up; the containers reach PostgreSQL and Redis on 127.0.0.1).
buildah_() { buildah --storage-driver "$STORAGE_DRIVER" "$@"; }
podman_() {
  podman --storage-driver "$STORAGE_DRIVER" --runtime runc --cgroup-manager cgroupfs --events-backend file "$@"
}
LIMITS=(--ulimit nofile=16384:16384 --ulimit nproc=16384:16384)

# --- Base images --------------------------------------------------------------------------------------------------

debian_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n 1 | tr -d ' ' || true)
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

image_label() { # image label -> value, empty when the image or the label is missing
  buildah_ inspect --type image --format "{{index .OCIv1.Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

# A minbase Debian root filesystem, made once and kept as a tarball (debootstrap takes a few minutes).
debian_rootfs() {
  local mirror=$1 tarball=$2 rootfs
  if [[ -s "$tarball" ]]; then
    return
  fi
  log "debootstrap --variant=minbase $SUITE from $mirror"
  rootfs=$WORK/rootfs
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -n 20 "$WORK/debootstrap.log" >&2; fail "debootstrap failed"; }
  # What a container never uses: documentation, manuals, translations, apt's package lists and caches, logs, and
  # the files the container runtime provides.
  rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/locale/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* \
    "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/log/* "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname
  tar --numeric-owner -C "$rootfs" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
  rm -rf "$rootfs"
}

# Creates image $1 from the rootfs tarball $2 plus the Java directory $3 at /opt/java/openjdk (the path of the
# Temurin images, so that the Dockerfile works the same on both).
commit_base() {
  local image=$1 tarball=$2 java_dir=$3 key=$4 container mount
  container=$(buildah_ from scratch)
  mount=$(buildah_ mount "$container")
  tar --numeric-owner -xpf "$tarball" -C "$mount"
  mkdir -p "$mount/opt/java"
  cp -a "$java_dir" "$mount/opt/java/openjdk"
  buildah_ umount "$container" >/dev/null
  buildah_ config \
    --env JAVA_HOME=/opt/java/openjdk \
    --env PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 \
    --label dev.promptline.base.key="$key" \
    --label org.opencontainers.image.description="Debian $SUITE minbase with Java $JDK_VERSION, made by deploy/build-images.sh" \
    --cmd '[]' "$container"
  buildah_ commit --quiet --rm "$container" "$image" >/dev/null
}

make_bases() {
  local mirror tarball key jdk_key jre_key start
  mirror=$(debian_mirror)
  tarball=$CACHE_DIR/debian-$SUITE-minbase-$(printf '%s' "$mirror" | sha256sum | cut -c1-12).tar
  key=$(printf '%s\n' "$SUITE" "$mirror" "$JDK_VERSION" "$(sha256sum <"$JAVA_HOME/release")" | sha256sum | cut -c1-16)
  jdk_key=$key-jdk-1
  jre_key=$key-jre-1-$(printf '%s' "$JRE_MODULES" | sha256sum | cut -c1-12)

  if [[ -n "${REBUILD_BASES:-}" || "$(image_label "$JDK_BASE" dev.promptline.base.key)" != "$jdk_key" ]]; then
    start=$(now_ms)
    debian_rootfs "$mirror" "$tarball"
    log "making $JDK_BASE (minbase + $JAVA_HOME)"
    # The JDK's cacerts is a link to the host's /etc/ssl/certs/java/cacerts, which the image does not have: copy
    # the file it points to.
    cp -a "$JAVA_HOME" "$WORK/jdk"
    cp --remove-destination "$(readlink -f "$JAVA_HOME/lib/security/cacerts")" "$WORK/jdk/lib/security/cacerts"
    commit_base "$JDK_BASE" "$tarball" "$WORK/jdk" "$jdk_key"
    rm -rf "$WORK/jdk"
    TIMES[base-jdk]=$(seconds_since "$start")
  fi

  if [[ -n "${REBUILD_BASES:-}" || "$(image_label "$JRE_BASE" dev.promptline.base.key)" != "$jre_key" ]]; then
    start=$(now_ms)
    debian_rootfs "$mirror" "$tarball"
    log "making $JRE_BASE (minbase + jlink $JRE_MODULES)"
    # --generate-cds-archive: the JDK's default CDS archive, as the Temurin JRE has it. No --compress: registries
    # compress layers anyway, and a compressed lib/modules costs start-up time.
    "$JAVA_HOME/bin/jlink" --add-modules "$JRE_MODULES" --output "$WORK/jre" \
      --strip-debug --no-header-files --no-man-pages --generate-cds-archive
    commit_base "$JRE_BASE" "$tarball" "$WORK/jre" "$jre_key"
    rm -rf "$WORK/jre"
    TIMES[base-jre]=$(seconds_since "$start")
  fi
}

# --- Build --------------------------------------------------------------------------------------------------------

image_layers() { podman_ image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1" 2>/dev/null || true; }

build_image() {
  local target=$1 image=$2 before after start reused total
  before=$(image_layers "$image")
  start=$(now_ms)
  log "buildah build --target $target -> $image"
  buildah_ build --layers --isolation chroot --pull=never \
    --build-arg BUILD_IMAGE="$JDK_BASE" --build-arg RUNTIME_IMAGE="$JRE_BASE" \
    --file deploy/docker/Dockerfile --target "$target" --tag "$image" . >"$CACHE_DIR/build-$target.log" 2>&1 \
    || { tail -n 40 "$CACHE_DIR/build-$target.log" >&2; fail "buildah build --target $target failed"; }
  TIMES[build-$target]=$(seconds_since "$start")
  after=$(image_layers "$image")
  total=$(grep -c . <<<"$after")
  # Positions (1-based, base first) of the layers the previous image of this tag did not have.
  NEW_LAYERS[$target]=$(awk 'NR == FNR { old[$0] = 1; next } $0 != "" && !($0 in old) { printf "%d ", FNR }' \
    <(printf '%s\n' "$before") <(printf '%s\n' "$after"))
  if [[ -n "$before" ]]; then
    reused=$((total - $(wc -w <<<"${NEW_LAYERS[$target]}")))
    LAYER_REPORT[$target]="$reused of $total layers reused from the previous $image"
  else
    LAYER_REPORT[$target]="$total layers, no previous $image"
  fi
  log "$image built in ${TIMES[build-$target]} s: ${LAYER_REPORT[$target]}"
}

# Every module jdeps finds in an image's jars must be in its JRE (a missing one fails at run time, with
# NoClassDefFoundError on the first code path that needs it, maybe long after start-up).
check_modules() {
  local image=$1 jar=$2 container mount needed present missing=()
  container=$(buildah_ from --pull=never --quiet "$image")
  mount=$(buildah_ mount "$container")
  needed=$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps \
    "$mount/app/$jar" "$mount"/app/lib/*.jar 2>/dev/null | tail -n 1)
  present=$(sed -n 's/^MODULES="\(.*\)"/\1/p' "$mount/opt/java/openjdk/release")
  buildah_ rm "$container" >/dev/null
  [[ -n "$needed" ]] || fail "jdeps found no modules in $image"
  for module in ${needed//,/ }; do
    [[ " $present " == *" $module "* ]] || missing+=("$module")
  done
  ((${#missing[@]} == 0)) || fail "$image needs modules its JRE lacks: ${missing[*]} (add them to JRE_MODULES)"
  log "$image: the JRE has every module jdeps finds ($needed)"
}

# --- Run ----------------------------------------------------------------------------------------------------------

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

# The chart's container settings: user 10001, read-only root filesystem, an empty /tmp, no capabilities, no
# privilege escalation, the memory limit. Host network: the containers reach the local PostgreSQL and Redis at
# 127.0.0.1, and the api reaches the runtime at localhost:$RUNTIME_PORT, as in the pod.
run_flags() { # memory
  printf '%s\n' "${LIMITS[@]}" --network host --log-driver k8s-file --user 10001:10001 --read-only \
    --tmpfs /tmp:rw,size=256m,mode=1777 --cap-drop ALL --security-opt no-new-privileges --memory "$1"
}

api_env() {
  printf '%s\n' \
    --env "DATABASE_URL=postgres://$PGUSER@$PGHOST:$PGPORT/$DATABASE" \
    --env "REDIS_URL=redis://$REDIS_HOST:$REDIS_PORT" \
    --env "REDIS_KEY_PREFIX=$REDIS_PREFIX" \
    --env "RUNTIME_ADDRESS=localhost:$RUNTIME_PORT" \
    --env DATABASE_MIGRATE_ON_START=false
}

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true; }

container_running() { [[ "$(podman_ inspect --format '{{.State.Running}}' "$1" 2>/dev/null)" == true ]]; }

# Starts the api image as container $1 (extra podman flags after it) on $API_PORT and $MANAGEMENT_PORT, waits for
# /ready 200 and prints the milliseconds from `podman run` to that answer.
run_api_until_ready() {
  local name=$1 start status flags
  shift
  mapfile -t flags < <(run_flags 1g)
  start=$(now_ms)
  podman_ run --detach --name "$name" "${flags[@]}" --env "PORT=$API_PORT" --env "MANAGEMENT_PORT=$MANAGEMENT_PORT" \
    "$@" "$API_IMAGE" >/dev/null
  for _ in $(seq 1 1200); do
    status=$(http_status "http://127.0.0.1:$API_PORT/ready")
    if [[ "$status" == 200 ]]; then
      echo $(($(now_ms) - start))
      return
    fi
    if ! container_running "$name"; then
      podman_ logs "$name" 2>&1 | tail -n 30 >&2
      fail "the api container $name exited before /ready answered 200"
    fi
    sleep 0.1
  done
  podman_ logs "$name" 2>&1 | tail -n 30 >&2
  fail "/ready did not answer 200 within 120 s (last status $status)"
}

# The api as the chart runs it (database, Redis, the remote runtime), as container $1 with extra podman flags.
start_api() {
  local name=$1 env
  shift
  mapfile -t env < <(api_env)
  run_api_until_ready "$name" "${env[@]}" "$@"
}

# Starts the runtime as container $1 (extra podman flags after it), waits for its "listening" line and prints the
# milliseconds from `podman run` to that line.
start_runtime() {
  local name=$1 start flags
  shift
  mapfile -t flags < <(run_flags 512m)
  start=$(now_ms)
  podman_ run --detach --name "$name" "${flags[@]}" --env "RUNTIME_PORT=$RUNTIME_PORT" "$@" "$RUNTIME_IMAGE" >/dev/null
  for _ in $(seq 1 600); do
    if podman_ logs "$name" 2>&1 | grep -q "listening on port $RUNTIME_PORT"; then
      echo $(($(now_ms) - start))
      return
    fi
    if ! container_running "$name"; then
      podman_ logs "$name" 2>&1 | tail -n 30 >&2
      fail "the runtime container $name exited before it listened"
    fi
    sleep 0.05
  done
  fail "the runtime did not log 'listening on port $RUNTIME_PORT' within 30 s"
}

# Stops a container with SIGTERM (what Kubernetes sends) and checks that it exits 0.
stop_container() {
  local name=$1 code
  podman_ stop --time 40 "$name" >/dev/null
  code=$(podman_ inspect --format '{{.State.ExitCode}}' "$name")
  podman_ rm "$name" >/dev/null
  [[ "$code" == 0 ]] || fail "$name exited with $code after SIGTERM, not 0"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# JAVA_TOOL_OPTIONS of the timed runs: -XX:AOTMode=on makes the JVM fail rather than quietly start without the
# cache; -XX:AOTMode=off ignores it.
AOT_ON=JAVA_TOOL_OPTIONS=-XX:AOTMode=on
AOT_OFF=JAVA_TOOL_OPTIONS=-XX:AOTMode=off

# The try-out the Dockerfile promises: the api image with no configuration at all runs the embedded PostgreSQL (the
# binaries for this CPU must have stayed in the image) in /tmp and the in-process runtime, as user 10001 with a
# read-only root filesystem, and answers /ready 200 with the database UP and the runtime in-process.
check_embedded() {
  local name=$NAME_PREFIX-embedded ready
  log "embedded: $API_IMAGE with no configuration (embedded PostgreSQL, in-process runtime)"
  run_api_until_ready "$name" >/dev/null
  ready=$(curl -s --max-time 5 "http://127.0.0.1:$API_PORT/ready")
  jq -e '.status == "UP" and .components.database.status == "UP"
      and .components.runtime.status == "UP" and .components.runtime.details.mode == "in-process"' \
    <<<"$ready" >/dev/null || { podman_ logs "$name" 2>&1 | tail -n 30 >&2; fail "embedded /ready: $ready"; }
  log "embedded: /ready 200, $ready"
  stop_container "$name"
  log "embedded api stopped by SIGTERM, exit code 0"
}

run_checks() {
  local port api runtime container flags ready health ms heap
  local api_aot=() api_plain=() runtime_aot=() runtime_plain=()
  for port in "$API_PORT" "$MANAGEMENT_PORT" "$RUNTIME_PORT"; do
    port_free "$port" || fail "port $port is in use: set API_PORT, MANAGEMENT_PORT and RUNTIME_PORT"
  done
  pg_isready -q || fail "PostgreSQL does not answer at $PGHOST:$PGPORT"
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null || fail "Redis does not answer at $REDIS_HOST:$REDIS_PORT"

  psql --quiet --no-psqlrc --dbname postgres -c "CREATE DATABASE $DATABASE" >/dev/null
  DATABASE_CREATED=1

  # The heap follows the memory limit (MaxRAMPercentage=75 from the image's JDK_JAVA_OPTIONS).
  heap=$(podman_ run --rm "${LIMITS[@]}" --memory 1g --entrypoint java "$API_IMAGE" -XX:+PrintFlagsFinal -version 2>/dev/null \
    | awk '$2 == "MaxHeapSize" { print $4 }')
  [[ -n "$heap" ]] || fail "could not read the api image's MaxHeapSize"
  HEAP_REPORT="$(mib "$heap") under a 1 GiB limit"
  log "api image: MaxHeapSize $HEAP_REPORT"

  log "migrate: $API_IMAGE migrate, database $DATABASE"
  mapfile -t flags < <(run_flags 768m && api_env)
  podman_ run --rm --name "$NAME_PREFIX-migrate" "${flags[@]}" "$API_IMAGE" migrate >"$WORK/migrate.log" 2>&1 \
    || { tail -n 30 "$WORK/migrate.log" >&2; fail "the migrate command failed"; }

  runtime=$NAME_PREFIX-runtime
  api=$NAME_PREFIX-api
  log "runtime: $RUNTIME_IMAGE on port $RUNTIME_PORT"
  ms=$(start_runtime "$runtime" --env "$AOT_ON")
  runtime_aot+=("$ms")
  log "runtime listening ${ms} ms after podman run"

  log "api: $API_IMAGE on ports $API_PORT and $MANAGEMENT_PORT, runtime at localhost:$RUNTIME_PORT"
  ms=$(start_api "$api" --env "$AOT_ON")
  api_aot+=("$ms")
  health=$(http_status "http://127.0.0.1:$API_PORT/health")
  [[ "$health" == 200 ]] || fail "/health answered $health"
  ready=$(curl -s --max-time 5 "http://127.0.0.1:$API_PORT/ready")
  log "/ready 200 after ${ms} ms; /health 200"
  log "/ready: $ready"
  jq -e '.status == "UP"
      and .components.database.status == "UP"
      and .components.database.details.schemaVersion == .components.database.details.expectedVersion
      and .components.redis.status == "UP"
      and .components.runtime.status == "UP" and .components.runtime.details.mode == "remote"' \
    <<<"$ready" >/dev/null || fail "/ready does not report the database, Redis and the remote runtime UP"
  [[ "$(http_status "http://127.0.0.1:$MANAGEMENT_PORT/actuator/prometheus")" == 200 ]] \
    || fail "the management port does not serve /actuator/prometheus"
  # The images' JVM flags leave no JVM warning on stderr (only JSON log lines and the launcher's NOTE line).
  for container in "$api" "$runtime"; do
    if podman_ logs "$container" 2>&1 | grep -E '^(WARNING|\[[0-9.]+s\]\[(warning|error))'; then
      fail "$container printed JVM warnings (above)"
    fi
  done
  # With the runtime stopped, /ready must turn 503 and name it: the check really calls the runtime's gRPC health.
  stop_container "$runtime"
  log "runtime stopped by SIGTERM, exit code 0"
  for _ in $(seq 1 100); do
    [[ "$(http_status "http://127.0.0.1:$API_PORT/ready")" == 503 ]] && break
    sleep 0.1
  done
  curl -s --max-time 5 "http://127.0.0.1:$API_PORT/ready" | jq -e '.components.runtime.status != "UP"' >/dev/null \
    || fail "/ready did not report the runtime down once it stopped"
  log "/ready 503 with the runtime stopped"
  stop_container "$api"
  log "api stopped by SIGTERM, exit code 0"
  ms=$(start_runtime "$runtime" --env "$AOT_OFF")
  runtime_plain+=("$ms")

  # Start-up with and without the AOT caches, alternating so that both see the same machine.
  for run in $(seq 1 "$STARTUP_RUNS"); do
    ms=$(start_api "$api" --env "$AOT_OFF")
    api_plain+=("$ms")
    stop_container "$api"
    if ((run < STARTUP_RUNS)); then
      ms=$(start_api "$api" --env "$AOT_ON")
      api_aot+=("$ms")
      stop_container "$api"
      stop_container "$runtime"
      ms=$(start_runtime "$runtime" --env "$AOT_ON")
      runtime_aot+=("$ms")
      stop_container "$runtime"
      ms=$(start_runtime "$runtime" --env "$AOT_OFF")
      runtime_plain+=("$ms")
    fi
  done
  stop_container "$runtime"
  check_embedded
  STARTUP_API_AOT=$(printf '%s\n' "${api_aot[@]}" | median)
  STARTUP_API_PLAIN=$(printf '%s\n' "${api_plain[@]}" | median)
  STARTUP_RUNTIME_AOT=$(printf '%s\n' "${runtime_aot[@]}" | median)
  STARTUP_RUNTIME_PLAIN=$(printf '%s\n' "${runtime_plain[@]}" | median)
  log "api, podman run to /ready 200 (ms): AOT cache ${api_aot[*]}; without ${api_plain[*]}"
  log "runtime, podman run to listening (ms): AOT cache ${runtime_aot[*]}; without ${runtime_plain[*]}"
}

# --- Sizes --------------------------------------------------------------------------------------------------------

# Uncompressed: what the image takes on a node. Compressed: the gzip'd layers a registry stores and a node pulls,
# measured by pushing to a local OCI layout; of those, the layers that are new since the previous build of the tag
# are what a release adds to the registry and what nodes that ran the previous image pull.
image_sizes() { # image target
  local image=$1 target=$2 size manifest compressed new
  size=$(podman_ image inspect --format '{{.Size}}' "$image")
  rm -rf "$WORK/oci"
  buildah_ push --quiet "$image" "oci:$WORK/oci:latest" >/dev/null
  manifest=$WORK/oci/blobs/sha256/$(jq -r '.manifests[0].digest' "$WORK/oci/index.json" | sed 's/^sha256://')
  compressed=$(jq '[.layers[].size] | add' "$manifest")
  new=$(jq --arg positions "${NEW_LAYERS[$target]}" \
    '[($positions | split(" ") | map(select(. != "") | tonumber - 1))[] as $i | .layers[$i].size] | add // 0' \
    "$manifest")
  rm -rf "$WORK/oci"
  printf '%s uncompressed, %s compressed, of which new since the previous build: %s' \
    "$(mib "$size")" "$(mib "$compressed")" "$(mib "$new")"
}

# --- Main ---------------------------------------------------------------------------------------------------------

declare -A LAYER_REPORT=() NEW_LAYERS=()
start=$(now_ms)
make_bases
TIMES[bases]=$(seconds_since "$start")

build_image api "$API_IMAGE"
build_image runtime "$RUNTIME_IMAGE"
check_modules "$API_IMAGE" promptline-api.jar
check_modules "$RUNTIME_IMAGE" promptline-runtime.jar

start=$(now_ms)
run_checks
TIMES[checks]=$(seconds_since "$start")

API_SIZE=$(image_sizes "$API_IMAGE" api)
RUNTIME_SIZE=$(image_sizes "$RUNTIME_IMAGE" runtime)
JRE_BASE_SIZE=$(mib "$(podman_ image inspect --format '{{.Size}}' "$JRE_BASE")")

cat <<EOF

Images (IMAGE_TAG=$IMAGE_TAG)
  $API_IMAGE      $API_SIZE
  $RUNTIME_IMAGE  $RUNTIME_SIZE
  $JRE_BASE       $JRE_BASE_SIZE uncompressed (Debian $SUITE minbase + jlinked JRE $JDK_VERSION)
Layers
  api:     ${LAYER_REPORT[api]}
  runtime: ${LAYER_REPORT[runtime]}
Start-up, from podman run (median of $STARTUP_RUNS; 1 GiB / 512 MiB memory limits; local PostgreSQL and Redis)
  api to /ready 200, with its AOT cache:        $STARTUP_API_AOT ms
  api to /ready 200, without:                   $STARTUP_API_PLAIN ms
  runtime to 'listening', with its AOT cache:   $STARTUP_RUNTIME_AOT ms
  runtime to 'listening', without:              $STARTUP_RUNTIME_PLAIN ms
  api heap:                                     $HEAP_REPORT
Time (s)
  bases ${TIMES[bases]}${TIMES[base-jdk]:+ (JDK base ${TIMES[base-jdk]})}${TIMES[base-jre]:+ (JRE base ${TIMES[base-jre]})}, api image ${TIMES[build-api]}, runtime image ${TIMES[build-runtime]}, checks ${TIMES[checks]}, total $(seconds_since "$SCRIPT_START")
PASS
EOF
