package store

import (
	"maps"
	"time"
)

// Invitation is a recorded POST /customers:invite. The fake sends no email;
// it keeps the invitation so a test can assert it was sent.
type Invitation struct {
	Email           string            `json:"email"`
	Name            string            `json:"name,omitempty"`
	Surname         string            `json:"surname,omitempty"`
	ID              string            `json:"id,omitempty"`
	Key             string            `json:"key,omitempty"`
	Personalization map[string]string `json:"personalization,omitempty"`
	CreatedAt       time.Time         `json:"created_at"`
}

// Invite records an invitation. The email is required.
func (s *Store) Invite(in Invitation) (Invitation, error) {
	if in.Email == "" {
		return Invitation{}, invalid("email", RuleRequired)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := room("invitations", s.st.invitations.len(), 1, s.limits.Invitations); err != nil {
		return Invitation{}, err
	}
	in.CreatedAt = s.timestamp()
	in.Personalization = maps.Clone(in.Personalization)
	s.st.invitations.push(s.st, &in)
	return in.clone(), nil
}

// Invitations returns the recorded invitations, oldest first.
func (s *Store) Invitations() []Invitation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Invitation, 0, s.st.invitations.len())
	for in := range s.st.invitations.values() {
		out = append(out, in.clone())
	}
	return out
}

// clone returns in with its own personalization map.
func (in Invitation) clone() Invitation {
	in.Personalization = maps.Clone(in.Personalization)
	return in
}
