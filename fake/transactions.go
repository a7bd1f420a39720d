package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

type transactionItemInput struct {
	Key         string      `json:"key"`
	Amount      json.Number `json:"amount"`
	Action      string      `json:"action"`
	AmountUnits string      `json:"amount_units"`
	IsCurrency  *bool       `json:"is_currency"`
	ProductID   string      `json:"product_id"`
	ProductType string      `json:"product_type"`
	Rewardable  *bool       `json:"rewardable"`
	CreatedAt   string      `json:"created_at"`
}

// item returns the sale to record; prefix names its fields in errors.
func (in transactionItemInput) item(prefix string) (store.NewTransaction, error) {
	nt := store.NewTransaction{
		Key: in.Key, Action: in.Action, Amount: in.Amount.String(), Units: in.AmountUnits,
		IsCurrency: in.IsCurrency, ProductID: in.ProductID, ProductType: in.ProductType,
		Rewardable: in.Rewardable,
	}
	if in.CreatedAt != "" {
		t, ok := parseDateTime(in.CreatedAt)
		if !ok {
			return nt, fieldErrors(map[string][]string{prefix + "created_at": {"The " + display(prefix+"created_at") + " field must be a valid date."}})
		}
		nt.CreatedAt = &t
	}
	return nt, nil
}

// dateTimeLayouts are the forms of a date-time a transaction may carry, as
// Laravel's date rule reads them: with a zone, without one (UTC), or a date.
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", time.DateOnly}

