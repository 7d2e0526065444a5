package devserver

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// bucketEntries holds one entry per accepted batch or intake note, keyed by
// a big-endian sequence number, so a cursor walks them in order.
var bucketEntries = []byte("entries")

// Origin is the span an event was derived from by the OTLP intake.
type Origin struct {
	TraceID    string         `json:"trace_id"`
	SpanID     string         `json:"span_id"`
	Name       string         `json:"name"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

// Warning is something the translation of an OTLP request dropped or did
// not count.
type Warning struct {
	Span    Origin `json:"span"`
	Message string `json:"message"`
}

// Entry is one record of the store: a batch the contract server accepted
// (with, for OTLP-derived events, their origins), or the warnings of an OTLP
// request that derived no event.
type Entry struct {
	Seq      uint64             `json:"seq"`
	Accepted time.Time          `json:"accepted"`
	Events   []mindlytics.Event `json:"events,omitempty"`
	// Origins is empty or parallel to Events; an entry is nil for an event
	// not derived from a span (such as an idle session's end).
	Origins  []*Origin `json:"origins,omitempty"`
	Warnings []Warning `json:"warnings,omitempty"`
	// Spans are the spans of the OTLP request, each with what it became.
	Spans []SpanNote `json:"spans,omitempty"`
}

// Store is a [mindlyticstest.Store] in a bbolt file: every batch is
// committed (and fsynced) before the contract server answers 200. It keeps
// a copy of its entries in memory for the page.
type Store struct {
	db *bolt.DB

	mu       sync.Mutex
	index    *index        // the entries, indexed for the page
	changed  chan struct{} // closed and replaced on every append
	lastSeq  uint64
	skipped  []string // records OpenStore could not read
	failNext error    // for tests
}

var _ mindlyticstest.Store = (*Store)(nil)

// OpenStore opens (or creates) the store at path and reads what it holds.
func OpenStore(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("devserver: opening the store %s: %w", path, err)
	}
	st := &Store{db: db, changed: make(chan struct{}), index: newIndex()}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketEntries)
		if err != nil {
			return err
		}
		return b.ForEach(func(k, v []byte) error {
			if len(k) == 8 { // new entries follow every record, read or not
				st.lastSeq = max(st.lastSeq, binary.BigEndian.Uint64(k))
			}
			e, err := decodeEntry(v)
			if err != nil {
				// A record this version cannot read must not lock the
				// user out of the rest: skip it, and say so.
				st.skipped = append(st.skipped, fmt.Sprintf("entry %x (%d bytes): %v", k, len(v), err))
				return nil
			}
			st.index.add(e)
			return nil
		})
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("devserver: reading the store %s: %w", path, err)
	}
	return st, nil
}

// Skipped describes the records OpenStore could not read and skipped.
func (st *Store) Skipped() []string { return st.skipped }

// decodeEntry decodes numbers as json.Number, as the contract server
// decodes events from the wire.
func decodeEntry(v []byte) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	err := dec.Decode(&e)
	return e, err
}

// Close closes the file.
func (st *Store) Close() error { return st.db.Close() }

// Load returns the accepted batches, oldest first.
func (st *Store) Load() ([]mindlyticstest.Batch, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []mindlyticstest.Batch
	for _, e := range st.index.entries {
		if len(e.Events) > 0 {
			out = append(out, mindlyticstest.Batch{Accepted: e.Accepted, Events: e.Events})
		}
	}
	return out, nil
}

// intakeKey is the context key of the origins and warnings the intake
// attaches to the batch it posts.
type intakeKey struct{}

type intakeNote struct {
	origins  []*Origin
	warnings []Warning
	spans    []SpanNote
}

func withIntake(ctx context.Context, n intakeNote) context.Context {
	return context.WithValue(ctx, intakeKey{}, n)
}

// Append commits one batch, with the origins and warnings the request's
// context carries from the intake.
func (st *Store) Append(ctx context.Context, b mindlyticstest.Batch) error {
	note, _ := ctx.Value(intakeKey{}).(intakeNote)
	e := Entry{Accepted: b.Accepted, Events: b.Events, Warnings: note.warnings, Spans: note.spans}
	if len(note.origins) == len(b.Events) {
		e.Origins = note.origins
	}
	return st.add(e)
}

// note keeps the warnings and spans of an OTLP request that derived no
// event.
func (st *Store) note(n intakeNote) error {
	if len(n.warnings) == 0 && len(n.spans) == 0 {
		return nil
	}
	return st.add(Entry{Accepted: time.Now(), Warnings: n.warnings, Spans: n.spans})
}

func (st *Store) add(e Entry) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if err := st.failNext; err != nil {
		st.failNext = nil
		return err
	}
	e.Seq = st.lastSeq + 1
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("devserver: encoding entry %d: %w", e.Seq, err)
	}
	err = st.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEntries).Put(binary.BigEndian.AppendUint64(nil, e.Seq), v)
	})
	if err != nil {
		return fmt.Errorf("devserver: committing entry %d: %w", e.Seq, err)
	}
	st.lastSeq = e.Seq
	st.index.add(e)
	close(st.changed)
	st.changed = make(chan struct{})
	return nil
}

// Entries returns the entries so far and a channel closed at the next
// append.
func (st *Store) Entries() ([]Entry, <-chan struct{}) {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := len(st.index.entries)
	return st.index.entries[:n:n], st.changed
}

// Changed returns the sequence number of the last entry and a channel
// closed at the next append: the page's change token.
func (st *Store) Changed() (uint64, <-chan struct{}) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.lastSeq, st.changed
}

// Sessions answers a page of sessions.
func (st *Store) Sessions(q Query) (Page, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.index.page(q, st.lastSeq)
}

// sessionVersion is the sequence number of the last entry that changed
// session id, and whether there is such a session.
func (st *Store) sessionVersion(id string) (uint64, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if s := st.index.sessions[id]; s != nil {
		return s.Version, true
	}
	return 0, false
}

// Session returns one session as the page shows it, or nil.
func (st *Store) Session(id string) *SessionView {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.index.session(id)
}
