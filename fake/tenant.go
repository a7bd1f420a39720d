package fake

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/outbox"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// Tenant is the Go handle of one tenant (API key) of a Server: its store,
// clock, journal, snapshots, fault rules, warnings and webhook outbox. The
// control plane (/_fake) serves the same methods over HTTP. A handle names
// its tenant by key: the tenant is created on first use, and a handle
// kept across DeleteTenant reaches the fresh tenant of that key.
type Tenant struct {
	srv *Server
	key string
}

// Tenant returns the handle of the tenant with the given API key.
func (s *Server) Tenant(apiKey string) *Tenant { return &Tenant{srv: s, key: apiKey} }

// Key returns the tenant's API key.
func (h *Tenant) Key() string { return h.key }

// t returns the tenant, creating it if needed.
func (h *Tenant) t() *tenant { return h.srv.tenant(h.key) }

// Delete forgets the tenant (see Server.DeleteTenant).
func (h *Tenant) Delete() bool { return h.srv.DeleteTenant(h.key) }

// Reset returns a tenant to its initial state (the configured fixtures, or
// the last state imported as initial), clears its journal and fault rules
// and restarts its clock as configured. Named snapshots are kept.
func (h *Tenant) Reset() {
	t := h.t()
	t.store.Reset()
	t.outbox.Clear()
	t.journal.clear()
	t.faults.clear()
	if fresh := h.srv.newClock().State(); fresh.Frozen {
		t.clock.FreezeAt(fresh.Now)
	} else {
		t.clock.Unfreeze()
		t.clock.Set(fresh.Now)
	}
}

// ExportState returns a tenant's whole state: the document format of
// fixtures and of GET/PUT /_fake/state.
func (h *Tenant) ExportState() store.Snapshot { return h.t().store.Export() }

// ImportState replaces a tenant's state after validating it (all or
// nothing); with asInitial it also becomes what Reset returns to.
func (h *Tenant) ImportState(snap store.Snapshot, asInitial bool) error {
	return h.t().store.Load(snap, asInitial)
}

// SaveSnapshot stores the tenant's current state under a name (letters,
// digits, "_", "." and "-"), replacing an older snapshot of that name. It
// costs a copy of the indexes, not of the records. A tenant keeps at most
// MaxSnapshots; one more is a 422 error.
func (h *Tenant) SaveSnapshot(name string) error {
	if !isName(name, snapshotNamePunct) {
		return fieldErrors(map[string][]string{"name": {"The name may only contain letters, digits, _, . and - (at most 64)."}})
	}
	t := h.t()
	cp := t.store.Checkpoint()
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.snapshots[name]; !ok && len(t.snapshots) >= h.srv.opts.MaxSnapshots {
		return limitError("name", fmt.Sprintf(
			"A tenant may keep at most %d snapshots; delete one first (see --max-snapshots).", h.srv.opts.MaxSnapshots))
	}
	t.snapshots[name] = cp
	return nil
}

// RestoreSnapshot puts back the state saved under name; the snapshot stays
// and can be restored again. It returns a 404 error for an unknown name.
func (h *Tenant) RestoreSnapshot(name string) error {
	t := h.t()
	t.mu.Lock()
	cp, ok := t.snapshots[name]
	t.mu.Unlock()
	if !ok {
		return fail(store.ErrNotFound, "Snapshot not found.")
	}
	t.store.Restore(cp)
	return nil
}

// DeleteSnapshot forgets a snapshot. It returns a 404 error for an unknown
// name.
func (h *Tenant) DeleteSnapshot(name string) error {
	t := h.t()
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.snapshots[name]; !ok {
		return fail(store.ErrNotFound, "Snapshot not found.")
	}
	delete(t.snapshots, name)
	return nil
}

