// Package store holds the state of one Partnero program (one tenant of the
// fake) and every business rule of the refer-a-friend API: identifiers and
// their uniqueness, the referral graph, referral links and the program's
// settings.
//
// The package knows nothing of HTTP. All state sits behind one mutex; every
// exported method takes it once, so each call is atomic and either applies
// whole or not at all. Methods return values and fresh slices, never
// pointers into the state. Records are never modified in place: an update
// stores a new record. That makes a snapshot a shallow copy of the indexes,
// which is what keeps Snapshot, Restore and Reset cheap.
package store

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"sort"
	"sync"
	"time"
)

// Config configures a Store.
type Config struct {
	// Seed drives the generation of identifiers and keys. Two stores with the
	// same seed that receive the same calls generate the same values.
	Seed int64
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Program is the program's initial settings. Zero fields take defaults
	// (see DefaultProgram).
	Program Program
	// ValidEmail checks the emails of imported customers (Load). The fake
	// passes openapi.yaml's Email schema, so that imports and requests
	// follow one rule; nil means ValidEmail.
	ValidEmail func(string) bool
	// Publish, when not nil, receives the events of every change, in the
	// order of the changes, after the store's lock is released and before
	// the changing method returns. It may read the Store but must not
	// change it (the next change waits for it to return).
	Publish func([]Event)
	// Limits bounds the records the store keeps; zero fields take
	// DefaultLimits.
	Limits Limits
	// Expect sizes the indexes of a store that is about to be filled at
	// once, say with a generated state, for that many records, so that they
	// do not grow step by step on the way. It is a hint: it limits nothing,
	// but the indexes take memory for it at once (100 to 170 bytes a
	// record), up to Limits. Zero fields leave the indexes to grow as
	// needed.
	Expect Expected
}

// Expected is how many records a store is expected to hold (see
// Config.Expect).
type Expected struct {
	Customers int
	// Sales counts transactions; each is expected to grant a reward.
	Sales int
}

// Store is the state of one program. It is safe for concurrent use.
type Store struct {
	now        func() time.Time
	seed       int64
	publish    func([]Event)
	validEmail func(string) bool
	limits     Limits

	mu      sync.Mutex // guards st, initial, pinnedID, pending, ticket, strs and the slabs
	pending []Event    // the events of the change under way
	ticket  int64      // the last change with events, numbered
	pub     publisher
	strs    strArena          // short strings of records (see slab)
	txSlab  slab[Transaction] // sales
	rwSlab  slab[Reward]      // rewards
	rlSlab  slab[[1]*Reward]  // a sale's list of rewards, while it has one (Transaction.rewards)
	st      *state
	initial *state // what Reset returns to
	// pinnedID, when set, is the program's id whatever state is loaded
	// (see PinProgramID).
	pinnedID string
}

// ordered is a record an ordered index holds: the index's entries are
// sorted by order, the record's creation sequence number.
//
// An ordered index (every customer, a referrer's referrals, a buyer's
// purchases, a recipient's rewards...) holds pointers to records sorted by their
// creation sequence number. A record is replaced, never changed, so an
// index may point at an older version of its record than the current one:
// through an index entry, read only what every version of a record shares,
// its sequence number and its primary key (a customer's or transaction's
// ID, a webhook's or reward's Key), and look the current version up by
// that key. An entry costs a pointer, a third of a (sequence number, key)
// pair.
type ordered interface {
	*Customer | *Transaction | *Webhook
	order() int64
}

func (c *Customer) order() int64    { return c.seq }
func (t *Transaction) order() int64 { return t.seq }
func (w *Webhook) order() int64     { return w.seq }

