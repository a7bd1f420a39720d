package store

import "slices"

// TransactionFilter selects transactions in ListTransactions.
type TransactionFilter struct {
	// Key, when not "", keeps transactions with that key.
	Key string
	// Customer, when not zero, keeps the purchases of that customer.
	Customer Ref
}

// ListTransactions returns a page of transactions in creation order.
func (s *Store) ListTransactions(f TransactionFilter, p Paging) Page[TransactionView] {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	conv := func(e *Transaction) TransactionView { return st.txView(st.txs.at(e.ID)) }
	var idx []*Transaction
	switch {
	case !f.Customer.IsZero():
		if c, err := st.lookupRef(f.Customer); err == nil {
			idx = st.txByBuyer.get(c.ID)
		}
		if f.Key != "" {
			// e may be an older version of its transaction; its key is
			// the same in every version (a transaction's key never changes).
			idx = slices.DeleteFunc(slices.Clone(idx), func(e *Transaction) bool { return e.Key != f.Key })
		}
	case f.Key != "":
		idx = st.txByKey.get(f.Key)
	default:
		return seqPage(&st.txOrder, p, conv)
	}
	return pageOf(idx, p, conv)
}

// Transaction returns the first transaction recorded with the key, with its
// rewards. It returns ErrNotFound.
func (s *Store) Transaction(key string) (TransactionView, error) {
	s.mu.Lock()
	defer s.unlock()
	es := s.st.txByKey.get(key)
	if len(es) == 0 {
		return TransactionView{}, notFound("Transaction")
	}
	return s.st.txView(s.st.txs.at(es[0].ID)), nil
}

// CustomerTransactions returns a page of the purchases of the customers that
// ref referred. It returns ErrNotFound for an unknown customer.
func (s *Store) CustomerTransactions(ref string, p Paging) (Page[TransactionView], error) {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	c, err := st.lookup(ref)
	if err != nil {
		return Page[TransactionView]{}, err
	}
	return pageOf(st.txByRef.get(c.ID), p, func(e *Transaction) TransactionView { return st.txView(st.txs.at(e.ID)) }), nil
}
