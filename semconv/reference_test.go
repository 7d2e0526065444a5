package semconv

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite README.md from reference.go")

// TestReferenceREADME keeps README.md equal to what reference.go renders.
// Run `go generate ./semconv` (or this test with -update) after a change.
func TestReferenceREADME(t *testing.T) {
	want := renderReference()
	if *update {
		require.NoError(t, os.WriteFile("README.md", []byte(want), 0o644))
	}
	got, err := os.ReadFile("README.md")
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "README.md is stale: run `go generate ./semconv`")
}

// TestReferenceCoversEveryKey reads the package source and checks that every
// key, prefix, suffix and event name constant appears in the reference, so a
// key added to the code cannot be missing from the table.
func TestReferenceCoversEveryKey(t *testing.T) {
	rendered := renderReference()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	checked := 0
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if i >= len(vs.Values) || !id.IsExported() || !isKeyLike(id.Name, vs.Values[i]) {
						continue
					}
					value, ok := stringValue(vs.Values[i])
					if !ok {
						continue
					}
					checked++
					assert.Contains(t, rendered, value, "%s (%s) is not in the reference table", id.Name, name)
				}
			}
		}
	}
	assert.Greater(t, checked, 20, "the source scan found too few keys; is it broken?")
}

func isKeyLike(name string, value ast.Expr) bool {
	if _, ok := value.(*ast.CallExpr); ok {
		return true // attribute.Key("…")
	}
	for _, suffix := range []string{"Key", "Prefix", "Suffix", "Event"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// stringValue returns the string of "…" or attribute.Key("…").
func stringValue(e ast.Expr) (string, bool) {
	if call, ok := e.(*ast.CallExpr); ok {
		if len(call.Args) != 1 {
			return "", false
		}
		e = call.Args[0]
	}
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}
