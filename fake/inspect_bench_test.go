package fake

import (
	"testing"

	"github.com/partnero-fake/partnero-fake/fixtures"
)

// The inspector's lists with 100,000 customers: a page costs O(limit), a
// search one pass over the customers.
func BenchmarkInspect100k(b *testing.B) {
	snap, err := fixtures.Generate(7, fixtures.Counts{Customers: 100_000, ReferralRatio: 0.6, TransactionsPerReferred: 1})
	if err != nil {
		b.Fatal(err)
	}
	f, err := New(Options{Initial: &snap, FreezeAt: frozen})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	last := snap.Customers[len(snap.Customers)-1]
	for _, c := range []struct{ name, path string }{
		{"first-page", "/_fake/customers?limit=25"},
		{"last-page", "/_fake/customers?limit=25&page=4000"},
		{"search", "/_fake/customers?limit=25&q=" + last.Key},
		{"customer", "/_fake/customers/" + snap.Customers[0].ID},
		{"rewards-page", "/_fake/rewards?limit=25&order=desc"},
		{"transactions-page", "/_fake/transactions?limit=25&order=desc"},
	} {
		b.Run(c.name, func(b *testing.B) { benchGet(b, f, c.path) })
	}
}
