package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// builderConfigName is the ocb manifest of the repository's distribution; its
// gomod lines name the component at the set's version.
const builderConfigName = "builder-config.yaml"

// wireVersionFile holds the root module's Version constant, sent in the
// default User-Agent; it follows the set's version (without the v).
const wireVersionFile = "internal/wire/contract.go"

var (
	setVersionLine = regexp.MustCompile(`(?m)^(\s+version:\s*)v\S+$`)
	// gomodLine is an ocb manifest's "gomod: <module> <version>".
	gomodLine = regexp.MustCompile(`(?m)^(\s*-\s*gomod:\s*)(\S+)(\s+)(\S+)`)
	// distVersionLine is the distribution's version, which follows the set's
	// (without the v).
	distVersionLine = regexp.MustCompile(`(?m)^(\s+version:\s*)\S+$`)
	// wireVersionLine is `const Version = "X.Y.Z"` in wireVersionFile.
	wireVersionLine = regexp.MustCompile(`(?m)^(const Version = ")[^"]*(")$`)
)

// setVersion writes v (when given) into versions.yaml, then the set's
// versions into every go.mod and builder-config.yaml.
func (r *repo) setVersion(v string) error {
	if v != "" {
		if !semver.IsValid(v) || semver.Canonical(v) != v {
			return fmt.Errorf("version %q is not vMAJOR.MINOR.PATCH", v)
		}
		name := filepath.Join(r.root, versionsFileName)
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if n := len(setVersionLine.FindAll(data, -1)); n != 1 {
			return fmt.Errorf("%s: %d version lines; set-version writes exactly one", versionsFileName, n)
		}
		data = setVersionLine.ReplaceAll(data, []byte("${1}"+v))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return err
		}
		for p := range r.released {
			r.released[p] = v
		}
	}
	for _, m := range r.modules {
		if err := r.setRequires(m); err != nil {
			return err
		}
	}
	if err := r.setWork(); err != nil {
		return err
	}
	if err := r.setWireVersion(); err != nil {
		return err
	}
	return r.setBuilderConfig()
}

// setWireVersion writes the root module's version into its Version
// constant (internal/wire's TestVersionIsTheRelease checks they agree).
func (r *repo) setWireVersion() error {
	name := filepath.Join(r.root, wireVersionFile)
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if n := len(wireVersionLine.FindAll(data, -1)); n != 1 {
		return fmt.Errorf("%s: %d Version lines; set-version writes exactly one", wireVersionFile, n)
	}
	var v string
	for _, m := range r.modules {
		if m.Dir == "" {
			v = strings.TrimPrefix(r.released[m.Path], "v")
		}
	}
	if v == "" {
		return fmt.Errorf("the root module is in no module set of %s", versionsFileName)
	}
	out := wireVersionLine.ReplaceAll(data, []byte("${1}"+v+"${2}"))
	if bytes.Equal(out, data) {
		return nil
	}
	fmt.Println(wireVersionFile + ": Version " + v)
	return os.WriteFile(name, out, 0o644)
}

// setWork points go.work's replace of each released module at the set's
// version. It edits the version in place, keeping the file's layout; a
// module with no replace yet gets one.
func (r *repo) setWork() error {
	name := filepath.Join(r.root, "go.work")
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	out := data
	for _, m := range r.releasedModules() {
		v := r.released[m.Path]
		// "<path> <version> =>", alone or in a replace block.
		re := regexp.MustCompile(`(?m)^(\s*(?:replace\s+)?` + regexp.QuoteMeta(m.Path) + `\s+)(v\S+)(\s+=>)`)
		if re.Match(out) {
			out = re.ReplaceAll(out, []byte("${1}"+v+"${3}"))
			continue
		}
		wf, err := modfile.ParseWork(name, out, nil)
		if err != nil {
			return err
		}
		if err := wf.AddReplace(m.Path, v, m.workDir(), ""); err != nil {
			return err
		}
		wf.Cleanup()
		out = modfile.Format(wf.Syntax)
	}
	if bytes.Equal(out, data) {
		return nil
	}
	fmt.Println("go.work: replaces the set's version by the work tree")
	return os.WriteFile(name, out, 0o644)
}

// setRequires moves m's requires of released modules to their version.
func (r *repo) setRequires(m repoModule) error {
	name := m.goModFile(r.root)
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return err
	}
	changed := false
	for _, req := range f.Require {
		if v, ok := r.released[req.Mod.Path]; ok && req.Mod.Version != v {
			if err := f.AddRequire(req.Mod.Path, v); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			changed = true
		}
	}
	if !changed {
		return nil
	}
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return err
	}
	fmt.Printf("%s: requires the set at its version\n", filepath.Join(m.Dir, "go.mod"))
	return os.WriteFile(name, out, 0o644)
}

func (r *repo) setBuilderConfig() error {
	name := filepath.Join(r.root, builderConfigName)
	data, err := os.ReadFile(name)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	out := gomodLine.ReplaceAllFunc(data, func(line []byte) []byte {
		sub := gomodLine.FindSubmatch(line)
		if v, ok := r.released[string(sub[2])]; ok {
			return bytes.Join([][]byte{sub[1], sub[2], sub[3], []byte(v)}, nil)
		}
		return line
	})
	if v := r.oneVersion(); v != "" {
		// Only the first "version:" line, the dist's, which comes first in the file.
		if loc := distVersionLine.FindSubmatchIndex(out); loc != nil {
			out = append(out[:loc[3]:loc[3]], append([]byte(strings.TrimPrefix(v, "v")), out[loc[1]:]...)...)
		}
	}
	if bytes.Equal(out, data) {
		return nil
	}
	fmt.Printf("%s: the component at the set's version\n", builderConfigName)
	return os.WriteFile(name, out, 0o644)
}

// oneVersion is the version shared by every released module, or "" when
// the sets differ.
func (r *repo) oneVersion() string {
	v := ""
	for _, mv := range r.released {
		if v != "" && mv != v {
			return ""
		}
		v = mv
	}
	return v
}
