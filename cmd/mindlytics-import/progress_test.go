package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// clock is a fake time that moves only when told.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestProgressAtMostEveryInterval(t *testing.T) {
	var out bytes.Buffer
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newProgress(&out, false, false)
	p.now = c.now

	p.update("a.json", 100, 4096, 1, "line", false) // the first is shown
	for i := 2; i <= 50; i++ {
		c.t = c.t.Add(time.Second)
		p.update("a.json", int64(i*80), 4096, i, "line", false)
	}
	p.update("a.json", 4096, 4096, 51, "line", true)

	assert.Equal(t, "a.json: 100 B of 4.0 KiB (2%), 1 line\n"+
		"a.json: 880 B of 4.0 KiB (21%), 11 lines\n"+
		"a.json: 1.6 KiB of 4.0 KiB (41%), 21 lines\n"+
		"a.json: 2.4 KiB of 4.0 KiB (61%), 31 lines\n"+
		"a.json: 3.2 KiB of 4.0 KiB (80%), 41 lines\n"+
		"a.json: 4.0 KiB of 4.0 KiB (100%), 51 lines, done\n", out.String())
}

// TestProgressOnATerminal: one line rewritten in place; a log message
// clears it first and gets a line of its own.
func TestProgressOnATerminal(t *testing.T) {
	var out bytes.Buffer
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newProgress(&out, true, false)
	p.now = c.now

	p.update("a.json", 1024, 2048, 3, "line", false)
	c.t = c.t.Add(time.Second)
	p.update("a.json", 1536, 2048, 4, "line", false)
	_, _ = p.Write([]byte("WARN something\n"))
	p.update("a.json", 2048, 2048, 5, "line", true)

	assert.Equal(t, "a.json: 1.0 KiB of 2.0 KiB (50%), 3 lines"+
		"\r\x1b[Ka.json: 1.5 KiB of 2.0 KiB (75%), 4 lines"+
		"\r\x1b[KWARN something\n"+
		"a.json: 2.0 KiB of 2.0 KiB (100%), 5 lines, done\n", out.String())
}

func TestQuietShowsNoProgress(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, true, true)
	p.update("a.json", 1, 2, 1, "line", false)
	p.update("a.json", 2, 2, 2, "line", true)
	_, _ = p.Write([]byte("WARN kept\n"))
	assert.Equal(t, "WARN kept\n", out.String())
	assert.False(t, strings.Contains(out.String(), "a.json"))
}

func TestBytesString(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 5 << 20: "5.0 MiB", 3 << 30: "3.0 GiB"} {
		assert.Equal(t, want, bytesString(n))
	}
}
