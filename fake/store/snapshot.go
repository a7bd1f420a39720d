package store

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
)

// SnapshotVersion is the version of the state document format.
const SnapshotVersion = 1

// Snapshot is a program's whole state as a plain document: the format of
// GET/PUT /_fake/state and of the fixture files. Records appear in creation
// order. Export followed by Load followed by Export gives the same document.
type Snapshot struct {
	// Version is SnapshotVersion.
	Version int `json:"version"`
	// Program is the program's settings.
	Program Program `json:"program"`
	// Customers in creation order. A referrer may appear after the customers
	// it referred.
	Customers []Customer `json:"customers"`
	// Links are the referral links. Default links may be left out; Load
	// creates a missing one from the customer's key.
	Links []Link `json:"referral_links"`
	// Invitations are the recorded invitations.
	Invitations []Invitation `json:"invitations"`
	// Transactions in creation order.
	Transactions []Transaction `json:"transactions"`
	// Rewards in creation order. Balances are derived from them and Credits.
	Rewards []Reward `json:"rewards"`
	// Credits are the manual balance credits, in creation order per customer.
	Credits []Credit `json:"credits"`
	// Clicks per customer id.
	Clicks map[string]int `json:"clicks,omitempty"`
	// Webhooks are the registered webhooks.
	Webhooks []Webhook `json:"webhooks,omitempty"`
	// Counters are the identifier generation counters, so that identifiers
	// generated after a Load do not depend on how the state was reached.
	Counters map[string]uint64 `json:"counters,omitempty"`
}

// Export returns the current state as a Snapshot.
func (s *Store) Export() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	snap := Snapshot{
		Version:     SnapshotVersion,
		Program:     st.program.clone(),
		Customers:   make([]Customer, 0, st.all.len()),
		Links:       make([]Link, 0, st.all.len()+st.additionalLinks()),
		Invitations: make([]Invitation, 0, st.invitations.len()),
		Counters:    maps.Clone(st.counters),
	}
	for in := range st.invitations.values() {
		snap.Invitations = append(snap.Invitations, in.clone())
	}
	snap.Transactions = make([]Transaction, 0, st.txOrder.len())
	snap.Rewards = make([]Reward, 0, st.rewards.len())
	snap.Credits = []Credit{}
	for e := range st.all.values() {
		c := st.customers.at(e.ID)
		snap.Customers = append(snap.Customers, c.clone())
		snap.Links = append(snap.Links, st.defaultLinkOf(c))
		for _, k := range st.custLinks.get(c.ID) {
			snap.Links = append(snap.Links, *st.links.at(k))
		}
		snap.Credits = append(snap.Credits, st.credits.get(c.ID)...)
	}
	for e := range st.txOrder.values() {
		snap.Transactions = append(snap.Transactions, st.txs.at(e.ID).clone())
	}
	for _, r := range st.rewards.all() {
		snap.Rewards = append(snap.Rewards, r.clone())
	}
	slices.SortFunc(snap.Rewards, func(a, b Reward) int { return cmp.Compare(a.seq, b.seq) })
	for _, e := range st.webhookOrder {
		snap.Webhooks = append(snap.Webhooks, st.webhooks.at(e.Key).clone())
	}
	if st.clicks.len() > 0 {
		snap.Clicks = map[string]int{}
		for id, n := range st.clicks.all() {
			snap.Clicks[id] = n
		}
	}
	return snap
}

// Load replaces the whole state with snap, after checking it: identifiers
// unique, referrers and link owners present, statuses known. On error
// (ErrInvalid, naming the offending field) nothing changes. Load also makes
// snap the state Reset returns to when initial is true.
func (s *Store) Load(snap Snapshot, initial bool) error {
	st, err := s.build(snap)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pin(st)
	s.st = st
	if initial {
		s.initial = st.share()
	}
	return nil
}

