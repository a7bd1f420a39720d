package store

import (
	"fmt"
	"slices"
	"sync"
	"testing"
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
