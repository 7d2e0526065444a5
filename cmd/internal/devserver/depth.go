package devserver

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// maxAttributeDepth bounds how deep an attribute value (a kvlist or an
// array) may nest. The store keeps span attributes as JSON, and a value
// nested deeper than its JSON decoder reads (10,000 levels) made a store
// that would not open again; nothing a GenAI span carries comes near 64.
const maxAttributeDepth = 64

// depthError names the value that nests too deep, and where it is.
func depthError(where, name, key string) error {
	return fmt.Errorf("attribute %q of %s %q nests more than %d levels deep; nothing was kept",
		key, where, name, maxAttributeDepth)
}

// tooDeep returns the key of the first value of m nesting deeper than
// maxAttributeDepth.
func tooDeep(m pcommon.Map) (string, bool) {
	var key string
	m.Range(func(k string, v pcommon.Value) bool {
		if depth(v, 1) > maxAttributeDepth {
			key = k
			return false
		}
		return true
	})
	return key, key != ""
}

// depth is how deep v nests, counted from d and not past the bound.
func depth(v pcommon.Value, d int) int {
	if d > maxAttributeDepth {
		return d
	}
	deepest := d
	switch v.Type() {
	case pcommon.ValueTypeMap:
		v.Map().Range(func(_ string, c pcommon.Value) bool {
			deepest = max(deepest, depth(c, d+1))
			return deepest <= maxAttributeDepth
		})
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		for i := 0; i < s.Len() && deepest <= maxAttributeDepth; i++ {
			deepest = max(deepest, depth(s.At(i), d+1))
		}
	}
	return deepest
}

// checkTracesDepth refuses traces with an attribute nesting too deep,
// before anything is translated or stored.
func checkTracesDepth(td ptrace.Traces) error {
	for _, rs := range td.ResourceSpans().All() {
		if k, bad := tooDeep(rs.Resource().Attributes()); bad {
			return depthError("the resource", "", k)
		}
		for _, ss := range rs.ScopeSpans().All() {
			if k, bad := tooDeep(ss.Scope().Attributes()); bad {
				return depthError("scope", ss.Scope().Name(), k)
			}
			for _, sp := range ss.Spans().All() {
				if k, bad := tooDeep(sp.Attributes()); bad {
					return depthError("span", sp.Name(), k)
				}
				for _, ev := range sp.Events().All() {
					if k, bad := tooDeep(ev.Attributes()); bad {
						return depthError("span event", ev.Name(), k)
					}
				}
				for _, l := range sp.Links().All() {
					if k, bad := tooDeep(l.Attributes()); bad {
						return depthError("a link of span", sp.Name(), k)
					}
				}
			}
		}
	}
	return nil
}

// checkLogsDepth refuses logs with an attribute or body nesting too deep.
func checkLogsDepth(ld plog.Logs) error {
	for _, rl := range ld.ResourceLogs().All() {
		if k, bad := tooDeep(rl.Resource().Attributes()); bad {
			return depthError("the resource", "", k)
		}
		for _, sl := range rl.ScopeLogs().All() {
			if k, bad := tooDeep(sl.Scope().Attributes()); bad {
				return depthError("scope", sl.Scope().Name(), k)
			}
			for _, lr := range sl.LogRecords().All() {
				if k, bad := tooDeep(lr.Attributes()); bad {
					return depthError("log record", lr.EventName(), k)
				}
				if depth(lr.Body(), 1) > maxAttributeDepth {
					return depthError("log record", lr.EventName(), "body")
				}
			}
		}
	}
	return nil
}
