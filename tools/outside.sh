#!/usr/bin/env bash
# tools/outside.sh DIR...: go vet and go test -race in modules that cannot
# join the workspace (go.work), because their graph and another module's
# need versions that do not build together: Genkit's dotprompt needs
# github.com/invopop/jsonschema v0.13, anthropic-sdk-go v2 needs v0.14, and
# a workspace builds all its modules on one graph. Each is built as a user
# builds it: this repository's modules at the version it requires, from a
# local proxy of the work tree (tools/localproxy.sh, as make tidy does).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/localproxy.sh
. "$root/tools/localproxy.sh"
scratch=$(mktemp -d)
trap '"$modrelease" -C "$root" strip-sums; remove_scratch "$scratch"' EXIT
modrelease="$scratch/modrelease"
(cd "$root/tools" && GOWORK=off go build -o "$modrelease" ./modrelease)
"$modrelease" -C "$root" proxy "$scratch/proxy"
use_local_proxy "$scratch/proxy" "$scratch"
# -mod=mod records our modules' sums, which strip-sums drops again: they are
# the work tree's, not a release's.
export GOFLAGS="$GOFLAGS -mod=mod"
for dir in "$@"; do
	echo "== $dir (outside the workspace)"
	(cd "$root/$dir" && go vet ./... && go test -race -count=1 -timeout 30m ./...)
done
