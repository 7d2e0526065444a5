package conventions

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

	"github.com/mindlytics/mindlytics-otel/semconv"
)

var update = flag.Bool("update", false, "rewrite the generated section of docs/CONVENTIONS.md")

const conventionsDoc = "../../docs/CONVENTIONS.md"

// TestReferenceDoc keeps the generated section of docs/CONVENTIONS.md equal
// to what reference.go renders. Run `go generate ./internal/conventions`
// (or this test with -update) after a change.
func TestReferenceDoc(t *testing.T) {
	raw, err := os.ReadFile(conventionsDoc)
	require.NoError(t, err)
	doc := string(raw)
	begin, end := strings.Index(doc, referenceBegin), strings.Index(doc, referenceEnd)
	require.True(t, begin >= 0 && end > begin, "docs/CONVENTIONS.md has no generated section")
	got := doc[begin : end+len(referenceEnd)]
	want := renderReference()
	if *update {
		doc = doc[:begin] + want + doc[end+len(referenceEnd):]
		require.NoError(t, os.WriteFile(conventionsDoc, []byte(doc), 0o644))
		return
	}
	assert.Equal(t, want, got, "docs/CONVENTIONS.md is stale: run `go generate ./internal/conventions`")
}

// TestReferenceCoversEveryKey reads the package source and checks that every
// key, prefix and suffix constant appears in the rendered section, so that a
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
	assert.Greater(t, checked, 40, "the source scan found too few keys; is it broken?")
}

func isKeyLike(name string, value ast.Expr) bool {
	if _, ok := value.(*ast.CallExpr); ok {
		return true // attribute.Key("…")
	}
	for _, suffix := range []string{"Key", "Prefix", "Suffix"} {
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

func TestDefaultKeyListsAreCopies(t *testing.T) {
	keys := DefaultSessionKeys()
	require.Equal(t, string(semconv.SessionIDKey), keys[0], "ours first")
	keys[0] = "changed"
	assert.Equal(t, string(semconv.SessionIDKey), DefaultSessionKeys()[0])
	assert.Equal(t, []string{"user.id", "traceloop.association.properties.user_id", "langfuse.user.id",
		"ai.telemetry.metadata.userId", "ai.settings.context.userId", "mastra.metadata.userId", "enduser.id"}, DefaultUserKeys())
	assert.Equal(t, []string{"device.id"}, DefaultDeviceKeys())
}
