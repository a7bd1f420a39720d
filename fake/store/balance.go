package store

import (
	"cmp"
	"fmt"
	"slices"
)

// AmountLine is an amount in one unit.
type AmountLine struct {
	Amount     Money  `json:"amount"`
	Units      string `json:"amount_units"`
	IsCurrency bool   `json:"is_currency"`
}

// BalanceView is a customer's balance: per unit, its manual credits plus its
// live credit rewards. Money lines come first, then points, each sorted by
// unit.
type BalanceView struct {
	Customer CustomerView
	Lines    []AmountLine
}

// NewCredit is the input of CreditBalance. Amount is the decimal text
// received.
type NewCredit struct {
	Amount     string
	Units      string
	IsCurrency *bool
}

func (st *state) balanceView(c *Customer) BalanceView {
	return BalanceView{Customer: st.view(c), Lines: slices.Clone(st.balances.get(c.ID))}
}

// balanceOf returns one line of a customer's balance.
func balanceOf(st *state, k balanceKey) Money {
	var buf [1]AmountLine
	for _, l := range st.balances.read(k.customer, &buf) {
		if l.Units == k.units && l.IsCurrency == k.currency {
			return l.Amount
		}
	}
	return Money{}
}

// additions are what a change adds to balance lines, one per line.
type additions []addition

type addition struct {
	k balanceKey
	m Money
}

// add returns c with m added to line k.
func (c additions) add(k balanceKey, m Money) additions {
	for i := range c {
		if c[i].k == k {
			c[i].m = c[i].m.Add(m)
			return c
		}
	}
	return append(c, addition{k, m})
}

// roomFor reports whether every balance line can take its addition without
// passing maxBalance.
func roomFor(st *state, add additions) bool {
	for _, a := range add {
		k, m := a.k, a.m
		if m.Micros() > maxBalanceMicros-balanceOf(st, k).Micros() {
			return false
		}
	}
	return true
}

// addBalance adds delta to one line of a customer's balance. Lines that
// reach zero are dropped: a refunded customer looks like one never credited.
func addBalance(st *state, customer, units string, isCurrency bool, delta Money) {
	if delta.IsZero() {
		return
	}
	// A customer's one line in one unit, the usual case, changes in place of
	// its map slot, without a slice.
	if l, ok := st.balances.one.lookup(customer); ok && l.Units == units && l.IsCurrency == isCurrency {
		if l.Amount = l.Amount.Add(delta); l.Amount.IsZero() {
			st.balances.one.del(st, customer)
		} else {
			st.balances.one.put(st, customer, l)
		}
		return
	}
	st.balances.edit(st, customer, func(lines []AmountLine) []AmountLine {
		i := slices.IndexFunc(lines, func(l AmountLine) bool { return l.Units == units && l.IsCurrency == isCurrency })
		if i < 0 {
			lines = append(lines, AmountLine{Units: units, IsCurrency: isCurrency})
			i = len(lines) - 1
		}
		lines[i].Amount = lines[i].Amount.Add(delta)
		if lines[i].Amount.IsZero() {
			lines = slices.Delete(lines, i, i+1)
		}
		sortLines(lines)
		return lines
	})
}

