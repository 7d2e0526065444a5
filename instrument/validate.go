package instrument

import (
	"errors"
	"fmt"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"math"
	"unicode/utf8"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// ErrInvalid is wrapped by every error about bad input: an empty or
// over-long id or name, a property value that is not a scalar, a turn
// without text. Test for it with errors.Is.
var ErrInvalid = errors.New("invalid input")

// ErrSessionEnded is returned by calls on a session after its End.
var ErrSessionEnded = errors.New("instrument: session ended")

// invalid builds the error of a call given bad input.
func invalid(call, format string, args ...any) error {
	return fmt.Errorf("instrument: %s: %s: %w", call, fmt.Sprintf(format, args...), ErrInvalid)
}

// checkID checks an id or a name the service's clients bound: 1 to 100
// characters, or empty when optional.
func checkID(call, field, v string, required bool) error {
	return checkLength(call, field, v, required, wire.MaxIDLength)
}

// checkKeptID checks a session or conversation id: the service sets them
// no bound (docs/CONTRACT.md), the translation keeps up to
// translate.MaxKeptIDLength characters (its own memory bound).
func checkKeptID(call, field, v string, required bool) error {
	return checkLength(call, field, v, required, translate.MaxKeptIDLength)
}

func checkLength(call, field, v string, required bool, maxLen int) error {
	if v == "" {
		if required {
			return invalid(call, "%s is required", field)
		}
		return nil
	}
	if len(v) > maxLen && utf8.RuneCountInString(v) > maxLen {
		return invalid(call, "%s is %d characters long, more than %d", field, utf8.RuneCountInString(v), maxLen)
	}
	if !utf8.ValidString(v) {
		return invalid(call, "%s is not valid UTF-8", field)
	}
	return nil
}

// checkProperties checks that every value is a scalar Mindlytics accepts:
// a string, a boolean, an integer or a finite float.
func checkProperties(call, group string, p Properties) error {
	for k, v := range p {
		if k == "" {
			return invalid(call, "%s has an empty key", group)
		}
		if !isScalar(v) {
			return invalid(call, "%s.%s is a %T; values are strings, numbers or booleans", group, k, v)
		}
	}
	return nil
}

func isScalar(v any) bool {
	switch x := v.(type) {
	case string, bool, int, int8, int16, int32, int64, uint8, uint16, uint32:
		return true
	case uint:
		return uint64(x) <= math.MaxInt64
	case uint64:
		return x <= math.MaxInt64
	case float32:
		return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0)
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return false
}

// checkCount checks a token count.
func checkCount(call, field string, n int64) error {
	if n < 0 {
		return invalid(call, "%s is negative (%d)", field, n)
	}
	return nil
}

// checkCost checks a cost in USD.
func checkCost(call string, c float64) error {
	if c < 0 || math.IsNaN(c) || math.IsInf(c, 0) {
		return invalid(call, "cost must be a finite, non-negative number, got %v", c)
	}
	return nil
}