// state is everything a snapshot captures. Records (*Customer, *Link) are
// immutable once stored; slices held in maps are copy-on-write.
type state struct {
	program *Program // replaced, never changed: states share it

	customers   cowMap[*Customer] // by id
	byKey       cowMap[*Customer] // customer key -> customer
	byEmail     cowMap[*Customer] // lower-case email -> customer
	all         seq[*Customer]    // every customer, by creation
	referred    seq[*Customer]    // customers with a referrer
	nonReferred seq[*Customer]    // customers without one
	referrals   lists[*Customer]  // referrer id -> referred customers

	// links holds the additional links, and the default links that differ
	// from their customer's implicit one (see state.link): a customer's
	// default link costs no memory until it is changed.
	links          cowMap[*Link] // link key -> link
	custLinks      lists[string] // customer id -> additional link keys, by creation
	storedDefaults int           // default links held in links

	invitations seq[*Invitation] // records never changed, so states share them

	txs           cowMap[*Transaction] // by internal id
	txOrder       seq[*Transaction]    // every transaction, by creation
	txByKey       lists[*Transaction]  // transaction key -> transactions
	txByBuyer     lists[*Transaction]  // customer id -> its purchases
	txByRef       lists[*Transaction]  // referrer id -> its friends' purchases
	rewards       cowMap[*Reward]      // by key
	signupRewards lists[*Reward]       // friend id -> the signup's rewards
	rewardsTo     lists[*Reward]       // recipient id -> rewards
	credits       lists[Credit]        // customer id -> manual credits
	balances      lists[AmountLine]    // customer id -> running balance, checked by CheckInvariants
	clicks        cowMap[int]          // customer id -> referral link clicks

	seq      int64             // last sequence number handed out
	counters map[string]uint64 // identifier generation counters by kind

	webhooks     cowMap[*Webhook] // by key
	webhookOrder []*Webhook       // registration order

	// owner marks the lists this state may modify in place; see lists.
	owner *byte
}

func newState(p Program) *state {
	return &state{
		program:  &p,
		counters: map[string]uint64{},

		owner: new(byte),
	}
}

// expect sizes the indexes keyed by a record's own identifiers for e:
// those hold one key a record, so the sizes are tight. Indexes keyed by
// customer ids hold as many keys as customers with such records, which
// only their records tell, and still grow as needed.
func (st *state) expect(e Expected) {
	st.customers.expect(st, e.Customers)
	st.byKey.expect(st, e.Customers)
	st.byEmail.expect(st, e.Customers)
	st.txs.expect(st, e.Sales)
	st.txByKey.one.expect(st, e.Sales)
	st.rewards.expect(st, e.Sales)
}

// clone returns a copy that shares no mutable memory with st: records and
// lists are shared, and the copy gets its own owner token, so it copies a
// list or seq before changing it. The webhooks' order slice is shared too,
// with its capacity cut to its length: it is only ever changed by appending
// (which then reallocates) or by removeEntry, which copies. st must not be
// changed afterwards unless it also gets a new token (see share).
func (st *state) clone() *state {
	c := *st
	c.owner = new(byte)
	c.counters = maps.Clone(st.counters)
	c.webhookOrder = slices.Clip(st.webhookOrder)
	return &c
}

// share returns a copy of a state that goes on changing: both get new
// owner tokens.
func (st *state) share() *state {
	c := st.clone()
	st.owner = new(byte)
	return c
}

// New returns a store holding an empty program. It returns ErrInvalid when
// cfg.Program's settings are invalid.
func New(cfg Config) (*Store, error) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s := &Store{now: now, seed: cfg.Seed, publish: cfg.Publish, validEmail: cfg.ValidEmail, limits: cfg.Limits.withDefaults()}
	if s.validEmail == nil {
		s.validEmail = ValidEmail
	}
	p := cfg.Program.withDefaults()
	if err := p.validate(""); err != nil {
		return nil, err
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.timestamp()
		p.UpdatedAt = p.CreatedAt
	}
	s.st = newState(p)
	if p.ID == "" {
		p.ID = s.generate(s.st, "program", 8, upper)
		s.st.program = &p
	}
	s.initial = s.st.share() // before expect: a Reset goes back to unsized maps
	s.st.expect(Expected{
		Customers: min(cfg.Expect.Customers, s.limits.Customers),
		Sales:     min(cfg.Expect.Sales, s.limits.Transactions),
	})
	return s, nil
}

// timestamp returns the clock's time at the precision Partnero shows
// (whole seconds; the API prints "2025-05-09T17:42:13.000000Z").
func (s *Store) timestamp() time.Time {
	return s.now().UTC().Truncate(time.Second)
}

// Reset returns the store to its initial state: the state after New, or the
// last state given to SetInitial.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = s.initial.clone()
}

// SetInitial makes the current state the one Reset returns to.
func (s *Store) SetInitial() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initial = s.st.share()
}

// Checkpoint is an opaque, immutable copy of a store's state, taken by
// Checkpoint and put back by Restore. It is cheap: the cost is copying the
// indexes, not the records.
type Checkpoint struct{ st *state }

// Checkpoint captures the current state.
func (s *Store) Checkpoint() Checkpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Checkpoint{st: s.st.share()}
}

// Restore puts back a state captured by Checkpoint. The checkpoint stays
// valid and can be restored again.
func (s *Store) Restore(c Checkpoint) {
	if c.st == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = c.st.clone()
	s.pin(s.st)
}

