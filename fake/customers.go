package fake

import (
	"encoding/json"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

type refInput struct {
	ID    string `json:"id"`
	Key   string `json:"key"`
	Email string `json:"email"`
}

func (r *refInput) ref() store.Ref {
	if r == nil {
		return store.Ref{}
	}
	return store.Ref{ID: r.ID, Key: r.Key, Email: r.Email}
}

// metadataInput is metadata.date_of_birth and any other keys, whose
// scalar values openapi.yaml has already checked.
type metadataInput struct {
	DateOfBirth *string
	Other       store.Metadata
}

// UnmarshalJSON splits date_of_birth from the other keys.
func (m *metadataInput) UnmarshalJSON(b []byte) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	if raw, ok := all["date_of_birth"]; ok {
		if err := json.Unmarshal(raw, &m.DateOfBirth); err != nil {
			return err
		}
		delete(all, "date_of_birth")
	}
	if len(all) > 0 {
		m.Other = store.Metadata(all)
	}
	return nil
}

func (m *metadataInput) dateOfBirth() *string {
	if m == nil {
		return nil
	}
	return m.DateOfBirth
}

func (m *metadataInput) other() store.Metadata {
	if m == nil {
		return nil
	}
	return m.Other
}

type customerCreateInput struct {
	ID                string         `json:"id"`
	Key               string         `json:"key"`
	Email             string         `json:"email"`
	Name              string         `json:"name"`
	Surname           string         `json:"surname"`
	Metadata          *metadataInput `json:"metadata"`
	ReferringCustomer *refInput      `json:"referring_customer"`
}

func (in customerCreateInput) newCustomer() store.NewCustomer {
	nc := store.NewCustomer{
		ID: in.ID, Key: in.Key, Email: in.Email, Name: in.Name, Surname: in.Surname,
		Referrer: in.ReferringCustomer.ref(), ReferrerGiven: in.ReferringCustomer != nil,
		Metadata: in.Metadata.other(),
	}
	if d := in.Metadata.dateOfBirth(); d != nil {
		nc.DateOfBirth = *d
	}
	return nc
}

func createCustomer(c *call) (any, error) {
	var in customerCreateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	v, err := c.t.store.CreateCustomer(in.newCustomer())
	if err != nil {
		return nil, err
	}
	return c.answerView(&v), nil
}

func listCustomers(c *call) (any, error) {
	p := c.t.store.ListCustomers(store.CustomerFilter(c.query.Get("refer_status")), c.paging())
	return list(c, p, customerWire), nil
}

func getCustomer(c *call) (any, error) {
	return c.answerCustomer(c.params.value("id"))
}

// customerScratch is the memory of one customer's answer: its view, wire
// form and envelope (in the request's answerMemory).
type customerScratch struct {
	view     store.CustomerView
	referrer store.Customer
	links    [2]store.LinkView
	wire     customerJSON
	mem      customerMemory
	env      envelope
}

// answerCustomer answers with the customer ref names, written in the
// request's answerMemory, so that the answer allocates nothing of its own.
func (c *call) answerCustomer(ref string) (any, error) {
	m := &c.memory(usedCustomer).customer
	m.view.Links, m.view.Referrer = m.links[:0], &m.referrer
	if err := c.t.store.ReadCustomer(ref, &m.view); err != nil {
		return nil, err
	}
	return c.answerView(&m.view), nil
}

// answerView answers with v, written in the request's answerMemory as
// answerCustomer's answer is.
func (c *call) answerView(v *store.CustomerView) any {
	m := &c.memory(usedCustomer).customer
	customerWireInto(&m.wire, v, &m.mem)
	m.env = ok(&m.wire)
	return &m.env
}

func searchCustomers(c *call) (any, error) {
	r := store.Ref{ID: c.query.Get("id"), Key: c.query.Get("key"), Email: c.query.Get("email")}
	if r.IsZero() {
		return nil, fieldErrors(map[string][]string{"id": {"The id field is required when none of key / email are present."}})
	}
	return list(c, c.t.store.SearchCustomers(r, c.paging()), customerWire), nil
}

// changesInput is the set of changeable fields, in the update wrapper or
// flat.
type changesInput struct {
	Key      *string        `json:"key"`
	Email    *string        `json:"email"`
	Name     *string        `json:"name"`
	Surname  *string        `json:"surname"`
	Metadata *metadataInput `json:"metadata"`
}

