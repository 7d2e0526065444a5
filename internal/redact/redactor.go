package redact

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/mindlytics/mindlytics-otel/redaction"
)

// The built-in detectors, in the order their names are listed and counted.
const (
	detEmail = iota
	detPhone
	detCard
	detIBAN
	detSSN
	detIP
	detKey
	nBuiltin
	detFunc = nBuiltin // the function's count follows the built-ins'
)

var builtinNames = [nBuiltin]string{
	redaction.Email, redaction.Phone, redaction.Card, redaction.IBAN, redaction.SSN, redaction.IP, redaction.Key,
}

var builtinMarkers = func() (m [nBuiltin]string) {
	for i, n := range builtinNames {
		m[i] = "[" + n + "]"
	}
	return m
}()

// Redactor removes what a redaction.Config says from strings. It is safe
// for concurrent use.
type Redactor struct {
	on       uint8 // a bit per built-in detector
	patterns []pattern
	fn       func(string) string
	// counts holds a count per built-in detector, the function's, then one
	// per pattern.
	counts []atomic.Int64
}

type pattern struct {
	name, marker string
	re           *regexp.Regexp
	// prefix is a literal every match starts with, looked for before the
	// expression runs; "" when there is none.
	prefix string
}

// FieldError is an invalid setting of a redaction.Config: Field is its
// key below redaction:: (e.g. "patterns[0]::regexp").
type FieldError struct {
	Field, Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// New returns the Redactor of c, or every invalid setting of c.
func New(c redaction.Config) (*Redactor, []*FieldError) {
	r := &Redactor{fn: c.Func}
	var errs []*FieldError
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	switch {
	case len(c.Detectors) == 0:
		r.on = 1<<nBuiltin - 1
	case len(c.Detectors) == 1 && c.Detectors[0] == redaction.None:
	default:
		for i, d := range c.Detectors {
			j := slices.Index(builtinNames[:], d)
			switch {
			case d == redaction.None:
				bad(fmt.Sprintf("detectors[%d]", i), "%q must stand alone", d)
			case j < 0:
				bad(fmt.Sprintf("detectors[%d]", i), "%q is not one of %s", d, strings.Join(builtinNames[:], ", "))
			default:
				r.on |= 1 << j
			}
		}
	}
	for i, p := range c.Patterns {
		field := fmt.Sprintf("patterns[%d]", i)
		switch {
		case p.Name == "":
			bad(field+"::name", "required")
		case !plainName(p.Name):
			bad(field+"::name", "%q: only letters, digits, '_' and '-'", p.Name)
		case slices.Contains(builtinNames[:], p.Name) || p.Name == redaction.Func || p.Name == redaction.None:
			bad(field+"::name", "%q is a built-in name", p.Name)
		case slices.ContainsFunc(c.Patterns[:i], func(q redaction.Pattern) bool { return q.Name == p.Name }):
			bad(field+"::name", "%q is used twice", p.Name)
		}
		if p.Regexp == "" {
			bad(field+"::regexp", "required")
			continue
		}
		re, err := regexp.Compile(p.Regexp)
		if err != nil {
			bad(field+"::regexp", "%v", err)
			continue
		}
		if re.MatchString("") {
			bad(field+"::regexp", "%q matches the empty string", p.Regexp)
			continue
		}
		prefix, _ := re.LiteralPrefix()
		r.patterns = append(r.patterns, pattern{name: p.Name, marker: "[" + p.Name + "]", re: re, prefix: prefix})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	r.counts = make([]atomic.Int64, nBuiltin+1+len(r.patterns))
	return r, nil
}

func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; class[c]&alnum == 0 && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// Counts returns how many values each detector removed so far, by name
// (the built-ins on, each pattern's, and redaction.Func when a function is
// set), zeros included.
func (r *Redactor) Counts() map[string]int64 {
	m := make(map[string]int64, nBuiltin+1+len(r.patterns))
	for i, n := range builtinNames {
		if r.on&(1<<i) != 0 {
			m[n] = r.counts[i].Load()
		}
	}
	if r.fn != nil {
		m[redaction.Func] = r.counts[detFunc].Load()
	}
	for i, p := range r.patterns {
		m[p.name] = r.counts[nBuiltin+1+i].Load()
	}
	return m
}

// WithoutFunc returns a Redactor of the same detectors and patterns,
// counting into the same counts, that does not run Config.Func: for a text
// about to be cut to a length, so that a secret the cut would split goes
// whole, while the function still sees each string once, as it leaves.
func (r *Redactor) WithoutFunc() *Redactor {
	c := *r
	c.fn = nil
	return &c
}

// Text returns s with what the Redactor finds replaced by markers. When s
// is a JSON object or array, only its string values are rewritten (and
// numbers that are card numbers), so that it stays valid JSON.
func (r *Redactor) Text(s string) string {
	if s == "" {
		return s
	}
	return r.text(s)
}

// Value is Text for a string, and for an integer that is a payment card
// number (when that detector is on) the string "[card]"; other values are
// returned as they are. changed says whether v was rewritten.
func (r *Redactor) Value(v any) (any, bool) {
	var n int64
	switch x := v.(type) {
	case string:
		s := r.Text(x)
		return s, s != x
	case int64:
		n = x
	case int:
		n = int64(x)
	default:
		return v, false
	}
	if r.on&(1<<detCard) != 0 && n >= 1e12 {
		var b [20]byte
		if d := strconv.AppendInt(b[:0], n, 10); cardNumber(d) {
			r.counts[detCard].Add(1)
			return builtinMarkers[detCard], true
		}
	}
	return v, false
}

func (r *Redactor) text(s string) string {
	if c := firstNonSpace(s); c == '{' || c == '[' {
		if out, ok := r.json(s); ok {
			return out
		}
	}
	return r.plain(s)
}

// plain redacts s as text: the built-in detectors, then the patterns, then
// the function.
func (r *Redactor) plain(s string) string {
	out := s
	if r.on != 0 {
		var local [8]match
		if ms := r.find(s, local[:0]); len(ms) > 0 {
			out = r.replace(s, merge(ms))
		}
	}
	for i := range r.patterns {
		p := &r.patterns[i]
		if p.prefix != "" && !strings.Contains(out, p.prefix) {
			continue
		}
		var n int64
		out = p.re.ReplaceAllStringFunc(out, func(string) string { n++; return p.marker })
		if n > 0 {
			r.counts[nBuiltin+1+i].Add(n)
		}
	}
	if r.fn != nil {
		if f := r.fn(out); f != out {
			r.counts[detFunc].Add(1)
			out = f
		}
	}
	return out
}

func firstNonSpace(s string) byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}
