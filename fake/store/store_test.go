package store

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

func newTestStore() *Store {
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	s, err := New(Config{Seed: 7, Now: func() time.Time { return t0 }})
	if err != nil {
		panic(err)
	}
	return s
}

func mustCreate(t *testing.T, s *Store, in NewCustomer) CustomerView {
	t.Helper()
	v, err := s.CreateCustomer(in)
	if err != nil {
		t.Fatalf("CreateCustomer(%+v) = %v", in, err)
	}
	return v
}

func TestCreateErrors(t *testing.T) {
	s := newTestStore()
	mustCreate(t, s, NewCustomer{ID: "a", Key: "ka", Email: "a@example.com"})
	tests := []struct {
		name  string
		in    NewCustomer
		field string
	}{
		{"id taken", NewCustomer{ID: "a"}, "id"},
		{"key taken", NewCustomer{Key: "ka"}, "key"},
		{"email taken", NewCustomer{Email: "A@EXAMPLE.COM"}, "email"},
		{"unknown referrer id", NewCustomer{Referrer: Ref{ID: "x", Key: "ka"}}, "referring_customer.id"},
		{"unknown referrer key", NewCustomer{Referrer: Ref{Key: "x"}}, "referring_customer.key"},
		{"empty referrer", NewCustomer{ReferrerGiven: true}, "referring_customer.id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Export()
			_, err := s.CreateCustomer(tc.in)
			var se *Error
			if !errors.As(err, &se) || !errors.Is(err, ErrInvalid) || se.Field != tc.field {
				t.Fatalf("CreateCustomer(%+v) = %v, want ErrInvalid on %q", tc.in, err, tc.field)
			}
			if !reflect.DeepEqual(before, s.Export()) {
				t.Error("failed create changed the state")
			}
		})
	}
}

