package store

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestPublishOrderAndLock: events reach Publish in the order of the
// changes even when changes race, and Publish runs outside the store's
// lock (it may read the store).
func TestPublishOrderAndLock(t *testing.T) {
	var (
		mu        sync.Mutex
		published []string
		s         *Store
	)
	var err error
	s, err = New(Config{Seed: 1, Publish: func(events []Event) {
		for _, e := range events {
			if _, err := s.Customer(e.Customer.ID); err != nil { // a read under the lock would deadlock
				t.Errorf("Publish cannot read the store: %v", err)
			}
			mu.Lock()
			published = append(published, e.Customer.Key)
			mu.Unlock()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if _, err := s.CreateCustomer(NewCustomer{Key: fmt.Sprintf("g%d-%d", g, i)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	var created []string
	for _, c := range s.Export().Customers {
		created = append(created, c.Key)
	}
	if len(created) != 200 || !slices.Equal(published, created) {
		t.Errorf("published %d events in another order than the %d changes:\n%v\n%v", len(published), len(created), published, created)
	}
}

// TestEventsOfAChangeShareItsTime: a rewarded sale's transaction.created
// and customer.rewarded carry one time, even on a clock that moves between
// reads.
func TestEventsOfAChangeShareItsTime(t *testing.T) {
	var events []Event
	tick := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := New(Config{Seed: 1, Now: func() time.Time { tick = tick.Add(time.Second); return tick },
		Publish: func(es []Event) { events = append(events, es...) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []NewCustomer{{ID: "ref"}, {ID: "buyer", Referrer: Ref{ID: "ref"}}} {
		if _, err := s.CreateCustomer(in); err != nil {
			t.Fatal(err)
		}
	}
	events = nil
	vs, err := s.CreateTransactions(TransactionBatch{Customer: Ref{ID: "buyer"}, Items: []NewTransaction{{Amount: "10"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Type != EventTransactionCreated || events[1].Type != EventCustomerRewarded {
		t.Fatalf("events %+v, want transaction.created and customer.rewarded", events)
	}
	if a, b := events[0].Time, events[1].Time; !a.Equal(b) || a.Before(vs[0].CreatedAt) {
		t.Errorf("event times %v and %v, want one time, not before the sale's %v", a, b, vs[0].CreatedAt)
	}
}
