package spanview

import (
	"reflect"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// partsNamed is a SpanParts with every field set, each from tag.
func partsNamed(tag byte) SpanParts {
	res := attribute.NewSet(attribute.String("service.name", string(tag)))
	at := time.Unix(int64(tag), 0)
	return SpanParts{
		Name: "span " + string(tag), Kind: trace.SpanKind(tag % 5), Start: at, End: at.Add(time.Second),
		TraceID: trace.TraceID{tag}, SpanID: trace.SpanID{tag}, ParentSpanID: trace.SpanID{tag, 1},
		ParentIsRemote: tag%2 == 0, Attributes: []attribute.KeyValue{attribute.String("k", string(tag))},
		Resource: &res, Events: []sdktrace.Event{{Name: string(tag)}}, StatusCode: codes.Code(tag % 3),
		StatusMessage: "status " + string(tag), ScopeName: "scope " + string(tag), ScopeVersion: "v" + string(tag),
	}
}

// SetSpan writes every field of the view: over another span's view, it
// leaves what a view made afresh holds (a field it forgot would keep the
// other span's).
func TestSetSpanOverwritesEveryField(t *testing.T) {
	a, b := partsNamed('a'), partsNamed('b')
	want := NewSpan(b)
	fields := reflect.ValueOf(want)
	for i := range fields.NumField() {
		if fields.Field(i).IsZero() {
			t.Fatalf("field %s of the expected view is zero: the test does not cover it", fields.Type().Field(i).Name)
		}
	}
	dst := NewSpan(a)
	SetSpan(&dst, &b)
	if !reflect.DeepEqual(dst, want) {
		t.Fatalf("SetSpan over a view of another span:\n%+v\nwant\n%+v", dst, want)
	}
}
