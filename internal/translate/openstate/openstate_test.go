package openstate

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenRecordsHoldNoPointers: the open sessions' and conversations'
// records, the slabs' elements, are nothing for the garbage collector to
// mark (a string or a time.Time in them would be).
func TestOpenRecordsHoldNoPointers(t *testing.T) {
	for _, v := range []any{Session{}, Conv{}, IDRef{}, WallTime{}} {
		assert.False(t, hasPointers(reflect.TypeOf(v)), "%T", v)
	}
	assert.True(t, hasPointers(reflect.TypeOf(struct{ s string }{})), "the check sees a string")
	assert.True(t, hasPointers(reflect.TypeOf(time.Time{})), "the check sees a time.Time's location")
}

func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.String, reflect.Slice, reflect.Map, reflect.Chan, reflect.Func, reflect.Interface, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// openModel is what State must hold, kept the plain way.
type openModel struct {
	sessions []*modelSession // least recently active first
}

type modelSession struct {
	id, user, device string
	convs            []string // least recently active first, by id
}

func (m *openModel) find(id string) int {
	return slices.IndexFunc(m.sessions, func(s *modelSession) bool { return s.id == id })
}

// TestOpenStateAgainstAModel runs random opens, closes, touches, user and
// device changes and tidies, and after each checks the open state against
// the model: what is found, the ids, the orders, the arena's live bytes.
// With a key mask of two bits, most keys collide and the chains of the
// indexes are long.
func TestOpenStateAgainstAModel(t *testing.T) {
	for _, mask := range []uint64{^uint64(0), 3} {
		t.Run(fmt.Sprintf("mask %#x", mask), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, mask))
			o := New()
			o.keyMask = mask
			m := &openModel{}
			// Long ids of some sessions, so that the arena fills and tidy
			// moves it.
			sessID := func() string {
				n := rng.IntN(60)
				if n == 59 { // longer than a chunk of the arena
					return "s59" + strings.Repeat("y", arenaChunk+1)
				}
				return fmt.Sprintf("s%d%s", n, strings.Repeat("x", n*n%1500))
			}
			convID := func(s string) string {
				if rng.IntN(3) == 0 {
					return s // the default conversation
				}
				return fmt.Sprintf("c%d", rng.IntN(6))
			}
			var tidied int
			for step := range 10000 {
				id := sessID()
				i := m.find(id)
				switch op := rng.IntN(10); {
				case op < 3 && i < 0:
					o.OpenSession(id)
					m.sessions = append(m.sessions, &modelSession{id: id})
				case op < 3:
					o.Sessions.MoveToBack(&o.SessionOrder, o.FindSession(id))
					s := m.sessions[i]
					m.sessions = append(slices.Delete(m.sessions, i, i+1), s)
				case op < 4 && i >= 0:
					o.CloseSession(o.FindSession(id))
					m.sessions = slices.Delete(m.sessions, i, i+1)
					require.Zero(t, o.FindSession(id), "step %d: a closed session found", step)
				case op < 7 && i >= 0:
					s, sh := m.sessions[i], o.FindSession(id)
					c := convID(id)
					if j := slices.Index(s.convs, c); j >= 0 {
						if rng.IntN(3) == 0 {
							o.CloseConv(o.FindConv(sh, c))
							s.convs = slices.Delete(s.convs, j, j+1)
						} else {
							o.Convs.MoveToBack(&o.ConvOrder, o.FindConv(sh, c))
							s.convs = append(slices.Delete(s.convs, j, j+1), c)
						}
					} else {
						o.OpenConv(sh, c)
						s.convs = append(s.convs, c)
					}
				case op < 9 && i >= 0:
					s, sh := m.sessions[i], o.FindSession(id)
					v := fmt.Sprintf("u%d", rng.IntN(4))
					if rng.IntN(2) == 0 {
						o.SetUser(sh, v)
						s.user = v
					} else {
						o.SetDevice(sh, v)
						s.device = v
					}
				default:
					before := o.IDs.size
					o.Tidy()
					if o.IDs.size < before {
						tidied++
					}
					assert.True(t, o.IDs.size < minArenaTidy || o.IDs.size < 2*o.IDs.live, "step %d: an untidy arena of %d bytes, %d live", step, o.IDs.size, o.IDs.live)
				}
				requireOpenState(t, &o, m, step)
			}
			assert.Positive(t, tidied, "tidy moved the arena")
		})
	}
}

