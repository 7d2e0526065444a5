package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// releasedSumName is the file, in the proxy's directory, of the released
// modules' go.sum lines.
const releasedSumName = "released.sum"

// writeProxy writes the released modules into dir in the layout of a
// GOPROXY (<escaped path>/@v/{list,V.info,V.mod,V.zip}), taken from git
// revision rev, or from the work tree when rev is "".
func (r *repo) writeProxy(dir, rev string) error {
	stamp := time.Now().UTC()
	if rev != "" {
		out, err := r.git("show", "-s", "--format=%cI", rev)
		if err != nil {
			return err
		}
		if stamp, err = time.Parse(time.RFC3339, strings.TrimSpace(string(out))); err != nil {
			return fmt.Errorf("commit time of %s: %w", rev, err)
		}
	}
	var sums []string
	for _, m := range r.releasedModules() {
		mv := module.Version{Path: m.Path, Version: r.released[m.Path]}
		lines, err := r.writeModule(dir, m, mv, rev, stamp)
		if err != nil {
			return fmt.Errorf("%s@%s: %w", mv.Path, mv.Version, err)
		}
		sums = append(sums, lines...)
	}
	sort.Strings(sums)
	return os.WriteFile(filepath.Join(dir, releasedSumName), []byte(strings.Join(sums, "\n")+"\n"), 0o644)
}

// writeModule writes one module version and returns its go.sum lines.
func (r *repo) writeModule(dir string, m repoModule, mv module.Version, rev string, stamp time.Time) ([]string, error) {
	escaped, err := module.EscapePath(mv.Path)
	if err != nil {
		return nil, err
	}
	vdir := filepath.Join(dir, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return nil, err
	}
	base := filepath.Join(vdir, mv.Version)

	var goMod []byte
	if rev != "" {
		goMod, err = r.git("show", rev+":"+strings.TrimPrefix(m.Dir+"/go.mod", "/"))
	} else {
		goMod, err = os.ReadFile(m.goModFile(r.root))
	}
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(base+".mod", goMod, 0o644); err != nil {
		return nil, err
	}

	zf, err := os.Create(base + ".zip")
	if err != nil {
		return nil, err
	}
	if rev != "" {
		err = modzip.CreateFromVCS(zf, mv, r.root, rev, m.Dir)
	} else {
		var files []modzip.File
		if files, err = r.workTreeFiles(m); err == nil {
			err = modzip.Create(zf, mv, files)
		}
	}
	if cerr := zf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}

	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{mv.Version, stamp})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(base+".info", info, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(vdir, "list"), []byte(mv.Version+"\n"), 0o644); err != nil {
		return nil, err
	}

	zipHash, err := dirhash.HashZip(base+".zip", dirhash.Hash1)
	if err != nil {
		return nil, err
	}
	modHash, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(goMod)), nil
	})
	if err != nil {
		return nil, err
	}
	return []string{
		fmt.Sprintf("%s %s %s", mv.Path, mv.Version, zipHash),
		fmt.Sprintf("%s %s/go.mod %s", mv.Path, mv.Version, modHash),
	}, nil
}

// workTreeFiles are the files git would commit under m's directory: tracked
// ones still present and untracked ones not ignored. Create leaves out those
// of nested modules.
func (r *repo) workTreeFiles(m repoModule) ([]modzip.File, error) {
	args := []string{"ls-files", "-z", "--cached", "--others", "--exclude-standard"}
	if m.Dir != "" {
		args = append(args, "--", m.Dir)
	}
	out, err := r.git(args...)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var files []modzip.File
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		abs := filepath.Join(r.root, filepath.FromSlash(name))
		info, err := os.Lstat(abs)
		if os.IsNotExist(err) {
			continue // deleted in the work tree, not yet in the index
		}
		if err != nil {
			return nil, err
		}
		rel := name
		if m.Dir != "" {
			rel = strings.TrimPrefix(name, m.Dir+"/")
		}
		files = append(files, workTreeFile{rel: rel, abs: abs, info: info})
	}
	return files, nil
}

type workTreeFile struct {
	rel, abs string
	info     os.FileInfo
}

func (f workTreeFile) Path() string                 { return f.rel }
func (f workTreeFile) Lstat() (os.FileInfo, error)  { return f.info, nil }
func (f workTreeFile) Open() (io.ReadCloser, error) { return os.Open(f.abs) }

func (r *repo) git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = r.root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// stripSums drops the released modules' lines from every go.sum: they would
// record a work tree's hashes, which a release's need not match.
func (r *repo) stripSums() error {
	for _, m := range r.modules {
		name := filepath.Join(r.root, filepath.FromSlash(m.Dir), "go.sum")
		data, err := os.ReadFile(name)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		var kept bytes.Buffer
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) > 0 {
				if _, ok := r.released[f[0]]; ok {
					continue
				}
			}
			kept.WriteString(sc.Text())
			kept.WriteByte('\n')
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if !bytes.Equal(kept.Bytes(), data) {
			if err := os.WriteFile(name, kept.Bytes(), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// addSums appends the go.sum lines in file to every nested module's go.sum,
// so that a build of it checks the released modules it requires.
func (r *repo) addSums(file string) error {
	lines, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	for _, m := range r.modules {
		if m.Dir == "" {
			continue
		}
		name := filepath.Join(r.root, filepath.FromSlash(m.Dir), "go.sum")
		f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		_, err = f.Write(lines)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
