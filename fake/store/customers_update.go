package store

import "strings"

// UpdateCustomer changes the customer found by lookup (a path value) or, when
// lookup is "", by r. A new key renames the default referral link with it.
// It returns ErrNotFound, or ErrInvalid when the new key or email is taken.
func (s *Store) UpdateCustomer(lookup string, r Ref, u CustomerUpdate) (CustomerView, error) {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	old, err := st.find(lookup, r)
	if err != nil {
		return CustomerView{}, err
	}
	c := *old
	if u.Key != nil && *u.Key != c.Key {
		if st.keyTaken(*u.Key) {
			return CustomerView{}, taken("key")
		}
		c.Key = *u.Key
	}
	if u.Email != nil && !strings.EqualFold(*u.Email, c.Email) {
		if st.byEmail.at(emailKey(*u.Email)) != nil {
			return CustomerView{}, taken("email")
		}
	}
	if u.Email != nil {
		c.Email = *u.Email
	}
	if u.Name != nil {
		c.Name = *u.Name
	}
	if u.Surname != nil {
		c.Surname = *u.Surname
	}
	if u.DateOfBirth != nil {
		c.DateOfBirth = *u.DateOfBirth
	}
	if len(u.Metadata) > 0 {
		c.Metadata = c.Metadata.merge(u.Metadata.clone())
		if err := c.Metadata.validate(); err != nil {
			return CustomerView{}, err
		}
	}
	c.UpdatedAt = s.timestamp()
	// Every check has passed: apply.
	if c.Key != old.Key {
		st.byKey.del(st, old.Key)
		st.renameLink(old.Key, c.Key)
	}
	if c.Email != old.Email {
		st.byEmail.del(st, emailKey(old.Email))
	}
	st.putCustomer(&c)
	v := st.view(&c)
	s.emit(Event{Type: EventCustomerUpdated, Customer: &v})
	return v, nil
}

// DeleteCustomer permanently deletes a customer with its referral links,
// its purchases and the rewards they earned, the rewards it received, its
// credits and balance. The customers it referred stay, without a referrer.
// It returns the deleted customer (with status "deleted") or ErrNotFound.
func (s *Store) DeleteCustomer(lookup string, r Ref) (CustomerView, error) {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	c, err := st.find(lookup, r)
	if err != nil {
		return CustomerView{}, err
	}
	v := st.view(c)
	v.Status = StatusDeleted
	// Money first, while the indexes still name the customer. Each index
	// list is rewritten once, however many records go (see
	// removeTransactions).
	var purchases []*Transaction
	for _, e := range st.txByBuyer.get(c.ID) {
		purchases = append(purchases, st.txs.at(e.ID))
	}
	st.removeTransactions(purchases)
	var rewards []string
	for _, e := range st.signupRewards.get(c.ID) {
		rewards = append(rewards, e.Key)
	}
	for _, e := range st.rewardsTo.get(c.ID) {
		rewards = append(rewards, e.Key)
	}
	st.removeRewards(rewards)
	for _, e := range st.txByRef.get(c.ID) {
		t := *st.txs.at(e.ID)
		t.ReferrerID = ""
		st.txs.put(st, t.ID, &t)
	}
	st.txByRef.del(st, c.ID)
	st.credits.del(st, c.ID)
	st.balances.del(st, c.ID)
	st.clicks.del(st, c.ID)

	st.customers.del(st, c.ID)
	st.byKey.del(st, c.Key)
	if c.Email != "" {
		st.byEmail.del(st, emailKey(c.Email))
	}
	removeSeq(st, &st.all, c)
	if c.ReferrerID != "" {
		removeSeq(st, &st.referred, c)
		st.referrals.edit(st, c.ReferrerID, func(es []*Customer) []*Customer { return removeEntry(es, c) })
	} else {
		removeSeq(st, &st.nonReferred, c)
	}
	// The customers c referred move from the referred to the non-referred,
	// each seq rewritten once. Its referrals are sorted by creation, as
	// mergeSeq needs them.
	friends := st.referrals.get(c.ID)
	moved := make(map[int64]bool, len(friends))
	unreferred := make([]*Customer, 0, len(friends))
	for _, re := range friends {
		f := *st.customers.at(re.ID)
		f.ReferrerID = ""
		st.putCustomer(&f)
		moved[f.seq] = true
		unreferred = append(unreferred, &f)
	}
	removeSeqs(st, &st.referred, moved)
	mergeSeq(st, &st.nonReferred, unreferred)
	st.referrals.del(st, c.ID)
	for _, k := range st.custLinks.get(c.ID) {
		st.links.del(st, k)
	}
	st.dropDefaultLink(c)
	st.custLinks.del(st, c.ID)
	s.emit(Event{Type: EventCustomerDeleted, Customer: &v})
	return v, nil
}

// ArchiveCustomer archives a customer. It returns ErrNotFound, or
// ErrActionFailed when the customer is already archived.
func (s *Store) ArchiveCustomer(ref string) (CustomerView, error) {
	return s.setStatus(ref, StatusActive, StatusArchived)
}

// RestoreCustomer revokes a customer's archival. It returns ErrNotFound, or
// ErrActionFailed when the customer is not archived.
func (s *Store) RestoreCustomer(ref string) (CustomerView, error) {
	return s.setStatus(ref, StatusArchived, StatusActive)
}

func (s *Store) setStatus(ref, from, to string) (CustomerView, error) {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	old, err := st.lookup(ref)
	if err != nil {
		return CustomerView{}, err
	}
	if old.Status != from {
		return CustomerView{}, actionFailed()
	}
	c := *old
	c.Status, c.UpdatedAt = to, s.timestamp()
	st.putCustomer(&c)
	v := st.view(&c)
	s.emit(Event{Type: EventCustomerUpdated, Customer: &v})
	return v, nil
}
