package translate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// The shortcuts of the passes over a batch's identities must answer as
// the general ways do.

// traceIndex finds each trace id's slot as a map would, with ids that
// differ in one byte of either half and tables near half full.
func TestTraceIndexAsMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	var x traceIndex
	for range 2000 {
		n := rng.IntN(300)
		x.reset(n)
		want := map[trace.TraceID]int32{}
		for range n {
			var id trace.TraceID
			id[rng.IntN(2)*15] = byte(rng.IntN(n + 1))
			id[7] = byte(rng.IntN(3))
			s := x.slot(id)
			if w, ok := want[id]; ok {
				require.Equal(t, w, s.at, "id %x", id)
				continue
			}
			require.Zero(t, s.at, "id %x", id)
			want[id] = int32(len(want) + 1)
			s.id, s.at = id, want[id]
		}
	}
}

func TestMentionsToolCallAsContains(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	const alphabet = "tool_ca_x"
	for range 200_000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if rng.IntN(8) == 0 && len(b) >= 9 {
			copy(b[rng.IntN(len(b)-8):], "tool_call")
		}
		if s := string(b); mentionsToolCall(s) != strings.Contains(s, "tool_call") {
			t.Fatalf("%q: %v", s, mentionsToolCall(s))
		}
	}
}

// rememberBySpans is remember as it was: each trace put at its first span
// in the batch.
func (t *Translator) rememberBySpans(spans []spanview.Span, b *batchIdentities, now time.Time) {
	done := map[*traceGroup]bool{}
	for i := range spans {
		g := b.group(i)
		switch {
		case done[g] || g.first.empty():
		case g.cacheRead && !g.cacheHit:
			t.traces.add(spans[i].TraceID(), g.first, now)
		default:
			t.traces.put(spans[i].TraceID(), g.first, now)
		}
		done[g] = true
	}
}

// remember puts the traces in the cache in the order their groups were
// made: as putting each at its first span did, evictions of a small cache
// and entries read before included.
func TestRememberAsBySpans(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	got, want := newTranslator(t, withTraceCache(5, time.Hour)), newTranslator(t, withTraceCache(5, time.Hour))
	for iter := range 2000 {
		spans := randomBatch(rng, 1+rng.IntN(30))
		for i := range spans { // traces of their own, some coming again; sessions of their own, some spans with none
			p := spanview.Parts(&spans[i])
			p.TraceID[1] = byte(iter % 7)
			if rng.IntN(4) == 0 {
				p.Attributes = []attribute.KeyValue{sc.SessionIDKey.String(fmt.Sprint("s", rng.IntN(9)))}
				if rng.IntN(3) == 0 {
					p.Attributes = nil
				}
			}
		}
		bg, bw := identitiesOf(t, got, spans), identitiesOf(t, want, spans)
		for i := range spans {
			if rng.IntN(3) == 0 { // read the cache first, as resolve does
				got.cachedIdentity(bg.group(i), spans[i].TraceID(), now)
				want.cachedIdentity(bw.group(i), spans[i].TraceID(), now)
			}
		}
		got.remember(bg, now)
		want.rememberBySpans(spans, bw, now)
		require.Equal(t, want.traces, got.traces)
		now = now.Add(time.Second)
	}
}

// checkByRunes is identity.check as it was: every id, empty or not,
// checked for UTF-8 and counted in runes when longer than its limit.
func (id *identity) checkByRunes() error {
	for f, v := range id {
		limit, whose := MaxKeptIDLength, "this translation keeps"
		if f == fDevice {
			limit, whose = MaxIDLength, "Mindlytics accepts"
		}
		switch {
		case !utf8.ValidString(v):
			return fmt.Errorf("%s %q is not valid UTF-8", idNames[f], truncate(strings.ToValidUTF8(v, "\uFFFD"), 40))
		case utf8.RuneCountInString(v) > limit:
			return fmt.Errorf("%s is %d characters, more than the %d %s", idNames[f], utf8.RuneCountInString(v), limit, whose)
		}
	}
	return nil
}

// check passes short ASCII ids at once: it refuses what checking each id
// in full refuses, with its error, ids at and around the limits included.
func TestCheckAsByRunes(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	pool := []string{"", "", "s1", "u-1", "sess-\xff", "日本", "é"}
	for _, n := range []int{MaxIDLength - 1, MaxIDLength, MaxIDLength + 1, MaxKeptIDLength - 1, MaxKeptIDLength, MaxKeptIDLength + 1} {
		pool = append(pool, strings.Repeat("d", n), strings.Repeat("é", n), strings.Repeat("d", n-1)+"\x80")
	}
	for range 100_000 {
		var id identity
		for f := range id {
			id[f] = pool[rng.IntN(len(pool))]
		}
		if got, want := id.check(), id.checkByRunes(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q: %v, by runes %v", id, got, want)
		}
	}
}

// A pooled batch's groups are extended in place, zero: a batch translated
// after others groups its spans as a new one does.
func TestPooledGroupsAsNew(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(27, 28))
	for range 300 {
		n := 1 + rng.IntN(40)
		spans := randomBatch(rng, n)
		b := getBatch(n)
		for i := range spans {
			b.views[i] = newAttrView(spans[i].Attributes())
		}
		tr.collectIdentities(spans, b.views, &b.ids)
		require.Equal(t, identitiesOf(t, tr, spans).groups, b.ids.groups)
		b.ids.groups[0].cacheRead = true // as resolve marks it
		b.release()
	}
}

// Each trace's identity is each field of its earliest-starting span that
// carries it, the first in the batch of those that start together.
func TestTraceFirstFieldsAsPlainRule(t *testing.T) {
	tr := newTranslator(t)
	rng := rand.New(rand.NewPCG(29, 30))
	base := time.Now() // a monotonic reading, and without (Round)
	keys := []attribute.Key{sc.SessionIDKey, sc.UserIDKey, attribute.Key(conventions.GenAIAgentNameKey), sc.ConversationIDKey}
	for range 3000 {
		spans := randomBatch(rng, 1+rng.IntN(30))
		for i := range spans {
			p := spanview.Parts(&spans[i])
			p.Start = base.Add(time.Duration(rng.IntN(4)) * time.Second)
			if rng.IntN(2) == 0 {
				p.Start = p.Start.Round(0)
			}
			p.Attributes = nil
			for _, k := range keys {
				if rng.IntN(2) == 0 {
					p.Attributes = append(p.Attributes, k.String(fmt.Sprint(k, rng.IntN(3))))
				}
			}
		}
		b := identitiesOf(t, tr, spans)
		for i := range spans {
			g := b.group(i)
			for f := range nFields {
				want, wantAt := "", time.Time{}
				for j := range spans {
					if v := b.own[j][f]; v != "" && spans[j].TraceID() == spans[i].TraceID() && (want == "" || spans[j].StartTime().Before(wantAt)) {
						want, wantAt = v, spans[j].StartTime()
					}
				}
				require.Equal(t, want, g.first[f], "field %d of span %d", f, i)
				if want != "" {
					require.True(t, wantAt.Equal(g.firstAt[f]), "field %d of span %d", f, i)
				}
			}
		}
	}
}
