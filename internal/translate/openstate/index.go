package openstate

import "math/bits"

// keyIndex maps a key (an id's hash) to the first record of its chain: a
// flat open-addressing table of key and handle a slot, linear-probed, at
// most half full, not a Go map. It holds every open session, hundreds of
// thousands under load, and is cold between batches: a look-up reads one
// line of it, where a map's touched its directory, a group's control
// word and the slot. Handle 0 marks an empty slot (no record has it).
type keyIndex struct {
	slots []keySlot // a power of two of them, or none
	shift uint8     // 64 - log2(len(slots)): a key's home is the top bits of its spread
	n     int       // the slots taken
}

type keySlot struct {
	key uint64
	h   Handle
}

// minIndexSlots is the size of an index's first table.
const minIndexSlots = 16

// home is key's first slot. The keys are hashes, but the tests mask them
// to a few bits: a multiply spreads them over the top bits.
func (x *keyIndex) home(key uint64) int { return int(key * 0x9e3779b97f4a7c15 >> x.shift) }

// find returns the slot of key, or the empty slot where it goes.
func (x *keyIndex) find(key uint64) (int, bool) {
	mask := len(x.slots) - 1
	for i := x.home(key); ; i = (i + 1) & mask {
		switch s := &x.slots[i]; {
		case s.h == 0:
			return i, false
		case s.key == key:
			return i, true
		}
	}
}

// get returns key's handle, 0 if none.
func (x *keyIndex) get(key uint64) Handle {
	if x.n == 0 {
		return 0
	}
	i, _ := x.find(key)
	return x.slots[i].h // 0 when not found: the empty slot's
}

// set makes h (not 0) key's handle.
func (x *keyIndex) set(key uint64, h Handle) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	i, found := x.find(key)
	if !found {
		x.n++
	}
	x.slots[i] = keySlot{key, h}
}

// grow doubles the slots (the first time, makes them) and puts the keys
// back.
func (x *keyIndex) grow() {
	old := x.slots
	size := max(2*len(old), minIndexSlots)
	x.slots, x.shift = make([]keySlot, size), uint8(64-bits.Len(uint(size-1)))
	for _, s := range old {
		if s.h != 0 {
			i, _ := x.find(s.key)
			x.slots[i] = s
		}
	}
}

// delete forgets key. The slots after it in its run move back where their
// probes would otherwise stop short (linear probing keeps no tombstones).
func (x *keyIndex) delete(key uint64) {
	if x.n == 0 {
		return
	}
	i, found := x.find(key)
	if !found {
		return
	}
	mask := len(x.slots) - 1
	for j := (i + 1) & mask; x.slots[j].h != 0; j = (j + 1) & mask {
		// Slot j moves to i when its home is not in (i, j], cyclically.
		if home := x.home(x.slots[j].key); (j-home)&mask >= (j-i)&mask {
			x.slots[i] = x.slots[j]
			i = j
		}
	}
	x.slots[i] = keySlot{}
	x.n--
}
