package store

import (
	"slices"
	"strings"
)

// lookup resolves a path value: by id, then key, then email.
func (st *state) lookup(ref string) (*Customer, error) {
	if c := st.customers.at(ref); c != nil {
		return c, nil
	}
	if c := st.byKey.at(ref); c != nil {
		return c, nil
	}
	if c := st.byEmail.at(emailKey(ref)); c != nil {
		return c, nil
	}
	return nil, notFound("Customer")
}

// lookupRef resolves a body reference: id, else key, else email.
func (st *state) lookupRef(r Ref) (*Customer, error) {
	var c *Customer
	switch {
	case r.ID != "":
		c = st.customers.at(r.ID)
	case r.Key != "":
		c = st.byKey.at(r.Key)
	case r.Email != "":
		c = st.byEmail.at(emailKey(r.Email))
	}
	if c != nil {
		return c, nil
	}
	return nil, notFound("Customer")
}

func (st *state) view(c *Customer) CustomerView {
	var v CustomerView
	st.viewInto(c, &v)
	return v
}

// viewInto writes c's view into v, in v's Links array if it has room and
// in the record v.Referrer points at, if any, for c's referrer.
func (st *state) viewInto(c *Customer, v *CustomerView) {
	links, referrer := v.Links[:0], v.Referrer
	*v = CustomerView{Customer: c.clone(), ReferralsCount: st.referrals.count(c.ID)}
	if c.ReferrerID != "" {
		if referrer == nil {
			referrer = new(Customer)
		}
		*referrer = st.customers.at(c.ReferrerID).clone()
		v.Referrer = referrer
	}
	var buf [1]string
	keys := st.custLinks.read(c.ID, &buf)
	if cap(links) < 1+len(keys) {
		links = make([]LinkView, 0, 1+len(keys))
	}
	dl := st.defaultLinkOf(c)
	links = append(links, st.linkView(&dl))
	for _, k := range keys {
		links = append(links, st.linkView(st.links.at(k)))
	}
	v.Links = links
}

// newView is view(c) for a customer just inserted, without the lookups
// that cannot find anything yet: no customer names it as referrer, it has
// no additional link, and its default link is the implicit one (its key
// was checked free of links, and a deleted customer leaves none behind).
// TestCreatedViewIsTheStoredOne holds it to view.
func (st *state) newView(c *Customer) CustomerView {
	v := CustomerView{Customer: c.clone()}
	if c.ReferrerID != "" {
		r := st.customers.at(c.ReferrerID).clone()
		v.Referrer = &r
	}
	dl := defaultLink(c)
	v.Links = []LinkView{st.linkView(&dl)}
	return v
}

// copyView returns a copy of v that shares no memory with it: the same
// view st.view would build again, without its lookups.
func copyView(v *CustomerView) CustomerView {
	out := *v
	out.Customer = v.Customer.clone()
	if v.Referrer != nil {
		r := v.Referrer.clone()
		out.Referrer = &r
	}
	out.Links = slices.Clone(v.Links)
	return out
}

// Customer returns the customer whose id, key or email (tried in that
// order) is ref. It returns ErrNotFound.
func (s *Store) Customer(ref string) (CustomerView, error) {
	s.mu.Lock()
	defer s.unlock()
	c, err := s.st.lookup(ref)
	if err != nil {
		return CustomerView{}, err
	}
	return s.st.view(c), nil
}

// ReadCustomer is Customer writing into v, for a caller that reads the
// view and then forgets it: v's Links array is reused when it has room, and
// so is the record v.Referrer points at, if any, for the customer's
// referrer. On an error v is left as it was.
func (s *Store) ReadCustomer(ref string, v *CustomerView) error {
	s.mu.Lock()
	defer s.unlock()
	c, err := s.st.lookup(ref)
	if err != nil {
		return err
	}
	s.st.viewInto(c, v)
	return nil
}

// ListCustomers returns a page of customers in creation order.
func (s *Store) ListCustomers(f CustomerFilter, p Paging) Page[CustomerView] {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	idx := &st.all
	switch f {
	case ReferredCustomers:
		idx = &st.referred
	case NonReferredCustomers:
		idx = &st.nonReferred
	}
	return seqPage(idx, p, func(e *Customer) CustomerView { return st.view(st.customers.at(e.ID)) })
}

// SearchCustomers returns the customers matching every non-empty field of r
// exactly (email case-insensitively).
func (s *Store) SearchCustomers(r Ref, p Paging) Page[CustomerView] {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	var found []*Customer
	for _, c := range []*Customer{st.customers.at(r.ID), st.byKey.at(r.Key), st.byEmail.at(emailKey(r.Email))} {
		if c == nil || (r.ID != "" && c.ID != r.ID) || (r.Key != "" && c.Key != r.Key) ||
			(r.Email != "" && !strings.EqualFold(c.Email, r.Email)) {
			continue
		}
		found = []*Customer{c}
		break
	}
	return pageOf(found, p, func(e *Customer) CustomerView { return st.view(st.customers.at(e.ID)) })
}

// Referrals returns a page of the customers that ref referred. It returns
// ErrNotFound for an unknown customer.
func (s *Store) Referrals(ref string, p Paging) (Page[CustomerView], error) {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	c, err := st.lookup(ref)
	if err != nil {
		return Page[CustomerView]{}, err
	}
	return pageOf(st.referrals.get(c.ID), p, func(e *Customer) CustomerView { return st.view(st.customers.at(e.ID)) }), nil
}

func (st *state) find(lookup string, r Ref) (*Customer, error) {
	if lookup != "" {
		return st.lookup(lookup)
	}
	return st.lookupRef(r)
}