// build turns a snapshot into a state without touching the store.
func (s *Store) build(snap Snapshot) (*state, error) {
	if snap.Version != SnapshotVersion {
		return nil, invalid("version", RuleEquals, "value", SnapshotVersion)
	}
	p := snap.Program.withDefaults()
	if p.ID == "" {
		return nil, invalid("program.id", RuleRequired, "attribute", "program_id")
	}
	if err := p.validate("program."); err != nil {
		return nil, err
	}
	st := newState(p)
	if snap.Counters != nil {
		st.counters = maps.Clone(snap.Counters)
	}
	now := s.timestamp()
	st.customers.reserve(st, len(snap.Customers), keysOf(snap.Customers, func(c *Customer) string { return c.ID }))
	st.byKey.reserve(st, len(snap.Customers), keysOf(snap.Customers, func(c *Customer) string { return c.Key }))
	st.byEmail.reserve(st, len(snap.Customers), func(yield func(string) bool) {
		for i := range snap.Customers {
			if e := snap.Customers[i].Email; e != "" && !yield(emailKey(e)) {
				return
			}
		}
	})
	// Pass 1: customers and their identifiers.
	for i, c := range snap.Customers {
		f := item{"customers", i}
		switch {
		case c.ID == "":
			return nil, invalid(f.at("id"), RuleRequired)
		case c.Key == "":
			return nil, invalid(f.at("key"), RuleRequired)
		case st.customers.at(c.ID) != nil:
			return nil, taken(f.at("id"))
		case st.byKey.at(c.Key) != nil:
			return nil, taken(f.at("key"))
		case c.Email != "" && st.byEmail.at(emailKey(c.Email)) != nil:
			return nil, taken(f.at("email"))
		}
		if err := s.checkImported(f, c); err != nil {
			return nil, err
		}
		switch c.Status {
		case "", StatusActive:
			c.Status = StatusActive
		case StatusArchived:
			c.Status = StatusArchived
		default:
			return nil, invalid(f.at("status"), RuleIn)
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		st.seq++
		c.seq = st.seq
		cc := c
		cc.Metadata = c.Metadata.clone()
		st.putCustomer(&cc)
	}
	// Pass 2: the referral graph, now that every customer is known. A
	// reference to a record shares the record's own id string: a document
	// decoded from JSON holds a copy of the id in every reference.
	for i, c := range snap.Customers {
		if c.ReferrerID == "" {
			continue
		}
		r := st.customers.at(c.ReferrerID)
		if c.ReferrerID == c.ID || r == nil {
			return nil, invalid(fmt.Sprintf("customers.%d.referring_customer_id", i), RuleExists, "attribute", "referring_customer")
		}
		st.customers.at(c.ID).ReferrerID = r.ID // the state is not shared yet
	}
	if i := referralCycle(snap.Customers); i >= 0 {
		return nil, invalid(fmt.Sprintf("customers.%d.referring_customer_id", i), RuleReferralCycle)
	}
	for _, sc := range snap.Customers {
		c := st.customers.at(sc.ID)
		st.all.push(st, c)
		if c.ReferrerID != "" {
			st.referred.push(st, c)
			st.referrals.push(st, c.ReferrerID, c)
		} else {
			st.nonReferred.push(st, c)
		}
	}
	// Links, then the default links the document left out. A default link
	// as it would be created stays implicit (see state.link).
	defaults := map[string]bool{} // customer keys whose default link the document holds
	for i, l := range snap.Links {
		f := item{"referral_links", i}
		c := st.customers.at(l.CustomerID)
		switch {
		case l.Key == "":
			return nil, invalid(f.at("key"), RuleRequired)
		case c == nil:
			return nil, invalid(f.at("customer_id"), RuleExists, "attribute", "customer")
		case st.links.at(l.Key) != nil || (l.Default && defaults[l.Key]):
			return nil, taken(f.at("key"))
		case l.Default != (l.Key == c.Key):
			return nil, invalid(f.at("default"), RuleDefaultLinkIsCustKey)
		case !l.Default && st.byKey.at(l.Key) != nil:
			return nil, taken(f.at("key"))
		}
		if l.CreatedAt.IsZero() {
			l.CreatedAt = c.CreatedAt
		}
		l.CustomerID = c.ID
		st.seq++
		l.seq = 0
		if l.Default {
			defaults[l.Key] = true
			if l == defaultLink(c) {
				continue
			}
		}
		l.seq = st.seq
		st.insertLink(&l)
	}
	for c := range st.all.values() { // the current versions: the state is not shared yet
		if !defaults[c.Key] {
			st.seq++ // as if the missing default link had been given
		}
	}
	for i, in := range snap.Invitations {
		if in.Email == "" {
			return nil, invalid(fmt.Sprintf("invitations.%d.email", i), RuleRequired)
		}
	}
	for _, in := range snap.Invitations {
		c := in.clone()
		st.invitations.push(st, &c)
	}
	if err := st.buildMoney(snap); err != nil {
		return nil, err
	}
	return st, nil
}

// checkImported holds an imported customer to the rules the API's request
// schema enforces, so that imported data never makes a response break the
// spec.
func (s *Store) checkImported(f item, c Customer) error {
	for _, v := range [...]struct{ field, v string }{{"id", c.ID}, {"key", c.Key}, {"email", c.Email}, {"name", c.Name}, {"surname", c.Surname}} {
		if len(v.v) > 255 {
			return invalid(f.at(v.field), RuleMaxChars, "name", v.field, "max", 255)
		}
	}
	if c.Email != "" && !s.validEmail(c.Email) {
		return invalid(f.at("email"), RuleEmail)
	}
	if c.DateOfBirth != "" {
		if _, err := time.Parse(time.DateOnly, c.DateOfBirth); err != nil {
			return invalid(f.at("date_of_birth"), RuleDateFormat, "format", "YYYY-MM-DD")
		}
	}
	if err := c.Metadata.validate(); err != nil {
		return prefixed(f.at(""), err)
	}
	return nil
}

// buildMoney loads transactions, rewards, credits and clicks, and derives
// the balances from them.
func (st *state) buildMoney(snap Snapshot) error {
	// Records share the strings they repeat: the ids of the records they
	// refer to, and the few distinct actions, rules, types and units.
	words := interner{}
	st.txs.reserve(st, len(snap.Transactions), keysOf(snap.Transactions, func(t *Transaction) string { return t.ID }))
	st.rewards.reserve(st, len(snap.Rewards), keysOf(snap.Rewards, func(r *Reward) string { return r.Key }))
	for i, t := range snap.Transactions {
		f := item{"transactions", i}
		units, ok := normalizeUnits(t.Units, t.IsCurrency)
		buyer, referrer := st.customers.at(t.CustomerID), st.customers.at(t.ReferrerID)
		switch {
		case t.ID == "" || st.txs.at(t.ID) != nil:
			return invalid(f.at("id"), RuleRequiredUnique)
		case t.Key == "":
			return invalid(f.at("key"), RuleRequired)
		case buyer == nil:
			return invalid(f.at("customer_id"), RuleExists, "attribute", "customer")
		case t.ReferrerID != "" && referrer == nil:
			return invalid(f.at("referrer_id"), RuleExists, "attribute", "referrer")
		case t.Amount.Sign() <= 0:
			return invalid(f.at("amount"), RuleGt, "value", 0)
		case !ok || units != t.Units:
			return invalid(f.at("amount_units"), RuleIn)
		case t.CreatedAt.IsZero():
			return invalid(f.at("created_at"), RuleRequired)
		}
		if t.Action == "" {
			t.Action = "sale"
		}
		t.CustomerID, t.Units = buyer.ID, units
		if referrer != nil {
			t.ReferrerID = referrer.ID
		}
		t.Action, t.ProductType = words.of(t.Action), words.of(t.ProductType)
		t = t.clone()
		st.seq++
		t.seq = st.seq
		st.insertTransaction(&t)
	}
	for i, r := range snap.Rewards {
		f := item{"rewards", i}
		units, ok := normalizeUnits(r.Units, r.IsCurrency)
		var tx *Transaction
		if r.TransactionID != "" {
			tx = st.txs.at(r.TransactionID)
		}
		to, friend := st.customers.at(r.CustomerID), st.customers.at(r.ReferredID)
		switch {
		case r.Key == "" || st.rewards.at(r.Key) != nil:
			return invalid(f.at("key"), RuleRequiredUnique)
		case to == nil:
			return invalid(f.at("customer_id"), RuleExists, "attribute", "customer")
		case friend == nil:
			return invalid(f.at("referred_customer_id"), RuleExists, "attribute", "referred_customer")
		case r.TransactionID != "" && tx == nil:
			return invalid(f.at("transaction_id"), RuleExists, "attribute", "transaction")
		case tx != nil && (tx.ArchivedAt != nil) != (r.DeletedAt != nil):
			return invalid(f.at("deleted_at"), RuleVoidWhileArchived)
		case !slices.Contains([]string{RewardCredit, RewardDiscount, RewardCash}, r.Type):
			return invalid(f.at("type"), RuleIn)
		case r.Amount.Sign() <= 0:
			return invalid(f.at("amount"), RuleGt, "value", 0)
		case !ok || units != r.Units:
			return invalid(f.at("amount_units"), RuleIn)
		}
		r.CustomerID, r.ReferredID, r.Units = to.ID, friend.ID, units
		if tx != nil {
			r.TransactionID = tx.ID
		}
		if referrer := st.customers.at(r.ReferrerID); referrer != nil {
			r.ReferrerID = referrer.ID
		} else {
			r.ReferrerID = words.of(r.ReferrerID)
		}
		r.Rule, r.Action, r.Type = words.of(r.Rule), words.of(r.Action), words.of(r.Type)
		r = r.clone()
		st.seq++
		r.seq = st.seq
		st.addReward(&r, tx)
	}
	for i, c := range snap.Credits {
		f := item{"credits", i}
		units, ok := normalizeUnits(c.Units, c.IsCurrency)
		switch {
		case st.customers.at(c.CustomerID) == nil:
			return invalid(f.at("customer_id"), RuleExists, "attribute", "customer")
		case c.Amount.Sign() <= 0:
			return invalid(f.at("amount"), RuleGt, "value", 0)
		case !ok || units != c.Units:
			return invalid(f.at("amount_units"), RuleIn)
		}
		c.CustomerID, c.Units = st.customers.at(c.CustomerID).ID, units
		st.credits.push(st, c.CustomerID, c)
		addBalance(st, c.CustomerID, c.Units, c.IsCurrency, c.Amount)
	}
	for i, w := range snap.Webhooks {
		f := item{"webhooks", i}
		if err := checkWebhook(w.Name, w.URL, w.Events); err != nil {
			return prefixed(f.at(""), err)
		}
		if w.Key == "" || st.webhooks.has(w.Key) {
			return invalid(f.at("key"), RuleRequiredUnique)
		}
		if w.Signature == "" {
			return invalid(f.at("signature"), RuleRequired)
		}
		st.seq++
		w.seq = st.seq
		w.Events = slices.Clone(w.Events)
		st.webhooks.put(st, w.Key, &w)
		st.webhookOrder = append(st.webhookOrder, &w)
	}
	for id, n := range snap.Clicks {
		c := st.customers.at(id)
		if c == nil || n < 0 {
			return invalid("clicks."+id, RuleClicks)
		}
		st.clicks.put(st, c.ID, n)
	}
	return nil
}

// referralCycle returns the index of a customer on a referral cycle (A
// referred by B referred by A), or -1: the API cannot make one, so an
// imported state must not hold one either. Each customer is walked once.
func referralCycle(cs []Customer) int {
	index := make(map[string]int, len(cs))
	for i, c := range cs {
		index[c.ID] = i
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := make([]int, len(cs))
	for start := range cs {
		var path []int
		i := start
		for i >= 0 && state[i] == unseen {
			state[i] = onPath
			path = append(path, i)
			next, ok := index[cs[i].ReferrerID]
			if !ok {
				next = -1
			}
			i = next
		}
		if i >= 0 && state[i] == onPath {
			return i
		}
		for _, p := range path {
			state[p] = done
		}
	}
	return -1
}

// interner hands out one copy of each string it is given.
type interner map[string]string

// of returns the first copy of s it was given.
func (in interner) of(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}

// item names an element of one of a snapshot's lists in an error
// ("customers.3."), built only when there is an error to report.
type item struct {
	list string
	i    int
}

// at returns the name of a field of the element: "customers.3.email".
func (f item) at(field string) string { return f.list + "." + strconv.Itoa(f.i) + "." + field }
