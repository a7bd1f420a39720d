package store

import (
	"slices"
	"time"
)

// Reward is what a reward rule granted for a signup or a sale.
type Reward struct {
	// Key identifies the reward.
	Key string `json:"key"`
	// TransactionID is the sale that earned it; "" for a signup reward.
	TransactionID string `json:"transaction_id,omitempty"`
	// CustomerID is who receives it.
	CustomerID string `json:"customer_id"`
	// ReferrerID is the referrer of the referral that earned it.
	ReferrerID string `json:"referrer_id"`
	// ReferredID is the referred friend whose signup or sale earned it.
	ReferredID string `json:"referred_customer_id"`
	// Rule is the id of the reward rule.
	Rule string `json:"rule"`
	// Action is the sale's action, or "signup".
	Action string `json:"action"`
	// Type is RewardCredit, RewardDiscount or RewardCash.
	Type string `json:"type"`
	// Amount, Units and IsCurrency are the reward's value.
	Amount     Money  `json:"amount"`
	Units      string `json:"amount_units"`
	IsCurrency bool   `json:"is_currency"`
	// CreatedAt is when it was granted.
	CreatedAt time.Time `json:"created_at"`
	// DeletedAt is set while the reward is void (its sale archived).
	DeletedAt *time.Time `json:"deleted_at,omitempty"`

	seq int64
}

// Live reports whether the reward counts.
func (r Reward) Live() bool { return r.DeletedAt == nil }

// clone returns r with its own DeletedAt.
func (r Reward) clone() Reward {
	r.DeletedAt = copyTime(r.DeletedAt)
	return r
}

// grantSignupRewards applies the signup rules to a new referred customer
// and reports whether it granted anything.
func (s *Store) grantSignupRewards(st *state, friend, referrer *Customer, now time.Time) bool {
	granted := false
	for _, rule := range st.program.Rewards {
		if rule.Trigger != TriggerSignup || !st.underLimit(rule, referrer) {
			continue
		}
		granted = s.grant(st, rule, nil, "signup", friend, referrer, rule.Amount, rule.Currency, true, now) || granted
	}
	return granted
}

// grantSaleRewards applies the sale rules to a new transaction.
func (s *Store) grantSaleRewards(st *state, t *Transaction, buyer, referrer *Customer, now time.Time) {
	if referrer == nil || !t.Rewardable {
		return
	}
	for _, rule := range st.program.Rewards {
		switch rule.Trigger {
		case TriggerEveryPurchase:
		case TriggerSubscription:
			if t.Action != "subscription" && t.ProductType != "subscription" {
				continue
			}
		case TriggerPurchase, TriggerFirstPurchase:
			if st.hadFirstPurchase(rule, buyer, t) {
				continue
			}
		default:
			continue
		}
		if t.Amount.Cmp(rule.MinSaleAmount) < 0 || !st.underLimit(rule, referrer) {
			continue
		}
		amount, units, isCurrency := rule.Amount, rule.Currency, true
		if rule.AmountType == AmountPercent {
			amount, units, isCurrency = t.Amount.Percent(rule.Amount), t.Units, t.IsCurrency
		}
		s.grant(st, rule, t, t.Action, buyer, referrer, amount, units, isCurrency, now)
	}
}

// hadFirstPurchase reports whether another live sale of the buyer already
// holds a live reward of this first-purchase rule.
func (st *state) hadFirstPurchase(rule RewardRule, buyer *Customer, t *Transaction) bool {
	for _, e := range st.txByBuyer.get(buyer.ID) {
		if e.ID == t.ID || st.txs.at(e.ID).ArchivedAt != nil {
			continue
		}
		found := false
		st.liveRewards(e, func(r *Reward) { found = found || r.Rule == rule.ID && r.Live() })
		if found {
			return true
		}
	}
	return false
}

// underLimit reports whether a rule may still reward on behalf of referrer:
// each rewarded signup or sale of its friends counts once.
func (st *state) underLimit(rule RewardRule, referrer *Customer) bool {
	if rule.MaxPerReferrer == 0 {
		return true
	}
	uses := 0
	var buf [1]*Reward
	count := func(rewards []*Reward, txID string) {
		for _, e := range rewards {
			if r := st.rewards.at(e.Key); r != nil && r.TransactionID == txID && r.Rule == rule.ID && r.Live() {
				uses++
				return
			}
		}
	}
	// Stop counting at the limit: a referrer past it, the usual case once
	// reached, costs the limit's worth of lookups, not all its friends'.
	for _, e := range st.txByRef.get(referrer.ID) {
		if count(e.rewards, e.ID); uses >= rule.MaxPerReferrer {
			return false
		}
	}
	for _, e := range st.referrals.get(referrer.ID) {
		if count(st.signupRewards.read(e.ID, &buf), ""); uses >= rule.MaxPerReferrer {
			return false
		}
	}
	return true
}

