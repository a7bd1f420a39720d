package testkit_test

import (
	"testing"

	"github.com/partnero-fake/partnero-fake/testkit"
)

// TestTenantDeletedAtCleanup: a Tenant(t) client's tenant is deleted when
// its test ends; other tenants stay.
func TestTenantDeletedAtCleanup(t *testing.T) {
	srv := testkit.Start(t)
	srv.CreateCustomer(t, testkit.NewCustomer{Key: "stays"})
	before := srv.Fake.Tenants()
	t.Run("sub", func(t *testing.T) {
		me := srv.Tenant(t)
		me.CreateCustomer(t, testkit.NewCustomer{Key: "gone"})
		if got := srv.Fake.Tenants(); got != before+1 {
			t.Fatalf("tenants during the test = %d, want %d", got, before+1)
		}
	})
	if got := srv.Fake.Tenants(); got != before {
		t.Errorf("tenants after the test = %d, want %d", got, before)
	}
	if got := srv.Customer(t, "stays"); got.Key != "stays" {
		t.Errorf("the default tenant lost its customer: %+v", got)
	}
}
