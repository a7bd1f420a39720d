package store

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// The benchmarks of this file measure the store's side of a write, as the
// fake calls it: events published (to a sink that drops them), a program
// of benchPrefill customers whose state is shared with a checkpoint (the
// fake's tenants start from a restored template), so that copy-on-write is
// in play as it is under load.

// benchPrefill is the number of customers a benchmark's store starts with.
const benchPrefill = 10_000

// benchStore returns a store of benchPrefill customers (every other one
// referred, with one rewarded sale) under the default program, its initial
// state set as a tenant's is.
func benchStore(b *testing.B) *Store {
	b.Helper()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := New(Config{Seed: 1, Now: func() time.Time { return now }, Publish: func([]Event) {}})
	if err != nil {
		b.Fatal(err)
	}
	for i := range benchPrefill {
		in := NewCustomer{ID: "pre-" + strconv.Itoa(i), Email: "pre-" + strconv.Itoa(i) + "@example.com", Name: "Pre", Surname: "Fill"}
		if i%2 == 1 {
			in.Referrer = Ref{ID: "pre-" + strconv.Itoa(i-1)}
		}
		if _, err := s.CreateCustomer(in); err != nil {
			b.Fatal(err)
		}
		if i%2 == 1 {
			if _, err := s.CreateTransactions(TransactionBatch{Customer: Ref{ID: in.ID}, Items: []NewTransaction{{Amount: "19.99"}}}); err != nil {
				b.Fatal(err)
			}
		}
	}
	s.SetInitial()
	return s
}

// BenchmarkCreateCustomer creates a customer with an id, an email and a
// name, as POST /v1/customers does.
func BenchmarkCreateCustomer(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := "bench-" + strconv.Itoa(i)
		i++
		if _, err := s.CreateCustomer(NewCustomer{ID: id, Email: id + "@example.com", Name: "Load", Surname: "Bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateReferredCustomer creates a referred customer, as POST
// /v1/customers with referring_customer does.
func BenchmarkCreateReferredCustomer(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := "bench-" + strconv.Itoa(i)
		ref := Ref{ID: "pre-" + strconv.Itoa(2*(i%(benchPrefill/2)))}
		i++
		if _, err := s.CreateCustomer(NewCustomer{ID: id, Email: id + "@example.com", Referrer: ref}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateRewardedSale records a sale of a referred customer under
// the default rule, which rewards the referrer: POST /v1/transactions.
// Each sale goes to another buyer, so that no buyer's list of purchases
// grows without bound.
func BenchmarkCreateRewardedSale(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		buyer := Ref{ID: "pre-" + strconv.Itoa(2*(i%(benchPrefill/2))+1)}
		key := "bench-" + strconv.Itoa(i)
		i++
		vs, err := s.CreateTransactions(TransactionBatch{Customer: buyer, Items: []NewTransaction{{Key: key, Amount: "19.99", Action: "sale"}}})
		if err != nil {
			b.Fatal(err)
		}
		if len(vs[0].Rewards) != 1 {
			b.Fatalf("%d rewards, want 1", len(vs[0].Rewards))
		}
	}
}

// BenchmarkMarkSales measures what a store's sales cost every garbage
// collection: it records 200,000 rewarded sales (each with a key and an
// action, as POST /v1/transactions stores them), then reports a full
// collection's time per stored sale ("mark-ns/sale") and the heap objects
// each sale left ("objects/sale"). Under a load of writes, the collector's
// share of the fake's time follows the first (see slab).
func BenchmarkMarkSales(b *testing.B) {
	const sales = 200_000
	s := buyerStore(b, func([]Event) {})
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range sales {
		batch := TransactionBatch{Customer: Ref{ID: "buyer"}, Items: []NewTransaction{{Key: "order-" + strconv.Itoa(i), Action: string([]byte("sale")), Amount: "19.99"}}}
		if _, err := s.CreateTransactions(batch); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ResetTimer()
	for b.Loop() {
		runtime.GC()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/sales, "mark-ns/sale")
	b.ReportMetric(float64(after.HeapObjects-before.HeapObjects)/sales, "objects/sale")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/sales, "B/sale")
	runtime.KeepAlive(s)
}

// BenchmarkFirstWriteAfterReset resets a store of 10,000 or 100,000
// customers whose emails differ only in a number in their middle, as test
// data's often do, and creates one customer: what a test pays for its
// first write after Reset, which copies the shard of each map it writes to
// and the last chunk of each seq it appends to.
func BenchmarkFirstWriteAfterReset(b *testing.B) {
	for _, n := range []int{benchPrefill, 10 * benchPrefill} {
		b.Run("customers="+strconv.Itoa(n), func(b *testing.B) {
			now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			s, err := New(Config{Seed: 1, Now: func() time.Time { return now }, Publish: func([]Event) {}})
			if err != nil {
				b.Fatal(err)
			}
			for i := range n {
				if _, err := s.CreateCustomer(NewCustomer{Email: "customer." + strconv.Itoa(i) + "@example.com"}); err != nil {
					b.Fatal(err)
				}
			}
			s.SetInitial()
			b.ReportAllocs()
			for b.Loop() {
				s.Reset()
				if _, err := s.CreateCustomer(NewCustomer{Email: "customer.new@example.com"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
