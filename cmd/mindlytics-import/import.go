package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// importer reads the files record by record and hands each to the sink,
// keeping the tally the summary reports.
type importer struct {
	sink     *sink
	progress *progress
	out      io.Writer // problems, on stderr
	strict   bool

	files, records     int
	spans, logRecords  int
	other, empty       int
	problems           int // bad records, unreadable files, what was not delivered
	rejectedBeforeLast int64
}

// importFiles imports files in order. It returns true when it stopped
// early: a record was not delivered, --strict met a bad record, or ctx
// ended; what was not imported is reported.
func (im *importer) importFiles(ctx context.Context, files []string) bool {
	for i, path := range files {
		err := im.importFile(ctx, path)
		if err == nil {
			continue
		}
		im.problem("%v", err)
		if rest := files[i+1:]; len(rest) > 0 {
			im.problem("not imported: %s", strings.Join(rest, ", "))
		}
		return true
	}
	return false
}

// importFile imports one file. A record that cannot be read is reported
// and skipped (an error with --strict); an error stops the import.
func (im *importer) importFile(ctx context.Context, path string) error {
	src, err := openSource(path)
	if err != nil {
		if im.strict {
			return fmt.Errorf("%w (--strict)", err)
		}
		im.problem("%v: skipped", err)
		return nil
	}
	defer func() { _ = src.Close() }()
	im.files++
	for {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %s and everything after it not imported", next(src))
		}
		b, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			err = fmt.Errorf("%s: %w; the rest of the file was not read", path, err)
			if im.strict {
				return fmt.Errorf("%w (--strict)", err)
			}
			im.problem("%v", err)
			break
		}
		im.records++
		rec, err := decodeRecord(b)
		if err != nil {
			if im.strict {
				return fmt.Errorf("%s: %w (--strict: stopped; nothing after it imported)", src.At(), err)
			}
			im.problem("%s: %v: skipped", src.At(), err)
			continue
		}
		if err := im.deliver(ctx, src, rec); err != nil {
			return err
		}
		im.progress.update(path, src.Read(), src.size, src.Pos(), src.Unit(), false)
	}
	im.progress.update(path, src.Read(), src.size, src.Pos(), src.Unit(), true)
	return nil
}

// deliver hands rec to the exporter and notes what the service refused of it.
func (im *importer) deliver(ctx context.Context, src *source, rec record) error {
	switch rec.kind {
	case kindTraces:
		im.spans += rec.traces.SpanCount()
	case kindLogs:
		im.logRecords += rec.logs.LogRecordCount()
	case kindOther:
		im.other++
		return nil
	case kindEmpty:
		im.empty++
		return nil
	}
	if err := im.sink.consume(ctx, rec); err != nil {
		return fmt.Errorf("%s: not delivered: %w; nothing after it was imported", src.At(), err)
	}
	c, err := im.sink.counters(ctx)
	if err == nil && c.rejected > im.rejectedBeforeLast {
		im.problem("%s: the service refused %d %s of it (logged above with their sessions)",
			src.At(), c.rejected-im.rejectedBeforeLast, plural(int(c.rejected-im.rejectedBeforeLast), "event"))
		im.rejectedBeforeLast = c.rejected
	}
	return nil
}

// next names the record after the one src returned last.
func next(src *source) string {
	if src.layout == layoutZstdFrames {
		return fmt.Sprintf("%s: record %d", src.path, src.pos+1)
	}
	return fmt.Sprintf("%s:%d", src.path, src.pos+1)
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
