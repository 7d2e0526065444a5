#!/usr/bin/env bash
# make tidy: go mod tidy in every module of the repository, outside the
# workspace, as a user's build resolves them: this repository's modules come
# at the version they require (versions.yaml) from a local proxy of the work
# tree (tools/localproxy.sh). The go.sum files then drop those modules' own
# lines, which would record the work tree's hashes, not a release's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/localproxy.sh
. "$root/tools/localproxy.sh"
scratch=$(mktemp -d)
trap 'remove_scratch "$scratch"' EXIT
modrelease="$scratch/modrelease"
(cd "$root/tools" && GOWORK=off go build -o "$modrelease" ./modrelease)
"$modrelease" -C "$root" proxy "$scratch/proxy"
(
	use_local_proxy "$scratch/proxy" "$scratch"
	for dir in $("$modrelease" -C "$root" dirs); do
		(cd "$root/$dir" && go mod tidy 2>"$scratch/tidy.log") ||
			{ cat "$scratch/tidy.log" >&2; echo "tidy: $dir failed" >&2; exit 1; }
	done
)
"$modrelease" -C "$root" strip-sums
