package genai

import "bytes"

// ndjsonParser splits newline-delimited JSON (Ollama's streams) into its
// lines, from bytes fed in whatever pieces the reader got them. A line
// longer than maxJSONBody is dropped, a bound on what a stream can make us
// hold.
type ndjsonParser struct {
	line     []byte
	over     bool
	dispatch func(event, data []byte)
}

func (p *ndjsonParser) write(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			p.add(b)
			return
		}
		p.add(b[:i])
		p.flush()
		b = b[i+1:]
	}
}

func (p *ndjsonParser) add(b []byte) {
	if p.over || len(p.line)+len(b) > maxJSONBody {
		p.over, p.line = true, p.line[:0]
		return
	}
	p.line = append(p.line, b...)
}

// flush dispatches the line so far (the last one may lack its \n).
func (p *ndjsonParser) flush() {
	if line := bytes.TrimSpace(p.line); len(line) > 0 && !p.over {
		p.dispatch(nil, line)
	}
	p.line, p.over = p.line[:0], false
}
