package main

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// versionsFileName is the one place the lockstep version is written.
const versionsFileName = "versions.yaml"

// versionsFile is versions.yaml, in the shape of opentelemetry-go-contrib's.
type versionsFile struct {
	ModuleSets map[string]moduleSet `yaml:"module-sets"`
	Excluded   []string             `yaml:"excluded-modules"`
	// OutsideWorkspace are modules go.work does not use: their graph and
	// another module's need versions that do not build together
	// (tools/outside.sh tests them).
	OutsideWorkspace []string `yaml:"outside-workspace"`
}

type moduleSet struct {
	Version string   `yaml:"version"`
	Modules []string `yaml:"modules"`
}

// repoModule is one go.mod of the repository.
type repoModule struct {
	Path string // module path
	Dir  string // slash-separated directory from the repository's root, "" for the root
}

// goModFile is the module's go.mod as a path from the repository's root.
func (m repoModule) goModFile(root string) string {
	return filepath.Join(root, filepath.FromSlash(m.Dir), "go.mod")
}

// repo is the repository: its modules and which of them are released at
// which version.
type repo struct {
	root     string
	modules  []repoModule      // every go.mod, sorted by directory
	released map[string]string // module path → version, for the module sets
	excluded map[string]bool
	outside  map[string]bool // modules go.work does not use (versions.yaml)
}

func loadRepo(root string) (*repo, error) {
	data, err := os.ReadFile(filepath.Join(root, versionsFileName))
	if err != nil {
		return nil, err
	}
	var vf versionsFile
	if err := yaml.Unmarshal(data, &vf); err != nil {
		return nil, fmt.Errorf("%s: %w", versionsFileName, err)
	}
	r := &repo{root: root, released: map[string]string{}, excluded: map[string]bool{}, outside: map[string]bool{}}
	for _, p := range vf.OutsideWorkspace {
		r.outside[p] = true
	}
	for name, set := range vf.ModuleSets {
		if !semver.IsValid(set.Version) || semver.Canonical(set.Version) != set.Version {
			return nil, fmt.Errorf("%s: module set %s: version %q is not vMAJOR.MINOR.PATCH", versionsFileName, name, set.Version)
		}
		for _, p := range set.Modules {
			if _, dup := r.released[p]; dup {
				return nil, fmt.Errorf("%s: module %s is in two module sets", versionsFileName, p)
			}
			r.released[p] = set.Version
		}
	}
	for _, p := range vf.Excluded {
		if _, dup := r.released[p]; dup {
			return nil, fmt.Errorf("%s: module %s is both released and excluded", versionsFileName, p)
		}
		r.excluded[p] = true
	}
	if r.modules, err = findModules(root); err != nil {
		return nil, err
	}
	return r, nil
}

// findModules walks the repository for go.mod files, leaving out what the go
// command leaves out (testdata, directories starting with . or _) and
// node_modules.
func findModules(root string) ([]repoModule, error) {
	var mods []repoModule
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if name != "go.mod" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		mp := modfile.ModulePath(data)
		if mp == "" {
			return fmt.Errorf("%s: no module path", p)
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(rel)
		if dir == "." {
			dir = ""
		}
		mods = append(mods, repoModule{Path: mp, Dir: dir})
		return nil
	})
	sort.Slice(mods, func(i, j int) bool { return mods[i].Dir < mods[j].Dir })
	return mods, err
}

// releasedModules are the modules of the sets, sorted by directory.
func (r *repo) releasedModules() []repoModule {
	var out []repoModule
	for _, m := range r.modules {
		if _, ok := r.released[m.Path]; ok {
			out = append(out, m)
		}
	}
	return out
}

// tag is the git tag of a released module's version: vX for the root
// module, <dir>/vX for a nested one.
func (m repoModule) tag(version string) string {
	if m.Dir == "" {
		return version
	}
	return path.Join(m.Dir, version)
}

// workDir is the module's directory as go.work writes it ("." for the root).
func (m repoModule) workDir() string {
	if m.Dir == "" {
		return "."
	}
	return "./" + m.Dir
}

func (r *repo) readWork() (*modfile.WorkFile, error) {
	name := filepath.Join(r.root, "go.work")
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return modfile.ParseWork(name, data, nil)
}

// cleanDir is a go.work path in one spelling, for comparing.
func cleanDir(p string) string { return filepath.ToSlash(filepath.Clean(p)) }
