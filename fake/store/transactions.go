package store

import (
	"errors"
	"slices"
	"time"
)

// Transaction is a sale of a referred customer (the buyer), as recorded by
// POST /transactions.
type Transaction struct {
	// ID identifies the record; Partnero identifies transactions by key
	// only, but keys may repeat (see TransactionKeysAllow).
	ID string `json:"id"`
	// Key is your payment or invoice id.
	Key string `json:"key"`
	// CustomerID is the buyer.
	CustomerID string `json:"customer_id"`
	// ReferrerID is the buyer's referrer when the sale was recorded.
	ReferrerID string `json:"referrer_id,omitempty"`
	// Action is free text, "sale" by default.
	Action string `json:"action"`
	// Amount is the sale amount.
	Amount Money `json:"amount"`
	// Units is the currency (upper-case ISO 4217) or a non-currency label.
	Units string `json:"amount_units"`
	// IsCurrency tells money from points.
	IsCurrency bool `json:"is_currency"`
	// ProductID and ProductType are optional product details.
	ProductID   string `json:"product_id,omitempty"`
	ProductType string `json:"product_type,omitempty"`
	// Rewardable false records the sale without rewards.
	Rewardable bool `json:"rewardable"`
	// CreatedAt is when the sale happened (it can be backdated).
	CreatedAt time.Time `json:"created_at"`
	// ArchivedAt is set while the transaction is archived.
	ArchivedAt *time.Time `json:"deleted_at,omitempty"`

	seq int64
	// rewards are the rewards granted for the sale, in the change that
	// recorded (or loaded) it: set before any other change can see the
	// record, never changed after, and shared by its later versions. A
	// reward removed since (its recipient deleted) stays listed, and its
	// key may be given to another sale's reward later (a state loaded
	// without its counters): read them only through liveRewards, which
	// keeps the stored rewards that are still this sale's.
	rewards []*Reward
}

// Credit is a manual credit of a customer's balance.
type Credit struct {
	Key        string    `json:"key"`
	CustomerID string    `json:"customer_id"`
	Amount     Money     `json:"amount"`
	Units      string    `json:"amount_units"`
	IsCurrency bool      `json:"is_currency"`
	CreatedAt  time.Time `json:"created_at"`
}

// balanceKey is one balance line: a customer's amount in one unit.
type balanceKey struct {
	customer string
	units    string
	currency bool
}

// TransactionView is a transaction with its rewards.
type TransactionView struct {
	Transaction
	Rewards []Reward
}

// NewTransaction is one sale to record. Amount is the decimal text received.
type NewTransaction struct {
	Key, Action, Amount, Units string
	IsCurrency                 *bool
	ProductID, ProductType     string
	Rewardable                 *bool
	CreatedAt                  *time.Time
}

// TransactionBatch is the input of CreateTransactions: one customer and one
// or more sales.
type TransactionBatch struct {
	// Customer is the buyer.
	Customer Ref
	// Create, when not nil (options.create_customer), is the customer to
	// create when Customer names nobody.
	Create *NewCustomer
	// Items are the sales.
	Items []NewTransaction
}

