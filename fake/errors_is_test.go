package fake

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// Go callers match the errors of exported methods with errors.Is: one test
// per family of methods.

func TestErrorsIsSnapshots(t *testing.T) {
	f := newEnv(t, Options{MaxSnapshots: 1}).fake
	if err := f.Tenant(testKey).RestoreSnapshot("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RestoreSnapshot(unknown) = %v, want store.ErrNotFound", err)
	}
	if err := f.Tenant(testKey).DeleteSnapshot("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteSnapshot(unknown) = %v, want store.ErrNotFound", err)
	}
	if err := f.Tenant(testKey).SaveSnapshot("a b"); !errors.Is(err, store.ErrInvalid) || errors.Is(err, ErrLimit) {
		t.Errorf("SaveSnapshot(bad name) = %v, want store.ErrInvalid", err)
	}
	if err := f.Tenant(testKey).SaveSnapshot("one"); err != nil {
		t.Fatal(err)
	}
	if err := f.Tenant(testKey).SaveSnapshot("two"); !errors.Is(err, ErrLimit) || !errors.Is(err, store.ErrInvalid) {
		t.Errorf("SaveSnapshot beyond MaxSnapshots = %v, want ErrLimit and store.ErrInvalid", err)
	}
}

func TestErrorsIsFaults(t *testing.T) {
	f := newEnv(t, Options{MaxFaults: 1}).fake
	if _, err := f.Tenant(testKey).AddFault(Fault{Status: 200, Operation: "listCustomers"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("AddFault(status 200) = %v, want store.ErrInvalid", err)
	}
	if _, err := f.Tenant(testKey).AddFault(Fault{Status: 500, Operation: "listCustomers"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Tenant(testKey).AddFault(Fault{Status: 500, Operation: "listCustomers"}); !errors.Is(err, ErrLimit) {
		t.Errorf("AddFault beyond MaxFaults = %v, want ErrLimit", err)
	}
	if err := f.Tenant(testKey).DeleteFault("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteFault(unknown) = %v, want store.ErrNotFound", err)
	}
}

func TestErrorsIsWebhookEvents(t *testing.T) {
	f := newEnv(t, Options{}).fake
	if err := f.Tenant(testKey).RedeliverWebhookEvent("evt_404", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RedeliverWebhookEvent(unknown) = %v, want store.ErrNotFound", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := f.Tenant(testKey).AwaitWebhookEvent(ctx, EventFilter{Type: "customer.created"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("AwaitWebhookEvent past its deadline = %v, want context.DeadlineExceeded", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := f.Tenant("gone").AwaitWebhookEvent(context.Background(), EventFilter{Type: "customer.created"})
		done <- err
	}()
	for f.Tenants() < 2 {
		time.Sleep(time.Millisecond) // until the long-poll created its tenant
	}
	f.DeleteTenant("gone")
	if err := <-done; !errors.Is(err, ErrTenantGone) {
		t.Errorf("AwaitWebhookEvent of a deleted tenant = %v, want ErrTenantGone", err)
	}
	f.Close()
	if _, err := f.Tenant(testKey).AwaitWebhookEvent(context.Background(), EventFilter{}); !errors.Is(err, ErrShuttingDown) {
		t.Errorf("AwaitWebhookEvent after Close = %v, want ErrShuttingDown", err)
	}
}

func TestErrorsIsState(t *testing.T) {
	f := newEnv(t, Options{}).fake
	snap := f.Tenant(testKey).ExportState()
	snap.Customers = append(snap.Customers, store.Customer{ID: "c1", Key: "k1", Email: "not-an-email"})
	err := f.Tenant(testKey).ImportState(snap, false)
	var se *store.Error
	if !errors.Is(err, store.ErrInvalid) || !errors.As(err, &se) || se.Field != "customers.0.email" || se.Rule != store.RuleEmail {
		t.Errorf("ImportState(bad email) = %v, want a store.Error about customers.0.email, rule email", err)
	}
	if _, err := f.Tenant(testKey).Store().Customer("nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Store.Customer(unknown) = %v, want store.ErrNotFound", err)
	}
	if _, err := f.Tenant(testKey).InspectCustomer("nobody", 1, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("InspectCustomer(unknown) = %v, want store.ErrNotFound", err)
	}
}
