package store_test

import (
	"testing"

	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// BenchmarkLoad100k loads a generated program of 100,000 customers (60%
// referred, one rewarded purchase each), as a fixture file or PUT
// /_fake/state does, the snapshot generated once beforehand.
func BenchmarkLoad100k(b *testing.B) {
	snap, err := fixtures.Generate(1, fixtures.Counts{Customers: 100_000, ReferralRatio: 0.6, TransactionsPerReferred: 1})
	if err != nil {
		b.Fatal(err)
	}
	s, err := store.New(store.Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Load(snap, false); err != nil {
			b.Fatal(err)
		}
	}
}
