package spanview

import "go.opentelemetry.io/otel/attribute"

type attrSource uint8

const (
	srcNone attrSource = iota
	srcKVs             // SDK span or event attributes
	srcSet             // SDK resource attributes
)

// Attrs is a read-only view of a set of attributes (a span's, an event's or a
// resource's) in the SDK's representation, without copying. The collector
// component's adapter converts pdata attributes to it once per span.
type Attrs struct {
	kvs []attribute.KeyValue
	set *attribute.Set
	src attrSource
}

// Origin tells one set of attributes from another by where they are
// held, not by what they hold: spans that share a resource share it.
type Origin struct {
	kv  *attribute.KeyValue
	n   int
	set *attribute.Set
}

// Origin tells one set of attributes from another by where it is held
// (spans that share a resource share its origin).
func (a Attrs) Origin() Origin {
	k := Origin{n: len(a.kvs), set: a.set}
	if len(a.kvs) > 0 {
		k.kv = &a.kvs[0]
	}
	return k
}

// AttrsOf views attributes held as a slice (a span's or an event's).
func AttrsOf(kvs []attribute.KeyValue) Attrs { return Attrs{kvs: kvs, src: srcKVs} }

func sdkSet(set *attribute.Set) Attrs {
	if set == nil {
		return Attrs{}
	}
	return Attrs{set: set, src: srcSet}
}

// KeyValues returns the attributes when they are held as a slice (ok
// false when they are a set), for an index of them made once per span.
func (a Attrs) KeyValues() (kvs []attribute.KeyValue, ok bool) { return a.kvs, a.src != srcSet }

// ValueAt returns the value of attribute i of a slice (KeyValues ok), in
// place and not to be changed: a read by position (the translation's
// index of the attributes) copies neither the view nor the value.
func (a *Attrs) ValueAt(i int) *attribute.Value { return &a.kvs[i].Value }

// Len returns the number of attributes.
func (a Attrs) Len() int {
	switch a.src {
	case srcKVs:
		return len(a.kvs)
	case srcSet:
		return a.set.Len()
	}
	return 0
}

// Get returns the value of key.
func (a Attrs) Get(key string) (Value, bool) {
	switch a.src {
	case srcKVs:
		for i := range a.kvs {
			if string(a.kvs[i].Key) == key {
				return ValueOf(a.kvs[i].Value), true
			}
		}
	case srcSet:
		if v, ok := a.set.Value(attribute.Key(key)); ok {
			return ValueOf(v), true
		}
	}
	return Value{}, false
}

// Str returns the value of key as a string ([Value.AsString]) when it is a
// non-empty scalar; slices and maps do not count.
func (a Attrs) Str(key string) string {
	v, ok := a.Get(key)
	if !ok {
		return ""
	}
	switch v.Kind() {
	case KindString, KindInt, KindDouble, KindBool:
		return v.AsString()
	}
	return ""
}

// Range calls f for each attribute until f returns false.
func (a Attrs) Range(f func(key string, v Value) bool) {
	switch a.src {
	case srcKVs:
		for i := range a.kvs {
			if !f(string(a.kvs[i].Key), ValueOf(a.kvs[i].Value)) {
				return
			}
		}
	case srcSet:
		for i := 0; i < a.set.Len(); i++ {
			kv, _ := a.set.Get(i)
			if !f(string(kv.Key), ValueOf(kv.Value)) {
				return
			}
		}
	}
}
