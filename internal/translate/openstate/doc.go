// Package openstate holds the sessions and conversations a translator has
// open between batches, with no pointer in them, so that the garbage
// collector has nothing to mark there however many are open: records in
// slabs named by [Handle], their ids in a byte arena, their times as
// integers, and hash indexes from an id to its record. The translation's
// lifecycle rules (package translate) decide when a session or
// conversation opens and ends; this package only keeps them.
package openstate
