package mindlyticsexporter

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// optionsWithoutOwnKey are the in-process exporter's options whose setting
// the collector spells with a key of exporterhelper's or confighttp's, or
// has no YAML at all: the key they map to, or "" for none. Every other
// option's key is the snake_case of its name.
var optionsWithoutOwnKey = map[string]string{
	// The service's base URL is confighttp's endpoint; the option keeps the
	// name of its environment variable, MLSDK_SERVER_BASE.
	"WithServerBase": "endpoint",
	// exporterhelper's retries: the same defaults (package delivery), its
	// own key and shape (enabled, initial_interval, max_interval,
	// max_elapsed_time).
	"WithRetry": "retry_on_failure",
	// The in-process queue's bounds and flush are exporterhelper's sending
	// queue in the collector (queue_size, sizer, batch::flush_timeout).
	"WithFlushInterval":  "sending_queue",
	"WithMaxQueueEvents": "sending_queue",
	"WithMaxQueueBytes":  "sending_queue",
	// Go values with no YAML form: the collector builds its wire client
	// from confighttp, reports errors through its logger and metrics, and
	// gives Shutdown a deadline of its own.
	"WithClientOptions":   "",
	"WithErrorHandler":    "",
	"WithLogger":          "",
	"WithMeterProvider":   "",
	"WithShutdownTimeout": "",
}

// collectorOnlyKeys are the keys of settings only a collector has: no
// in-process option matches them.
var collectorOnlyKeys = map[string]bool{
	// One collector serving many tenants' projects (tenants.go); an app
	// is one tenant, its exporter one project.
	"tenants": true,
}

// TestEverySettingHasBothFrontDoors enumerates the With… options of package
// exporter and the YAML keys of Config, and fails on a setting one front
// door has and the other lacks, or spells differently: the key is the
// snake_case of the option without "With" (within its section, such as
// identity::), unless optionsWithoutOwnKey says otherwise. Keys of
// confighttp's and exporterhelper's types are theirs to name.
func TestEverySettingHasBothFrontDoors(t *testing.T) {
	options := exporterOptions(t)
	require.NotEmpty(t, options)
	ours, foreign := yamlKeys(reflect.TypeFor[Config](), "", false)

	byLastSegment := map[string][]string{}
	for _, k := range ours {
		last := k[strings.LastIndex(k, ":")+1:]
		byLastSegment[last] = append(byLastSegment[last], k)
	}
	matched := map[string]bool{}
	for _, opt := range options {
		want := snakeCase(strings.TrimPrefix(opt, "With"))
		if key, ok := optionsWithoutOwnKey[opt]; ok {
			assert.Empty(t, byLastSegment[want], "%s is listed as an exception but key %q exists: drop the exception", opt, want)
			if key != "" {
				assert.True(t, slices.Contains(ours, key) || slices.Contains(foreign, key), "%s maps to %q, which Config lacks", opt, key)
				matched[key] = true
			}
			continue
		}
		keys := byLastSegment[want]
		if slices.Contains(foreign, want) {
			keys = append(keys, want) // timeout: confighttp's key, the option's name
		}
		if assert.Len(t, keys, 1, "option %s: want exactly one key ending in %q in Config", opt, want) {
			matched[keys[0]] = true
		}
	}
	for _, k := range ours {
		if collectorOnlyKeys[k] {
			continue
		}
		assert.True(t, matched[k], "key %s has no option With%s in package exporter", k, camelCase(k[strings.LastIndex(k, ":")+1:]))
	}
	for opt := range optionsWithoutOwnKey {
		assert.Contains(t, options, opt, "exception %s names no option of package exporter", opt)
	}
}

// exporterOptions returns the exported With… functions of package
// exporter, read from its source.
func exporterOptions(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.Dir}}", "github.com/mindlytics/mindlytics-otel/exporter").Output()
	require.NoError(t, err, "go list of package exporter")
	dir := strings.TrimSpace(string(out))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	fset := token.NewFileSet()
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, dir+string(os.PathSeparator)+e.Name(), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || !strings.HasPrefix(fn.Name.Name, "With") {
				continue
			}
			names = append(names, fn.Name.Name)
		}
	}
	return names
}

// ourModule is the path prefix of the types whose keys are ours to name.
const ourModule = "github.com/mindlytics/mindlytics-otel/"

// yamlKeys walks the mapstructure tags of t as the collector decodes them:
// squashed structs add their keys to their parent's, a struct of ours
// opens a section ("identity::…"), and any other type is one key. ours are
// the keys of our types; foreign those of other modules' squashed types
// (confighttp's endpoint, timeout, …).
func yamlKeys(t reflect.Type, prefix string, foreignType bool) (ours, foreign []string) {
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("mapstructure")
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if opts == "squash" {
			o, fo := yamlKeys(ft, prefix, foreignType || !strings.HasPrefix(ft.PkgPath(), ourModule))
			ours, foreign = append(ours, o...), append(foreign, fo...)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if ft.Kind() == reflect.Struct && strings.HasPrefix(ft.PkgPath(), ourModule) {
			o, fo := yamlKeys(ft, prefix+name+"::", foreignType)
			ours, foreign = append(ours, o...), append(foreign, fo...)
			continue
		}
		if foreignType {
			foreign = append(foreign, prefix+name)
		} else {
			ours = append(ours, prefix+name)
		}
	}
	return ours, foreign
}

// snakeCase spells a Go name as a YAML key: APIKey is api_key,
// SessionIDKeys session_id_keys, TraceCacheTTL trace_cache_ttl.
func snakeCase(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prevLower := unicode.IsLower(r[i-1])
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || (unicode.IsUpper(r[i-1]) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// camelCase is snakeCase's inverse, for the messages only.
func camelCase(key string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(key, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"APIKey": "api_key", "ProjectID": "project_id", "SessionIDKeys": "session_id_keys",
		"TraceCacheTTL": "trace_cache_ttl", "MaxRequestEvents": "max_request_events", "Timeout": "timeout",
	} {
		assert.Equal(t, want, snakeCase(in), in)
	}
}

// TestReadmeListsEveryKey holds README.md's configuration table to
// Config: each key of ours has its row, and each key the table names is
// one Config decodes.
func TestReadmeListsEveryKey(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## Configuration\n")
	require.True(t, ok, "README.md has no Configuration section")
	section, _, _ = strings.Cut(section, "\n## ")
	ours, foreign := yamlKeys(reflect.TypeFor[Config](), "", false)
	var listed []string
	for line := range strings.Lines(section) {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first, _, _ := strings.Cut(line[2:], " |")
		for cell := range strings.SplitSeq(first, ", ") {
			if key, ok := strings.CutPrefix(cell, "`"); ok {
				listed = append(listed, strings.TrimSuffix(key, "`"))
			}
		}
	}
	for _, k := range ours {
		assert.Contains(t, listed, k, "README.md's configuration table lacks %s", k)
	}
	for _, k := range listed {
		assert.True(t, slices.Contains(ours, k) || slices.Contains(foreign, k), "README.md lists %s, which Config does not decode", k)
	}
}
