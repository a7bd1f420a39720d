package fake

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestConcurrentAPIAndControlPlane(t *testing.T) {
	e := newEnv(t, Options{WebhookBackoff: 10 * time.Millisecond})
	r := newReceiver(t)
	r.failNext = 20
	r.hook(t, e, "customer.created", "transaction.created", "customer.rewarded", "customer.updated", "customer.deleted")
	e.do("POST", "/v1/customers", map[string]any{"key": "root"}).want(t, 200)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 60; i++ {
				k := fmt.Sprintf("g%d-%d", g, i)
				postRaw(e, "/v1/customers", fmt.Sprintf(`{"key":%q,"referring_customer":{"key":"root"}}`, k))
				postRaw(e, "/v1/transactions", fmt.Sprintf(`{"customer":{"key":%q},"amount":12.5}`, k))
				switch i % 10 {
				case 0:
					_ = e.fake.Tenant(testKey).SaveSnapshot(fmt.Sprint("s", g))
				case 3:
					_ = e.fake.Tenant(testKey).RestoreSnapshot(fmt.Sprint("s", (g+1)%8))
				case 5:
					_ = e.fake.Tenant(testKey).ExportState()
				case 7:
					if g == 0 {
						e.fake.Tenant(testKey).Reset()
						postRaw(e, "/v1/customers", `{"key":"root"}`)
					}
				case 8:
					e.fake.Tenant(testKey).Clock().Advance(time.Second)
					e.fake.Tenant(testKey).WebhookEvents(EventFilter{Data: map[string]string{"key": "x"}})
				case 9:
					e.fake.Tenant(testKey).PauseWebhooks()
					e.fake.Tenant(testKey).ResumeWebhooks()
				}
			}
		}(g)
	}
	wg.Wait()
	if err := e.fake.Tenant(testKey).Store().CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}