func sortLines(lines []AmountLine) {
	slices.SortFunc(lines, func(a, b AmountLine) int {
		if a.IsCurrency != b.IsCurrency {
			if a.IsCurrency {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Units, b.Units)
	})
}

// Balance returns a customer's balance. It returns ErrNotFound.
func (s *Store) Balance(ref string) (BalanceView, error) {
	s.mu.Lock()
	defer s.unlock()
	c, err := s.st.lookup(ref)
	if err != nil {
		return BalanceView{}, err
	}
	return s.st.balanceView(c), nil
}

// CreditBalance adds a manual credit to a customer's balance. It returns
// ErrNotFound, or ErrInvalid for an amount that is not positive or a unit
// that is unknown.
func (s *Store) CreditBalance(ref string, in NewCredit) (BalanceView, error) {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	c, err := st.lookup(ref)
	if err != nil {
		return BalanceView{}, err
	}
	if in.Amount == "" {
		return BalanceView{}, invalid("amount", RuleRequired)
	}
	amount, err := ParseMoney(in.Amount)
	if err != nil {
		return BalanceView{}, amountError("amount", err)
	}
	if amount.Sign() <= 0 {
		return BalanceView{}, invalid("amount", RuleGt, "value", 0)
	}
	isCurrency := in.IsCurrency == nil || *in.IsCurrency
	units, ok := normalizeUnits(in.Units, isCurrency)
	if !ok {
		return BalanceView{}, invalid("amount_units", RuleIn)
	}
	if !roomFor(st, additions{{balanceKey{c.ID, units, isCurrency}, amount}}) {
		return BalanceView{}, invalid("amount", RuleBalanceBound)
	}
	cr := Credit{
		Key:        s.uniqueID(st, "credit.key", func(string) bool { return false }),
		CustomerID: c.ID, Amount: amount, Units: units, IsCurrency: isCurrency, CreatedAt: s.timestamp(),
	}
	st.credits.push(st, c.ID, cr)
	addBalance(st, c.ID, units, isCurrency, amount)
	v := st.balanceView(c)
	s.emit(Event{Type: EventCustomerCredited, Customer: &v.Customer, Balance: &v})
	return v, nil
}

// Stats are a referrer's figures for GET /customers/{id}/stats.
type Stats struct {
	// Clicks on the customer's referral links (set by tests: SetClicks).
	Clicks int
	// Referrals is the number of referred customers (signups).
	Referrals int
	// Successful referrals have at least one live (not archived) purchase;
	// the others are pending.
	Successful, Pending int
	// SalesCount is the number of live purchases of the referred customers.
	SalesCount int
	// Revenue is the sum of those purchases per unit.
	Revenue []AmountLine
	// Rewards are the customer's live rewards, per type and unit.
	Rewards []RewardLine
	// Currency is the program's currency, and TotalRewards the sum of the
	// live rewards in it, of every type.
	Currency     string
	TotalRewards Money
}

// RewardLine is the total of one type of reward in one unit.
type RewardLine struct {
	Type string `json:"type"`
	AmountLine
}

// Stats returns a customer's referral figures. It returns ErrNotFound.
func (s *Store) Stats(ref string) (Stats, CustomerView, error) {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	c, err := st.lookup(ref)
	if err != nil {
		return Stats{}, CustomerView{}, err
	}
	out := Stats{Clicks: st.clicks.at(c.ID), Referrals: st.referrals.count(c.ID)}
	buyers := map[string]bool{}
	revenue := map[balanceKey]Money{}
	for _, e := range st.txByRef.get(c.ID) {
		t := st.txs.at(e.ID)
		if t.ArchivedAt != nil {
			continue
		}
		out.SalesCount++
		k := balanceKey{"", t.Units, t.IsCurrency}
		revenue[k] = revenue[k].Add(t.Amount)
		if st.customers.at(t.CustomerID).ReferrerID == c.ID {
			buyers[t.CustomerID] = true
		}
	}
	out.Successful = len(buyers)
	out.Pending = out.Referrals - out.Successful
	for k, m := range revenue {
		out.Revenue = append(out.Revenue, AmountLine{Amount: m, Units: k.units, IsCurrency: k.currency})
	}
	sortLines(out.Revenue)
	byType := map[string]map[balanceKey]Money{}
	for _, e := range st.rewardsTo.get(c.ID) {
		r := st.rewards.at(e.Key)
		if !r.Live() {
			continue
		}
		if byType[r.Type] == nil {
			byType[r.Type] = map[balanceKey]Money{}
		}
		k := balanceKey{"", r.Units, r.IsCurrency}
		byType[r.Type][k] = byType[r.Type][k].Add(r.Amount)
	}
	for _, typ := range []string{RewardCredit, RewardDiscount, RewardCash} {
		var lines []AmountLine
		for k, m := range byType[typ] {
			lines = append(lines, AmountLine{Amount: m, Units: k.units, IsCurrency: k.currency})
		}
		sortLines(lines)
		for _, l := range lines {
			out.Rewards = append(out.Rewards, RewardLine{Type: typ, AmountLine: l})
			if l.IsCurrency && l.Units == st.program.Currency {
				out.TotalRewards = out.TotalRewards.Add(l.Amount)
			}
		}
	}
	out.Currency = st.program.Currency
	return out, st.view(c), nil
}

// SetClicks sets the number of clicks on a customer's referral links, which
// the fake cannot observe (they happen in browsers, through PartneroJS). It
// returns ErrNotFound, or ErrInvalid for a negative number.
func (s *Store) SetClicks(ref string, n int) error {
	s.mu.Lock()
	defer s.unlock()
	c, err := s.st.lookup(ref)
	if err != nil {
		return err
	}
	if n < 0 {
		return invalid("clicks", RuleMin, "min", 0)
	}
	s.st.clicks.put(s.st, c.ID, n)
	return nil
}

// CheckInvariants recomputes what the store keeps incrementally and reports
// the first disagreement: every balance equals the customer's credits plus
// its live credit rewards; every reward belongs to an existing transaction
// (or signup) and customer; every index matches the records. A nil result
// means the state is consistent.
func (s *Store) CheckInvariants() error {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	want := map[balanceKey]Money{}
	for id, cs := range st.credits.all() {
		for _, cr := range cs {
			k := balanceKey{id, cr.Units, cr.IsCurrency}
			want[k] = want[k].Add(cr.Amount)
		}
	}
	for k, r := range st.rewards.all() {
		if st.customers.at(r.CustomerID) == nil {
			return fmt.Errorf("reward %s: recipient %s does not exist", k, r.CustomerID)
		}
		if r.TransactionID != "" && st.txs.at(r.TransactionID) == nil {
			return fmt.Errorf("reward %s: transaction %s does not exist", k, r.TransactionID)
		}
		if r.TransactionID != "" && (st.txs.at(r.TransactionID).ArchivedAt != nil) == r.Live() {
			return fmt.Errorf("reward %s: live=%v but its transaction archived=%v", k, r.Live(), !r.Live())
		}
		if r.Type == RewardCredit && r.Live() {
			bk := balanceKey{r.CustomerID, r.Units, r.IsCurrency}
			want[bk] = want[bk].Add(r.Amount)
		}
	}
	for k, m := range want {
		if m.IsZero() {
			delete(want, k)
		}
	}
	have := 0
	for id, lines := range st.balances.all() {
		for _, l := range lines {
			have++
			if k := (balanceKey{id, l.Units, l.IsCurrency}); want[k] != l.Amount {
				return fmt.Errorf("balance of %s in %s: have %s, want credits+rewards %s", id, l.Units, l.Amount, want[k])
			}
		}
	}
	if have != len(want) {
		return fmt.Errorf("balances: have %d lines, want %d", have, len(want))
	}
	n, to := 0, 0
	for friend, es := range st.signupRewards.all() {
		for _, e := range es {
			if r := st.rewards.at(e.Key); r == nil {
				return fmt.Errorf("rewards of %s's signup list %s, which does not exist", friend, e.Key)
			} else if r.TransactionID != "" || r.ReferredID != friend {
				return fmt.Errorf("rewards of %s's signup list %s, which it did not earn", friend, e.Key)
			}
		}
		n += len(es)
	}
	for e := range st.txOrder.values() {
		t := st.txs.at(e.ID)
		if t == nil || t.seq != e.seq {
			return fmt.Errorf("transaction %s is ordered but not stored", e.ID)
		}
		if !slices.Equal(t.rewards, e.rewards) {
			return fmt.Errorf("transaction %s: its versions list different rewards", t.ID)
		}
		st.liveRewards(t, func(*Reward) { n++ })
	}
	for id, es := range st.rewardsTo.all() {
		for _, e := range es {
			if r := st.rewards.at(e.Key); r == nil || r.CustomerID != id {
				return fmt.Errorf("rewards to %s list %s, which it did not receive", id, e.Key)
			}
		}
		to += len(es)
	}
	if n != st.rewards.len() || to != st.rewards.len() {
		return fmt.Errorf("rewards: %d indexed by event, %d by recipient, %d stored", n, to, st.rewards.len())
	}
	if st.txOrder.len() != st.txs.len() || st.all.len() != st.customers.len() {
		return fmt.Errorf("order indexes out of step with records")
	}
	if err := st.checkOrders(); err != nil {
		return err
	}
	if err := st.checkLinks(); err != nil {
		return err
	}
	if err := st.checkCustomerIndexes(); err != nil {
		return err
	}
	for id, es := range st.referrals.all() {
		for _, e := range es {
			if c := st.customers.at(e.ID); c == nil || c.ReferrerID != id {
				return fmt.Errorf("referrals of %s lists %s, which it did not refer", id, e.ID)
			}
		}
	}
	return nil
}

// checkOrders reports the first index by creation that is not sorted, or
// (for customers) holds an entry of no record or, among the referred and
// non-referred, of a customer on the wrong side. CheckInvariants checks the
// transactions' entries as it counts their rewards.
func (st *state) checkOrders() error {
	sorted := func(name string, n int, order func(int) int64) error {
		for i := 1; i < n; i++ {
			if order(i-1) >= order(i) {
				return fmt.Errorf("%s: entries %d and %d out of order", name, i-1, i)
			}
		}
		return nil
	}
	for _, q := range []struct {
		name     string
		seq      *seq[*Customer]
		referred func(*Customer) bool
	}{
		{"customers", &st.all, func(*Customer) bool { return true }},
		{"referred customers", &st.referred, func(c *Customer) bool { return c.ReferrerID != "" }},
		{"non-referred customers", &st.nonReferred, func(c *Customer) bool { return c.ReferrerID == "" }},
	} {
		if err := sorted(q.name, q.seq.len(), func(i int) int64 { return q.seq.at(i).seq }); err != nil {
			return err
		}
		for e := range q.seq.values() {
			if c := st.customers.at(e.ID); c == nil || c.seq != e.seq || !q.referred(c) {
				return fmt.Errorf("%s list %s, which is not one", q.name, e.ID)
			}
		}
	}
	if st.referred.len()+st.nonReferred.len() != st.all.len() {
		return fmt.Errorf("%d referred and %d non-referred customers of %d", st.referred.len(), st.nonReferred.len(), st.all.len())
	}
	return sorted("transactions", st.txOrder.len(), func(i int) int64 { return st.txOrder.at(i).seq })
}

// checkCustomerIndexes reports the first customer the key or email index
// does not lead to (in its current version), or an index entry of no
// customer.
func (st *state) checkCustomerIndexes() error {
	emails := 0
	for id, c := range st.customers.all() {
		if st.byKey.at(c.Key) != c {
			return fmt.Errorf("customer %s: its key %s leads elsewhere", id, c.Key)
		}
		if c.Email != "" {
			emails++
			if st.byEmail.at(emailKey(c.Email)) != c {
				return fmt.Errorf("customer %s: its email %s leads elsewhere", id, c.Email)
			}
		}
	}
	if st.byKey.len() != st.customers.len() || st.byEmail.len() != emails {
		return fmt.Errorf("customers: %d keys and %d emails indexed for %d customers with %d emails", st.byKey.len(), st.byEmail.len(), st.customers.len(), emails)
	}
	return nil
}
