package store

import (
	"iter"
	"slices"
)

// chunkSize is the length of a seq's chunks. An array of pointers larger
// than 512 bytes takes an 8-byte header in its allocation: 511 pointers
// fill a 4 KB size class exactly, where 512 would take the next, 4,864 bytes.
const chunkSize = 511

// seq is a sequence that states share copy-on-write: the indexes of every
// customer, transaction and invitation by creation, which grow with the
// program. As slices, each was copied whole by the first write after a
// Reset, Restore or Checkpoint, and in every new tenant: O(length) time and
// memory.
//
// The entries are cut into chunks of chunkSize. Full chunks never change
// again, so states share them freely. A state that is not the owner of the
// seq copies the last, partial chunk before it appends, and clips the list
// of chunks, so that the list is copied when the tail next fills:
// O(length/chunkSize + chunkSize). A removal, or an insertion before the
// newest entry, rewrites the seq after its position. The owner token works
// as in lists: a state's token only matches when no other state shares
// what it writes to in place.
type seq[E any] struct {
	full  []*[chunkSize]E // full chunks, oldest first
	tail  []E             // the newest entries, fewer than chunkSize
	owner *byte           // the state that may append to full and tail in place
}

// len returns the number of entries.
func (q *seq[E]) len() int { return len(q.full)*chunkSize + len(q.tail) }

// at returns entry i, 0 being the oldest.
func (q *seq[E]) at(i int) E {
	if c := i / chunkSize; c < len(q.full) {
		return q.full[c][i%chunkSize]
	}
	return q.tail[i-len(q.full)*chunkSize]
}

// push appends e.
func (q *seq[E]) push(st *state, e E) {
	if q.owner != st.owner {
		q.full = slices.Clip(q.full) // its next append copies it
		q.tail = append(make([]E, 0, q.room(len(q.tail)+1)), q.tail...)
		q.owner = st.owner
	}
	if len(q.tail) == cap(q.tail) {
		q.tail = append(make([]E, 0, q.room(len(q.tail)+1)), q.tail...)
	}
	q.tail = append(q.tail, e)
	if len(q.tail) == chunkSize {
		q.full = append(q.full, (*[chunkSize]E)(q.tail))
		q.tail = nil
	}
}

// room is the capacity for a tail that is to hold n entries (at most
// chunkSize): a chunk's, once the seq has filled one; before, twice n, as
// append grows slices, so that the seqs of a small state stay small.
func (q *seq[E]) room(n int) int {
	if len(q.full) > 0 {
		return chunkSize
	}
	return min(max(2*n, 4), chunkSize)
}

// appendAll appends es, a chunk's worth at a time.
func (q *seq[E]) appendAll(st *state, es []E) {
	for len(es) > 0 {
		if q.owner != st.owner {
			q.push(st, es[0]) // takes ownership
			es = es[1:]
			continue
		}
		n := min(len(es), chunkSize-len(q.tail))
		if cap(q.tail)-len(q.tail) < n {
			q.tail = append(make([]E, 0, q.room(len(q.tail)+n)), q.tail...)
		}
		q.tail = append(q.tail, es[:n]...)
		es = es[n:]
		if len(q.tail) == chunkSize {
			q.full = append(q.full, (*[chunkSize]E)(q.tail))
			q.tail = nil
		}
	}
}

// cut keeps the first n entries.
func (q *seq[E]) cut(st *state, n int) {
	c := min(n/chunkSize, len(q.full))
	var rest []E
	if c < len(q.full) {
		rest = q.full[c][:n-c*chunkSize]
	} else {
		rest = q.tail[:n-c*chunkSize]
	}
	q.full = slices.Clip(q.full[:c])
	q.tail = append(make([]E, 0, q.room(len(rest)+1)), rest...)
	q.owner = st.owner
}

// values iterates over the entries, oldest first.
func (q *seq[E]) values() iter.Seq[E] {
	return func(yield func(E) bool) {
		for _, c := range q.full {
			for _, e := range c {
				if !yield(e) {
					return
				}
			}
		}
		for _, e := range q.tail {
			if !yield(e) {
				return
			}
		}
	}
}

// appendFrom appends the entries from index i on to dst.
func (q *seq[E]) appendFrom(dst []E, i int) []E {
	for ; i < q.len() && i%chunkSize != 0; i++ {
		dst = append(dst, q.at(i))
	}
	for c := i / chunkSize; c < len(q.full); c++ {
		dst = append(dst, q.full[c][:]...)
	}
	return append(dst, q.tail[max(i-len(q.full)*chunkSize, 0):]...)
}
