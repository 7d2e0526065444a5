package translate

// The links between a batch's spans and their parents, for the identity
// fields a span takes from its ancestors (identity.go).

import (
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
)

// maxAncestry bounds the walk up a trace, against cycles in broken input.
const maxAncestry = 256

// ancestorField returns field f from the nearest ancestor of span i in the
// batch that carries it.
func (b *batchIdentities) ancestorField(spans []spanview.Span, i, f int) string {
	if b.group(i).n < 2 {
		return ""
	}
	j := b.parentOf(spans, i)
	for range maxAncestry {
		if j < 0 {
			return ""
		}
		if v := b.own[j][f]; v != "" {
			return v
		}
		j = b.parent[j]
	}
	return ""
}

// parentOf is the index in the batch of span i's parent, -1 when the parent
// is not in the batch.
func (b *batchIdentities) parentOf(spans []spanview.Span, i int) int32 {
	if !b.byIDBuilt {
		b.linkParents(spans)
	}
	return b.parent[i]
}

// linkParents finds each span's parent in the batch: the span of the same
// trace with the parent's id (the last of repeated ids), none for an
// invalid parent id. A trace's spans are looked through in a list of them
// (a trace has few spans in a batch); a trace with many goes through the
// map byID.
func (b *batchIdentities) linkParents(spans []spanview.Span) {
	b.byIDBuilt = true
	b.parent = resize(b.parent, len(spans))
	// The spans of each trace group in batch order, one group after the
	// other; ends[g] is where group g's list ends, once filled.
	ends := resize(b.groupEnds, len(b.groups))
	b.groupEnds = ends
	at := int32(0)
	for gi := range b.groups {
		ends[gi] = at
		at += int32(b.groups[gi].n)
	}
	members := resize(b.members, len(spans))
	b.members = members
	for j := range spans {
		gi := b.groupOf[j]
		members[ends[gi]] = int32(j)
		ends[gi]++
	}
	mapped := false // byID holds the spans of the large groups
	for j := range spans {
		b.parent[j] = -1
		p := spans[j].ParentSpanID()
		if !p.IsValid() {
			continue
		}
		gi := b.groupOf[j]
		if n := int32(b.groups[gi].n); n <= maxScannedGroup {
			for k := ends[gi] - 1; k >= ends[gi]-n; k-- { // the last of repeated ids wins
				if m := members[k]; spans[m].SpanID() == p {
					b.parent[j] = m
					break
				}
			}
			continue
		}
		if !mapped {
			b.mapLargeGroups(spans)
			mapped = true
		}
		if k, ok := b.byID[spanKey{spans[j].TraceID(), p}]; ok {
			b.parent[j] = int32(k)
		}
	}
}

// maxScannedGroup is the most spans of a trace in a batch that linkParents
// looks through for a parent; a larger trace's spans go into a map.
const maxScannedGroup = 16

// mapLargeGroups puts the spans of the traces of more than maxScannedGroup
// spans into byID, in batch order: the last of repeated ids wins.
func (b *batchIdentities) mapLargeGroups(spans []spanview.Span) {
	if b.byID == nil {
		b.byID = make(map[spanKey]int)
	}
	for j := range spans {
		if b.group(j).n > maxScannedGroup {
			b.byID[spanKey{spans[j].TraceID(), spans[j].SpanID()}] = j
		}
	}
}
