// Command modrelease keeps this repository's Go modules releasable in
// lockstep, from the one version in versions.yaml at the repository's root.
//
//	modrelease [-C repo] set-version [vX.Y.Z]  write the version (if given) into versions.yaml,
//	                                           then into every go.mod's requires of the set, into
//	                                           go.work's replaces and into builder-config.yaml
//	modrelease [-C repo] check                 fail on a replace directive in any go.mod, on a
//	                                           require of the set at another version, on a module
//	                                           versions.yaml does not place, on a released module
//	                                           go.work does not use
//	modrelease [-C repo] proxy [-rev R] DIR    write the set as a file-based GOPROXY into DIR:
//	                                           from git revision R (a tagged release) or, without
//	                                           -rev, from the work tree (tracked and untracked,
//	                                           not ignored, files); DIR/released.sum gets the
//	                                           modules' go.sum lines
//	modrelease [-C repo] tags                  print the release's git tags, one per released module
//	modrelease [-C repo] dirs                  print every module's directory ("." for the root)
//	modrelease [-C repo] strip-sums            drop the set's own lines from every go.sum
//	modrelease [-C repo] add-sums FILE         append FILE's go.sum lines to every nested go.sum
//
// Why: nested modules require the set at a real version, never through a
// replace (a replace does not apply to a dependency, so a user's build would
// fail); development resolves the set through go.work, and `make tidy` and
// `make release-check` serve it from a local proxy put before the usual one.
// The go.sum files never record the set's own hashes: a work tree's content
// is not the release's.
package main
