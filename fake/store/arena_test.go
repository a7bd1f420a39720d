package store

import (
	"math"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func TestStrArenaKeepsEveryString(t *testing.T) {
	var a strArena
	src := []byte("0123456789")
	var got, want []string
	for i := range 5 * arenaChunk / 8 { // several blocks, some strings too long for one
		n := i % 12
		s := strings.Repeat(string(rune('a'+i%26)), n) + strconv.Itoa(i)
		if i%7 == 0 {
			s = strings.Repeat("x", arenaMax+1+i%5) // its own allocation
		}
		want = append(want, s)
		got = append(got, a.clone(s))
		// bytes copies: changing the source afterwards changes nothing.
		copy(src, strconv.Itoa(i))
		want = append(want, string(src))
		got = append(got, a.bytes(src))
	}
	copy(src, "XXXXXXXXXX")
	runtime.GC()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("string %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if a.clone("") != "" {
		t.Fatal("empty string")
	}
}

func TestSlabRecordsAreDistinctAndZeroed(t *testing.T) {
	var s slab[Transaction]
	seen := map[*Transaction]bool{}
	for i := range 3*slabSize + 1 {
		p := s.new()
		if seen[p] {
			t.Fatalf("record %d handed out twice", i)
		}
		seen[p] = true
		if !reflect.DeepEqual(*p, Transaction{}) {
			t.Fatalf("record %d not zeroed: %+v", i, *p)
		}
		p.Key = strconv.Itoa(i)
	}
	for p := range seen {
		if p.Key == "" {
			t.Fatalf("a record lost its key")
		}
	}
}

// TestSalesSurviveTheirBlocks records sales over several slab and string
// blocks, refunds and archives some, collects garbage, and checks that every
// other sale reads back as recorded.
func TestSalesSurviveTheirBlocks(t *testing.T) {
	s := buyerStore(t, nil)
	const n = 5 * slabSize
	recorded := map[string]TransactionView{}
	for i := range n {
		action := "sale"
		if i%3 == 0 {
			action = "subscription-" + strconv.Itoa(i)
		}
		vs, err := s.CreateTransactions(TransactionBatch{Customer: Ref{ID: "buyer"}, Items: []NewTransaction{{Key: "order-" + strconv.Itoa(i), Action: action, Amount: "10", ProductID: "p" + strconv.Itoa(i)}}})
		if err != nil {
			t.Fatal(err)
		}
		recorded[vs[0].Key] = vs[0]
	}
	for i := 0; i < n; i += 5 {
		key := "order-" + strconv.Itoa(i)
		if _, err := s.DeleteTransactions(key); err != nil {
			t.Fatal(err)
		}
		delete(recorded, key)
	}
	for i := 1; i < n; i += 7 {
		key := "order-" + strconv.Itoa(i)
		if _, ok := recorded[key]; !ok {
			continue
		}
		if err := s.ArchiveTransactions(key); err != nil {
			t.Fatal(err)
		}
		delete(recorded, key) // its view changed (deleted_at); the others must not
	}
	runtime.GC()
	runtime.GC()
	for key, want := range recorded {
		g, err := s.Transaction(key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if g.ID != want.ID || g.Key != want.Key || g.Action != want.Action || g.ProductID != want.ProductID ||
			len(g.Rewards) != 1 || g.Rewards[0].Key != want.Rewards[0].Key || g.Rewards[0].Action != want.Action {
			t.Fatalf("%s: got %+v, want %+v", key, g, want)
		}
	}
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// buyerStore returns a store with a referrer "ref" and its referred
// customer "buyer", whose every sale grants a reward. publish may be nil.
func buyerStore(tb testing.TB, publish func([]Event)) *Store {
	tb.Helper()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := New(Config{Seed: 1, Now: func() time.Time { return now }, Publish: publish})
	if err != nil {
		tb.Fatal(err)
	}
	for _, in := range []NewCustomer{{ID: "ref", Email: "ref@example.com"}, {ID: "buyer", Email: "buyer@example.com", Referrer: Ref{ID: "ref"}}} {
		if _, err := s.CreateCustomer(in); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// TestSlabBlocksFillTheirSizeClass allocates a block of each slab's
// records and checks that its allocation took less than a record more than
// the records: blocks of 16 sales left 640 bytes of their size class unused.
func TestSlabBlocksFillTheirSizeClass(t *testing.T) {
	noCollections(t)
	slabFills[Transaction](t, "sales")
	slabFills[Reward](t, "rewards")
	slabFills[[1]*Reward](t, "reward lists")
}

func slabFills[T any](t *testing.T, name string) {
	t.Helper()
	size := unsafe.Sizeof(*new(T))
	var n int
	unused := uint64(math.MaxUint64)
	for range 5 { // the least of five: another goroutine may allocate meanwhile
		var s slab[T]
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s.new()
		runtime.ReadMemStats(&after)
		n = len(s.free) + 1
		unused = min(unused, after.TotalAlloc-before.TotalAlloc-uint64(n)*uint64(size))
	}
	if unused >= uint64(size) {
		t.Errorf("%s: a block of %d records of %d bytes took %d bytes more than them", name, n, size, unused)
	}
}
