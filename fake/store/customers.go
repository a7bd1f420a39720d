package store

import (
	"net/mail"
	"strings"
	"time"
)

// Customer statuses.
const (
	// StatusActive is a live customer.
	StatusActive = "active"
	// StatusArchived is a customer archived through the API; archiving is
	// reversible with revoke-archive.
	StatusArchived = "archived"
	// StatusDeleted is reported only in the payload describing a deleted
	// customer; deleted customers are gone from the store.
	StatusDeleted = "deleted"
)

// Customer is a refer-a-friend customer: a referrer, a referred friend, or
// both.
type Customer struct {
	// ID is the private primary identifier (your account id). Immutable.
	ID string `json:"id"`
	// Key is the public referral key, the value of the default link.
	Key string `json:"key"`
	// Email is unique (case-insensitively) when present.
	Email string `json:"email,omitempty"`
	// Name is the first name.
	Name string `json:"name,omitempty"`
	// Surname is the last name.
	Surname string `json:"surname,omitempty"`
	// DateOfBirth is metadata.date_of_birth, YYYY-MM-DD.
	DateOfBirth string `json:"date_of_birth,omitempty"`
	// Metadata is the rest of the customer's metadata.
	Metadata Metadata `json:"metadata,omitempty"`
	// ReferrerID is the id of the referring customer, or "".
	ReferrerID string `json:"referring_customer_id,omitempty"`
	// Status is StatusActive or StatusArchived.
	Status string `json:"status"`
	// CreatedAt is the creation time.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is the time of the last change.
	UpdatedAt time.Time `json:"updated_at"`

	seq int64
}

// clone returns a copy of c that shares no memory with it.
func (c *Customer) clone() Customer {
	out := *c
	out.Metadata = c.Metadata.clone()
	return out
}

// CustomerView is a customer with what its API representation needs.
type CustomerView struct {
	Customer
	// Referrer is the referring customer, if any.
	Referrer *Customer
	// ReferralsCount is the number of customers this one referred.
	ReferralsCount int
	// Links are the customer's referral links, the default first.
	Links []LinkView
}

// Ref identifies a customer in a request body ({"id":…} or {"key":…}).
// ID wins over Key, which wins over Email, as Partnero documents for
// referring_customer.
type Ref struct {
	ID, Key, Email string
}

// IsZero reports whether r names nothing.
func (r Ref) IsZero() bool { return r.ID == "" && r.Key == "" && r.Email == "" }

// NewCustomer is the input of CreateCustomer. Empty strings are absent.
type NewCustomer struct {
	ID, Key, Email, Name, Surname, DateOfBirth string
	// Metadata is metadata besides date_of_birth.
	Metadata Metadata
	// Referrer is referring_customer; zero means a non-referred customer.
	Referrer Ref
	// ReferrerGiven reports that referring_customer was present, even empty.
	ReferrerGiven bool
}

// CustomerUpdate changes a customer; nil fields stay as they are.
type CustomerUpdate struct {
	Email, Name, Surname, Key, DateOfBirth *string
	// Metadata keys given are set; the others stay.
	Metadata Metadata
}

// CustomerFilter selects customers in ListCustomers.
type CustomerFilter string

// Values of CustomerFilter (Partnero's refer_status).
const (
	AllCustomers         CustomerFilter = ""
	ReferredCustomers    CustomerFilter = "referred"
	NonReferredCustomers CustomerFilter = "non_referred"
)

// CreateCustomer creates a customer. A missing id is the key, as
// Partnero's examples answer a create that sends only a key; when both are
// missing, one generated value is used for both; a missing key alone is
// generated. A referred customer triggers the program's signup rewards. It
// returns ErrInvalid when the id, key or email is taken or the referring
// customer does not exist.
func (s *Store) CreateCustomer(in NewCustomer) (CustomerView, error) {
	s.mu.Lock()
	defer s.unlock()
	st := s.st
	in = in.withDefaultID()
	if err := room("customers", st.all.len(), 1, s.limits.Customers); err != nil {
		return CustomerView{}, err
	}
	referrer, err := st.checkNewCustomer(in)
	if err != nil {
		return CustomerView{}, err
	}
	c, created := s.addCustomer(st, in, referrer, s.timestamp())
	if created != nil {
		return copyView(created), nil
	}
	return st.newView(c), nil
}

// withDefaultID returns in with its id defaulted to its key.
func (in NewCustomer) withDefaultID() NewCustomer {
	if in.ID == "" {
		in.ID = in.Key
	}
	return in
}

