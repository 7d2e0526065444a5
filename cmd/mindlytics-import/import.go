package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// importer hands the batches the reader makes to the sink, one at a time
// and in order, keeping the tally the summary reports. A batch goes to
// the exporter only once the one before it was delivered: everything
// before a batch that fails was delivered, nothing after it was sent.
type importer struct {
	sink     *sink
	progress *progress
	strict   bool
	batch    int // --batch: spans and log records handed to the exporter at once

	files, records     int
	spans, logRecords  int
	other, empty       int
	problems           int // bad records, unreadable files, what was not delivered
	rejectedBeforeLast int64
}

// importFiles imports files in order. It returns true when it stopped
// early: a batch was not delivered, --strict met a bad record, or ctx
// ended; what was not imported is reported.
func (im *importer) importFiles(ctx context.Context, files []string) bool {
	readCtx, stopReading := context.WithCancel(ctx)
	batches := make(chan *batch, 1) // one batch read ahead, besides the one being built
	r := &reader{files: files, strict: im.strict, max: im.batch, out: batches}
	go r.run(readCtx)
	defer func() {
		stopReading()
		for range batches { // until the reader has stopped
		}
	}()

	lastFile, lastRecord := -1, "" // the last batch and record imported, for an interrupt
	for {
		var b *batch
		ok := true
		select {
		case b, ok = <-batches:
		case <-ctx.Done():
		}
		if !ok && r.complete {
			return false // every file read, every batch delivered
		}
		if ctx.Err() != nil || !ok { // the reader stops early only when ctx ends
			if lastRecord == "" {
				im.problem("interrupted: nothing was imported")
			} else {
				im.problem("interrupted: nothing after %s was imported", lastRecord)
			}
			im.notImported(files[lastFile+1:])
			return true
		}
		if err := im.take(ctx, b); err != nil {
			im.problem("%v", err)
			im.notImported(files[b.file+1:])
			return true
		}
		lastFile = b.file
		if b.last > 0 {
			lastRecord = b.at(b.last)
		}
	}
}

// notImported names the files not read at all after the import stopped.
func (im *importer) notImported(rest []string) {
	if len(rest) > 0 {
		im.problem("not imported: %s", strings.Join(rest, ", "))
	}
}

// take reports b's bad records, delivers its data and shows the progress;
// an error stops the import.
func (im *importer) take(ctx context.Context, b *batch) error {
	if b.opened {
		im.files++
	}
	for _, p := range b.problems {
		im.problem("%s", p)
	}
	im.records += b.records
	im.spans += b.spans
	im.logRecords += b.logRecords
	im.other += b.other
	im.empty += b.empty
	if b.dataRecords > 0 {
		if err := im.deliver(ctx, b); err != nil {
			return err
		}
	}
	if !b.unreadable {
		im.progress.update(b.path, b.read, b.size, b.last, b.unit(), b.end)
	}
	return b.stop
}

// deliver hands b's data to the exporter and notes what the service
// refused of it.
func (im *importer) deliver(ctx context.Context, b *batch) error {
	if err := im.sink.consume(ctx, b.data); err != nil {
		if b.dataRecords == 1 {
			return fmt.Errorf("%s: not delivered: %w; nothing after it was imported", b.dataName(), err)
		}
		// The exporter may have delivered some of the batch's events before
		// it gave up (it sends in several requests); which, it does not say.
		return fmt.Errorf("%s: not delivered: %w; these %d records went to the exporter together: "+
			"those before %s were delivered in full, some events of these may have been, and nothing after them was imported",
			b.dataName(), err, b.dataRecords, b.at(b.firstData))
	}
	c, err := im.sink.counters(ctx)
	if err == nil && c.rejected > im.rejectedBeforeLast {
		n := int(c.rejected - im.rejectedBeforeLast)
		of := "it"
		if b.dataRecords > 1 {
			of = "them"
		}
		im.problem("%s: the service refused %d %s of %s (logged above with their sessions)", b.dataName(), n, plural(n, "event"), of)
		im.rejectedBeforeLast = c.rejected
	}
	return nil
}

// problem reports one thing that was not imported or delivered.
func (im *importer) problem(format string, args ...any) {
	im.problems++
	fmt.Fprintf(im.progress, "mindlytics-import: "+format+"\n", args...)
}

// summary writes what was imported, and whether everything was delivered.
func (im *importer) summary(w io.Writer, c counts) {
	fmt.Fprintf(w, "Imported %d %s, %d %s: %d %s and %d log %s became %d Mindlytics %s.\n",
		im.files, plural(im.files, "file"), im.records, plural(im.records, "record"),
		im.spans, plural(im.spans, "span"), im.logRecords, plural(im.logRecords, "record"),
		c.translated, plural(int(c.translated), "event"))
	if im.other > 0 {
		fmt.Fprintf(w, "Skipped %d metrics or profiles %s (only traces and logs become events).\n", im.other, plural(im.other, "record"))
	}
	if im.empty > 0 {
		fmt.Fprintf(w, "Skipped %d empty %s ({}).\n", im.empty, plural(im.empty, "record"))
	}
	if c.translationErrors > 0 {
		fmt.Fprintf(w, "The translation noted %d spans or log records it dropped or values it ignored (--verbose shows each).\n", c.translationErrors)
	}
	if im.problems == 0 && c.rejected == 0 && c.dropped == 0 {
		fmt.Fprintln(w, "Every event was delivered.")
		return
	}
	fmt.Fprintf(w, "NOT everything was delivered: %d %s reported above", im.problems, plural(im.problems, "problem"))
	if c.rejected > 0 {
		fmt.Fprintf(w, "; %d %s refused by the service", c.rejected, plural(int(c.rejected), "event"))
	}
	if c.dropped > 0 {
		fmt.Fprintf(w, "; %d %s dropped", c.dropped, plural(int(c.dropped), "event"))
	}
	fmt.Fprintln(w, ".")
}
