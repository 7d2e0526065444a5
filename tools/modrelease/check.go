package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// check reports every way the repository strays from releasable modules;
// each problem says what to do.
func (r *repo) check() error {
	var errs []error
	found := map[string]bool{}
	for _, m := range r.modules {
		found[m.Path] = true
		_, released := r.released[m.Path]
		if !released && !r.excluded[m.Path] {
			errs = append(errs, fmt.Errorf("%s: module %s is in no module set and not excluded: place it in %s", filepath.Join(m.Dir, "go.mod"), m.Path, versionsFileName))
		}
		errs = append(errs, r.checkGoMod(m)...)
	}
	for p := range r.released {
		if !found[p] {
			errs = append(errs, fmt.Errorf("%s: released module %s has no go.mod in the repository", versionsFileName, p))
		}
	}
	for p := range r.excluded {
		if !found[p] {
			errs = append(errs, fmt.Errorf("%s: excluded module %s has no go.mod in the repository", versionsFileName, p))
		}
	}
	errs = append(errs, r.checkWork()...)
	errs = append(errs, r.checkBuilderConfig()...)
	return errors.Join(errs...)
}

// checkGoMod: no replace directive, and the set required at its version,
// so that the go.mod works for a user who depends on the module.
func (r *repo) checkGoMod(m repoModule) []error {
	name := m.goModFile(r.root)
	rel := filepath.Join(m.Dir, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		return []error{err}
	}
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, rep := range f.Replace {
		errs = append(errs, fmt.Errorf("%s:%d: replace %s: go.mod files hold no replace (it does not apply to a dependency); go.work resolves this repository's modules", rel, rep.Syntax.Start.Line, rep.Old.Path))
	}
	// The root's tag is vX; a nested module's is <dir>/vX, so its path must
	// be the root's path and its directory.
	if v, ok := r.released[m.Path]; ok && m.Dir != "" && m.Path != r.rootPath()+"/"+m.Dir {
		errs = append(errs, fmt.Errorf("%s: released module %s is not at its path's directory, so its tag %s would not find it", rel, m.Path, m.tag(v)))
	}
	for _, req := range f.Require {
		if v, ok := r.released[req.Mod.Path]; ok && req.Mod.Version != v {
			errs = append(errs, fmt.Errorf("%s:%d: requires %s %s, the set is at %s: run make set-version", rel, req.Syntax.Start.Line, req.Mod.Path, req.Mod.Version, v))
		}
	}
	return errs
}

// rootPath is the root module's path.
func (r *repo) rootPath() string {
	for _, m := range r.modules {
		if m.Dir == "" {
			return m.Path
		}
	}
	return ""
}

// checkWork: go.work uses every released module and replaces its version
// by its directory, so development builds never ask a proxy for them.
func (r *repo) checkWork() []error {
	wf, err := r.readWork()
	if err != nil {
		return []error{err}
	}
	used := map[string]bool{}
	for _, u := range wf.Use {
		used[cleanDir(u.Path)] = true
	}
	replaced := map[module.Version]string{}
	for _, rep := range wf.Replace {
		replaced[rep.Old] = cleanDir(rep.New.Path)
	}
	var errs []error
	for _, m := range r.releasedModules() {
		v := r.released[m.Path]
		if !used[cleanDir(m.workDir())] && !r.outside[m.Path] {
			errs = append(errs, fmt.Errorf("go.work: does not use %s, a released module", m.workDir()))
		}
		if got, ok := replaced[module.Version{Path: m.Path, Version: v}]; !ok || got != cleanDir(m.workDir()) {
			errs = append(errs, fmt.Errorf("go.work: does not replace %s %s => %s: run make set-version", m.Path, v, m.workDir()))
		}
	}
	return errs
}

// checkBuilderConfig: the manifest names the set's modules at their version
// (its replaces point them at the work tree).
func (r *repo) checkBuilderConfig() []error {
	data, err := os.ReadFile(filepath.Join(r.root, builderConfigName))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, sub := range gomodLine.FindAllSubmatch(data, -1) {
		if v, ok := r.released[string(sub[2])]; ok && string(sub[4]) != v {
			errs = append(errs, fmt.Errorf("%s: gomod %s %s, the set is at %s: run make set-version", builderConfigName, sub[2], sub[4], v))
		}
	}
	return errs
}
