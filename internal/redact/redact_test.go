package redact

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/redaction"
)

func newRedactor(t testing.TB, c redaction.Config) *Redactor {
	t.Helper()
	r, errs := New(c)
	require.Empty(t, errs)
	return r
}

// TestDetectors holds real-looking values each detector must remove, in a
// sentence, and near misses it must leave.
func TestDetectors(t *testing.T) {
	r := newRedactor(t, redaction.Config{})
	for _, tc := range []struct {
		name, in, want string
	}{
		// e-mail
		{"email", "write to jane.doe+shop@example.co.uk today", "write to [email] today"},
		{"email in brackets", "<ops@mail.example.org>.", "<[email]>."},
		{"email without tld stays", "user@localhost and a@b.c", "user@localhost and a@b.c"},
		{"at sign alone stays", "meet @ noon, @handle", "meet @ noon, @handle"},
		// phone
		{"phone international", "call +1 415 555 0132 now", "call [phone] now"},
		{"phone uk", "ring +44 20 7946 0958.", "ring [phone]."},
		{"phone compact international", "+4915112345678", "[phone]"},
		{"phone us parens", "(415) 555-0132", "[phone]"},
		{"phone us dashes", "at 415-555-0132, or", "at [phone], or"},
		{"phone us dots", "415.555.0132", "[phone]"},
		{"phone us with 1", "1-800-555-0199", "[phone]"},
		{"phone national", "tel. 020 7946 0958", "tel. [phone]"},
		{"phone french", "01 23 45 67 89", "[phone]"},
		{"bare digits stay", "order 4155550132 shipped", "order 4155550132 shipped"},
		{"date stays", "on 2024-08-06 at 10:30", "on 2024-08-06 at 10:30"},
		{"date and time stay", "01-02-2024 10:30", "01-02-2024 10:30"},
		{"price stays", "costs 1,299.99 or 12.50", "costs 1,299.99 or 12.50"},
		{"area code below 2 stays", "123-456-7890", "123-456-7890"},
		// card
		{"card", "card 4111 1111 1111 1111 exp 12/28", "card [card] exp 12/28"},
		{"card together", "4242424242424242", "[card]"},
		{"card dashes", "5555-5555-5555-4444.", "[card]."},
		{"card amex", "3782 822463 10005", "[card]"},
		{"card then more digits", "4111 1111 1111 1111 12", "[card] 12"},
		{"order number failing luhn stays", "order 4111111111111112 shipped", "order 4111111111111112 shipped"},
		{"20 digits stay", "id 41111111111111111111", "id 41111111111111111111"},
		{"decimal stays", "pi 3.1415926535897932", "pi 3.1415926535897932"},
		{"timestamp passing luhn stays", "at 1700000000000000004 ns", "at 1700000000000000004 ns"},
		// IBAN
		{"iban grouped", "pay to DE89 3704 0044 0532 0130 00 by Friday", "pay to [iban] by Friday"},
		{"iban together", "GB82WEST12345698765432", "[iban]"},
		{"iban bad check stays", "DE88 3704 0044 0532 0130 00", "DE88 3704 0044 0532 0130 00"},
		{"iban then words", "IBAN FR1420041010050500013M02606 EUR", "IBAN [iban] EUR"},
		// SSN
		{"ssn", "SSN 123-45-6789.", "SSN [ssn]."},
		{"ssn area 000 stays", "000-12-3456", "000-12-3456"},
		{"ssn area 9xx stays", "912-34-5678", "912-34-5678"},
		{"ssn in longer number stays", "1-123-45-6789-0", "1-123-45-6789-0"},
		// IP
		{"ipv4", "from 192.168.1.20:8080", "from [ip]:8080"},
		{"ipv4 out of range stays", "999.1.2.3 and 1.2.3", "999.1.2.3 and 1.2.3"},
		{"version stays", "v1.2.3.4.5", "v1.2.3.4.5"},
		{"ipv6", "host 2001:db8:85a3::8a2e:370:7334 up", "host [ip] up"},
		{"ipv6 full", "fe80:0:0:0:202:b3ff:fe1e:8329", "[ip]"},
		{"time stays", "12:30:45 and 10:30", "12:30:45 and 10:30"},
		{"mac stays", "00:1a:2b:3c:4d:5e", "00:1a:2b:3c:4d:5e"},
		{"cpp stays", "std::string a::b", "std::string a::b"},
		// keys
		{"openai key", "key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123", "key [key]"},
		{"anthropic key", "sk-ant-api03-abcdefghijklmnopqrstu_vwx", "[key]"},
		{"bearer", "Authorization: Bearer abc.def-ghi_jkl~mno+pqr/stu=", "Authorization: Bearer [key]"},
		{"aws", "AKIAIOSFODNN7EXAMPLE", "[key]"},
		{"github", "ghp_0123456789abcdefghijABCDEFGHIJ012345", "[key]"},
		{"slack", "xoxb-1234567890-abcdefghij", "[key]"},
		{"google", "AIzaSyA1234567890abcdefghijklmnopqrstuv", "[key]"},
		{"jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "[key]"},
		{"generic", "token=Zx8Qp2Lm9Vt4Rk7Ws1Yb6Nc3Hd5Fg0Ja", "token=[key]"},
		{"sk word stays", "the sk-team met", "the sk-team met"},
		{"short bearer stays", "Bearer token", "Bearer token"},
		{"hex hash stays", "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		{"uuid stays", "id 123e4567-e89b-12d3-a456-426614174000", "id 123e4567-e89b-12d3-a456-426614174000"},
		{"camel case stays", "ThisIsAVeryLongIdentifierName2024Version", "ThisIsAVeryLongIdentifierName2024Version"},
		{"words stay", "The order ships from the north warehouse.", "The order ships from the north warehouse."},
		// several
		{"several", "jane@example.com, +1 415 555 0132, 4111111111111111", "[email], [phone], [card]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, r.Text(tc.in))
		})
	}
}

func TestJSONKeepsStructure(t *testing.T) {
	r := newRedactor(t, redaction.Config{})
	for _, tc := range []struct{ in, want string }{
		{`{"email":"jane@example.com","n":4111111111111111,"ok":true}`, `{"email":"[email]","n":"[card]","ok":true}`},
		{`[ "call 415-555-0132" , {"jane@example.com": "x"} ]`, `[ "call [phone]" , {"jane@example.com": "x"} ]`},
		{`{"q":"mail \"jane@example.com\"\n","order":4111111111111112}`, `{"q":"mail \"[email]\"\n","order":4111111111111112}`},
		{`{"a":"\u0041KIAIOSFODNN7EXAMPLE"}`, `{"a":"[key]"}`},
		{`{"city":"Paris"}`, `{"city":"Paris"}`},
		{`{"ts":1700000000000000004,"ms":1700000000004}`, `{"ts":1700000000000000004,"ms":1700000000004}`},
	} {
		got := r.Text(tc.in)
		assert.Equal(t, tc.want, got)
		assert.True(t, json.Valid([]byte(got)), got)
	}
	// Not JSON: redacted as text.
	assert.Equal(t, `{oops [email]`, r.Text(`{oops jane@example.com`))
}

func TestCounts(t *testing.T) {
	r := newRedactor(t, redaction.Config{
		Patterns: []redaction.Pattern{{Name: "order", Regexp: `ORD-\d{6}`}},
		Func:     func(s string) string { return strings.ReplaceAll(s, "Acme", "[company]") },
	})
	got := r.Text("Acme: ORD-123456 for jane@example.com and joe@example.com")
	assert.Equal(t, "[company]: [order] for [email] and [email]", got)
	v, changed := r.Value(int64(4111111111111111))
	assert.Equal(t, "[card]", v)
	assert.True(t, changed)
	v, changed = r.Value(int64(4111111111111112))
	assert.Equal(t, int64(4111111111111112), v)
	assert.False(t, changed)
	v, changed = r.Value(3.5)
	assert.Equal(t, 3.5, v)
	assert.False(t, changed)
	assert.Equal(t, map[string]int64{
		"email": 2, "phone": 0, "card": 1, "iban": 0, "ssn": 0, "ip": 0, "key": 0, "order": 1, "func": 1,
	}, r.Counts())
}

func TestDetectorChoice(t *testing.T) {
	r := newRedactor(t, redaction.Config{Detectors: []string{redaction.Email}})
	assert.Equal(t, "[email] 4111111111111111", r.Text("jane@example.com 4111111111111111"))
	assert.Equal(t, map[string]int64{"email": 1}, r.Counts())

	r = newRedactor(t, redaction.Config{Detectors: []string{redaction.None}, Patterns: []redaction.Pattern{{Name: "x", Regexp: "secret"}}})
	assert.Equal(t, "[x] jane@example.com", r.Text("secret jane@example.com"))
}

func TestInvalidConfig(t *testing.T) {
	_, errs := New(redaction.Config{
		Detectors: []string{"email", "mail", "none"},
		Patterns: []redaction.Pattern{
			{Name: "", Regexp: "x"},
			{Name: "a b", Regexp: "("},
			{Name: "email", Regexp: "y"},
			{Name: "ok", Regexp: "z*"},
			{Name: "ok2"},
		},
	})
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	assert.Equal(t, []string{
		`detectors[1]: "mail" is not one of email, phone, card, iban, ssn, ip, key`,
		`detectors[2]: "none" must stand alone`,
		`patterns[0]::name: required`,
		`patterns[1]::name: "a b": only letters, digits, '_' and '-'`,
		"patterns[1]::regexp: error parsing regexp: missing closing ): `(`",
		`patterns[2]::name: "email" is a built-in name`,
		`patterns[3]::regexp: "z*" matches the empty string`,
		`patterns[4]::regexp: required`,
	}, got)
}

// BenchmarkText redacts a 720-byte answer with nothing to find (the common
// case) and one with a value of each kind.
func BenchmarkText(b *testing.B) {
	r := newRedactor(b, redaction.Config{})
	clean := strings.Repeat(`The order ships from the "north" warehouse; tracking updates every few hours.`+"\n", 9)
	dirty := clean + "jane@example.com +1 415 555 0132 4111 1111 1111 1111 DE89 3704 0044 0532 0130 00 123-45-6789 10.0.0.1 sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123"
	for _, bc := range []struct{ name, text string }{{"clean", clean}, {"dirty", dirty}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			b.ReportAllocs()
			for b.Loop() {
				r.Text(bc.text)
			}
		})
	}
}
