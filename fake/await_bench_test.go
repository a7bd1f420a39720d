package fake

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// BenchmarkWriteWithIdleAwaiters measures a write (a customer created, one
// webhook event recorded) while 100 long-polls wait for events that never
// come. Target: waiting costs a write nothing beyond the waiters the write
// can wake: "type" waiters wait for another event type and are never
// looked at; "data" waiters match any type, so each write checks each of
// them once against its one new event (no rescan of the outbox, no
// goroutine woken).
func BenchmarkWriteWithIdleAwaiters(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int
		f    EventFilter
	}{
		{"none", 0, EventFilter{}},
		{"type-100", 100, EventFilter{Type: store.EventTransactionDeleted}},
		{"data-100", 100, EventFilter{Data: map[string]string{"key": "nobody"}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f, err := New(Options{FreezeAt: frozen})
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			st := f.Tenant("bench").Store()
			for i := range 1000 { // an outbox with history, as in a long test run
				if _, err := st.CreateCustomer(store.NewCustomer{Key: fmt.Sprint("pre", i)}); err != nil {
					b.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for range bc.n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _ = f.Tenant("bench").AwaitWebhookEvent(ctx, bc.f)
				}()
			}
			time.Sleep(50 * time.Millisecond) // let them all start waiting
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				i++
				if _, err := st.CreateCustomer(store.NewCustomer{Key: fmt.Sprint("k", i)}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cancel()
			wg.Wait()
		})
	}
}
