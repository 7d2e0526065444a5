#!/usr/bin/env bash
# make release-check: proves this repository's modules build the way an
# outside user meets them. In a temporary clone of HEAD (with the work
# tree's changes to tracked files), it tags the release of versions.yaml
# (vX for the root module, <dir>/vX for a nested one), serves the tagged
# modules from a file-based GOPROXY put before the usual one, and then,
# outside any workspace and with no replace directive:
#   1. checks every go.mod: no replace, the set required at its version
#      (modrelease check);
#   2. loads every module's packages and tests with its go.mod as committed
#      (-mod=readonly), so that a missing require fails;
#   3. builds an app that imports instrument and instrument/openaihelper
#      (testdata/userapp);
#   4. builds a user's own collector distribution with ocb, our component
#      beside the OTLP receiver (testdata/userdist.yaml).
# OCB names the ocb binary (make ocb installs it). Each step prints its time;
# with a warm build cache the whole check takes a few minutes on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ocb=${OCB:-$(go env GOPATH)/bin/builder}
# shellcheck source=tools/localproxy.sh
. "$root/tools/localproxy.sh"
scratch=$(mktemp -d)
trap 'remove_scratch "$scratch"' EXIT
start=$SECONDS
step() { echo "release-check: [$((SECONDS - start))s] $*"; }

modrelease="$scratch/modrelease"
(cd "$root/tools" && GOWORK=off go build -o "$modrelease" ./modrelease)

step "the clone"
# git stash create makes a commit of the work tree's tracked files without
# touching anything; a shared clone reaches it through the original's objects.
rev=$(git -C "$root" stash create)
rev=${rev:-$(git -C "$root" rev-parse HEAD)}
clone="$scratch/repo"
git clone -q --shared --no-checkout "$root" "$clone"
git -C "$clone" -c advice.detachedHead=false checkout -q "$rev"
"$modrelease" -C "$clone" check
version=$(sed -n 's/^ *version: *\(v[^ ]*\) *$/\1/p' "$clone/versions.yaml")
for tag in $("$modrelease" -C "$clone" tags); do
	git -C "$clone" tag "$tag" "$rev"
done
step "tagged $version: $("$modrelease" -C "$clone" tags | tr '\n' ' ')"

"$modrelease" -C "$clone" proxy -rev "$version" "$scratch/proxy"
"$modrelease" -C "$clone" add-sums "$scratch/proxy/released.sum"
use_local_proxy "$scratch/proxy" "$scratch"
step "proxy at $scratch/proxy; GOPROXY=$GOPROXY"

for dir in $("$modrelease" -C "$clone" dirs); do
	[ "$dir" = . ] && continue
	(cd "$clone/$dir" && go list -mod=readonly -deps -test ./... >/dev/null 2>"$scratch/list.log") ||
		{ cat "$scratch/list.log" >&2; echo "release-check: $dir does not load from its go.mod alone (a missing require?)" >&2; exit 1; }
done
step "every nested module loads from its own go.mod"

app="$scratch/userapp"
mkdir -p "$app"
cp "$here/testdata/userapp/main.go" "$app/"
(
	cd "$app"
	go mod init example.com/userapp 2>/dev/null
	GOFLAGS="$GOFLAGS -mod=mod" go get "github.com/mindlytics/mindlytics-otel@$version" \
		"github.com/mindlytics/mindlytics-otel/instrument/openaihelper@$version" 2>"$scratch/app.log" &&
		go mod tidy 2>>"$scratch/app.log" || { cat "$scratch/app.log" >&2; exit 1; }
	if grep -n '^replace' go.mod; then echo "release-check: the app's go.mod has a replace" >&2; exit 1; fi
	go build -o userapp .
)
step "the app with instrument and openaihelper builds"

dist="$scratch/userdist"
mkdir -p "$dist"
sed "s/RELEASE_VERSION/$version/" "$here/testdata/userdist.yaml" >"$dist/builder-config.yaml"
(cd "$dist" && "$ocb" --config=builder-config.yaml >"$dist/ocb.log" 2>&1) ||
	{ tail -40 "$dist/ocb.log" >&2; echo "release-check: ocb failed on a user's manifest" >&2; exit 1; }
if grep -n 'mindlytics-otel.*=>' "$dist/_build/go.mod"; then echo "release-check: the distribution's go.mod has a replace of ours" >&2; exit 1; fi
step "a user's distribution with the component and the OTLP receiver builds"
step "ok: $version builds for an outside user"
