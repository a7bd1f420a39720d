package store

// PinProgramID makes id the program's id from now on: the current and
// initial states take it, and so does every state given later to Load or
// Restore (a fixture's program.id included). The fake pins each tenant's
// program to the tenant's public id, which PartneroJS calls carry instead of
// an API key.
func (s *Store) PinProgramID(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pinnedID = id
	s.pin(s.st)
	s.pin(s.initial)
}

// pin gives st the pinned program id, if any. Only the store holds st's
// struct (checkpoints and snapshots hold copies), so it may change in place;
// its program is shared, and replaced.
func (s *Store) pin(st *state) {
	if s.pinnedID != "" && st.program.ID != s.pinnedID {
		p := *st.program
		p.ID = s.pinnedID
		st.program = &p
	}
}

// RecordClick counts a visit through a referral link: code is the value of
// the referral parameter, a customer's key or one of its referral links'
// keys. It returns the customer the click counts for, or ErrNotFound when
// the code belongs to no customer of the program.
func (s *Store) RecordClick(code string) (Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	c := st.byKey.at(code)
	if c == nil {
		if l := st.links.at(code); l != nil {
			c = st.customers.at(l.CustomerID)
		}
	}
	if c == nil {
		return Customer{}, notFound("Customer")
	}
	if n := st.clicks.at(c.ID); n < maxClicks {
		st.clicks.put(st, c.ID, n+1)
	}
	return *c, nil
}

// maxClicks is where a customer's click count stops growing.
const maxClicks = 1<<31 - 1
