package store

import (
	"cmp"
	"slices"
	"strings"
)

// Read-only queries for the control plane and the inspector: counts,
// free-text search over customers, every reward, the referral tree. Like
// every Store method each takes the lock once and returns copies.

// Counts is the size of a program.
type Counts struct {
	Customers    int `json:"customers"`
	Transactions int `json:"transactions"`
	Rewards      int `json:"rewards"`
	Webhooks     int `json:"webhooks"`
}

// Counts returns how many records the program holds. It costs O(1).
func (s *Store) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	return Counts{Customers: st.all.len(), Transactions: st.txOrder.len(), Rewards: st.rewards.len(), Webhooks: len(st.webhookOrder)}
}

// MaxFindText bounds the text of FindCustomers.
const MaxFindText = 200

// FindCustomers returns a page of the customers whose id, key, email, name
// or surname contains text, ignoring case (every customer when text is
// ""), in creation order, and how many match in all. It scans the
// customers once: O(n), about 10 ms for 100,000.
func (s *Store) FindCustomers(text string, p Paging) (Page[CustomerView], int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	conv := func(e *Customer) CustomerView { return st.view(st.customers.at(e.ID)) }
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" {
		return seqPage(&st.all, p, conv), st.all.len()
	}
	var idx []*Customer
	for e := range st.all.values() {
		c := st.customers.at(e.ID)
		if containsFold(c.ID, text) || containsFold(c.Key, text) || containsFold(c.Email, text) ||
			containsFold(c.Name, text) || containsFold(c.Surname, text) ||
			containsFold(c.Name+" "+c.Surname, text) {
			idx = append(idx, e)
		}
	}
	return pageOf(idx, p, conv), len(idx)
}

// containsFold reports whether s contains the lower-case needle, ignoring
// case, without allocating for ASCII text.
func containsFold(s, needle string) bool {
	if len(s) < len(needle) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.Contains(strings.ToLower(s), needle)
		}
	}
	for i := 0; i+len(needle) <= len(s); i++ {
		j := 0
		for ; j < len(needle); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				break
			}
		}
		if j == len(needle) {
			return true
		}
	}
	return false
}

// FindTransactions returns a page of transactions in creation order (the
// purchases of buyer when it is not "") and how many there are. It returns
// ErrNotFound for an unknown buyer.
func (s *Store) FindTransactions(buyer string, p Paging) (Page[TransactionView], int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	conv := func(e *Transaction) TransactionView { return st.txView(st.txs.at(e.ID)) }
	if buyer == "" {
		return seqPage(&st.txOrder, p, conv), st.txOrder.len(), nil
	}
	c, err := st.lookup(buyer)
	if err != nil {
		return Page[TransactionView]{}, 0, err
	}
	idx := st.txByBuyer.get(c.ID)
	return pageOf(idx, p, conv), len(idx), nil
}

// RewardInfo is a reward with the key of the sale that earned it ("" for a
// signup reward).
type RewardInfo struct {
	Reward
	TransactionKey string `json:"transaction_key,omitempty"`
}

// FindRewards returns a page of rewards in the order they were granted
// (those received by recipient when it is not "") and how many there are.
// Void rewards (their sale archived) are included, with DeletedAt set. It
// returns ErrNotFound for an unknown recipient.
func (s *Store) FindRewards(recipient string, p Paging) (Page[RewardInfo], int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	var all []*Reward
	if recipient != "" {
		c, err := st.lookup(recipient)
		if err != nil {
			return Page[RewardInfo]{}, 0, err
		}
		for _, e := range st.rewardsTo.get(c.ID) {
			all = append(all, st.rewards.at(e.Key))
		}
	} else {
		all = make([]*Reward, 0, st.rewards.len())
		for _, r := range st.rewards.all() {
			all = append(all, r)
		}
	}
	slices.SortFunc(all, func(a, b *Reward) int { return cmp.Compare(a.seq, b.seq) })
	return pageOf(all, p, func(r *Reward) RewardInfo {
		out := RewardInfo{Reward: r.clone()}
		if t := st.txs.at(r.TransactionID); t != nil {
			out.TransactionKey = t.Key
		}
		return out
	}), len(all), nil
}

// TreeNode is a customer in a referral tree with the first of the
// customers they referred.
type TreeNode struct {
	Customer Customer
	// Referrals is how many customers this one referred; Children holds the
	// first of them (in the order they signed up), down to the depth asked.
	Referrals int
	Children  []TreeNode
}

// MaxTreeNodes bounds the nodes of one ReferralTree.
const MaxTreeNodes = 2000

// ReferralTree returns ref's referrers, the top one first, and the tree of
// the customers ref referred, depth levels deep with at most width children
// a node (and MaxTreeNodes in all). It returns ErrNotFound.
func (s *Store) ReferralTree(ref string, depth, width int) (TreeNode, []Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	c, err := st.lookup(ref)
	if err != nil {
		return TreeNode{}, nil, err
	}
	var up []Customer
	for r := c; r.ReferrerID != "" && len(up) < 1000; {
		r = st.customers.at(r.ReferrerID)
		up = append(up, *r)
	}
	slices.Reverse(up)
	budget := MaxTreeNodes
	var grow func(c *Customer, level int) TreeNode
	grow = func(c *Customer, level int) TreeNode {
		kids := st.referrals.get(c.ID)
		n := TreeNode{Customer: *c, Referrals: len(kids), Children: []TreeNode{}}
		if level >= depth {
			return n
		}
		for i, e := range kids {
			if i >= width || budget <= 0 {
				break
			}
			budget--
			n.Children = append(n.Children, grow(st.customers.at(e.ID), level+1))
		}
		return n
	}
	return grow(c, 0), up, nil
}