// Paging selects one page of a list. Page counts from 1.
type Paging struct {
	Page  int
	Limit int
	// Desc lists newest first; the default is oldest first.
	Desc bool
}

// Page is one page of a list.
type Page[T any] struct {
	Items   []T
	Page    int
	Limit   int
	HasMore bool
}

// window returns the index range of page p over n items and whether more
// items follow. It never scans: listing costs O(limit).
func window(n int, p Paging) (lo, hi int, more bool) {
	if p.Limit <= 0 {
		p.Limit = 15
	}
	if p.Page <= 0 {
		p.Page = 1
	}
	if p.Page-1 > n/p.Limit { // past the end, without overflowing on huge pages
		return 0, 0, false
	}
	lo = (p.Page - 1) * p.Limit
	if lo >= n {
		return 0, 0, false
	}
	hi = min(lo+p.Limit, n)
	return lo, hi, hi < n
}

// pageOf returns page p of items, reversed when p.Desc.
func pageOf[T, R any](items []T, p Paging, conv func(T) R) Page[R] {
	return pageAt(len(items), func(i int) T { return items[i] }, p, conv)
}

// seqPage returns page p of q, reversed when p.Desc.
func seqPage[T, R any](q *seq[T], p Paging, conv func(T) R) Page[R] {
	return pageAt(q.len(), q.at, p, conv)
}

// pageAt returns page p of the n items at returns, reversed when p.Desc.
func pageAt[T, R any](n int, at func(int) T, p Paging, conv func(T) R) Page[R] {
	lo, hi, more := window(n, p)
	out := make([]R, 0, hi-lo)
	for i := lo; i < hi; i++ {
		j := i
		if p.Desc {
			j = n - 1 - i
		}
		out = append(out, conv(at(j)))
	}
	return Page[R]{Items: out, Page: max(p.Page, 1), Limit: p.Limit, HasMore: more}
}

// removeEntry returns the sorted slice s without the entry of e's record,
// as a new slice: s may be shared with a snapshot.
func removeEntry[E ordered](s []E, e E) []E {
	i, ok := slices.BinarySearchFunc(s, e.order(), func(a E, seq int64) int { return cmp.Compare(a.order(), seq) })
	if !ok {
		return s
	}
	return slices.Concat(s[:i], s[i+1:])
}

// insertSeq inserts e into q, whose entries are sorted by sequence number:
// at the end, the usual case, it is an append; elsewhere it costs O(the
// entries after e).
func insertSeq[E ordered](st *state, q *seq[E], e E) {
	n := q.len()
	if n == 0 || q.at(n-1).order() < e.order() {
		q.push(st, e)
		return
	}
	mergeSeq(st, q, []E{e})
}

// mergeSeq inserts es, sorted by sequence number, into q, in O(the entries
// after the first of them).
func mergeSeq[E ordered](st *state, q *seq[E], es []E) {
	if len(es) == 0 {
		return
	}
	i, _ := searchSeq(q, es[0].order())
	rest := q.appendFrom(make([]E, 0, q.len()-i), i)
	q.cut(st, i)
	merged := make([]E, 0, len(rest)+len(es))
	for len(rest) > 0 && len(es) > 0 {
		if rest[0].order() < es[0].order() {
			merged, rest = append(merged, rest[0]), rest[1:]
		} else {
			merged, es = append(merged, es[0]), es[1:]
		}
	}
	q.appendAll(st, append(append(merged, rest...), es...))
}

// removeSeq removes the entry of e's record from q, like removeEntry, in
// O(the entries after it).
func removeSeq[E ordered](st *state, q *seq[E], e E) {
	removeSeqs(st, q, map[int64]bool{e.order(): true})
}

// removeSeqs removes the entries whose sequence numbers gone holds from q,
// in O(the entries after the first of them).
func removeSeqs[E ordered](st *state, q *seq[E], gone map[int64]bool) {
	if len(gone) == 0 {
		return
	}
	first := int64(math.MaxInt64)
	for o := range gone {
		first = min(first, o)
	}
	i, _ := searchSeq(q, first)
	rest := q.appendFrom(make([]E, 0, q.len()-i), i)
	kept := slices.DeleteFunc(rest, func(e E) bool { return gone[e.order()] })
	if len(kept) == len(rest) {
		return
	}
	q.cut(st, i)
	q.appendAll(st, kept)
}

// searchSeq returns where the entry of sequence number o is, or would be,
// in q, and whether it is there.
func searchSeq[E ordered](q *seq[E], o int64) (int, bool) {
	return sort.Find(q.len(), func(i int) int { return cmp.Compare(o, q.at(i).order()) })
}
