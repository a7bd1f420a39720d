package fake

import (
	"testing"
)

// TestTenantCap: MaxTenants tenants at most; one more key gets 403 on the
// API and the control plane and creates nothing; deleting a tenant makes
// room; a deleted tenant comes back fresh.
func TestTenantCap(t *testing.T) {
	e := newEnv(t, Options{MaxTenants: 2})
	e.key = "a"
	e.do("POST", "/v1/customers", map[string]any{"key": "alice"}).want(t, 200)
	e.key = "b"
	e.do("GET", "/v1/program", nil).want(t, 200)
	e.key = "c"
	r := e.do("GET", "/v1/program", nil).want(t, 403)
	if r.str("message") == "" || r.get("status") != float64(0) {
		t.Errorf("403 body: %s", r.raw)
	}
	e.do("GET", "/_fake/requests", nil).want(t, 403)
	if n := e.fake.Tenants(); n != 2 {
		t.Errorf("tenants = %d, want 2", n)
	}
	// Deleting a tenant that does not exist creates none.
	if r := e.do("DELETE", "/_fake/tenant", nil).want(t, 200); r.get("deleted") != false {
		t.Errorf("delete of no tenant: %s", r.raw)
	}
	e.key = "a"
	e.do("GET", "/v1/customers/alice", nil).want(t, 200) // existing tenants unaffected
	if r := e.do("DELETE", "/_fake/tenant", nil).want(t, 200); r.get("deleted") != true {
		t.Errorf("delete: %s", r.raw)
	}
	e.key = "c"
	e.do("GET", "/v1/program", nil).want(t, 200)
	e.key = "a"
	e.do("GET", "/v1/customers/alice", nil).want(t, 403) // full again: c took the room
	e.key = "c"
	e.do("DELETE", "/_fake/tenant", nil).want(t, 200)
	e.key = "a"
	e.do("GET", "/v1/customers/alice", nil).want(t, 404) // back, fresh
}

// TestDeleteTenantEndsItsLongPolls: a long-poll of a deleted tenant ends
// with 410 instead of waiting out its timeout.
func TestDeleteTenantEndsItsLongPolls(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("GET", "/v1/program", nil).want(t, 200)
	done := make(chan result, 1)
	go func() { done <- e.do("GET", "/_fake/webhooks/await?timeout=60s", nil) }()
	waitFor(t, func() bool { return waiters(e.fake.tenant(testKey).outbox) == 1 })
	ob := e.fake.tenant(testKey).outbox
	e.fake.DeleteTenant(testKey)
	if r := <-done; r.status != 410 {
		t.Errorf("await of a deleted tenant: %d %s", r.status, r.raw)
	}
	if waiters(ob) != 0 {
		t.Error("the waiter stayed registered")
	}
}
