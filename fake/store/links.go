package store

import (
	"fmt"
	"slices"
	"time"
)

// Link is a customer's referral link. Its key is the referral code in the
// URL; Partnero reports the same value as the link's id. Every customer has
// one default link whose key is the customer's key.
type Link struct {
	// Key is the referral code, unique across customer keys and link keys.
	Key string `json:"key"`
	// CustomerID is the owner's id.
	CustomerID string `json:"customer_id"`
	// Default marks the customer's automatic link.
	Default bool `json:"default,omitempty"`
	// IsAdditional is Partnero's is_additional flag.
	IsAdditional bool `json:"is_additional,omitempty"`
	// DirectTracking is Partnero's direct_tracking flag.
	DirectTracking bool `json:"direct_tracking,omitempty"`
	// DirectTrackingRedirect is Partnero's direct_tracking_redirect flag.
	DirectTrackingRedirect bool `json:"direct_tracking_redirect,omitempty"`
	// DirectTrackingRedirectURL is Partnero's direct_tracking_redirect_url.
	DirectTrackingRedirectURL string `json:"direct_tracking_redirect_url,omitempty"`
	// DestinationURL replaces the program website as the base of the URL.
	DestinationURL string `json:"destination_url,omitempty"`
	// CreatedAt is the creation time.
	CreatedAt time.Time `json:"created_at"`

	seq int64
}

// LinkView is a link with its URL, built from the program settings.
type LinkView struct {
	Link
	// URL is the full referral URL.
	URL string
}

// NewLink is the input of CreateLink.
type NewLink struct {
	// Key is the referral code; "" generates one.
	Key string
	// Customer owns the link.
	Customer Ref
	// Optional settings.
	IsAdditional, DirectTracking, DirectTrackingRedirect bool
	DirectTrackingRedirectURL, DestinationURL            string
}

// LinkUpdate changes a link; nil fields stay as they are.
type LinkUpdate struct {
	Key                                                  *string
	IsAdditional, DirectTracking, DirectTrackingRedirect *bool
	DirectTrackingRedirectURL, DestinationURL            *string
}

func (st *state) linkView(l *Link) LinkView {
	return LinkView{Link: *l, URL: st.program.LinkURL(l.DestinationURL, l.Key)}
}

// defaultLink is c's default link as it is created: its key is c's key,
// created with c. It is not stored until it changes (see state.link).
func defaultLink(c *Customer) Link {
	return Link{Key: c.Key, CustomerID: c.ID, Default: true, CreatedAt: c.CreatedAt}
}

// link returns the link with the given key, or nil: a stored link, or else
// the implicit default link of the customer with that key.
func (st *state) link(key string) *Link {
	if l := st.links.at(key); l != nil {
		return l
	}
	if c := st.byKey.at(key); c != nil {
		l := defaultLink(c)
		return &l
	}
	return nil
}

// defaultLinkOf returns c's default link: stored when changed, else
// implicit.
func (st *state) defaultLinkOf(c *Customer) Link {
	if l := st.links.at(c.Key); l != nil {
		return *l
	}
	return defaultLink(c)
}

// linkKeys returns the keys of c's links, the default first.
func (st *state) linkKeys(c *Customer) []string {
	extra := st.custLinks.get(c.ID)
	keys := make([]string, 0, 1+len(extra))
	return append(append(keys, c.Key), extra...)
}

// putLink stores l under its key: an additional link, or a default link
// that differs from its implicit form (counted in storedDefaults).
func (st *state) putLink(l *Link) {
	if l.Default && !st.links.has(l.Key) {
		st.storedDefaults++
	}
	st.links.put(st, l.Key, l)
}

// insertLink stores a new additional link, or a default link that differs
// from its implicit form.
func (st *state) insertLink(l *Link) {
	st.putLink(l)
	if !l.Default {
		st.custLinks.push(st, l.CustomerID, l.Key)
	}
}

// dropDefaultLink forgets c's stored default link, if it was changed.
func (st *state) dropDefaultLink(c *Customer) {
	if st.links.has(c.Key) {
		st.links.del(st, c.Key)
		st.storedDefaults--
	}
}

// additionalLinks returns the number of additional links.
func (st *state) additionalLinks() int { return st.links.len() - st.storedDefaults }

// renameLink moves a link to a new key, keeping its place in its owner's
// list. An implicit default link has nothing to move: it follows its
// customer's key.
func (st *state) renameLink(from, to string) {
	old := st.links.at(from)
	if old == nil {
		return
	}
	l := *old
	l.Key = to
	st.links.del(st, from)
	st.links.put(st, to, &l)
	if l.Default {
		return
	}
	st.custLinks.edit(st, l.CustomerID, func(keys []string) []string {
		keys[slices.Index(keys, from)] = to
		return keys
	})
}

