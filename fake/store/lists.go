package store

import (
	"iter"
	"maps"
	"math"
	"slices"
)

// nShards is the number of shards of a cowMap. A snapshot copies the shard
// headers (a few KiB per map); the first write to a shard after a snapshot
// copies that shard alone (1/64 of the map).
const (
	shardBits = 6
	nShards   = 1 << shardBits
)

// cowMap is a map from string keys shared copy-on-write between a state and
// its snapshots. Each shard carries the owner token of the state that may
// modify it in place; any other state copies the shard on its first write.
// Copying a cowMap value is taking a snapshot of it: O(nShards), whatever
// its size. This is what makes Checkpoint, Restore and Reset cheap.
type cowMap[V any] struct {
	shards [nShards]shard[V]
	n      int
}

type shard[V any] struct {
	owner *byte
	m     map[string]V
}

// shardOf hashes a key eight bytes at a time, each word mixed in by a
// multiplication, then mixes the result (MurmurHash3's finalizer) so that
// the top bits, where the shard is taken from, depend on every byte. It is
// cheap (a few ns for an email), and fixed across runs and machines.
func shardOf(k string) int {
	n := len(k)
	h := uint64(n) * 0x9E3779B97F4A7C15
	if n < 8 {
		var w uint64
		for i := 0; i < n; i++ {
			w = w<<8 | uint64(k[i])
		}
		h ^= w
	} else {
		for i := 0; i < n-8; i += 8 {
			h = (h ^ word(k[i:])) * 0xBF58476D1CE4E5B9
		}
		h ^= word(k[n-8:]) // the last word, which may overlap
	}
	// MurmurHash3's finalizer: every input bit reaches every output bit.
	h = (h ^ h>>33) * 0xFF51AFD7ED558CCD
	h = (h ^ h>>33) * 0xC4CEB9FE1A85EC53
	return int(h >> (64 - shardBits))
}

