# shellcheck shell=bash
# Sourced by the scripts that build this repository's modules outside the
# workspace, as a user's build meets them (make tidy, make release-check,
# make app-deps).
#
# use_local_proxy PROXY SCRATCH exports the environment of such a go command:
# no go.work; this repository's modules from the file-based proxy PROXY
# (written by tools/modrelease), put before the usual proxy and never checked
# against the checksum database; every other module from the shared module
# cache's download directory, itself a file-based proxy, then from the usual
# proxy. The module cache is SCRATCH/modcache, thrown away with SCRATCH: a
# shared cache would keep a version of ours once seen, though each run serves
# other contents under the same version. The build cache stays shared, and
# -trimpath keeps its keys free of the scratch cache's path, so that a second
# run compiles only what changed.
use_local_proxy() {
	local proxy=$1 scratch=$2 shared upstream ours
	shared=$(go env GOMODCACHE)
	upstream=$(go env GOPROXY)
	ours=$(sed -n 's/^module //p' "$(dirname "${BASH_SOURCE[0]}")/../go.mod")
	export GOWORK=off
	export GOPROXY="file://$proxy,file://$shared/cache/download,$upstream"
	export GONOSUMDB="$ours"
	export GOMODCACHE="$scratch/modcache"
	export GOFLAGS="${GOFLAGS:-} -modcacherw -trimpath"
}

# remove_scratch removes a directory a go command may have filled with
# read-only module files.
remove_scratch() {
	chmod -R u+w "$1" 2>/dev/null || true
	rm -rf "$1"
}