// CreateLink adds a referral link to a customer. It returns ErrInvalid when
// the key is taken or the customer does not exist.
func (s *Store) CreateLink(in NewLink) (LinkView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	c, err := st.lookupRef(in.Customer)
	if err != nil {
		return LinkView{}, invalid("customer", RuleExists)
	}
	if err := room("referral_links", st.additionalLinks(), 1, s.limits.Links); err != nil {
		return LinkView{}, err
	}
	if in.Key != "" && st.keyTaken(in.Key) {
		return LinkView{}, taken("key")
	}
	if in.Key == "" {
		in.Key = s.uniqueID(st, "link.key", func(v string) bool { return st.keyTaken(v) })
	}
	st.seq++
	l := &Link{
		Key: in.Key, CustomerID: c.ID, IsAdditional: in.IsAdditional,
		DirectTracking: in.DirectTracking, DirectTrackingRedirect: in.DirectTrackingRedirect,
		DirectTrackingRedirectURL: in.DirectTrackingRedirectURL, DestinationURL: in.DestinationURL,
		CreatedAt: s.timestamp(), seq: st.seq,
	}
	st.insertLink(l)
	return st.linkView(l), nil
}

// Link returns the link with the given key (its id). It returns ErrNotFound.
func (s *Store) Link(key string) (LinkView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.st.link(key)
	if l == nil {
		return LinkView{}, notFound("Referral link")
	}
	return s.st.linkView(l), nil
}

// CustomerLinks returns a page of a customer's links, the default first. It
// returns ErrNotFound for an unknown customer.
func (s *Store) CustomerLinks(ref string, p Paging) (Page[LinkView], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	c, err := st.lookup(ref)
	if err != nil {
		return Page[LinkView]{}, err
	}
	return pageOf(st.linkKeys(c), p, func(k string) LinkView { return st.linkView(st.link(k)) }), nil
}

// SearchLinks returns the links with the given key (when not "") that belong
// to the given customer (when not zero). An unknown customer matches nothing.
func (s *Store) SearchLinks(key string, owner Ref, p Paging) Page[LinkView] {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	var keys []string
	if key != "" && st.link(key) != nil {
		keys = []string{key}
	}
	if !owner.IsZero() {
		c, err := st.lookupRef(owner)
		switch {
		case err != nil:
			keys = nil
		case key == "":
			keys = st.linkKeys(c)
		case len(keys) == 1 && st.link(key).CustomerID != c.ID:
			keys = nil
		}
	}
	return pageOf(keys, p, func(k string) LinkView { return st.linkView(st.link(k)) })
}

// UpdateLink changes a link. A default link's key follows its customer's key
// and cannot be changed here. It returns ErrNotFound or ErrInvalid.
func (s *Store) UpdateLink(key string, u LinkUpdate) (LinkView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	old := st.link(key)
	if old == nil {
		return LinkView{}, notFound("Referral link")
	}
	l := *old
	if u.Key != nil && *u.Key != l.Key {
		if l.Default {
			return LinkView{}, invalid("key", RuleDefaultLinkKey)
		}
		if st.keyTaken(*u.Key) {
			return LinkView{}, taken("key")
		}
	}
	set(&l.IsAdditional, u.IsAdditional)
	set(&l.DirectTracking, u.DirectTracking)
	set(&l.DirectTrackingRedirect, u.DirectTrackingRedirect)
	set(&l.DirectTrackingRedirectURL, u.DirectTrackingRedirectURL)
	set(&l.DestinationURL, u.DestinationURL)
	st.putLink(&l)
	if u.Key != nil && *u.Key != l.Key {
		st.renameLink(key, *u.Key)
		return st.linkView(st.links.at(*u.Key)), nil
	}
	return st.linkView(&l), nil
}

// DeleteLink deletes an additional link. It returns ErrNotFound, or
// ErrInvalid for a default link (delete or rename the customer instead).
func (s *Store) DeleteLink(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	l := st.link(key)
	if l == nil {
		return notFound("Referral link")
	}
	if l.Default {
		return invalid("id", RuleDefaultLinkDelete)
	}
	st.links.del(st, key)
	st.custLinks.edit(st, l.CustomerID, func(keys []string) []string {
		return slices.DeleteFunc(keys, func(k string) bool { return k == key })
	})
	return nil
}

// set stores *v in *dst when v is not nil: a partial update's field.
func set[T any](dst, v *T) {
	if v != nil {
		*dst = *v
	}
}

// checkLinks reports the first disagreement between the stored links and
// their indexes: every stored link has a living owner, a stored default
// link carries its owner's key, additional ones are listed under their
// owner, and storedDefaults counts the stored default links.
func (st *state) checkLinks() error {
	defaults, listed := 0, 0
	for k, l := range st.links.all() {
		c := st.customers.at(l.CustomerID)
		switch {
		case c == nil:
			return fmt.Errorf("link %s: owner %s does not exist", k, l.CustomerID)
		case l.Key != k:
			return fmt.Errorf("link %s stored under %s", l.Key, k)
		case l.Default != (k == c.Key):
			return fmt.Errorf("link %s: default=%v, owner's key %s", k, l.Default, c.Key)
		case l.Default:
			defaults++
		case !slices.Contains(st.custLinks.get(c.ID), k):
			return fmt.Errorf("link %s is not listed under its owner %s", k, c.ID)
		}
	}
	for _, keys := range st.custLinks.all() {
		listed += len(keys)
	}
	if defaults != st.storedDefaults || listed != st.links.len()-defaults {
		return fmt.Errorf("links: %d stored defaults counted %d; %d listed of %d additional", defaults, st.storedDefaults, listed, st.links.len()-defaults)
	}
	return nil
}
