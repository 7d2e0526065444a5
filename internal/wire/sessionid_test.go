package wire

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// sessionIDBySearch is SessionID as it was before its shortcut: the first
// match of the key, then the string's text, escapes kept.
func sessionIDBySearch(encoded []byte) []byte {
	i := bytes.Index(encoded, sessionIDField)
	if i < 0 {
		return nil
	}
	rest := encoded[i+len(sessionIDField):]
	for j := 0; j < len(rest); j++ {
		switch rest[j] {
		case '\\':
			j++
		case '"':
			return rest[:j]
		}
	}
	return rest
}

// sessionIDCases are encoded events and near misses: escapes and the
// key's text in the type, the name and the id, fields missing, cut ends.
func sessionIDCases(t testing.TB) [][]byte {
	strs := []string{"", "a", "session_id", `"session_id":"`, `x","session_id":"y`, `\`, `\\`, `"`, `a\"b`,
		"Conversation Turn", "bench-0000001", "é\u2028<>&", "\x00\x1f"}
	var cases [][]byte
	for _, typ := range strs {
		for _, name := range strs {
			for _, sid := range strs {
				e := Event{Type: typ, Name: name, SessionID: sid, UserID: sid, Properties: map[string]any{"session_id": sid}}
				b, err := e.AppendJSON(nil)
				if err != nil {
					t.Fatal(err)
				}
				cases = append(cases, b)
				for _, cut := range []int{1, 2, len(b) / 2, len(b) - 1} {
					cases = append(cases, b[:cut])
				}
			}
		}
	}
	return append(cases, nil, []byte(`{"type":"a"`), []byte(`{"type":"a","event":"b"`), []byte(`{"type":"a","session_id":"`),
		[]byte(`{"type":"a\"session_id":"x","session_id":"y"}`), []byte(`{"type":"a","event":"b\"","session_id":"c"}`),
		[]byte(`{"session_id":"s"}`), []byte(`{"type":"a","id":"1","session_id":"s"}`))
}

// checkSessionID compares SessionIDText of b with the search.
func checkSessionID(t *testing.T, b []byte) {
	t.Helper()
	got, escaped := SessionIDText(b)
	want := sessionIDBySearch(b)
	if !bytes.Equal(got, want) || (got == nil) != (want == nil) || escaped != bytes.Contains(want, []byte{'\\'}) {
		t.Fatalf("SessionIDText(%q) = %q, %v; the search finds %q", b, got, escaped, want)
	}
	if id := SessionID(b); !bytes.Equal(id, got) || (id == nil) != (got == nil) {
		t.Fatalf("SessionID(%q) = %q, SessionIDText %q", b, id, got)
	}
}

func TestSessionIDMatchesSearch(t *testing.T) {
	for _, b := range sessionIDCases(t) {
		checkSessionID(t, b)
	}
	// Random bytes from the alphabet that matters.
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = `{}",:\session_idtypeevnt`
	for range 200_000 {
		b := []byte(`{"type":"`)
		if r.IntN(4) == 0 {
			b = b[:r.IntN(len(b))]
		}
		for n := r.IntN(40); n > 0; n-- {
			if r.IntN(6) == 0 {
				b = append(b, []string{`","session_id":"`, `","event":"`, `\"`, `\\`}[r.IntN(4)]...)
				continue
			}
			b = append(b, alphabet[r.IntN(len(alphabet))])
		}
		checkSessionID(t, b)
	}
}

func FuzzSessionID(f *testing.F) {
	for _, b := range sessionIDCases(f) {
		f.Add(b)
	}
	f.Fuzz(checkSessionID)
}
