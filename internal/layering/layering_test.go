package layering

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// rootModule is the module whose packages are layered; nested modules (the
// collector component, the helpers, cmd, …) sit above all of it.
const rootModule = "github.com/mindlytics/mindlytics-otel"

// layers is the one place the order is written, bottom to top. A package may
// import packages of its own layer or of lower ones, never of a higher one.
// Its test files may import anything (a test may use the loopback server).
// A pattern is a package path in the root module, or "dir/..." for the
// package dir and everything under it; the longest matching pattern places
// a package. A new package must be placed here.
var layers = []struct {
	name     string
	packages []string
}{
	{"low-level internals: buffers, the wire's JSON and contract", []string{"internal/bufpool", "internal/wire"}},
	{"vocabulary: our attribute keys and event names, the redaction's configuration", []string{"semconv", "redaction"}},
	{"the wire: the Mindlytics client and its events", []string{"mindlytics"}},
	{"events and keys the machinery shares: compact events, delivery's rule, other instrumentations' keys, the redaction's detectors", []string{"internal/compact", "internal/delivery/...", "internal/conventions", "internal/redact"}},
	{"the translation's parts: span view, messages, open-session store", []string{"internal/translate/spanview", "internal/translate/messages", "internal/translate/openstate"}},
	{"the machinery: the translation pipeline and the queue", []string{"internal/translate", "internal/queue/..."}},
	{"front door: the in-process exporter", []string{"exporter/..."}},
	{"front door: sessions and calls in-process", []string{"instrument/..."}},
	// Test support is above the front doors, so no production code below
	// links the loopback server or test helpers.
	{"test support", []string{"mindlytics/mindlyticstest/...", "internal/testkit/...", "instrument/internal/genai/genaitest/...", "internal/layering"}},
	{"examples", []string{"examples/..."}},
}

// listedPackage is what `go list -json` says of one package.
type listedPackage struct {
	ImportPath string
	Imports    []string
	Module     *struct{ Path string }
}

func TestImportsPointDown(t *testing.T) {
	pkgs := listRootPackages(t)
	if len(pkgs) == 0 {
		t.Fatal("go list found no package of " + rootModule)
	}
	for _, p := range pkgs {
		from, ok := layerOf(p.ImportPath)
		if !ok {
			t.Errorf("%s is in no layer: place it in the layers table of %s", rel(p.ImportPath), "internal/layering/layering_test.go")
			continue
		}
		for _, imp := range p.Imports {
			if !inRootModule(imp) {
				continue
			}
			to, ok := layerOf(imp)
			if ok && to > from {
				t.Errorf("%s → %s points up: %q (layer %d) imports %q (layer %d)",
					rel(p.ImportPath), rel(imp), layers[from].name, from, layers[to].name, to)
			}
		}
	}
}

// TestLayersPlaceSomething keeps the table free of patterns that match
// nothing, left behind by a move.
func TestLayersPlaceSomething(t *testing.T) {
	pkgs := listRootPackages(t)
	for _, l := range layers {
		for _, pattern := range l.packages {
			found := false
			for _, p := range pkgs {
				if _, ok := matchLen(pattern, rel(p.ImportPath)); ok {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("layer %q: pattern %q matches no package of %s", l.name, pattern, rootModule)
			}
		}
	}
}

func TestLayerOf(t *testing.T) {
	tests := []struct {
		pkg  string
		want string
	}{
		{rootModule + "/mindlytics", "the wire: the Mindlytics client and its events"},
		{rootModule + "/mindlytics/mindlyticstest", "test support"},
		{rootModule + "/internal/translate", "the machinery: the translation pipeline and the queue"},
		{rootModule + "/internal/translate/spanview", "the translation's parts: span view, messages, open-session store"},
		{rootModule + "/instrument/internal/genai", "front door: sessions and calls in-process"},
		{rootModule + "/instrument/internal/genai/genaitest", "test support"},
	}
	for _, tt := range tests {
		t.Run(rel(tt.pkg), func(t *testing.T) {
			i, ok := layerOf(tt.pkg)
			if !ok {
				t.Fatalf("%s: no layer, want %q", tt.pkg, tt.want)
			}
			if layers[i].name != tt.want {
				t.Errorf("%s: layer %q, want %q", tt.pkg, layers[i].name, tt.want)
			}
		})
	}
	if _, ok := layerOf(rootModule + "/internal/unplaced"); ok {
		t.Error("an unplaced package got a layer")
	}
}

// layerOf is the index in layers of the package's longest matching pattern.
func layerOf(pkg string) (int, bool) {
	r := rel(pkg)
	best, bestLen := -1, -1
	for i, l := range layers {
		for _, pattern := range l.packages {
			if n, ok := matchLen(pattern, r); ok && n > bestLen {
				best, bestLen = i, n
			}
		}
	}
	return best, best >= 0
}

// matchLen reports whether pattern matches the root-relative package path,
// and how specific the match is (the length of the pattern's path).
func matchLen(pattern, relPkg string) (int, bool) {
	if dir, ok := strings.CutSuffix(pattern, "/..."); ok {
		return len(dir), relPkg == dir || strings.HasPrefix(relPkg, dir+"/")
	}
	return len(pattern), relPkg == pattern
}

func inRootModule(pkg string) bool {
	return pkg == rootModule || strings.HasPrefix(pkg, rootModule+"/")
}

// rel is the package's path inside the root module ("." for the root).
func rel(pkg string) string {
	if pkg == rootModule {
		return "."
	}
	return strings.TrimPrefix(pkg, rootModule+"/")
}

// listRootPackages runs go list over the root module, its packages only
// (go.work also brings the nested modules' packages under the same prefix).
func listRootPackages(t *testing.T) []listedPackage {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH:", err)
	}
	cmd := exec.Command(goCmd, "list", "-e", "-json=ImportPath,Imports,Module", rootModule+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		if p.Module != nil && p.Module.Path == rootModule {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs
}
