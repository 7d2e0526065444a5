#!/usr/bin/env bash
# Tidies and builds tools/appcheck (the README's snippet as an app) on its own
# module graph, fails when a collector, pdata or LLM-client module reaches it,
# and prints the binary's size. Used by `make app-deps` (and so `make test`).
# The root module comes at the version go.mod requires (versions.yaml) from a
# local proxy of the work tree (tools/localproxy.sh), as an outside user's app
# would get it from a release, with no replace.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tools/localproxy.sh
. "$root/tools/localproxy.sh"
work=$(mktemp -d)
trap 'remove_scratch "$work"' EXIT
(cd "$root/tools" && GOWORK=off go build -o "$work/modrelease" ./modrelease)
"$work/modrelease" -C "$root" proxy "$work/proxy"
mkdir "$work/app"
cp "$here/main.go" "$here/go.mod" "$here/go.sum" "$work/app/"
cd "$work/app"
use_local_proxy "$work/proxy" "$work"
go mod tidy 2>"$work/tidy.log" || { cat "$work/tidy.log" >&2; exit 1; }
if grep -nE 'go.opentelemetry.io/collector|/pdata|github.com/(openai|sashabaranov|anthropics|tmc)/' go.mod; then
  echo "app-deps: the app's go.mod names the modules above; the root module must not need them" >&2
  exit 1
fi
go build -o app .
size=$(stat -c %s app)
echo "app-deps: ok: no collector, pdata or LLM client in the app's go.mod; binary $size bytes"
