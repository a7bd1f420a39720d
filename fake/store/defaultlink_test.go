package store

import (
	"testing"
)

// TestChangedDefaultLink follows a default link that is stored only once
// changed: through a change, a customer key rename, export and load, and the
// customer's deletion.
func TestChangedDefaultLink(t *testing.T) {
	s := newTestStore()
	c, err := s.CreateCustomer(NewCustomer{ID: "c1", Key: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Links) != 1 || !c.Links[0].Default || c.Links[0].Key != "k1" || c.Links[0].CreatedAt != c.CreatedAt {
		t.Fatalf("new customer's links: %+v", c.Links)
	}
	if _, err := s.CreateLink(NewLink{Key: "extra", Customer: Ref{ID: "c1"}}); err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := s.UpdateLink("k1", LinkUpdate{DirectTracking: &yes}); err != nil {
		t.Fatal(err)
	}
	k2 := "k2"
	if _, err := s.UpdateCustomer("c1", Ref{}, CustomerUpdate{Key: &k2}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Link("k1"); err == nil {
		t.Error("the old key still names a link")
	}
	l, err := s.Link("k2")
	if err != nil || !l.DirectTracking || !l.Default || l.CustomerID != "c1" {
		t.Fatalf("renamed default link: %+v, %v", l, err)
	}
	page, _ := s.CustomerLinks("c1", Paging{})
	if len(page.Items) != 2 || page.Items[0].Key != "k2" || page.Items[1].Key != "extra" {
		t.Fatalf("links: %+v", page.Items)
	}
	snap := s.Export()
	if len(snap.Links) != 2 || !snap.Links[0].DirectTracking {
		t.Fatalf("exported links: %+v", snap.Links)
	}
	s2 := newTestStore()
	if err := s2.Load(snap, true); err != nil {
		t.Fatal(err)
	}
	if got, want := exportJSON(s2), exportJSON(s); got != want {
		t.Fatalf("load of an export differs:\n%s\n%s", got, want)
	}
	twice := snap
	twice.Links = append(twice.Links, snap.Links[0])
	if err := s2.Load(twice, false); err == nil {
		t.Error("a default link given twice was accepted")
	}
	if err := s2.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.DeleteCustomer("c1", Ref{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Link("k2"); err == nil {
		t.Error("the deleted customer's default link is still there")
	}
	if _, err := s2.CreateCustomer(NewCustomer{ID: "c3", Key: "k2"}); err != nil {
		t.Fatalf("the deleted customer's key is still taken: %v", err)
	}
	if l, _ := s2.Link("k2"); l.DirectTracking {
		t.Error("a new customer inherited the deleted customer's changed default link")
	}
}

// TestLinkLimitIgnoresDefaultLinks pins that the links limit counts
// additional links only, a changed (so stored) default link included.
func TestLinkLimitIgnoresDefaultLinks(t *testing.T) {
	s, err := New(Config{Seed: 1, Limits: Limits{Links: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b"} {
		if _, err := s.CreateCustomer(NewCustomer{Key: k}); err != nil {
			t.Fatal(err)
		}
	}
	yes := true
	if _, err := s.UpdateLink("a", LinkUpdate{DirectTracking: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLink(NewLink{Key: "x", Customer: Ref{Key: "a"}}); err != nil {
		t.Fatalf("first additional link: %v", err)
	}
	if _, err := s.CreateLink(NewLink{Key: "y", Customer: Ref{Key: "b"}}); err == nil {
		t.Fatal("a second additional link went past the limit of 1")
	}
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}
