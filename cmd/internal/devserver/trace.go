package devserver

import (
	"cmp"
	"slices"
)

// maxTraceRows bounds the spans a turn's trace shows.
const maxTraceRows = 200

// spanInfo is the last word on a span: its note and the events it made.
type spanInfo struct {
	note *SpanNote
	made []string // the kinds (or names) of the events it made
}

// traceSource gives the spans of a trace by span id (nil: none known).
type traceSource func(traceID string) map[string]*spanInfo

// TraceRow is one span of a turn's trace, in tree order.
type TraceRow struct {
	SpanID     string         `json:"span_id"`
	TraceID    string         `json:"trace_id"`
	Name       string         `json:"name"`
	Depth      int            `json:"depth"`
	OffsetMs   float64        `json:"offset_ms"` // from the start of the trace's first row
	DurationMs float64        `json:"duration_ms"`
	Outcome    string         `json:"outcome"`
	Why        string         `json:"why,omitempty"`
	Made       []string       `json:"made,omitempty"`
	Notes      []string       `json:"notes,omitempty"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

// turnRoot is the top span of a turn's tree: the highest ancestor of the
// turn's span that holds no other turn's span.
type turnRoot struct{ trace, span string }

// turnRoots finds each turn's tree; a turn of no span has none.
func turnRoots(items []Item, turns []int, traces traceSource) map[int]turnRoot {
	roots := make(map[int]turnRoot, len(turns))
	held := map[turnRoot]int{} // every ancestor-or-self of a turn's span → how many turns it holds
	for _, t := range turns {
		o := items[t].Origin
		if o == nil {
			continue
		}
		tree := traces(o.TraceID)
		for id := range ancestry(tree, o.SpanID) {
			held[turnRoot{o.TraceID, id}]++
		}
	}
	for _, t := range turns {
		o := items[t].Origin
		if o == nil {
			continue
		}
		tree := traces(o.TraceID)
		root := o.SpanID
		for id := range ancestry(tree, o.SpanID) {
			if held[turnRoot{o.TraceID, id}] > 1 {
				break
			}
			root = id
		}
		roots[t] = turnRoot{o.TraceID, root}
	}
	return roots
}

// ancestry yields span and its ancestors known in tree, nearest first.
func ancestry(tree map[string]*spanInfo, span string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for range maxTraceRows { // a cycle of parent links ends here
			if !yield(span) {
				return
			}
			si := tree[span]
			if si == nil || si.note.ParentID == "" || tree[si.note.ParentID] == nil {
				return
			}
			span = si.note.ParentID
		}
	}
}

// ownerBySpan finds the turn whose tree holds the span an event came from.
func ownerBySpan(o *Origin, roots map[int]turnRoot, traces traceSource) (int, bool) {
	if o == nil {
		return 0, false
	}
	byRoot := make(map[turnRoot]int, len(roots))
	for t, r := range roots {
		byRoot[r] = t
	}
	for id := range ancestry(traces(o.TraceID), o.SpanID) {
		if t, ok := byRoot[turnRoot{o.TraceID, id}]; ok {
			return t, true
		}
	}
	return 0, false
}

// traceRows lays out the tree under root, children by start time.
func traceRows(root turnRoot, traces traceSource) []TraceRow {
	if root.span == "" {
		return nil
	}
	tree := traces(root.trace)
	top := tree[root.span]
	if top == nil {
		return nil
	}
	children := map[string][]*spanInfo{}
	for _, si := range tree {
		children[si.note.ParentID] = append(children[si.note.ParentID], si)
	}
	for _, c := range children {
		slices.SortFunc(c, func(a, b *spanInfo) int {
			return cmp.Or(a.note.Start.Compare(b.note.Start), cmp.Compare(a.note.SpanID, b.note.SpanID))
		})
	}
	var rows []TraceRow
	var walk func(si *spanInfo, depth int)
	walk = func(si *spanInfo, depth int) {
		if len(rows) == maxTraceRows || depth > maxTraceRows {
			return
		}
		n := si.note
		rows = append(rows, TraceRow{
			SpanID: n.SpanID, TraceID: n.TraceID, Name: n.Name, Depth: depth,
			OffsetMs:   float64(n.Start.Sub(top.note.Start).Microseconds()) / 1000,
			DurationMs: float64(n.End.Sub(n.Start).Microseconds()) / 1000,
			Outcome:    n.Outcome, Why: n.Why, Made: si.made, Notes: n.Notes, Attributes: n.Attributes,
		})
		for _, c := range children[n.SpanID] {
			walk(c, depth+1)
		}
	}
	walk(top, 0)
	return rows
}
