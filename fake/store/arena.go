package store

import (
	"strings"
	"unsafe"
)

// Sales and their rewards are the records a store gains most of under load,
// and every garbage collection marks all of them. Marking cost follows the
// number of small objects more than their bytes, so a sale's records come
// from shared blocks of at least slabSize (a slab; see slabLen) and its
// short strings from shared blocks of arenaChunk bytes (a strArena): a
// stored sale with its reward is 0.22 heap objects instead of 5.5, and a
// collection marks it in about 40% less
// time (BenchmarkMarkSales). The price is that memory is freed by block: a
// deleted record's block lives as long as any record (or string) in it
// does, so a store whose deletions leave exactly one survivor in every
// block holds up to a block per record (README, Limits).
// Both are guarded by their store's lock.

// slabSize is how many records a slab block holds at least.
const slabSize = 16

// slabLen is how many records of size bytes a slab block holds: slabSize,
// or as many more as fill the 4 KB size class that slabSize of them take.
// An allocation with pointers over 512 bytes carries an 8-byte header, so
// 16 sales of 216 bytes (3,464 bytes with it) took the 4,096-byte class,
// 640 bytes more than the records; 18 fill it.
func slabLen(size uintptr) int {
	const block, header = 4096, 8
	if slabSize*size <= 512 || slabSize*size+header > block {
		return slabSize
	}
	return int((block - header) / size)
}

// slab hands out zeroed records from shared blocks.
type slab[T any] struct {
	free []T // the rest of the current block
}

// new returns a zeroed record.
func (s *slab[T]) new() *T {
	if len(s.free) == 0 {
		s.free = make([]T, slabLen(unsafe.Sizeof(*new(T))))
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// arenaChunk is the size of a strArena block.
const arenaChunk = 1 << 10

// arenaMax is the longest string a strArena copies into a block; longer
// ones get their own allocation.
const arenaMax = 64

// strArena copies short strings into shared blocks. A string's bytes are
// never written after it is handed out: a block is only appended to, and a
// full block is left, never reused.
type strArena struct {
	block []byte // the current block, appended to up to its capacity
}

// clone returns a copy of s.
func (a *strArena) clone(s string) string {
	n := len(s)
	if n == 0 {
		return ""
	}
	if n > arenaMax {
		return strings.Clone(s)
	}
	if len(a.block)+n > cap(a.block) {
		a.block = make([]byte, 0, arenaChunk)
	}
	off := len(a.block)
	a.block = append(a.block, s...)
	return unsafe.String(&a.block[off], n)
}

// bytes returns b as a string.
func (a *strArena) bytes(b []byte) string {
	return a.clone(unsafe.String(unsafe.SliceData(b), len(b)))
}
