package store

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// noCollections turns the collector off for the rest of the test: a
// collection that starts while allocations are counted adds its own.
func noCollections(t *testing.T) {
	runtime.GC()
	old := debug.SetGCPercent(-1)
	t.Cleanup(func() { debug.SetGCPercent(old) })
}

// TestExpectedShardsDoNotGrow holds cowMap.expect to its purpose: once a
// map is sized for n keys, putting them allocates nothing (a map that grew
// would allocate its new tables).
func TestExpectedShardsDoNotGrow(t *testing.T) {
	noCollections(t)
	st := newState(Program{})
	for _, n := range []int{8 * nShards, 12_800, 100_000} {
		keys := make([]string, n)
		for i := range keys {
			keys[i] = fmt.Sprintf("cust_%07d", i*7919)
		}
		sized := testing.AllocsPerRun(1, func() {
			var c cowMap[*Customer]
			c.expect(st, n)
		})
		filled := testing.AllocsPerRun(1, func() {
			var c cowMap[*Customer]
			c.expect(st, n)
			for _, k := range keys {
				c.put(st, k, nil)
			}
			if c.len() != n {
				t.Fatalf("%d keys put, %d held", n, c.len())
			}
		})
		if filled != sized {
			t.Errorf("n=%d: sizing allocates %v times, sizing and filling %v: a shard grew", n, sized, filled)
		}
	}
}

// TestExpectKeepsWhatShardsHold checks that expect sizes only shards without
// a map: one with keys, or sized by reserve, is left as it is.
func TestExpectKeepsWhatShardsHold(t *testing.T) {
	noCollections(t)
	st := newState(Program{})
	var c cowMap[int]
	c.put(st, "a", 1)
	c.put(st, "b", 2)
	c.expect(st, 100_000)
	if c.len() != 2 || c.at("a") != 1 || c.at("b") != 2 {
		t.Fatalf("after expect: len %d, a=%d, b=%d; want 2, 1, 2", c.len(), c.at("a"), c.at("b"))
	}

	// A reserved map keeps its exact size: filling it with its keys still
	// allocates nothing after expect.
	keys := make([]string, 4*8*nShards)
	for i := range keys {
		keys[i] = fmt.Sprintf("k%d", i)
	}
	seq := func(yield func(string) bool) {
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	}
	sized := testing.AllocsPerRun(1, func() {
		var r cowMap[int]
		r.reserve(st, len(keys), seq)
		r.expect(st, 1)
		r.expect(st, 100*len(keys))
	})
	reserved := testing.AllocsPerRun(1, func() {
		var r cowMap[int]
		r.reserve(st, len(keys), seq)
	})
	if sized != reserved {
		t.Errorf("reserve allocates %v times, reserve then expect %v: expect replaced reserved shards", reserved, sized)
	}
}

// TestExpectChangesOnlySizes fills two stores with the same customers and
// sales, one created with Config.Expect, and requires the same state, the
// store's invariants, and a Reset to the empty state.
func TestExpectChangesOnlySizes(t *testing.T) {
	const customers, sales = 1_500, 1_000
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	fill := func(e Expected) *Store {
		s, err := New(Config{Seed: 11, Now: func() time.Time { return now }, Expect: e})
		if err != nil {
			t.Fatal(err)
		}
		for i := range customers {
			in := NewCustomer{Key: fmt.Sprintf("c%d", i), Email: fmt.Sprintf("C%d@Example.com", i)}
			if i > 0 {
				in.Referrer = Ref{Key: fmt.Sprintf("c%d", i/3)}
			}
			mustCreate(t, s, in)
		}
		for i := range sales {
			_, err := s.CreateTransactions(TransactionBatch{
				Customer: Ref{Key: fmt.Sprintf("c%d", 1+i%(customers-1))},
				Items:    []NewTransaction{{Key: fmt.Sprintf("order-%d", i), Amount: "12.50"}},
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		return s
	}
	plain, sized := fill(Expected{}), fill(Expected{Customers: customers, Sales: sales})
	if a, b := exportJSON(plain), exportJSON(sized); a != b {
		t.Fatalf("the same writes gave different states with and without Expect (%d and %d bytes)", len(a), len(b))
	}
	if got := len(sized.Export().Transactions); got != sales {
		t.Fatalf("%d sales stored, want %d", got, sales)
	}
	sized.Reset()
	fresh, err := New(Config{Seed: 11, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := exportJSON(sized), exportJSON(fresh); got != want {
		t.Errorf("Reset of a store created with Expect: %s, want %s", got, want)
	}
}

// TestExpectSizesTheLiveState checks where Config.Expect goes: the state
// the store starts filling is sized, the initial one (what Reset returns
// to) is not, and the hint is capped at the store's limits, so that a hint
// beyond them costs no more than the limits.
func TestExpectSizesTheLiveState(t *testing.T) {
	s, err := New(Config{Expect: Expected{Customers: 10_000, Sales: 10_000}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range nShards {
		live := s.st.customers.shards[i].m != nil && s.st.byKey.shards[i].m != nil && s.st.byEmail.shards[i].m != nil &&
			s.st.txs.shards[i].m != nil && s.st.txByKey.one.shards[i].m != nil && s.st.rewards.shards[i].m != nil
		initial := s.initial.customers.shards[i].m != nil || s.initial.txs.shards[i].m != nil
		if !live || initial {
			t.Fatalf("shard %d: the live state's indexes sized: %v; the initial state's: %v", i, live, initial)
		}
	}

	noCollections(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err = New(Config{Limits: Limits{Customers: 1_000, Transactions: 1_000}, Expect: Expected{Customers: 2_000_000, Sales: 2_000_000}})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
		t.Errorf("a store limited to 1,000 customers and sales allocated %d MiB for a hint of 2,000,000", grew>>20)
	}
	if s.st.customers.shards[0].m == nil {
		t.Error("a hint above the limits sized nothing; it should size for the limits")
	}
}