func requireOpenState(t *testing.T, o *State, m *openModel, step int) {
	t.Helper()
	// Plain checks: this runs at every step.
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("step %d: "+format, append([]any{step}, args...)...)
	}
	var order []string
	for h := o.SessionOrder.Head; h != 0; h = o.Sessions.Next(h) {
		order = append(order, o.IDs.Str(o.Session(h).ID))
	}
	// The conversations' order across sessions is not modelled; within
	// a session it is the order of convOrder.
	convOrder := map[Handle][]string{}
	for h := o.ConvOrder.Head; h != 0; h = o.Convs.Next(h) {
		convOrder[o.Conv(h).Session] = append(convOrder[o.Conv(h).Session], o.ConvID(h))
	}
	var want []string
	live, nConvs := 0, 0
	for _, s := range m.sessions {
		want = append(want, s.id)
		live += len(s.id) + len(s.user) + len(s.device)
		sh := o.FindSession(s.id)
		if sh == 0 {
			fail("session %.10s not found", s.id)
		}
		if u, d := o.IDs.Str(o.Session(sh).User), o.IDs.Str(o.Session(sh).Device); u != s.user || d != s.device {
			fail("session %.10s: user %q and device %q, want %q and %q", s.id, u, d, s.user, s.device)
		}
		for _, c := range s.convs {
			ch := o.FindConv(sh, c)
			if ch == 0 || o.ConvID(ch) != c || o.Conv(ch).Session != sh {
				fail("conversation %s of %.10s: found %d", c, s.id, ch)
			}
			if c != s.id {
				live += len(c)
			}
		}
		if d, f := o.DefaultConv(sh), o.FindConv(sh, s.id); d != f {
			fail("the default conversation of %.10s: %d, FindConv %d", s.id, d, f)
		}
		if o.FindConv(sh, "c-never") != 0 {
			fail("a conversation never opened found in %.10s", s.id)
		}
		if !slices.Equal(s.convs, convOrder[sh]) {
			fail("the conversations' order of %.10s: %q, want %q", s.id, convOrder[sh], s.convs)
		}
		if got := o.ConvsOf(sh, nil); len(got) != len(s.convs) {
			fail("session %.10s lists %d conversations, want %d", s.id, len(got), len(s.convs))
		}
		nConvs += len(s.convs)
	}
	switch {
	case !slices.Equal(want, order):
		fail("the sessions' order")
	case o.Sessions.Len != len(m.sessions) || o.Convs.Len != nConvs:
		fail("%d sessions and %d conversations, want %d and %d", o.Sessions.Len, o.Convs.Len, len(m.sessions), nConvs)
	case o.IDs.live != live:
		fail("the arena's live bytes: %d, want %d", o.IDs.live, live)
	case o.FindSession("never") != 0:
		fail("a session never opened found")
	}
}

// TestFindSessionForgetsTheClosedOne: the session FindSession remembers
// (found) is forgotten when it closes: its record, released, is zero, and
// a released record taken again is another session's.
func TestFindSessionForgetsTheClosedOne(t *testing.T) {
	o := New()
	a := o.OpenSession("a")
	require.Equal(t, a, o.FindSession("a"))
	o.CloseSession(a)
	assert.Zero(t, o.FindSession("a"))
	assert.Zero(t, o.FindSession(""), "the released record's empty id is no session's")
	b := o.OpenSession("b")
	require.Equal(t, a, b, "the record is taken again")
	assert.Zero(t, o.FindSession("a"))
	assert.Equal(t, b, o.FindSession("b"))
	c := o.OpenSession("c")
	assert.Equal(t, b, o.FindSession("b"), "found again through the index")
	assert.Equal(t, c, o.FindSession("c"))
}

// TestWallTimeKeepsTheTime: a span's time survives the record, to the
// nanosecond; the zero time stays zero (a session with no activity yet).
func TestWallTimeKeepsTheTime(t *testing.T) {
	for _, tm := range []time.Time{
		{},
		time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", 3600)),
		time.Now(),
	} {
		got := WallOf(tm).Time()
		assert.True(t, got.Equal(tm), "%v: %v", tm, got)
		assert.Equal(t, tm.IsZero(), got.IsZero(), "%v", tm)
		assert.Equal(t, tm.IsZero(), WallOf(tm) == WallTime{}, "%v", tm)
	}
	a, b := WallOf(time.Unix(5, 1)), WallOf(time.Unix(5, 2))
	assert.Equal(t, -1, a.Compare(b))
	assert.Equal(t, 1, b.Compare(a))
	assert.Equal(t, 0, a.Compare(a))
	assert.Equal(t, -1, WallOf(time.Unix(4, 999999999)).Compare(a))
	assert.Equal(t, b, LaterWall(a, b))
	assert.Equal(t, b, LaterWall(b, a))
}

// BenchmarkOneSessionsConversations opens many conversations in one session
// (a fixed session, a conversation per trace), then closes them: the cost
// per conversation stays flat as the session's grow.
func BenchmarkOneSessionsConversations(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 14} {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("conversation-%d", i)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				o := New()
				sh := o.OpenSession("s")
				for _, id := range ids {
					if o.FindConv(sh, id) == 0 {
						o.OpenConv(sh, id)
					}
				}
				o.CloseSession(sh)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/conversation")
		})
	}
}
