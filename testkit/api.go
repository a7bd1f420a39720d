package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// NewCustomer is the input of CreateCustomer.
type NewCustomer struct {
	ID      string `json:"id,omitempty"`
	Key     string `json:"key,omitempty"`
	Email   string `json:"email,omitempty"`
	Name    string `json:"name,omitempty"`
	Surname string `json:"surname,omitempty"`
	// ReferrerKey is the partnero_referral cookie's value (or use
	// ReferrerID, which wins).
	ReferrerKey string `json:"-"`
	ReferrerID  string `json:"-"`
}

// Customer is a refer-a-friend customer as the API returns it.
type Customer struct {
	ID                string           `json:"id"`
	Key               string           `json:"key"`
	Email             string           `json:"email"`
	Name              string           `json:"name"`
	Surname           string           `json:"surname"`
	Status            string           `json:"status"`
	ReferringCustomer *CustomerSummary `json:"referring_customer"`
	ReferralsCount    int              `json:"referrals_count"`
	ReferralLink      string           `json:"referral_link"`
	ReferralLinks     []string         `json:"referral_links"`
	CreatedAt         string           `json:"created_at"`
	UpdatedAt         string           `json:"updated_at"`
}

// CustomerSummary is a customer's referrer.
type CustomerSummary struct {
	ID    string `json:"id"`
	Key   string `json:"key"`
	Email string `json:"email"`
}

// CreateCustomer creates a customer (a referred one when ReferrerKey or
// ReferrerID is set).
func (c *Client) CreateCustomer(tb TB, in NewCustomer) Customer {
	tb.Helper()
	body := map[string]any{}
	raw, _ := json.Marshal(in)
	_ = json.Unmarshal(raw, &body)
	if in.ReferrerKey != "" || in.ReferrerID != "" {
		ref := map[string]string{}
		if in.ReferrerKey != "" {
			ref["key"] = in.ReferrerKey
		}
		if in.ReferrerID != "" {
			ref["id"] = in.ReferrerID
		}
		body["referring_customer"] = ref
	}
	return data[Customer](c, tb, http.MethodPost, "/v1/customers", body)
}

// Customer reads a customer by id, key or email.
func (c *Client) Customer(tb TB, ref string) Customer {
	tb.Helper()
	return data[Customer](c, tb, http.MethodGet, "/v1/customers/"+url.PathEscape(ref), nil)
}

// Sale is the input of CreateTransaction.
type Sale struct {
	// Customer is the buyer's key.
	Customer string
	// Key is the invoice id; generated when empty.
	Key string
	// Amount is the sale amount in major units.
	Amount float64
	// Units is the currency (the program's when empty).
	Units string
	// Action is "sale" when empty.
	Action string
}

// Transaction is a refer-a-friend transaction: Customer is the referrer's
// id, ReferredCustomer the buyer's.
type Transaction struct {
	Key              string   `json:"key"`
	Action           string   `json:"action"`
	Amount           float64  `json:"amount"`
	AmountUnits      string   `json:"amount_units"`
	Customer         string   `json:"customer"`
	ReferredCustomer string   `json:"referred_customer"`
	CreatedAt        string   `json:"created_at"`
	DeletedAt        *string  `json:"deleted_at"`
	Rewards          []Reward `json:"rewards"`
}

// Reward is what a sale or signup earned.
type Reward struct {
	Key              string  `json:"key"`
	Status           string  `json:"status"`
	Type             string  `json:"type"`
	Customer         string  `json:"customer"`
	ReferredCustomer string  `json:"referred_customer"`
	Amount           float64 `json:"amount"`
	AmountUnits      string  `json:"amount_units"`
}

// CreateTransaction records a sale.
func (c *Client) CreateTransaction(tb TB, s Sale) Transaction {
	tb.Helper()
	body := map[string]any{"customer": map[string]string{"key": s.Customer}, "amount": s.Amount, "action": "sale"}
	for k, v := range map[string]string{"key": s.Key, "amount_units": s.Units, "action": s.Action} {
		if v != "" {
			body[k] = v
		}
	}
	return data[Transaction](c, tb, http.MethodPost, "/v1/transactions", body)
}

// RefundTransaction deletes the transactions with the key, and their
// rewards.
func (c *Client) RefundTransaction(tb TB, key string) {
	tb.Helper()
	c.call(tb, http.MethodDelete, "/v1/transactions/"+url.PathEscape(key), nil, nil)
}

// Amount is one line of a balance.
type Amount struct {
	Amount     float64 `json:"amount"`
	Units      string  `json:"amount_units"`
	IsCurrency bool    `json:"is_currency"`
}

// Balance is a customer's balance.
type Balance struct {
	Currency    []Amount `json:"currency"`
	NonCurrency []Amount `json:"non_currency"`
}

// UnmarshalJSON reads the balance as Partnero sends it: [] when empty (the
// default balance_format), an object with per-unit lines otherwise.
func (b *Balance) UnmarshalJSON(data []byte) error {
	if t := bytes.TrimSpace(data); bytes.Equal(t, []byte("[]")) {
		*b = Balance{}
		return nil
	}
	type lines Balance
	var l lines
	if err := json.Unmarshal(data, &l); err != nil {
		return fmt.Errorf("testkit reads the balance as [] or an object (balance_format partnero or object): %w", err)
	}
	*b = Balance(l)
	return nil
}

// Of returns the balance in one currency or unit (0 when there is none).
func (b Balance) Of(units string) float64 {
	for _, l := range append(b.Currency, b.NonCurrency...) {
		if strings.EqualFold(l.Units, units) {
			return l.Amount
		}
	}
	return 0
}

// Balance reads a customer's balance.
func (c *Client) Balance(tb TB, ref string) Balance {
	tb.Helper()
	return data[struct {
		Balance Balance `json:"balance"`
	}](c, tb, http.MethodGet, "/v1/customers/"+url.PathEscape(ref)+"/balance", nil).Balance
}

// CreditBalance adds a manual credit and returns the new balance.
func (c *Client) CreditBalance(tb TB, ref string, amount float64, units string) Balance {
	tb.Helper()
	body := map[string]any{"amount": amount, "amount_units": units, "is_currency": true}
	return data[struct {
		Balance Balance `json:"balance"`
	}](c, tb, http.MethodPost, "/v1/customers/"+url.PathEscape(ref)+"/balance/credit", body).Balance
}

// Stats are a customer's referral figures.
type Stats struct {
	Clicks              int     `json:"clicks"`
	Referrals           int     `json:"referrals"`
	SuccessfulReferrals int     `json:"successful_referrals"`
	PendingReferrals    int     `json:"pending_referrals"`
	SalesCount          int     `json:"sales_count"`
	TotalRewards        float64 `json:"total_rewards"`
	Currency            string  `json:"currency"`
}

// Stats reads a customer's stats.
func (c *Client) Stats(tb TB, ref string) Stats {
	tb.Helper()
	return data[Stats](c, tb, http.MethodGet, "/v1/customers/"+url.PathEscape(ref)+"/stats", nil)
}

// Webhook is a registered webhook; Signature is its signing secret.
type Webhook struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	URL       string   `json:"url"`
	Events    []string `json:"events"`
	IsActive  bool     `json:"is_active"`
	Signature string   `json:"signature"`
}

// CreateWebhook registers a webhook for events at url.
func (c *Client) CreateWebhook(tb TB, url string, events ...string) Webhook {
	tb.Helper()
	return data[Webhook](c, tb, http.MethodPost, "/v1/webhooks", map[string]any{"name": "testkit", "url": url, "events": events})
}
