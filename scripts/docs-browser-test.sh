#!/usr/bin/env bash
# Renders the API docs of the example service (examples/itemsvc) in headless
# Chromium and checks them: Swagger UI ({API_PREFIX}/docs) and ReDoc
# ({API_PREFIX}/redoc) must load with no request leaving localhost (every
# request is intercepted; one to another host fails the test), no CSP
# violation, the right page title, and the items operations listed. A
# screenshot of each page is written to the artifacts directory.
#
# Usage: scripts/docs-browser-test.sh [ARTIFACTS_DIR]
#   ARTIFACTS_DIR  default: $DOCS_TEST_ARTIFACTS, else a new temp directory
#   EXPECT_PATHS   paths the pages must list (default: /api/items,/api/items/{id})
#
# Needs: Go, Node.js >= 20 with npm, and Debian's chromium (installed here
# with apt-get when missing; that needs root). playwright-core comes from
# scripts/package-lock.json into scripts/node_modules (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ARTIFACTS=${1:-${DOCS_TEST_ARTIFACTS:-}}
work=$(mktemp -d)
ARTIFACTS=${ARTIFACTS:-$work/artifacts}
mkdir -p "$ARTIFACTS"
ARTIFACTS=$(cd "$ARTIFACTS" && pwd)

log() { printf 'docs-browser-test: %s\n' "$*"; }

pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work/bin" "$work/run"
}
trap cleanup EXIT

for tool in go node npm curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    log "FAIL: $tool is not installed (needed: Go, Node.js >= 20 with npm, curl)"
    exit 1
  fi
done

# 1. Chromium from Debian's packages.
if [ ! -x "$CHROMIUM" ] || ! command -v chromedriver >/dev/null 2>&1; then
  log "installing Debian chromium and chromium-driver"
  if [ "$(id -u)" != 0 ]; then
    log "FAIL: chromium is missing and installing it needs root (apt-get install chromium chromium-driver)"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi
log "$("$CHROMIUM" --version 2>/dev/null | head -1)"

# 2. playwright-core, exactly as locked.
want=$(node -p 'require("./scripts/package-lock.json").packages["node_modules/playwright-core"].version')
have=$(node -p 'try { require("./scripts/node_modules/playwright-core/package.json").version } catch { "" }')
if [ "$want" != "$have" ]; then
  log "installing playwright-core $want (npm ci)"
  (cd scripts && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# 3. Build and start itemsvc with its committed dev-only settings (no
# ENVIRONMENT in its environment, run from an empty directory so that no
# stray .env applies) on a free loopback port.
log "building examples/itemsvc"
mkdir -p "$work/bin" "$work/run"
go build -o "$work/bin/itemsvc" ./examples/itemsvc
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base="http://127.0.0.1:$port"
(cd "$work/run" && exec env -u ENVIRONMENT -u ENV_FILE HTTP_ADDR="127.0.0.1:$port" LOG_LEVEL=warn \
  "$work/bin/itemsvc" >"$ARTIFACTS/itemsvc.log" 2>&1) &
pid=$!
for i in $(seq 1 150); do
  if curl -fsS -o /dev/null "$base/api/health/live" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    log "FAIL: itemsvc exited during start-up; its log:"
    cat "$ARTIFACTS/itemsvc.log"
    exit 1
  fi
  if [ "$i" = 150 ]; then
    log "FAIL: itemsvc did not answer $base/api/health/live within 15s; its log:"
    cat "$ARTIFACTS/itemsvc.log"
    exit 1
  fi
  sleep 0.1
done
log "itemsvc is up on $base"

# 4. The pages in headless Chromium.
status=0
BASE_URL="$base" ARTIFACTS="$ARTIFACTS" CHROMIUM="$CHROMIUM" \
  timeout 180 node scripts/docs-browser-test.mjs || status=$?
if [ "$status" != 0 ]; then
  [ "$status" = 124 ] && log "FAIL: the browser run took more than 180s"
  log "itemsvc log (last 40 lines):"
  tail -n 40 "$ARTIFACTS/itemsvc.log" || true
  log "FAIL (screenshots in $ARTIFACTS)"
  exit "$status"
fi
log "passed (screenshots in $ARTIFACTS)"