func (ch changesInput) update() store.CustomerUpdate {
	return store.CustomerUpdate{
		Key: ch.Key, Email: ch.Email, Name: ch.Name, Surname: ch.Surname, DateOfBirth: ch.Metadata.dateOfBirth(),
		Metadata: ch.Metadata.other(),
	}
}

type customerUpdateInput struct {
	changesInput
	ID     string        `json:"id"`
	Update *changesInput `json:"update"`
}

func updateCustomer(c *call) (any, error) {
	var in customerUpdateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	u := in.changesInput.update()
	if in.Update != nil {
		u = in.Update.update()
	}
	c.requireDocumented(in.Update != nil, "update", "applied the flat fields (as the n8n node and the Python SDK send them)")
	v, err := c.t.store.UpdateCustomer(c.params.value("id"), store.Ref{}, u)
	if err != nil {
		return nil, err
	}
	return c.answerView(&v), nil
}

// updateCustomerByBody is PUT /customers: the customer is named by id (or
// key, or email) in the body. With the update wrapper the flat fields only
// name the customer; without it, flat key is the identifier too, and the
// other flat fields are the changes.
func updateCustomerByBody(c *call) (any, error) {
	var in customerUpdateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	r := store.Ref{ID: in.ID}
	if in.Key != nil {
		r.Key = *in.Key
	}
	if in.Email != nil {
		r.Email = *in.Email
	}
	u := in.changesInput.update()
	u.Key = nil
	c.requireDocumented(in.Update != nil, "update", "applied the flat fields (as the n8n node and the Python SDK send them)")
	if in.Update != nil {
		u = in.Update.update()
	} else {
		u.Email = nil
		if r.ID == "" && r.Key == "" && in.Email != nil {
			r.Email = *in.Email // identify by email; nothing else to change it to
		} else if r.ID != "" || r.Key != "" {
			u.Email, r.Email = in.Email, ""
		}
	}
	if r.IsZero() {
		return nil, fieldErrors(map[string][]string{"id": {"The id field is required when key is not present."}})
	}
	v, err := c.t.store.UpdateCustomer("", r, u)
	if err != nil {
		return nil, err
	}
	return c.answerView(&v), nil
}

func deleteCustomer(c *call) (any, error) {
	if _, err := c.t.store.DeleteCustomer(c.params.value("id"), store.Ref{}); err != nil {
		return nil, err
	}
	return statusOnly, nil
}

func deleteCustomerByBody(c *call) (any, error) {
	r := store.Ref{ID: c.query.Get("id"), Key: c.query.Get("key"), Email: c.query.Get("email")}
	if r.IsZero() {
		return nil, fieldErrors(map[string][]string{"key": {"The key field is required when id is not present."}})
	}
	if _, err := c.t.store.DeleteCustomer("", r); err != nil {
		return nil, err
	}
	return statusOnly, nil
}

func archiveCustomer(c *call) (any, error) {
	if _, err := c.t.store.ArchiveCustomer(c.params.value("id")); err != nil {
		return nil, err
	}
	return statusOnly, nil
}

func restoreCustomer(c *call) (any, error) {
	if _, err := c.t.store.RestoreCustomer(c.params.value("id")); err != nil {
		return nil, err
	}
	return statusOnly, nil
}

func listCustomerReferrals(c *call) (any, error) {
	p, err := c.t.store.Referrals(c.params.value("id"), c.paging())
	if err != nil {
		return nil, err
	}
	return list(c, p, customerWire), nil
}

type invitationInput struct {
	Email           string                     `json:"email"`
	Name            string                     `json:"name"`
	Surname         string                     `json:"surname"`
	ID              string                     `json:"id"`
	Key             string                     `json:"key"`
	Personalization map[string]json.RawMessage `json:"personalization"`
}

func inviteCustomer(c *call) (any, error) {
	var in invitationInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	inv := store.Invitation{Email: in.Email, Name: in.Name, Surname: in.Surname, ID: in.ID, Key: in.Key}
	if len(in.Personalization) > 0 {
		inv.Personalization = map[string]string{}
		for k, raw := range in.Personalization {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				s = string(raw) // numbers and booleans keep their JSON text
			}
			inv.Personalization[k] = s
		}
	}
	if _, err := c.t.store.Invite(inv); err != nil {
		return nil, err
	}
	return statusOnly, nil
}
