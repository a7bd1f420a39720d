package store

import (
	"errors"
	"testing"
)

func TestRecordClick(t *testing.T) {
	s, err := New(Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCustomer(NewCustomer{ID: "a", Key: "alice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLink(NewLink{Key: "SUMMER", Customer: Ref{ID: "a"}}); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"alice", "SUMMER"} {
		if c, err := s.RecordClick(code); err != nil || c.ID != "a" {
			t.Fatalf("RecordClick(%q) = %v, %v", code, c.ID, err)
		}
	}
	for _, code := range []string{"a", "nobody", ""} { // ids are not referral codes
		if _, err := s.RecordClick(code); !errors.Is(err, ErrNotFound) {
			t.Errorf("RecordClick(%q) = %v, want ErrNotFound", code, err)
		}
	}
	if st, _, _ := s.Stats("a"); st.Clicks != 2 {
		t.Errorf("clicks = %d, want 2", st.Clicks)
	}
}

func TestPinProgramID(t *testing.T) {
	s, err := New(Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cp := s.Checkpoint()
	s.PinProgramID("PINNEDID")
	if got := s.Program().ID; got != "PINNEDID" {
		t.Fatalf("after pin: %q", got)
	}
	s.Reset()
	s.Restore(cp)
	if got := s.Program().ID; got != "PINNEDID" {
		t.Errorf("after reset and restore: %q", got)
	}
	if cp.st.program.ID == "PINNEDID" {
		t.Error("pinning changed a checkpoint")
	}
	snap := s.Export()
	snap.Program.ID = "OTHERID"
	if err := s.Load(snap, false); err != nil {
		t.Fatal(err)
	}
	if got := s.Program().ID; got != "PINNEDID" {
		t.Errorf("after load: %q", got)
	}
}
