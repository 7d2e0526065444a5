package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// reader reads and decodes the files, in order, into batches for the
// importer, on a goroutine of its own: while one batch is delivered the
// next is read, so reading and decoding (most of the import's own work)
// overlap the waits for the service.
//
// Where a batch ends depends only on the files and the settings, never
// on timing, so a run's messages name the same records each time. Batches
// grow from one record: the first holds one, the second up to two, and
// so on, doubling, until max spans and log records bound them. A failure
// at the start (a wrong key or endpoint, the service down) then names the
// first record alone.
type reader struct {
	files  []string
	strict bool
	max    int // spans and log records per batch, at least 1
	out    chan<- *batch

	sent int // batches with data sent so far, for the doubling
	// complete is set once every file was read; the importer reads it
	// after out is closed.
	complete bool
}

// maxRecordsShift caps the doubling of the records a batch may hold.
const maxRecordsShift = 20

// run reads every file, then closes out. It stops early when ctx ends or
// --strict meets something it cannot read.
func (r *reader) run(ctx context.Context) {
	defer close(r.out)
	for i, path := range r.files {
		if !r.readFile(ctx, i, path) {
			return
		}
	}
	r.complete = true
}

// readFile reads one file; false means stop.
func (r *reader) readFile(ctx context.Context, i int, path string) bool {
	src, err := openSource(path)
	if err != nil {
		b := &batch{file: i, path: path, unreadable: true}
		if r.strict {
			b.stop = fmt.Errorf("%w (--strict)", err)
			r.send(ctx, b)
			return false
		}
		b.problems = []string{fmt.Sprintf("%v: skipped", err)}
		return r.send(ctx, b)
	}
	defer func() { _ = src.Close() }()
	b := r.newBatch(i, src)
	b.opened = true
	for {
		if ctx.Err() != nil {
			return false
		}
		raw, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			err = fmt.Errorf("%s: %w; the rest of the file was not read", path, err)
			if r.strict {
				b.stop = fmt.Errorf("%w (--strict)", err)
				r.close(b, src, true)
				r.send(ctx, b)
				return false
			}
			b.problems = append(b.problems, err.Error())
			break
		}
		rec, err := decodeRecord(raw)
		if err != nil {
			b.note(src.Pos())
			if r.strict {
				b.stop = fmt.Errorf("%s: %w (--strict: stopped; nothing after it imported)", src.At(), err)
				r.close(b, src, false)
				r.send(ctx, b)
				return false
			}
			b.problems = append(b.problems, fmt.Sprintf("%s: %v: skipped", src.At(), err))
			continue
		}
		if !b.takes(rec.kind) {
			r.close(b, src, false)
			if !r.send(ctx, b) {
				return false
			}
			b = r.newBatch(i, src)
		}
		b.add(src.Pos(), rec)
		if b.items() >= r.max || b.dataRecords >= 1<<min(r.sent, maxRecordsShift) {
			r.close(b, src, false)
			if !r.send(ctx, b) {
				return false
			}
			b = r.newBatch(i, src)
		}
	}
	r.close(b, src, true)
	return r.send(ctx, b)
}

func (r *reader) newBatch(i int, src *source) *batch {
	return &batch{file: i, path: src.path, frames: src.layout == layoutZstdFrames, size: src.size}
}

// close notes how far the file was read when b is sent; end: b is the
// file's last, and its last record is the file's.
func (*reader) close(b *batch, src *source, end bool) {
	b.read = src.Read()
	if end {
		b.end = true
		b.last = src.Pos()
	}
}

// send hands b to the importer; false when ctx ended first.
func (r *reader) send(ctx context.Context, b *batch) bool {
	if b.dataRecords > 0 {
		r.sent++
	}
	select {
	case r.out <- b:
		return true
	case <-ctx.Done():
		return false
	}
}
