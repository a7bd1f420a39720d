package store

import (
	"fmt"
	"maps"
	"strings"
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
		Program:     st.program,
		Customers:   make([]Customer, 0, len(st.all)),
		Links:       make([]Link, 0, len(st.links)),
		Invitations: append([]Invitation{}, st.invitations...),
		Counters:    maps.Clone(st.counters),
	}
	for _, e := range st.all {
		c := st.customers[e.id]
		snap.Customers = append(snap.Customers, *c)
		for _, k := range st.custLinks[c.ID] {
			snap.Links = append(snap.Links, *st.links[k])
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
	s.st = st
	if initial {
		s.initial = st.clone()
	}
	return nil
}

// build turns a snapshot into a state without touching the store.
func (s *Store) build(snap Snapshot) (*state, error) {
	if snap.Version != SnapshotVersion {
		return nil, invalid("version", fmt.Sprintf("The version must be %d.", SnapshotVersion))
	}
	p := snap.Program.withDefaults()
	if !validWebsite(p.Website) {
		return nil, invalid("program.website", "The website format is invalid.")
	}
	if p.LinkFormat != LinkFormatQuery && p.LinkFormat != LinkFormatPath {
		return nil, invalid("program.referral_link_format", "The selected referral link format is invalid.")
	}
	if p.ID == "" {
		return nil, invalid("program.id", "The program id field is required.")
	}
	st := newState(p)
	if snap.Counters != nil {
		st.counters = maps.Clone(snap.Counters)
	}
	now := s.timestamp()
	// Pass 1: customers and their identifiers.
	for i, c := range snap.Customers {
		f := fmt.Sprintf("customers.%d.", i)
		switch {
		case c.ID == "":
			return nil, invalid(f+"id", "The id field is required.")
		case c.Key == "":
			return nil, invalid(f+"key", "The key field is required.")
		case st.customers[c.ID] != nil:
			return nil, taken(f + "id")
		case st.byKey[c.Key] != "":
			return nil, taken(f + "key")
		case c.Email != "" && st.byEmail[strings.ToLower(c.Email)] != "":
			return nil, taken(f + "email")
		}
		switch c.Status {
		case "":
			c.Status = StatusActive
		case StatusActive, StatusArchived:
		default:
			return nil, invalid(f+"status", "The selected status is invalid.")
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
		st.customers[c.ID] = &cc
		st.byKey[c.Key] = c.ID
		if c.Email != "" {
			st.byEmail[strings.ToLower(c.Email)] = c.ID
		}
	}
	// Pass 2: the referral graph, now that every customer is known.
	for i, c := range snap.Customers {
		if c.ReferrerID == "" {
			continue
		}
		if c.ReferrerID == c.ID || st.customers[c.ReferrerID] == nil {
			return nil, invalid(fmt.Sprintf("customers.%d.referring_customer_id", i), "The selected referring customer is invalid.")
		}
	}
	for _, sc := range snap.Customers {
		c := st.customers[sc.ID]
		e := entry{c.seq, c.ID}
		st.all = append(st.all, e)
		if c.ReferrerID != "" {
			st.referred = append(st.referred, e)
			st.referrals[c.ReferrerID] = append(st.referrals[c.ReferrerID], e)
		} else {
			st.nonReferred = append(st.nonReferred, e)
		}
	}
	// Links, then the default links the document left out.
	for i, l := range snap.Links {
		f := fmt.Sprintf("referral_links.%d.", i)
		c := st.customers[l.CustomerID]
		switch {
		case l.Key == "":
			return nil, invalid(f+"key", "The key field is required.")
		case c == nil:
			return nil, invalid(f+"customer_id", "The selected customer is invalid.")
		case st.links[l.Key] != nil:
			return nil, taken(f + "key")
		case l.Default != (l.Key == c.Key):
			return nil, invalid(f+"default", "A customer's default link is the one whose key is the customer's key.")
		case !l.Default && st.byKey[l.Key] != "":
			return nil, taken(f + "key")
		}
		if l.CreatedAt.IsZero() {
			l.CreatedAt = c.CreatedAt
		}
		st.seq++
		l.seq = st.seq
		s.insertLink(st, &l)
	}
	for _, e := range st.all {
		c := st.customers[e.id]
		if st.links[c.Key] == nil {
			st.seq++
			s.insertLink(st, &Link{Key: c.Key, CustomerID: c.ID, Default: true, CreatedAt: c.CreatedAt, seq: st.seq})
		}
		// The default link comes first in a customer's list.
		keys := st.custLinks[c.ID]
		if keys[0] != c.Key {
			reordered := []string{c.Key}
			for _, k := range keys {
				if k != c.Key {
					reordered = append(reordered, k)
				}
			}
			st.custLinks[c.ID] = reordered
		}
	}
	for i, in := range snap.Invitations {
		if in.Email == "" {
			return nil, invalid(fmt.Sprintf("invitations.%d.email", i), "The email field is required.")
		}
	}
	st.invitations = append([]Invitation(nil), snap.Invitations...)
	return st, nil
}
