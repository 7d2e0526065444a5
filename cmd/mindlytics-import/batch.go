package main

import "fmt"

// defaultBatch is --batch's default: the most spans and log records handed
// to the exporter at once. Large enough that several of the exporter's
// requests_in_flight lanes (16 × max_request_events 500 by default) are
// kept busy; small enough that a failure names a short run of records (see
// BENCHMARKS.md, replay).
const defaultBatch = 2048

// batch is consecutive records of one file, read and decoded ahead by the
// reader while the previous batch is delivered. Its traces or log records
// (one kind: a record of the other kind starts the next batch) go to the
// exporter in one Consume; a record is never split. Records that could
// not be read and records that hold no traces or logs are only counted
// and named.
type batch struct {
	file   int // its file's index in the import's list
	path   string
	frames bool // its records are length-prefixed frames, numbered "record N"

	// unreadable: the file could not be opened; nothing else is set.
	unreadable bool
	// opened: the file's first batch, which counts it.
	opened bool
	// end: the file's last batch; last is then every line of the file.
	end bool

	// first and last are the first and last records read into it (from
	// 1; 0 when it holds none); firstData and lastData those handed to
	// the exporter.
	first, last         int
	firstData, lastData int
	// data is what goes to the exporter: the records' traces or log
	// records, merged in their order.
	data record

	records, dataRecords int // records read, and those handed to the exporter
	spans, logRecords    int
	other, empty         int
	// problems name the records that could not be read, in order: they
	// are reported and skipped.
	problems []string
	// read and size are the bytes of the file read when it was closed,
	// for the progress line.
	read, size int64
	// stop ends the import once the batch is delivered: --strict met a
	// record or a file it could not read.
	stop error
}

// note counts a record read into b at position pos.
func (b *batch) note(pos int) {
	if b.first == 0 {
		b.first = pos
	}
	b.last = pos
	b.records++
}

// add appends rec, read at pos, to b. The caller checked that rec is of
// b's data kind, or that b holds no data yet.
func (b *batch) add(pos int, rec record) {
	b.note(pos)
	switch rec.kind {
	case kindOther:
		b.other++
		return
	case kindEmpty:
		b.empty++
		return
	case kindTraces:
		b.spans += rec.traces.SpanCount()
	case kindLogs:
		b.logRecords += rec.logs.LogRecordCount()
	}
	if b.dataRecords == 0 {
		b.firstData, b.data = pos, rec
	} else {
		// Moving keeps every resource with its scopes and their order: the
		// translation reads the merged request as it would the records one
		// after the other, as it reads the batch processor's merges.
		switch rec.kind {
		case kindTraces:
			rec.traces.ResourceSpans().MoveAndAppendTo(b.data.traces.ResourceSpans())
		case kindLogs:
			rec.logs.ResourceLogs().MoveAndAppendTo(b.data.logs.ResourceLogs())
		}
	}
	b.lastData = pos
	b.dataRecords++
}

// takes says whether a record of kind k may join b: records that hold no
// data join any batch, data only one of its own kind.
func (b *batch) takes(k kind) bool {
	return b.dataRecords == 0 || (k != kindTraces && k != kindLogs) || k == b.data.kind
}

// items is how many spans and log records b holds.
func (b *batch) items() int { return b.spans + b.logRecords }

// at names record n of b's file, for messages: path:line, or the frame of
// a length-prefixed file.
func (b *batch) at(n int) string {
	if b.frames {
		return fmt.Sprintf("%s: record %d", b.path, n)
	}
	return fmt.Sprintf("%s:%d", b.path, n)
}

// dataName names the records b hands to the exporter: path:12, or
// path:12-19 for several (lines 12 to 19, skipped ones among them).
func (b *batch) dataName() string {
	if b.firstData == b.lastData {
		return b.at(b.firstData)
	}
	if b.frames {
		return fmt.Sprintf("%s: records %d-%d", b.path, b.firstData, b.lastData)
	}
	return fmt.Sprintf("%s:%d-%d", b.path, b.firstData, b.lastData)
}

// unit is what b's record numbers count.
func (b *batch) unit() string {
	if b.frames {
		return "record"
	}
	return "line"
}