func TestDeleteReferrerDetachesReferrals(t *testing.T) {
	s := newTestStore()
	mustCreate(t, s, NewCustomer{ID: "r", Key: "kr"})
	mustCreate(t, s, NewCustomer{ID: "f1", Referrer: Ref{Key: "kr"}})
	mustCreate(t, s, NewCustomer{ID: "f2", Referrer: Ref{ID: "r"}})
	mustCreate(t, s, NewCustomer{ID: "n"})
	if p := s.ListCustomers(ReferredCustomers, Paging{}); len(p.Items) != 2 {
		t.Fatalf("referred before = %d", len(p.Items))
	}
	if _, err := s.DeleteCustomer("r", Ref{}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range s.ListCustomers(NonReferredCustomers, Paging{}).Items {
		got = append(got, v.ID)
	}
	if want := []string{"f1", "f2", "n"}; !reflect.DeepEqual(got, want) {
		t.Errorf("non-referred after delete = %v, want %v (in creation order)", got, want)
	}
	if _, err := s.DeleteCustomer("r", Ref{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete = %v, want ErrNotFound", err)
	}
}

func TestCheckpointIsolation(t *testing.T) {
	s := newTestStore()
	mustCreate(t, s, NewCustomer{ID: "r", Key: "kr"})
	mustCreate(t, s, NewCustomer{ID: "f1", Referrer: Ref{ID: "r"}})
	cp := s.Checkpoint()
	want := s.Export()
	// Mutate every index after the checkpoint.
	mustCreate(t, s, NewCustomer{ID: "f2", Referrer: Ref{ID: "r"}})
	if _, err := s.CreateLink(NewLink{Key: "L", Customer: Ref{ID: "r"}}); err != nil {
		t.Fatal(err)
	}
	k := "kr2"
	if _, err := s.UpdateCustomer("r", Ref{}, CustomerUpdate{Key: &k}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteCustomer("f1", Ref{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Invite(Invitation{Email: "x@example.com"}); err != nil {
		t.Fatal(err)
	}
	s.Restore(cp)
	if got := s.Export(); !reflect.DeepEqual(got, want) {
		t.Errorf("after Restore:\n%+v\nwant\n%+v", got, want)
	}
	// The checkpoint survives a restore and later writes.
	mustCreate(t, s, NewCustomer{ID: "f3"})
	s.Restore(cp)
	if got := s.Export(); !reflect.DeepEqual(got, want) {
		t.Error("second Restore differs")
	}
	// Identifiers generated after a restore repeat: generation is part of the state.
	a := mustCreate(t, s, NewCustomer{})
	s.Restore(cp)
	b := mustCreate(t, s, NewCustomer{})
	if a.ID != b.ID || a.Key != b.Key {
		t.Errorf("generated after restore: %s/%s then %s/%s", a.ID, a.Key, b.ID, b.Key)
	}
}

func TestExportLoadRoundTrip(t *testing.T) {
	s := newTestStore()
	mustCreate(t, s, NewCustomer{ID: "r", Key: "kr", Email: "r@example.com", Name: "R", DateOfBirth: "1990-01-01"})
	mustCreate(t, s, NewCustomer{ID: "f1", Referrer: Ref{ID: "r"}})
	if _, err := s.CreateLink(NewLink{Key: "L", Customer: Ref{ID: "r"}, DestinationURL: "https://example.com/x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArchiveCustomer("f1"); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(s.Export())
	var snap Snapshot
	if err := json.Unmarshal(a, &snap); err != nil {
		t.Fatal(err)
	}
	s2 := newTestStore()
	if err := s2.Load(snap, true); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(s2.Export())
	if string(a) != string(b) {
		t.Errorf("export/load/export differs:\n%s\n%s", a, b)
	}
	// Invalid documents change nothing.
	bad := snap
	bad.Customers = append([]Customer{}, snap.Customers...)
	bad.Customers[1].ReferrerID = "ghost"
	if err := s2.Load(bad, false); !errors.Is(err, ErrInvalid) {
		t.Errorf("Load with a ghost referrer = %v", err)
	}
	if c, _ := json.Marshal(s2.Export()); string(c) != string(a) {
		t.Error("failed Load changed the state")
	}
}

func TestLinkURL(t *testing.T) {
	tests := []struct {
		p    Program
		base string
		want string
	}{
		{Program{Website: "https://yoursite.com", LinkFormat: LinkFormatQuery, LinkParam: "ref"}, "", "https://yoursite.com?ref=k%2F1"},
		{Program{Website: "https://yoursite.com/", LinkFormat: LinkFormatPath, LinkParam: "ref"}, "", "https://yoursite.com/ref/k%2F1"},
		{Program{Website: "https://yoursite.com", LinkFormat: LinkFormatQuery, LinkParam: "ref"}, "https://yoursite.com/signup?a=1", "https://yoursite.com/signup?a=1&ref=k%2F1"},
	}
	for _, tc := range tests {
		if got := tc.p.LinkURL(tc.base, "k/1"); got != tc.want {
			t.Errorf("LinkURL(%q) = %q, want %q", tc.base, got, tc.want)
		}
	}
}

// TestReadCustomerIsCustomer holds ReadCustomer, which writes into memory
// the caller gives, to Customer: the same view for a customer with a
// referrer and more links than the given array holds and for one without
// either, read in turns into the same memory, and an unknown customer
// leaves that memory as it was.
func TestReadCustomerIsCustomer(t *testing.T) {
	s := newTestStore()
	mustCreate(t, s, NewCustomer{ID: "a", Key: "ka", Name: "Ann"})
	for _, k := range []string{"L1", "L2"} {
		if _, err := s.CreateLink(NewLink{Key: k, Customer: Ref{ID: "a"}}); err != nil {
			t.Fatal(err)
		}
	}
	mustCreate(t, s, NewCustomer{ID: "b", Key: "kb", Referrer: Ref{ID: "a"}})
	var v CustomerView
	var referrer Customer
	links := make([]LinkView, 0, 1)
	for _, id := range []string{"b", "a", "b", "a", "b"} {
		v.Links, v.Referrer = links, &referrer
		if err := s.ReadCustomer(id, &v); err != nil {
			t.Fatal(err)
		}
		want, _ := s.Customer(id)
		if !reflect.DeepEqual(v, want) {
			t.Fatalf("ReadCustomer(%s) = %+v, want %+v", id, v, want)
		}
		if (id == "b") != (v.Referrer == &referrer) {
			t.Errorf("ReadCustomer(%s): referrer at %p, the memory given %p", id, v.Referrer, &referrer)
		}
	}
	before := v // with its own links and referrer: v's are the memory a write would change
	before.Links = slices.Clone(v.Links)
	if v.Referrer != nil {
		r := *v.Referrer
		before.Referrer = &r
	}
	if err := s.ReadCustomer("nobody", &v); !errors.Is(err, ErrNotFound) || !reflect.DeepEqual(v, before) {
		t.Errorf("ReadCustomer(nobody) = %v, changed the view: %v", err, !reflect.DeepEqual(v, before))
	}
}

// TestProgramUpdateKeepsCheckpoints checks that states share their program
// and replace it: an update after a Checkpoint, or after SetInitial, must
// not show through Restore or Reset.
func TestProgramUpdateKeepsCheckpoints(t *testing.T) {
	s, err := New(Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	before := s.Program().Name
	name := "Changed"
	cp := s.Checkpoint()
	if _, err := s.UpdateProgram(ProgramUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	s.Restore(cp)
	if got := s.Program().Name; got != before {
		t.Errorf("after Restore: program name %q, want %q", got, before)
	}
	if _, err := s.UpdateProgram(ProgramUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	s.Reset()
	if got := s.Program().Name; got != before {
		t.Errorf("after Reset: program name %q, want %q", got, before)
	}
}
