package store

import "slices"

// lists is a map of slices shared copy-on-write between a state and its
// snapshots. Each slice carries the owner token of the state that may
// modify it in place; any other state copies it on its first write. That
// keeps appends amortized O(1) (a referrer with 100,000 referrals, a buyer
// with 100,000 purchases) while a snapshot copies only the map.
type lists[T any] map[string]owned[T]

type owned[T any] struct {
	owner *byte
	s     []T
}

// get returns the slice under k for reading.
func (l lists[T]) get(k string) []T { return l[k].s }

// edit replaces the slice under k by f's result, copying it first unless
// st owns it. An empty result removes the key.
func (l lists[T]) edit(st *state, k string, f func([]T) []T) {
	v := l[k]
	if v.owner != st.owner {
		v = owned[T]{owner: st.owner, s: slices.Grow(slices.Clone(v.s), 1)}
	}
	v.s = f(v.s)
	if len(v.s) == 0 {
		delete(l, k)
		return
	}
	l[k] = v
}

// push appends x to the slice under k.
func (l lists[T]) push(st *state, k string, x T) {
	l.edit(st, k, func(s []T) []T { return append(s, x) })
}