// grant creates a rule's rewards for one event, a sale recorded in this
// change (tx) or a signup (tx nil), and reports whether it created any.
// Archived customers stop earning: they receive nothing.
func (s *Store) grant(st *state, rule RewardRule, tx *Transaction, action string, friend, referrer *Customer,
	amount Money, units string, isCurrency bool, now time.Time) bool {
	if amount.Sign() <= 0 {
		return false
	}
	if units == "" {
		units = st.program.Currency
	}
	var to []*Customer
	if rule.Recipients != RecipientReferred {
		to = append(to, referrer)
	}
	if rule.Recipients != RecipientReferrer {
		to = append(to, friend)
	}
	granted := false
	for _, c := range to {
		if c.Status != StatusActive {
			continue
		}
		granted = true
		st.seq++
		r := s.rwSlab.new()
		*r = Reward{
			seq:        st.seq,
			Key:        s.uniqueID(st, "reward.key", func(v string) bool { return st.rewards.at(v) != nil }),
			CustomerID: c.ID, ReferrerID: referrer.ID, ReferredID: friend.ID, Rule: rule.ID, Action: action,
			Type: rule.Type, Amount: amount, Units: units, IsCurrency: isCurrency, CreatedAt: now,
		}
		if tx != nil && tx.rewards == nil {
			tx.rewards = s.rlSlab.new()[:0] // room for one, the usual count, from a slab
		}
		st.addReward(r, tx)
	}
	return granted
}

// addReward stores r, the reward of tx (a sale recorded or loaded in this
// change, which no other change has seen yet) or of a signup (tx nil).
func (st *state) addReward(r *Reward, tx *Transaction) {
	st.rewards.put(st, r.Key, r)
	if tx != nil {
		r.TransactionID = tx.ID
		tx.rewards = append(tx.rewards, r)
	} else {
		st.signupRewards.push(st, r.ReferredID, r)
	}
	st.rewardsTo.push(st, r.CustomerID, r)
	st.accrue(r, 1)
}

// accrue adds (sign 1) or removes (sign -1) a live credit reward from its
// recipient's balance.
func (st *state) accrue(r *Reward, sign int64) {
	if r.Type != RewardCredit || !r.Live() {
		return
	}
	addBalance(st, r.CustomerID, r.Units, r.IsCurrency, r.Amount.Mul(sign))
}

// removeRewards removes the rewards of keys (those still stored) from
// every index, each list they are in rewritten once.
func (st *state) removeRewards(keys []string) {
	gone := make(map[string]bool, len(keys))
	var to, signups []string
	for _, key := range keys {
		r := st.rewards.at(key)
		if r == nil { // a key listed twice is gone the second time
			continue
		}
		gone[key] = true
		st.accrue(r, -1)
		st.rewards.del(st, key)
		to = append(to, r.CustomerID)
		if r.TransactionID == "" {
			signups = append(signups, r.ReferredID)
		}
	}
	without := func(rs []*Reward) []*Reward {
		return slices.DeleteFunc(rs, func(e *Reward) bool { return gone[e.Key] })
	}
	for _, id := range distinct(to) {
		st.rewardsTo.edit(st, id, without)
	}
	for _, id := range distinct(signups) {
		st.signupRewards.edit(st, id, without)
	}
}

// setRewardLive voids (live false) or revives a reward.
func (st *state) setRewardLive(key string, live bool, now time.Time) {
	old := st.rewards.at(key)
	if old.Live() == live {
		return
	}
	st.accrue(old, -1)
	r := *old
	r.DeletedAt = nil
	if !live {
		r.DeletedAt = &now
	}
	st.rewards.put(st, key, &r)
	st.accrue(&r, 1)
}

// emitRewarded records the customer.rewarded event of a reward just
// granted: its data is the reward, which names its recipient. r is not
// changed afterwards (a sale's event shares it with the sale's view).
func (s *Store) emitRewarded(r *Reward) {
	s.emit(Event{Type: EventCustomerRewarded, Reward: r})
}
