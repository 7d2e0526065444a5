package translate

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
)

// keyTable finds the view key of an attribute's key, for every attribute
// of every span (attrView.index): a perfect hash of the registered keys,
// so that a lookup looks at one slot, and a key is hashed and compared by
// its length and three words of it at most, without a call (keyWords). A
// key that is not registered is told, most often, by an empty slot or a
// word compare; only a key longer than 24 bytes has the rest compared
// (TestKeyTableFindsEveryViewKey), and only keys alike in those words
// share a slot (none of the registered ones).
type keyTable struct {
	mul   uint64                 // the hash's multiplier, chosen by build
	slots [keyTableSlots]viewKey // the entry of the key hashed to the slot; 0: none
	// keys by entry, 1 + id: entry 0, which no key matches, ends each
	// slot's list, and a byte indexes the array without a bounds check.
	keys [1 << 8]tableKey
}

// noKey is entry 0 of keyTable.keys: of length 0, it has words no key of
// length 0 has (keyWords).
var noKey = tableKey{first: 1}

// keyTableSlots is the number of slots, a power of two: with 96 keys, one
// multiplier in ten or so hashes them to distinct slots.
const keyTableSlots = 1 << keyTableBits

const keyTableBits = 11

type tableKey struct {
	first, second, last uint64 // keyWords of name
	name                string
	next                viewKey // the entry of the next key of this slot; 0: none
}

// keyWords returns k's first eight bytes, its eight after those when it is
// longer than sixteen (else 0) and its last eight, little-endian; of a key
// shorter than eight bytes, its first and last four bytes. Together with
// its length they tell a key of 4 to 24 bytes from any other; a shorter
// key has zero words, and is no view key (minViewKeyLen).
//
// The loads are of unsafe pointers into k, not of word8's bytes
// (identity.go) or of a slice: those cost the inliner or bounds checks
// too much for keyWords to be inlined in index's loop.
func keyWords(k string) (first, second, last uint64) {
	p := unsafe.Pointer(unsafe.StringData(k))
	n := len(k)
	if n >= 8 {
		if n > 16 {
			second = binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, 8))[:])
		}
		return binary.LittleEndian.Uint64((*[8]byte)(p)[:]), second, binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, n-8))[:])
	}
	if n >= minViewKeyLen {
		return uint64(binary.LittleEndian.Uint32((*[4]byte)(p)[:])), 0, uint64(binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(p, n-4))[:]))
	}
	return 0, 0, 0
}

// minViewKeyLen is the length of the shortest view key (registerKeys
// panics at a shorter one): keyWords of a shorter key need not tell them.
const minViewKeyLen = 4

// slot is the slot of a key of these words and length.
func (t *keyTable) slot(first, second, last uint64, n int) uint {
	h := first ^ bits.RotateLeft64(second, 43) ^ bits.RotateLeft64(last, 21)
	return uint((h+uint64(n))*t.mul) >> (64 - keyTableBits)
}

// restEqual reports whether the bytes of a and b after the first sixteen
// and before the last eight are equal; a and b are of one length, over
// 24 bytes, with equal keyWords.
func restEqual(a, b string) bool {
	pa, pb := unsafe.Pointer(unsafe.StringData(a)), unsafe.Pointer(unsafe.StringData(b))
	for i := 16; i < len(a)-8; i += 8 { // the last word may overlap keyWords' last
		if binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(pa, i))[:]) != binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(pb, i))[:]) {
			return false
		}
	}
	return true
}

// index writes 1 + i to pos[id] for each kvs[i] whose key is view key
// id, the first of repeated keys winning, as in Attrs.Get; it reports
// whether some key that is no view key is one scanAttr collects. It is the
// table's one lookup, written out for every attribute of every span (a
// call per attribute would cost a fifth of it): get is index of one key.
func (t *keyTable) index(kvs []attribute.KeyValue, pos *[maxViewKeys]uint8) (scans bool) {
	// From the last attribute to the first, each found key's position
	// written over what a later one wrote: the first wins without a test
	// of the position before.
	for i := len(kvs) - 1; i >= 0; i-- {
		k := string(kvs[i].Key)
		first, second, last := keyWords(k)
		for s := t.slots[t.slot(first, second, last, len(k))]; ; {
			e := &t.keys[s]
			if len(e.name) == len(k) && e.first == first && e.second == second && e.last == last &&
				(len(k) <= 24 || restEqual(k, e.name)) {
				pos[s-1] = uint8(i + 1)
				break
			}
			if s = e.next; s == 0 {
				if !scans && collects(k) { // no view key is one scanAttr collects (registerKeys)
					scans = true
				}
				break
			}
		}
	}
	return scans
}

// get returns the id of view key k.
func (t *keyTable) get(k string) (viewKey, bool) {
	var pos [maxViewKeys]uint8
	t.index([]attribute.KeyValue{{Key: attribute.Key(k)}}, &pos)
	at := bytes.IndexByte(pos[:], 1)
	return viewKey(max(at, 0)), at >= 0
}

// built says whether build made t.
func (t *keyTable) built() bool { return t.mul != 0 }

// build makes t the table of names (not empty, distinct, at most
// maxViewKeys), each under its index: it tries multipliers, always the
// same ones, until one hashes names of distinct keyWords or lengths to
// distinct slots. Names alike in those share a slot, one after the other.
func (t *keyTable) build(names []string) {
	*t = keyTable{}
	t.keys[0] = noKey
	for i, n := range names {
		first, second, last := keyWords(n)
		t.keys[i+1] = tableKey{first: first, second: second, last: last, name: n}
	}
	for seed := uint64(1); seed < 1<<20; seed++ {
		t.mul = seed*0x9e3779b97f4a7c15 | 1
		if t.place(len(names)) {
			return
		}
	}
	panic("translate: no perfect hash of the view keys")
}

// place puts the first n keys in their slots, false when keys that are
// not alike hash to one slot.
func (t *keyTable) place(n int) bool {
	t.slots = [keyTableSlots]viewKey{}
	for i := 1; i <= n; i++ {
		e := &t.keys[i]
		e.next = 0
		s := &t.slots[t.slot(e.first, e.second, e.last, len(e.name))]
		for *s != 0 {
			o := &t.keys[*s]
			if o.first != e.first || o.second != e.second || o.last != e.last || len(o.name) != len(e.name) {
				return false
			}
			s = &o.next
		}
		*s = viewKey(i)
	}
	return true
}
