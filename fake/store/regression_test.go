package store

import (
	"errors"
	"testing"
	"time"
)

// Regression tests for defects found in review.

func TestReturnedValuesAreCopies(t *testing.T) {
	s := newTestStore()
	cp := s.Checkpoint()
	p := s.Program()
	p.Rewards[0].Amount = MoneyOf(99)
	snap := s.Export()
	snap.Program.Rewards[0].Trigger = "bogus"
	if got := s.Program().Rewards[0]; got.Amount != MoneyOf(10) || got.Trigger != TriggerEveryPurchase {
		t.Errorf("the store's rule changed through a returned value: %+v", got)
	}
	s.Restore(cp)
	if got := s.Program().Rewards[0].Amount; got != MoneyOf(10) {
		t.Errorf("the checkpoint's rule changed: %s", got)
	}
	w, err := s.CreateWebhook(NewWebhook{Name: "a", URL: "http://x.test/", Events: []string{EventCustomerCreated}})
	if err != nil {
		t.Fatal(err)
	}
	w.Events[0] = "bogus"
	if got, _ := s.Webhook(w.Key); got.Events[0] != EventCustomerCreated {
		t.Errorf("webhook events changed through a returned value: %v", got.Events)
	}
	mustCreate(t, s, NewCustomer{Key: "alice"})
	mustCreate(t, s, NewCustomer{Key: "bob", Referrer: Ref{Key: "alice"}})
	if _, err := s.CreateTransactions(TransactionBatch{Customer: Ref{Key: "bob"}, Items: []NewTransaction{{Key: "i1", Amount: "100"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.ArchiveTransactions("i1"); err != nil {
		t.Fatal(err)
	}
	v, _ := s.Transaction("i1")
	*v.ArchivedAt = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
	*v.Rewards[0].DeletedAt = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
	if v2, _ := s.Transaction("i1"); v2.ArchivedAt.Year() == 1999 || v2.Rewards[0].DeletedAt.Year() == 1999 {
		t.Error("a stored time changed through a returned view")
	}
}

func TestUnitsAreWholeCodes(t *testing.T) {
	for _, u := range []string{"d a", "D A", "N A", "D B", "SDU"} {
		if got, ok := normalizeUnits(u, true); ok {
			t.Errorf("normalizeUnits(%q) = %q, accepted", u, got)
		}
	}
	if got, ok := normalizeUnits("eur", true); !ok || got != "EUR" {
		t.Errorf("normalizeUnits(eur) = %q, %v", got, ok)
	}
}

func TestBalancesDoNotOverflow(t *testing.T) {
	s := newTestStore()
	mustCreate(t, s, NewCustomer{Key: "alice"})
	var err error
	for i := 0; i < 10_000 && err == nil; i++ {
		_, err = s.CreditBalance("alice", NewCredit{Amount: "999999999", Units: "USD"})
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("credits past the largest balance: err = %v", err)
	}
	if b, _ := s.Balance("alice"); b.Lines[0].Amount.Sign() <= 0 {
		t.Errorf("balance wrapped around: %s", b.Lines[0].Amount)
	}
}

func TestHugePagesAreEmpty(t *testing.T) {
	s := newTestStore()
	for range 3 {
		mustCreate(t, s, NewCustomer{})
	}
	if p := s.ListCustomers(AllCustomers, Paging{Page: 1<<60 + 1, Limit: 16}); len(p.Items) != 0 {
		t.Errorf("page 2^60+1 returned %d items", len(p.Items))
	}
}

// TestImportRefusesReferralCycles: the API cannot make A referred by B
// referred by A; an imported state holding one was accepted (review).
func TestImportRefusesReferralCycles(t *testing.T) {
	s := newTestStore()
	prog := s.Export().Program
	cycle := Snapshot{Version: 1, Program: prog, Customers: []Customer{
		{ID: "a", Key: "a", ReferrerID: "b"},
		{ID: "b", Key: "b", ReferrerID: "c"},
		{ID: "c", Key: "c", ReferrerID: "a"},
		{ID: "d", Key: "d"},
	}}
	err := s.Load(cycle, false)
	var se *Error
	if !errors.As(err, &se) || se.Rule != RuleReferralCycle {
		t.Fatalf("Load = %v, want a referral_cycle error", err)
	}
	chain := Snapshot{Version: 1, Program: prog, Customers: []Customer{{ID: "a", Key: "a"}, {ID: "b", Key: "b", ReferrerID: "a"}, {ID: "c", Key: "c", ReferrerID: "b"}}}
	if err := s.Load(chain, false); err != nil {
		t.Fatalf("a chain: %v", err)
	}
}

// TestDeletedSaleKeepsAReusedRewardKey: a sale's reward removed with its
// recipient stays listed in the sale's record, and its key is free again;
// in a state loaded without its counters, another sale's reward can get
// that key. Deleting the first sale must leave the second's reward, and
// its balance, alone. (Found in review: the deletion once removed every
// key the sale listed.)
func TestDeletedSaleKeepsAReusedRewardKey(t *testing.T) {
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	rule := RewardRule{Trigger: TriggerEveryPurchase, Type: RewardCredit, Amount: MoneyOf(5)}
	s, err := New(Config{Seed: 7, Now: func() time.Time { return t0 }, Program: Program{Rewards: []RewardRule{rule}}})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, NewCustomer{ID: "alice", Key: "alice"})
	mustCreate(t, s, NewCustomer{ID: "bob", Key: "bob", Referrer: Ref{Key: "alice"}})
	mustCreate(t, s, NewCustomer{ID: "carol", Key: "carol"})
	mustCreate(t, s, NewCustomer{ID: "dave", Key: "dave", Referrer: Ref{Key: "carol"}})
	sale := func(buyer, key string) {
		t.Helper()
		if _, err := s.CreateTransactions(TransactionBatch{Customer: Ref{Key: buyer}, Items: []NewTransaction{{Key: key, Amount: "100", Units: "USD"}}}); err != nil {
			t.Fatal(err)
		}
	}
	sale("bob", "T1")
	snap := s.Export()
	snap.Counters = nil // a fixture without its counters
	if err := s.Load(snap, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteCustomer("", Ref{ID: "alice"}); err != nil { // T1's reward goes, T1 stays
		t.Fatal(err)
	}
	sale("dave", "T2")
	v2, _ := s.Transaction("T2")
	if len(v2.Rewards) != 1 || v2.Rewards[0].Key != snap.Rewards[0].Key {
		t.Fatalf("T2's rewards %+v: want one, with T1's old key %s (else this test tests nothing)", v2.Rewards, snap.Rewards[0].Key)
	}
	if _, err := s.DeleteTransactions("T1"); err != nil {
		t.Fatal(err)
	}
	if v2, err = s.Transaction("T2"); err != nil || len(v2.Rewards) != 1 {
		t.Errorf("T2 after T1 was deleted: %d rewards (%v), want 1", len(v2.Rewards), err)
	}
	if b, err := s.Balance("carol"); err != nil || len(b.Lines) != 1 {
		t.Errorf("carol's balance after T1 was deleted: %+v (%v), want her 5 USD", b, err)
	}
	if err := s.CheckInvariants(); err != nil {
		t.Error(err)
	}
}
