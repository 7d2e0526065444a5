#!/usr/bin/env bash
# Tidies and builds tools/appcheck (the README's snippet as an app) on its own
# module graph, fails when a collector, pdata or LLM-client module reaches it,
# and prints the binary's size. Used by `make app-deps` (and so `make test`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/main.go" "$here/go.mod" "$work/"
cd "$work"
go mod edit -replace "github.com/mindlytics/mindlytics-otel=$root"
GOWORK=off go mod tidy
if grep -nE 'go.opentelemetry.io/collector|/pdata|github.com/(openai|sashabaranov|anthropics|tmc)/' go.mod; then
  echo "app-deps: the app's go.mod names the modules above; the root module must not need them" >&2
  exit 1
fi
GOWORK=off go build -o app .
size=$(stat -c %s app)
echo "app-deps: ok: no collector, pdata or LLM client in the app's go.mod; binary $size bytes"