// checkNewCustomer validates a new customer without changing anything and
// returns its referrer (nil for none).
func (st *state) checkNewCustomer(in NewCustomer) (*Customer, error) {
	if err := in.Metadata.validate(); err != nil {
		return nil, err
	}
	if in.ID != "" && st.customers.at(in.ID) != nil {
		return nil, taken("id")
	}
	if in.Key != "" && st.keyTaken(in.Key) {
		return nil, taken("key")
	}
	if in.Email != "" && st.byEmail.at(emailKey(in.Email)) != nil {
		return nil, taken("email")
	}
	if in.ReferrerGiven || !in.Referrer.IsZero() {
		return st.resolveReferrer(in.Referrer)
	}
	return nil, nil
}

// addCustomer inserts a checked customer with its default link, grants the
// signup rewards and emits customer.created. It returns the customer and,
// when events are published, the view customer.created carries.
func (s *Store) addCustomer(st *state, in NewCustomer, referrer *Customer, now time.Time) (*Customer, *CustomerView) {
	if in.ID == "" && in.Key == "" {
		in.ID = s.uniqueID(st, "customer.id", func(v string) bool { return st.customers.at(v) != nil || st.keyTaken(v) })
		in.Key = in.ID
	}
	if in.ID == "" {
		in.ID = s.uniqueID(st, "customer.id", func(v string) bool { return st.customers.at(v) != nil })
	}
	if in.Key == "" {
		in.Key = s.uniqueID(st, "customer.key", func(v string) bool { return st.keyTaken(v) })
	}
	st.seq++
	c := &Customer{
		ID: in.ID, Key: in.Key, Email: in.Email, Name: in.Name, Surname: in.Surname,
		DateOfBirth: in.DateOfBirth, Metadata: in.Metadata.clone(), Status: StatusActive,
		CreatedAt: now, UpdatedAt: now, seq: st.seq,
	}
	if referrer != nil {
		c.ReferrerID = referrer.ID
	}
	st.insertCustomer(c)
	st.seq++ // the default link's, which stays implicit (see state.link)
	var created *CustomerView
	if s.publish != nil {
		v := st.newView(c)
		created = &v
		s.emit(Event{Type: EventCustomerCreated, Customer: created})
	}
	if referrer != nil && s.grantSignupRewards(st, c, referrer, now) && s.publish != nil {
		for _, e := range st.signupRewards.get(c.ID) {
			r := st.rewards.at(e.Key).clone()
			s.emitRewarded(&r)
		}
	}
	return c, created
}

// insertCustomer adds c, a new customer (the newest), to every index. The
// caller has checked uniqueness.
func (st *state) insertCustomer(c *Customer) {
	st.putCustomer(c)
	insertSeq(st, &st.all, c)
	if c.ReferrerID != "" {
		insertSeq(st, &st.referred, c)
		st.referrals.push(st, c.ReferrerID, c) // c is the newest customer
	} else {
		insertSeq(st, &st.nonReferred, c)
	}
}

// putCustomer stores c, a new customer or a new version of one, under its
// id, key and email: the key and email indexes lead to the current version.
// The caller has checked uniqueness and removed the key and email of the
// version c replaces if they changed.
func (st *state) putCustomer(c *Customer) {
	st.customers.put(st, c.ID, c)
	st.byKey.put(st, c.Key, c)
	if c.Email != "" {
		st.byEmail.put(st, emailKey(c.Email), c)
	}
}

// keyTaken reports whether key is a customer key or a referral link key:
// both are referral codes that end up in the same URL parameter.
func (st *state) keyTaken(key string) bool {
	return st.byKey.at(key) != nil || st.links.at(key) != nil
}

// resolveReferrer finds the referring customer: by id when given (the id
// takes priority over the key, as documented), else by key. A key also
// matches an additional referral link's key, since that is what the
// partnero_referral cookie holds after a visit through such a link.
func (st *state) resolveReferrer(r Ref) (*Customer, error) {
	switch {
	case r.ID != "":
		if c := st.customers.at(r.ID); c != nil {
			return c, nil
		}
		return nil, invalid("referring_customer.id", RuleExists, "attribute", "referring_customer.id")
	case r.Key != "":
		if c := st.byKey.at(r.Key); c != nil {
			return c, nil
		}
		if l := st.links.at(r.Key); l != nil {
			return st.customers.at(l.CustomerID), nil
		}
		return nil, invalid("referring_customer.key", RuleExists, "attribute", "referring_customer.key")
	case r.Email != "":
		if c := st.byEmail.at(emailKey(r.Email)); c != nil {
			return c, nil
		}
		return nil, invalid("referring_customer.email", RuleExists, "attribute", "referring_customer.email")
	}
	return nil, invalid("referring_customer.id", RuleRequiredWithout, "attribute", "referring_customer.id", "other", "referring_customer.key")
}

// ValidEmail reports whether s is a bare email address (net/mail's
// addr-spec, without a display name). The fake validates with openapi.yaml
// instead (see Config.ValidEmail).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// emailKey is an email's key in the byEmail index: emails are matched
// whatever their case.
func emailKey(email string) string { return strings.ToLower(email) }