// word reads the first eight bytes of s as a little-endian number.
func word(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// unsized is the number of keys below which reserve and expect size
// nothing: a shard's map starts with room for eight.
const unsized = 8 * nShards

// reserve sizes the shards of an empty map for keys, n of them (a load
// knows what it will put), so that they do not grow, and rehash, on the
// way; st then owns them. Below unsized keys, it does nothing.
func (c *cowMap[V]) reserve(st *state, n int, keys iter.Seq[string]) {
	if n < unsized {
		return
	}
	var counts [nShards]int
	for k := range keys {
		counts[shardOf(k)]++
	}
	for i, n := range counts {
		c.shards[i] = shard[V]{owner: st.owner, m: make(map[string]V, n)}
	}
}

// expect sizes the shards of c that have no map yet for n keys in all, so
// that a map about to be filled does not grow, and rehash, step by step; st
// then owns them. Keys spread over the shards about as evenly as random
// draws, so each shard gets its share and four standard deviations to
// spare. Shards that have a map (reserve's, or with keys) are left alone.
// Below unsized keys, it does nothing.
func (c *cowMap[V]) expect(st *state, n int) {
	if n < unsized {
		return
	}
	per := n / nShards
	per += 4 * int(math.Sqrt(float64(per)))
	for i := range c.shards {
		if c.shards[i].m == nil {
			c.shards[i] = shard[V]{owner: st.owner, m: make(map[string]V, per)}
		}
	}
}

// at returns the value under k, or the zero value.
func (c *cowMap[V]) at(k string) V { return c.shards[shardOf(k)].m[k] }

// has reports whether k is present.
func (c *cowMap[V]) has(k string) bool {
	_, ok := c.shards[shardOf(k)].m[k]
	return ok
}

// cloneMin is the number of keys from which a shared shard is copied with
// maps.Clone rather than key by key (see writable).
const cloneMin = 256

// writable returns k's shard map, copied first unless st owns it.
//
// maps.Clone copies the map's tables as they are, about four times faster
// than putting every key into a new map, which hashes each again; but it
// copies the tables whole, however few keys they still hold, and a map
// never shrinks: one sized ahead by Expect, or emptied by deletions, would
// cost every first write after a share its largest size. A shard of fewer
// than cloneMin keys is copied key by key (at most about 10 µs), into a
// map of its size.
func (c *cowMap[V]) writable(st *state, k string) map[string]V {
	sh := &c.shards[shardOf(k)]
	if sh.owner != st.owner {
		var m map[string]V
		if len(sh.m) >= cloneMin {
			m = maps.Clone(sh.m)
		} else {
			m = make(map[string]V, len(sh.m)+1)
			for key, v := range sh.m {
				m[key] = v
			}
		}
		sh.owner, sh.m = st.owner, m
	}
	return sh.m
}

// put stores v under k.
func (c *cowMap[V]) put(st *state, k string, v V) {
	m := c.writable(st, k)
	before := len(m)
	m[k] = v
	c.n += len(m) - before
}

// del removes k.
func (c *cowMap[V]) del(st *state, k string) {
	if !c.has(k) {
		return
	}
	delete(c.writable(st, k), k)
	c.n--
}

// len returns the number of keys.
func (c *cowMap[V]) len() int { return c.n }

// all iterates over the map in no particular order.
func (c *cowMap[V]) all() iter.Seq2[string, V] {
	return func(yield func(string, V) bool) {
		for i := range c.shards {
			for k, v := range c.shards[i].m {
				if !yield(k, v) {
					return
				}
			}
		}
	}
}

// lookup returns the value under k and whether it is present.
func (c *cowMap[V]) lookup(k string) (V, bool) {
	v, ok := c.shards[shardOf(k)].m[k]
	return v, ok
}

// lists is a map of slices, shared copy-on-write like a cowMap: appends to
// a list the state owns are amortized O(1) (a referrer with 100,000
// referrals, a buyer with 100,000 purchases). Most lists hold one element
// (a transaction's key, a signup's reward, a buyer's one purchase): those sit
// inline in a map of their own, with no slice header, owner token or array
// of their own, which halves what such a list costs. A longer list is held
// by pointer, so that appending to one the state owns changes no map.
type lists[T any] struct {
	one  cowMap[T]         // lists of one element
	many cowMap[*owned[T]] // longer lists
}

// owned is a list of two elements or more and the owner token of the state
// that may change it in place. Only that state can reach it while the token
// matches: a state gets a new token whenever it starts sharing its maps.
type owned[T any] struct {
	owner *byte
	s     []T
}

// get returns the slice under k for reading (a fresh one for a list of
// one element).
func (l *lists[T]) get(k string) []T {
	if v, ok := l.one.lookup(k); ok {
		return []T{v}
	}
	if o := l.many.at(k); o != nil {
		return o.s
	}
	return nil
}

// read returns the slice under k for reading like get, but a list of one
// element is copied into buf instead of a fresh slice: a caller that keeps
// the result on its stack allocates nothing.
func (l *lists[T]) read(k string, buf *[1]T) []T {
	if v, ok := l.one.lookup(k); ok {
		buf[0] = v
		return buf[:]
	}
	if o := l.many.at(k); o != nil {
		return o.s
	}
	return nil
}

// count returns the length of the list under k, without copying it.
func (l *lists[T]) count(k string) int {
	if l.one.has(k) {
		return 1
	}
	if o := l.many.at(k); o != nil {
		return len(o.s)
	}
	return 0
}

// edit replaces the slice under k by f's result, copying it first unless
// st owns it. An empty result removes the key.
func (l *lists[T]) edit(st *state, k string, f func([]T) []T) {
	var s []T
	wasOne := false
	o := l.many.at(k)
	if v, ok := l.one.lookup(k); ok {
		s, wasOne = []T{v}, true
	} else if o != nil && o.owner == st.owner {
		s = o.s
	} else if o != nil {
		s = append(make([]T, 0, len(o.s)+1), o.s...)
	}
	l.store(st, k, f(s), wasOne, o)
}

// store puts s under k, where the key held one element (wasOne), a longer
// list o (nil for none) or nothing.
func (l *lists[T]) store(st *state, k string, s []T, wasOne bool, o *owned[T]) {
	switch len(s) {
	case 0:
		if wasOne {
			l.one.del(st, k)
		} else if o != nil {
			l.many.del(st, k)
		}
	case 1:
		if o != nil {
			l.many.del(st, k)
		}
		l.one.put(st, k, s[0])
	default:
		if wasOne {
			l.one.del(st, k)
		}
		if o != nil && o.owner == st.owner {
			o.s = s
		} else {
			l.many.put(st, k, &owned[T]{owner: st.owner, s: s})
		}
	}
}

// push appends x to the slice under k.
func (l *lists[T]) push(st *state, k string, x T) {
	o := l.many.at(k)
	if o != nil && o.owner == st.owner {
		o.s = append(o.s, x)
		return
	}
	v, one := l.one.lookup(k)
	switch {
	case one:
		l.one.del(st, k)
		l.many.put(st, k, &owned[T]{owner: st.owner, s: []T{v, x}})
	case o == nil:
		l.one.put(st, k, x)
	default: // shared: copied, with room to grow
		l.many.put(st, k, &owned[T]{owner: st.owner, s: append(slices.Clip(o.s), x)})
	}
}

// del removes the list under k.
func (l *lists[T]) del(st *state, k string) {
	l.one.del(st, k)
	l.many.del(st, k)
}

// len returns the number of keys.
func (l *lists[T]) len() int { return l.one.len() + l.many.len() }

// all iterates over the lists in no particular order.
func (l *lists[T]) all() iter.Seq2[string, []T] {
	return func(yield func(string, []T) bool) {
		for k, v := range l.one.all() {
			if !yield(k, []T{v}) {
				return
			}
		}
		for k, v := range l.many.all() {
			if !yield(k, v.s) {
				return
			}
		}
	}
}

// keysOf iterates over the keys of records, key(r) for each, in order.
func keysOf[T any](records []T, key func(*T) string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := range records {
			if !yield(key(&records[i])) {
				return
			}
		}
	}
}
