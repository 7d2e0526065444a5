package redact

import (
	"encoding/json"
	"testing"

	"github.com/mindlytics/mindlytics-otel/redaction"
)

// FuzzText checks, for any input, that no value a detector found in it is
// found in the output (a value may stay where its neighbours make it
// something else, as in x1.2.3.4), that valid JSON stays valid JSON, and
// that nothing panics.
func FuzzText(f *testing.F) {
	for _, s := range []string{
		"write to jane.doe+shop@example.co.uk today",
		"call +1 415 555 0132 or (415) 555-0132 or 020 7946 0958",
		"card 4111 1111 1111 1111 exp 12/28, order 4111111111111112",
		"pay to DE89 3704 0044 0532 0130 00; SSN 123-45-6789",
		"from 192.168.1.20 and 2001:db8::8a2e:370:7334",
		"Bearer abc.def-ghi_jkl~mno+pqr/stu= sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123 AKIAIOSFODNN7EXAMPLE",
		`{"email":"jane@example.com","n":4111111111111111,"q":["415-555-0132",{"k":"\u0041KIAIOSFODNN7EXAMPLE"}]}`,
		`[1, 2.5e3, -0, true, null, "a@b.co"]`,
		"Zx8Qp2Lm9Vt4Rk7Ws1Yb6Nc3Hd5Fg0Ja==",
	} {
		f.Add(s)
	}
	r, errs := New(redaction.Config{})
	if len(errs) > 0 {
		f.Fatal(errs)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := r.Text(in)
		if c := firstNonSpace(in); (c == '{' || c == '[') && json.Valid([]byte(in)) {
			if !json.Valid([]byte(out)) {
				t.Fatalf("valid JSON became invalid:\nin:  %q\nout: %q", in, out)
			}
			return // its strings were redacted unescaped: their values are checked as text
		}
		found := map[string]bool{}
		for _, m := range r.find(in, nil) {
			found[in[m.start:m.end]] = true
		}
		if len(found) > 0 && out == in {
			t.Fatalf("found %v but did not redact %q", found, in)
		}
		for _, m := range r.find(out, nil) {
			if v := out[m.start:m.end]; found[v] {
				t.Fatalf("%q was found in the input and is left in the output:\nin:  %q\nout: %q", v, in, out)
			}
		}
	})
}
