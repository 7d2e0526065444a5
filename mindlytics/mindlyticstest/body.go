package mindlyticstest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// maxBodyBytes is the largest request body the server reads, before and
// after gzip decompression; a larger one is answered 413.
const maxBodyBytes = 5 << 20

// readBody reads a request body whole, decompressing it when it says it is
// gzip. Problems are answers for later: credentials are checked first.
func readBody(r *http.Request) ([]byte, *answer) {
	raw, err := readCapped(r.Body)
	if err != nil {
		return nil, bodyAnswer(err)
	}
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return raw, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			a := fail(http.StatusBadRequest, "Invalid gzip body: %v", err)
			return nil, &a
		}
		body, err := readCapped(zr)
		if err != nil {
			return nil, bodyAnswer(err)
		}
		return body, nil
	default:
		a := fail(http.StatusUnsupportedMediaType, "Unsupported Content-Encoding: %s", enc)
		return nil, &a
	}
}

var errTooLarge = errors.New("request body too large")

func readCapped(rd io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(rd, maxBodyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBodyBytes {
		return nil, errTooLarge
	}
	return b, nil
}

func bodyAnswer(err error) *answer {
	a := fail(http.StatusBadRequest, "Invalid body: %v", err)
	if errors.Is(err, errTooLarge) {
		a = fail(http.StatusRequestEntityTooLarge, "Request body larger than %d bytes (5 MiB)", maxBodyBytes)
	}
	return &a
}

// decodeStrict decodes one JSON value into v as the service reads it:
// numbers stay json.Number (so that nested values stay detectable and
// exact), unknown fields are errors, and nothing may follow the value.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// jsonProblem words a decoding error for an answer: which field, what was
// expected.
func jsonProblem(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field == "" {
			return fmt.Errorf("expected %s, got %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
		}
		return fmt.Errorf("%s: expected %s, got %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	if errors.Is(err, io.EOF) {
		return errors.New("empty body")
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind names a Go kind as the JSON value it decodes from.
func jsonKind(kind string) string {
	switch kind {
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	default:
		return "a number"
	}
}

// eventFields are the JSON names of mindlytics.Event's fields: the fields
// the contract names.
var eventFields = func() map[string]bool {
	names := map[string]bool{}
	t := reflect.TypeFor[mindlytics.Event]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names[name] = true
	}
	return names
}()

// decodeEvent decodes one event as leniently as the service's schema
// (additionalProperties of scalars): a field the contract does not name is
// accepted, and dropped, when its value is a string, number, boolean or
// null; an object or array there is refused.
func decodeEvent(data []byte, ev any) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return jsonProblem(err)
	}
	for name, v := range fields {
		if eventFields[name] {
			continue
		}
		if v = bytes.TrimSpace(v); len(v) > 0 && (v[0] == '{' || v[0] == '[') {
			return fmt.Errorf("%s: expected a string, number or boolean, got %s", name, jsonKind(map[byte]string{'{': "map", '[': "slice"}[v[0]]))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(ev); err != nil {
		return jsonProblem(err)
	}
	return nil
}
