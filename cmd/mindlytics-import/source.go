package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
)

// layout is how a file holds its records, told by its first bytes.
type layout int

const (
	// layoutLines is newline-delimited JSON: the file exporter's default.
	layoutLines layout = iota
	// layoutGzip is newline-delimited JSON, gzip-compressed afterwards.
	layoutGzip
	// layoutZstdStream is newline-delimited JSON in one zstd stream: the
	// file exporter's compression: zstd with its nativeCompression gate.
	layoutZstdStream
	// layoutZstdFrames is the file exporter's compression: zstd without
	// that gate: each record a zstd frame after its length (4 bytes, big
	// endian).
	layoutZstdFrames
)

func (l layout) String() string {
	switch l {
	case layoutGzip:
		return "gzip"
	case layoutZstdStream:
		return "zstd stream"
	case layoutZstdFrames:
		return "length-prefixed zstd frames"
	default:
		return "JSON lines"
	}
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// maxFrame bounds one length-prefixed frame: the file exporter's largest
// (rotation's max_megabytes default) with room to spare. A larger length
// means the file is not of that layout, or is damaged.
const maxFrame = 1 << 30

// source reads the records of one file in order. Next returns each record
// (valid until the next call), and Pos is its number: its line, or its
// frame for length-prefixed files.
type source struct {
	path   string
	size   int64
	layout layout

	file    *os.File
	counted *countingReader // the file's bytes read so far, compressed ones included
	raw     *bufio.Reader   // over counted
	lines   *bufio.Reader   // for the line layouts
	frames  *bufio.Reader   // for layoutZstdFrames
	zstd    *zstd.Decoder
	gzip    *gzip.Reader

	pos int
	buf []byte
}

// openSource opens path and tells its layout.
func openSource(path string) (*source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	if st.IsDir() {
		_ = f.Close()
		return nil, fmt.Errorf("%s: is a directory; name its files", path)
	}
	s := &source{path: path, size: st.Size(), file: f, counted: &countingReader{r: f}}
	raw := bufio.NewReaderSize(s.counted, 1<<16)
	s.raw = raw
	head, _ := raw.Peek(8) // shorter for a short file: then it is lines
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		s.layout = layoutGzip
		if s.gzip, err = gzip.NewReader(raw); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("%s: gzip: %w", path, err)
		}
		s.lines = bufio.NewReaderSize(s.gzip, 1<<16)
	case bytes.HasPrefix(head, zstdMagic):
		s.layout = layoutZstdStream
		if s.zstd, err = zstd.NewReader(raw, zstd.WithDecoderConcurrency(1)); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("%s: zstd: %w", path, err)
		}
		s.lines = bufio.NewReaderSize(s.zstd, 1<<16)
	case len(head) == 8 && bytes.Equal(head[4:], zstdMagic):
		s.layout = layoutZstdFrames
		if s.zstd, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1)); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("%s: zstd: %w", path, err)
		}
		s.frames = raw
	default:
		s.layout = layoutLines
		s.lines = raw
	}
	return s, nil
}

// Next returns the next record that is not blank, io.EOF after the last.
func (s *source) Next() ([]byte, error) {
	if s.frames != nil {
		return s.nextFrame()
	}
	for {
		line, err := s.nextLine()
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return line, nil
		}
	}
}

func (s *source) nextLine() ([]byte, error) {
	s.buf = s.buf[:0]
	for {
		chunk, err := s.lines.ReadSlice('\n')
		s.buf = append(s.buf, chunk...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue // a line longer than the buffer
		case errors.Is(err, io.EOF) && len(s.buf) > 0:
			s.pos++ // the last line, with no newline after it
			return s.buf, nil
		case errors.Is(err, io.EOF):
			return nil, err
		case err != nil:
			return nil, fmt.Errorf("line %d: %w", s.pos+1, err)
		}
		s.pos++
		return bytes.TrimSuffix(s.buf[:len(s.buf)-1], []byte{'\r'}), nil
	}
}

func (s *source) nextFrame() ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(s.frames, head[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("record %d: the file ends inside its length", s.pos+1)
		}
		return nil, err
	}
	s.pos++
	n := binary.BigEndian.Uint32(head[:])
	if n > maxFrame {
		return nil, fmt.Errorf("record %d: a frame of %d bytes: the file is damaged or not the file exporter's", s.pos, n)
	}
	frame := make([]byte, n)
	if _, err := io.ReadFull(s.frames, frame); err != nil {
		return nil, fmt.Errorf("record %d: the file ends inside it: %w", s.pos, err)
	}
	out, err := s.zstd.DecodeAll(frame, s.buf[:0])
	if err != nil {
		return nil, fmt.Errorf("record %d: zstd: %w", s.pos, err)
	}
	s.buf = out
	return out, nil
}

// Pos is the number of the record Next returned last: its line (from 1),
// or its frame in a length-prefixed file.
func (s *source) Pos() int { return s.pos }

// At names the record Next returned last, for messages: path:line, or
// the frame of a length-prefixed file.
func (s *source) At() string {
	if s.layout == layoutZstdFrames {
		return fmt.Sprintf("%s: record %d", s.path, s.pos)
	}
	return fmt.Sprintf("%s:%d", s.path, s.pos)
}

// Read is how many bytes of the file were read so far: those the
// records read so far took, or, in a compressed file, about that (the
// decompressor reads ahead).
func (s *source) Read() int64 { return s.counted.n - int64(s.raw.Buffered()) }

// Close closes the file.
func (s *source) Close() error {
	if s.zstd != nil {
		s.zstd.Close()
	}
	return s.file.Close()
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