// CreateTransactions records sales and grants their rewards, all or nothing.
// The error of one sale is an *ItemError naming it.
// It returns ErrInvalid for an unknown or (unless the program accepts them)
// non-referred customer, a bad amount or unit, or a taken key when the
// program rejects duplicate keys.
func (s *Store) CreateTransactions(b TransactionBatch) ([]TransactionView, error) {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	p := st.program

	// Validate everything before changing anything.
	buyer, err := st.lookupRef(b.Customer)
	var create *NewCustomer
	var referrer *Customer
	switch {
	case err == nil:
		if buyer.ReferrerID != "" {
			referrer = st.customers.at(buyer.ReferrerID)
		}
	case b.Create != nil:
		in := b.Create.withDefaultID()
		if err := room("customers", st.all.len(), 1, s.limits.Customers); err != nil {
			return nil, err
		}
		if referrer, err = st.checkNewCustomer(in); err != nil {
			return nil, prefixed("customer.", err)
		}
		create = &in
	default:
		return nil, invalid("customer", RuleExists)
	}
	if referrer == nil && p.NonReferred == NonReferredReject {
		return nil, invalid("customer", RuleReferredOnly)
	}
	if err := room("transactions", st.txOrder.len(), len(b.Items), s.limits.Transactions); err != nil {
		return nil, err
	}
	items := make([]Transaction, len(b.Items))
	var seen map[string]bool // keys of this batch, when keys must be unique
	for i, in := range b.Items {
		tx, err := st.checkTransaction(in)
		if err != nil {
			return nil, &ItemError{Index: i, Err: err}
		}
		if tx.Key != "" && p.TransactionKeys == TransactionKeysReject {
			if st.txByKey.count(tx.Key) > 0 || seen[tx.Key] {
				return nil, &ItemError{Index: i, Err: taken("key")}
			}
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[tx.Key] = true
		}
		items[i] = tx
	}

	var lines [4]addition // a sale's: the referrer's line and the buyer's
	if !roomFor(st, st.creditBound(lines[:0], items, buyer, referrer)) {
		return nil, invalid("amount", RuleRewardBalanceBound)
	}

	// Apply: nothing below can fail.
	now := s.timestamp()
	if create != nil {
		buyer, _ = s.addCustomer(st, *create, referrer, now)
	}
	out := make([]TransactionView, 0, len(items))
	for i := range items {
		tx := s.txSlab.new() // the record (see slab)
		*tx = items[i]
		tx.Key, tx.Action = s.strs.clone(tx.Key), s.strs.clone(tx.Action)
		tx.ProductID, tx.ProductType = s.strs.clone(tx.ProductID), s.strs.clone(tx.ProductType)
		tx.ID = s.uniqueID(st, "transaction.id", func(v string) bool { return st.txs.at(v) != nil })
		if tx.Key == "" {
			tx.Key = s.uniqueID(st, "transaction.key", func(v string) bool { return st.txByKey.count(v) > 0 })
		}
		tx.CustomerID = buyer.ID
		if referrer != nil {
			tx.ReferrerID = referrer.ID
		}
		if tx.CreatedAt.IsZero() {
			tx.CreatedAt = now
		}
		st.seq++
		tx.seq = st.seq
		t := tx
		st.insertTransaction(t)
		s.grantSaleRewards(st, t, buyer, referrer, now)
		v := st.txView(t)
		if s.publish != nil {
			s.emit(Event{Type: EventTransactionCreated, Transaction: &v})
			for i := range v.Rewards {
				s.emitRewarded(&v.Rewards[i])
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// creditBound is the most the sales could add to balances through credit
// rules, per balance line (a handful of lines: a slice, searched), appended
// to add.
func (st *state) creditBound(add additions, items []Transaction, buyer, referrer *Customer) additions {
	if referrer == nil {
		return add
	}
	buyerID := ""
	if buyer != nil {
		buyerID = buyer.ID
	}
	for _, rule := range st.program.Rewards {
		if rule.Type != RewardCredit || rule.Trigger == TriggerSignup {
			continue
		}
		for _, t := range items {
			amount, units, cur := rule.Amount, rule.Currency, true
			if rule.AmountType == AmountPercent {
				amount, units, cur = t.Amount, t.Units, t.IsCurrency
			}
			if units == "" {
				units = st.program.Currency
			}
			if rule.Recipients != RecipientReferred {
				add = add.add(balanceKey{referrer.ID, units, cur}, amount)
			}
			if rule.Recipients != RecipientReferrer && buyerID != "" {
				add = add.add(balanceKey{buyerID, units, cur}, amount)
			}
		}
	}
	return add
}

// prefixed moves a field error under a parent field.
func prefixed(prefix string, err error) error {
	var se *Error
	if errors.As(err, &se) && se.Field != "" {
		c := *se
		c.Field = prefix + se.Field
		return &c
	}
	return err
}

// checkTransaction validates one sale and returns it without identifiers.
func (st *state) checkTransaction(in NewTransaction) (Transaction, error) {
	tx := Transaction{
		Key: in.Key, Action: in.Action, ProductID: in.ProductID, ProductType: in.ProductType,
		IsCurrency: true, Rewardable: true,
	}
	if tx.Action == "" {
		tx.Action = "sale"
	}
	if in.IsCurrency != nil {
		tx.IsCurrency = *in.IsCurrency
	}
	if in.Rewardable != nil {
		tx.Rewardable = *in.Rewardable
	}
	if in.CreatedAt != nil {
		tx.CreatedAt = in.CreatedAt.UTC().Truncate(time.Second)
	}
	if in.Amount == "" {
		return tx, invalid("amount", RuleRequired)
	}
	amount, err := ParseMoney(in.Amount)
	if err != nil {
		return tx, amountError("amount", err)
	}
	if amount.Sign() <= 0 {
		return tx, invalid("amount", RuleGt, "value", 0)
	}
	tx.Amount = amount
	units := in.Units
	if units == "" && tx.IsCurrency {
		units = st.program.Currency
	}
	u, ok := normalizeUnits(units, tx.IsCurrency)
	if !ok {
		if tx.IsCurrency {
			return tx, invalid("amount_units", RuleKnownCurrency)
		}
		return tx, invalid("amount_units", RuleRequiredIf, "other", "is_currency", "value", "false")
	}
	tx.Units = u
	return tx, nil
}

func amountError(field string, err error) error {
	switch {
	case errors.Is(err, errPrecision):
		return invalid(field, RuleDecimal, "places", "0-6")
	case errors.Is(err, errTooLarge):
		return invalid(field, RuleMax, "max", MaxMoney().String())
	}
	return invalid(field, RuleNumeric)
}

// insertTransaction adds t, the newest transaction, to every index: it goes
// at the end of each ordered list.
func (st *state) insertTransaction(t *Transaction) {
	st.txs.put(st, t.ID, t)
	insertSeq(st, &st.txOrder, t)
	st.txByKey.push(st, t.Key, t)
	st.txByBuyer.push(st, t.CustomerID, t)
	if t.ReferrerID != "" {
		st.txByRef.push(st, t.ReferrerID, t)
	}
}

// removeTransactions removes ts and their rewards from every index, each
// index list they are in rewritten once: deleting a customer with many
// purchases costs O(the lists' lengths), not O(purchases × lists' lengths).
func (st *state) removeTransactions(ts []*Transaction) {
	if len(ts) == 0 {
		return
	}
	gone := make(map[int64]bool, len(ts))
	var keys, buyers, refs, rewards []string
	for _, t := range ts {
		gone[t.seq] = true
		st.txs.del(st, t.ID)
		keys = append(keys, t.Key)
		buyers = append(buyers, t.CustomerID)
		if t.ReferrerID != "" {
			refs = append(refs, t.ReferrerID)
		}
		st.liveRewards(t, func(r *Reward) { rewards = append(rewards, r.Key) })
	}
	removeSeqs(st, &st.txOrder, gone)
	drop := func(es []*Transaction) []*Transaction {
		return slices.DeleteFunc(es, func(e *Transaction) bool { return gone[e.seq] })
	}
	for _, index := range []struct {
		lists *lists[*Transaction]
		keys  []string
	}{{&st.txByKey, keys}, {&st.txByBuyer, buyers}, {&st.txByRef, refs}} {
		for _, k := range distinct(index.keys) {
			index.lists.edit(st, k, drop)
		}
	}
	st.removeRewards(rewards)
}

// distinct returns ks without repeats, in the order of their first
// occurrence.
func distinct(ks []string) []string {
	seen := make(map[string]bool, len(ks))
	return slices.DeleteFunc(ks, func(k string) bool {
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}

// liveRewards calls f with the current version of each reward of t that
// is still stored.
func (st *state) liveRewards(t *Transaction, f func(*Reward)) {
	for _, e := range t.rewards {
		if r := st.rewards.at(e.Key); r != nil && r.TransactionID == t.ID {
			f(r)
		}
	}
}

func (st *state) txView(t *Transaction) TransactionView {
	v := TransactionView{Transaction: t.clone(), Rewards: make([]Reward, 0, len(t.rewards))}
	st.liveRewards(t, func(r *Reward) { v.Rewards = append(v.Rewards, r.clone()) })
	return v
}

// clone returns t with its own ArchivedAt, and without the list of its
// rewards, which is the state's own.
func (t Transaction) clone() Transaction {
	t.ArchivedAt = copyTime(t.ArchivedAt)
	t.rewards = nil
	return t
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// DeleteTransactions deletes every transaction with the key, and the
// rewards they earned: a refund. It returns the deleted transactions, or
// ErrNotFound.
func (s *Store) DeleteTransactions(key string) ([]TransactionView, error) {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	es := slices.Clone(st.txByKey.get(key))
	if len(es) == 0 {
		return nil, notFound("Transaction")
	}
	out := make([]TransactionView, 0, len(es))
	ts := make([]*Transaction, 0, len(es))
	for _, e := range es {
		t := st.txs.at(e.ID)
		out = append(out, st.txView(t))
		ts = append(ts, t)
	}
	st.removeTransactions(ts)
	for _, v := range out {
		s.emit(Event{Type: EventTransactionDeleted, Transaction: &v})
	}
	return out, nil
}

// ArchiveTransactions archives every transaction with the key and voids
// their rewards. It returns ErrNotFound, or ErrActionFailed when they are
// all archived already.
func (s *Store) ArchiveTransactions(key string) error { return s.setArchived(key, true) }

// RestoreTransactions revokes the archival of every transaction with the
// key and revives their rewards. It returns ErrNotFound, or ErrActionFailed
// when none is archived.
func (s *Store) RestoreTransactions(key string) error { return s.setArchived(key, false) }

func (s *Store) setArchived(key string, archive bool) error {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	es := st.txByKey.get(key)
	if len(es) == 0 {
		return notFound("Transaction")
	}
	now := s.timestamp()
	changed := false
	for _, e := range es {
		old := st.txs.at(e.ID)
		if (old.ArchivedAt != nil) == archive {
			continue
		}
		t := *old
		t.ArchivedAt = nil
		if archive {
			t.ArchivedAt = &now
		}
		st.txs.put(st, t.ID, &t)
		st.liveRewards(&t, func(r *Reward) { st.setRewardLive(r.Key, !archive, now) })
		changed = true
	}
	if !changed {
		return actionFailed()
	}
	return nil
}
