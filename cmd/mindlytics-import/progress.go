package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress writes how far the import is to stderr: on a terminal one line
// rewritten in place, otherwise a line at most every interval, so that a
// log collecting stderr is not flooded; and a last line per file. It is
// also the writer of every other message to stderr (the exporter's log),
// which it writes on a line of its own.
type progress struct {
	mu    sync.Mutex // the exporter logs from goroutines of its own
	w     io.Writer
	tty   bool
	quiet bool
	every time.Duration
	now   func() time.Time

	last  time.Time
	shown bool // a progress line is on the terminal with no newline after it
}

func newProgress(w io.Writer, tty, quiet bool) *progress {
	every := 10 * time.Second
	if tty {
		every = 250 * time.Millisecond
	}
	return &progress{w: w, tty: tty, quiet: quiet, every: every, now: time.Now}
}

// update reports that read of size bytes of path and n records (lines,
// or frames: unit) are done; at most once an interval, unless final (the
// file is done).
func (p *progress) update(path string, read, size int64, n int, unit string, final bool) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if !final && now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	pct := 100.0
	if size > 0 {
		pct = 100 * float64(read) / float64(size)
	}
	msg := fmt.Sprintf("%s: %s of %s (%.0f%%), %d %s", path, bytesString(read), bytesString(size), pct, n, plural(n, unit))
	if final {
		msg += ", done"
	}
	if p.tty {
		p.clear()
		if final {
			fmt.Fprintln(p.w, msg)
			return
		}
		fmt.Fprint(p.w, msg)
		p.shown = true
		return
	}
	fmt.Fprintln(p.w, msg)
}

// Write writes b on lines of its own.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	return p.w.Write(b)
}

// Sync is for zap: nothing is buffered.
func (*progress) Sync() error { return nil }

// clear removes the progress line from the terminal; p.mu must be held.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// bytesString says n in the unit that fits: 512 B, 3.4 MiB.
func bytesString(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// plural says "line" or "lines".
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
