package genai

import "bytes"

// sseParser splits server-sent events out of bytes fed to it in whatever
// pieces the reader got them, without ever changing them: the caller reads
// the very bytes the parser sees.
type sseParser struct {
	line  []byte // an incomplete line carried to the next write
	event []byte // the current event's type ("event:" field)
	data  []byte // the current event's data, lines joined by \n
	has   bool   // the current event has a data field
	// dispatch receives each complete event; data is only valid during the
	// call.
	dispatch func(event, data []byte)
}

func (p *sseParser) write(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			p.line = append(p.line, b...)
			return
		}
		if len(p.line) > 0 {
			p.line = append(p.line, b[:i]...)
			p.field(p.line)
			p.line = p.line[:0]
		} else {
			p.field(b[:i])
		}
		b = b[i+1:]
	}
}

// field handles one line (without its \n).
func (p *sseParser) field(line []byte) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if len(line) == 0 {
		if p.has {
			p.dispatch(p.event, p.data)
		}
		p.event, p.data, p.has = p.event[:0], p.data[:0], false
		return
	}
	if line[0] == ':' {
		return // a comment
	}
	name, value, _ := bytes.Cut(line, []byte{':'})
	value = bytes.TrimPrefix(value, []byte{' '})
	switch string(name) {
	case "data":
		if p.has {
			p.data = append(p.data, '\n')
		}
		p.data = append(p.data, value...)
		p.has = true
	case "event":
		p.event = append(p.event[:0], value...)
	}
}

// flush dispatches an event the stream ended without a blank line after.
func (p *sseParser) flush() {
	if len(p.line) > 0 {
		p.field(p.line)
		p.line = p.line[:0]
	}
	p.field(nil)
}