// Snapshots lists a tenant's snapshot names, sorted.
func (h *Tenant) Snapshots() []string {
	t := h.t()
	t.mu.Lock()
	defer t.mu.Unlock()
	names := make([]string, 0, len(t.snapshots))
	for n := range t.snapshots {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Requests returns the tenant's journal, oldest first, filtered; requests
// marked as testkit's (ClientHeader) only with f.IncludeTestkit.
func (h *Tenant) Requests(f JournalFilter) []JournalEntry {
	return h.t().journal.list(f, 0)
}

// ClearRequests empties the tenant's journal.
func (h *Tenant) ClearRequests() { h.t().journal.clear() }

// AddFault adds a fault rule to the tenant. It returns a 422 error for a
// malformed rule, or when the tenant has MaxFaults rules already.
func (h *Tenant) AddFault(f Fault) (Fault, error) {
	if err := f.validate(h.srv.ops); err != nil {
		return Fault{}, err
	}
	return h.t().faults.add(f, h.srv.opts.MaxFaults)
}

// Faults lists the tenant's fault rules with their counters.
func (h *Tenant) Faults() []Fault { return h.t().faults.list() }

// DeleteFault removes a fault rule. It returns a 404 error for an unknown id.
func (h *Tenant) DeleteFault(id string) error {
	if !h.t().faults.remove(id) {
		return fail(store.ErrNotFound, "Fault not found.")
	}
	return nil
}

// ClearFaults removes all of the tenant's fault rules.
func (h *Tenant) ClearFaults() { h.t().faults.clear() }

// WebhookEvents returns the tenant's outbox: every event with its
// deliveries and attempts, oldest first, filtered.
func (h *Tenant) WebhookEvents(f EventFilter) []WebhookEvent {
	return h.t().outbox.List(f)
}

// AwaitWebhookEvent waits until the tenant's outbox holds an event matching
// f (use Status: DeliveryDelivered to wait for its delivery), or ctx ends.
func (h *Tenant) AwaitWebhookEvent(ctx context.Context, f EventFilter) (WebhookEvent, error) {
	return h.t().outbox.Await(ctx, f)
}

// RedeliverWebhookEvent queues an event's finished deliveries again (to
// every webhook, or to one when webhookKey is not ""). It returns a 404
// error for an unknown event.
func (h *Tenant) RedeliverWebhookEvent(id, webhookKey string) error {
	err := h.t().outbox.Redeliver(id, webhookKey)
	if errors.Is(err, outbox.ErrNothingToRedeliver) {
		return fieldError("webhook", "The event has no finished delivery to that webhook.")
	}
	return err
}

// PauseWebhooks holds the tenant's deliveries (events still queue up);
// ResumeWebhooks lets them go.
func (h *Tenant) PauseWebhooks() { h.t().outbox.SetPaused(true) }

// ResumeWebhooks resumes the tenant's deliveries.
func (h *Tenant) ResumeWebhooks() { h.t().outbox.SetPaused(false) }

// DropNextWebhook makes the tenant's next delivery vanish (recorded as
// dropped, never sent), to test a receiver that misses an event.
func (h *Tenant) DropNextWebhook() { h.t().outbox.DropNext() }

// DuplicateNextWebhook makes the tenant's next delivery arrive twice, to
// test the receiver's idempotency.
func (h *Tenant) DuplicateNextWebhook() { h.t().outbox.DuplicateNext() }

// Warnings returns the tenant's fidelity warnings: how many requests were
// warned, by code, and the first of them.
func (h *Tenant) Warnings() WarningReport { return h.t().warned.get() }

// ClearWarnings forgets the tenant's warnings.
func (h *Tenant) ClearWarnings() { h.t().warned.clear() }

// Store returns the store of the tenant, creating the
// tenant if needed, so in-process tests can arrange and inspect state
// without HTTP.
func (h *Tenant) Store() *store.Store { return h.t().store }

// Clock returns the clock of the tenant.
func (h *Tenant) Clock() *clock.Clock { return h.t().clock }

// Invitations returns the invitations the tenant's program "sent" through
// POST /v1/customers:invite, oldest first.
func (h *Tenant) Invitations() []store.Invitation {
	return h.Store().Invitations()
}

// PublicProgramID returns the public id of the tenant's program, the id
// PartneroJS calls carry (po('program', id, 'load')). It creates the tenant
// if needed.
func (h *Tenant) PublicProgramID() string { return h.t().publicID }