// parseDateTime reads a date-time in one of dateTimeLayouts.
func parseDateTime(s string) (time.Time, bool) {
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// warnUndocumented warns about the fields Partnero's docs require that the
// fake can do without.
func (in transactionItemInput) warnUndocumented(c *call, prefix string) {
	c.requireDocumented(in.Key != "", prefix+"key", "records the sale under a generated key")
	c.requireDocumented(in.Action != "", prefix+"action", `records it as "sale"`)
}

type transactionCreateInput struct {
	transactionItemInput
	Customer     customerCreateInput    `json:"customer"`
	Transactions []transactionItemInput `json:"transactions"`
	Options      struct {
		CreateCustomer bool `json:"create_customer"`
	} `json:"options"`
}

// createTransaction records one sale (data is the transaction) or a batch
// (`transactions`, data is an array), all or nothing. With
// options.create_customer the buyer is created from `customer` when it
// does not exist yet.
func createTransaction(c *call) (any, error) {
	m := &c.memory(usedTransaction).transaction // empty: see answerMemory
	in := &m.in
	if err := c.decode(in); err != nil {
		return nil, err
	}
	b := store.TransactionBatch{Customer: store.Ref{ID: in.Customer.ID, Key: in.Customer.Key, Email: in.Customer.Email}}
	if in.Options.CreateCustomer {
		nc := in.Customer.newCustomer()
		b.Create = &nc
	}
	batch := in.Transactions != nil
	if batch {
		for i, it := range in.Transactions {
			prefix := fmt.Sprintf("transactions.%d.", i)
			it.warnUndocumented(c, prefix)
			nt, err := it.item(prefix)
			if err != nil {
				return nil, err
			}
			b.Items = append(b.Items, nt)
		}
	} else {
		in.warnUndocumented(c, "")
		nt, err := in.item("")
		if err != nil {
			return nil, err
		}
		m.items[0] = nt
		b.Items = m.items[:]
	}
	views, err := c.t.store.CreateTransactions(b)
	if err != nil {
		if ie := (*store.ItemError)(nil); batch && errors.As(err, &ie) {
			return nil, itemError("transactions", ie)
		}
		return nil, err
	}
	if !batch {
		transactionWireInto(&m.wire, &views[0], &m.mem)
		m.env = ok(&m.wire)
		return &m.env, nil
	}
	out := make([]transactionJSON, len(views))
	for i, v := range views {
		out[i] = transactionWire(v)
	}
	return ok(out), nil
}

// transactionScratch is the memory of one sale's request and answer: its
// input, the store's batch of one, the wire form and envelope (in the
// request's answerMemory).
type transactionScratch struct {
	in    transactionCreateInput
	items [1]store.NewTransaction
	wire  transactionJSON
	mem   transactionMemory
	env   envelope
}

func listTransactions(c *call) (any, error) {
	f := store.TransactionFilter{
		Key: c.query.Get("key"),
		Customer: store.Ref{
			ID:    firstOf(c.query, "customer.id", "customer_id"),
			Key:   firstOf(c.query, "customer.key", "customer_key"),
			Email: c.query.Get("customer.email"),
		},
	}
	return list(c, c.t.store.ListTransactions(f, c.paging()), transactionWire), nil
}

func getTransaction(c *call) (any, error) {
	v, err := c.t.store.Transaction(c.params.value("key"))
	if err != nil {
		return nil, err
	}
	return ok(transactionWire(v)), nil
}

func deleteTransaction(c *call) (any, error) {
	if _, err := c.t.store.DeleteTransactions(c.params.value("key")); err != nil {
		return nil, err
	}
	return statusOnly, nil
}

func deleteTransactionByBody(c *call) (any, error) {
	key := c.query.Get("key")
	if key == "" {
		return nil, fieldErrors(map[string][]string{"key": {"The key field is required."}})
	}
	if _, err := c.t.store.DeleteTransactions(key); err != nil {
		return nil, err
	}
	return statusOnly, nil
}

func archiveTransaction(c *call) (any, error) {
	if err := c.t.store.ArchiveTransactions(c.params.value("key")); err != nil {
		return nil, err
	}
	return statusOnly, nil
}

func restoreTransaction(c *call) (any, error) {
	if err := c.t.store.RestoreTransactions(c.params.value("key")); err != nil {
		return nil, err
	}
	return statusOnly, nil
}

func listCustomerTransactions(c *call) (any, error) {
	p, err := c.t.store.CustomerTransactions(c.params.value("id"), c.paging())
	if err != nil {
		return nil, err
	}
	return list(c, p, transactionWire), nil
}

func getCustomerBalance(c *call) (any, error) {
	v, err := c.t.store.Balance(c.params.value("id"))
	if err != nil {
		return nil, err
	}
	return ok(balanceWire(v, c.t.store.Program())), nil
}

type creditInput struct {
	Amount      json.Number `json:"amount"`
	AmountUnits string      `json:"amount_units"`
	Currency    string      `json:"currency"`
	IsCurrency  *bool       `json:"is_currency"`
}

func creditCustomerBalance(c *call) (any, error) {
	var in creditInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	units := in.AmountUnits
	if units == "" {
		units = in.Currency
		what := "used the currency field, which one of Partnero's guides sends instead"
		if units == "" {
			what = "rejects the credit"
		}
		c.requireDocumented(false, "amount_units", what)
	}
	c.requireDocumented(in.IsCurrency != nil, "is_currency", "assumes true for a currency code")
	if units == "" {
		return nil, fieldErrors(map[string][]string{"amount_units": {"The amount units field is required."}})
	}
	v, err := c.t.store.CreditBalance(c.params.value("id"), store.NewCredit{Amount: in.Amount.String(), Units: units, IsCurrency: in.IsCurrency})
	if err != nil {
		return nil, err
	}
	return ok(balanceWire(v, c.t.store.Program())), nil
}

func getCustomerStats(c *call) (any, error) {
	st, _, err := c.t.store.Stats(c.params.value("id"))
	if err != nil {
		return nil, err
	}
	return ok(statsWire(st)), nil
}

// itemError names the field of an item's error by its place in the list
// input: amount becomes transactions.1.amount.
func itemError(list string, ie *store.ItemError) error {
	var se *store.Error
	if !errors.As(ie.Err, &se) {
		return ie.Err
	}
	c := *se
	c.Field = fmt.Sprintf("%s.%d.%s", list, ie.Index, se.Field)
	if name, ok := se.Params["name"]; ok && name == se.Field {
		c.Params = maps.Clone(se.Params)
		c.Params["name"] = c.Field // "The transactions.1.key has already been taken."
	}
	return &c
}
