package fake

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// seedStep is one example request of a seed (../shared/seeds), with its
// body as the seed writes it and, where the seed shows one, the response it
// shows (compared as a subset: every member shown must be there, equal).
type seedStep struct {
	what, method, path, body string
	want                     int    // status; 0 means 200
	shows                    string // JSON the seed shows for the response, "" for none
	ignore                   []string
}

// TestSeedExamples replays every example request of the seeds in order,
// against a program whose website is the seeds' https://yoursite.com.
func TestSeedExamples(t *testing.T) {
	seeds := []struct {
		name    string
		program store.Program
		steps   []seedStep
	}{
		{"000 customer referrals", store.Program{}, []seedStep{
			{what: "reward: account credits", method: "PUT", path: "/v1/program", body: `{"rewards": [{
      "reward_type": "credit",
      "amount": 10,
      "currency": "USD"
    }]}`},
			{what: "reward: discounts", method: "PUT", path: "/v1/program", body: `{"rewards": [{
      "reward_type": "discount",
      "amount": 20,
      "unit": "percentage"
    }]}`},
			{what: "reward: cash rewards", method: "PUT", path: "/v1/program", body: `{"rewards": [{
      "reward_type": "cash",
      "amount": 25,
      "currency": "USD"
    }]}`},
			{what: "API sync", method: "POST", path: "/v1/customers", body: `{
    "email": "customer@partnero.com",
    "name": "Jane Doe",
    "key": "cust_123"
  }`, shows: `{"data": {"id": "cust_123", "email": "customer@partnero.com", "name": "Jane Doe"}, "status": 1}`},
			{what: "get customer's referral link", method: "GET", path: "/v1/customers/cust_123/referral_links",
				shows: `{"data": [{"key": "cust_123", "url": "https://yoursite.com?ref=cust_123", "default": true}], "status": 1}`},
			{what: "create custom referral link", method: "POST", path: "/v1/customer_referral_links", body: `{
    "customer_key": "cust_123",
    "destination_url": "https://yoursite.com/signup"
  }`},
			{what: "get customer stats", method: "GET", path: "/v1/customers/cust_123/stats",
				shows: `{"data": {"total_referrals": 0, "successful_referrals": 0, "pending_referrals": 0, "total_rewards": 0, "currency": "USD"}, "status": 1}`},
			{what: "get customer balance (the guide's flat form is balance_format guide)", method: "PUT", path: "/v1/program", body: `{"balance_format": "guide"}`},
			{what: "get customer balance", method: "GET", path: "/v1/customers/cust_123/balance",
				shows: `{"data": {"balance": 0, "currency": "USD", "pending": 0}, "status": 1}`},
			{what: "list customers", method: "GET", path: "/v1/customers"},
			{what: "update customer", method: "PUT", path: "/v1/customers/cust_123", body: `{
    "name": "Jane Smith",
    "metadata": {"plan": "premium"}
  }`, shows: `{"data": {"name": "Jane Smith", "metadata": {"date_of_birth": null, "plan": "premium"}}, "status": 1}`},
			{what: "credit customer balance", method: "POST", path: "/v1/customers/cust_123/balance/credit", body: `{
    "amount": 10,
    "currency": "USD",
    "note": "Referral bonus"
  }`, shows: `{"data": {"balance": 10, "currency": "USD"}, "status": 1}`},
		}},
		{"001 refer-a-friend API integration", store.Program{}, []seedStep{
			{what: "without referral (new referrer)", method: "POST", path: "/v1/customers", body: `{
        "key": "customer_123",
        "email": "alice@example.com",
        "name": "Alice"
      }`, shows: `{
    "data": {
      "id": "customer_123",
      "email": "alice@example.com",
      "name": "Alice",
      "surname": null,
      "status": "active",
      "approved": true,
      "referring_customer": null,
      "referrals_count": 0,
      "referral_link": "https://yoursite.com?ref=customer_123",
      "referral_links": ["https://yoursite.com?ref=customer_123"],
      "metadata": {
        "date_of_birth": null
      },
      "created_at": "2025-05-09T17:42:13.000000Z",
      "updated_at": "2025-05-09T17:42:13.000000Z"
    },
    "status": 1
  }`},
			{what: "with referral (the cookie's value is customer_123)", method: "POST", path: "/v1/customers", body: `{
        "referring_customer": {
          "key": "customer_123"
        },
        "key": "customer_456",
        "email": "bob@example.com",
        "name": "Bob"
      }`, shows: `{"data": {"id": "customer_456", "referring_customer": {"key": "customer_123"}}, "status": 1}`},
			{what: "with referral, the placeholder as written: no such referrer", method: "POST", path: "/v1/customers", body: `{
        "referring_customer": {
          "key": "REFERRAL_KEY_FROM_COOKIE"
        },
        "key": "customer_457",
        "email": "bob2@example.com",
        "name": "Bob"
      }`, want: 422},
			{what: "track sales", method: "POST", path: "/v1/transactions", body: `{
    "customer": {
      "key": "customer_456"
    },
    "key": "invoice_123",
    "amount": 100,
    "action": "sale"
  }`, shows: `{"data": {"key": "invoice_123", "amount": 100, "action": "sale", "customer": "customer_123", "referred_customer": "customer_456"}, "status": 1}`},
			{what: "multiple transactions", method: "POST", path: "/v1/transactions", body: `{
    "customer": {
      "key": "customer_456"
    },
    "transactions": [
      {
        "key": "invoice_123",
        "amount": 100,
        "action": "sale"
      },
      {
        "key": "invoice_456",
        "amount": 200,
        "action": "sale"
      }
    ]
  }`, shows: `{"data": [{"key": "invoice_123", "amount": 100}, {"key": "invoice_456", "amount": 200}], "status": 1}`},
			{what: "customer details and referral link", method: "GET", path: "/v1/customers/customer_123",
				shows: `{"data": {"referral_link": "https://yoursite.com?ref=customer_123", "referrals_count": 1}, "status": 1}`},
			{what: "referral stats", method: "GET", path: "/v1/customers/customer_123/stats"},
			{what: "reward balance", method: "GET", path: "/v1/customers/customer_123/balance",
				shows: `{"data": {"balance": {"currency": [{"amount": 40, "amount_units": "USD", "is_currency": true}]}}, "status": 1}`},
			{what: "referred friends", method: "GET", path: "/v1/customers/customer_123/referrals",
				shows: `{"data": [{"key": "customer_456"}], "status": 1}`},
			{what: "credit rewards", method: "POST", path: "/v1/customers/customer_123/balance/credit", body: `{
    "amount": 10,
    "is_currency": true,
    "amount_units": "usd"
  }`, shows: `{"data": {"balance": {"currency": [{"amount": 50, "amount_units": "USD"}]}}, "status": 1}`},
		}},
		{"002 referral customers", store.Program{}, []seedStep{
			{what: "referring customer", method: "POST", path: "/v1/customers", body: `{
        "key": "customer_123",
        "name": "Alice",
        "surname": "Brown",
        "email": "alice.brown@example.com"
      }`, shows: `{
    "data": {
      "email": "alice.brown@example.com",
      "created_at": "2025-05-09T17:42:13.000000Z",
      "updated_at": "2025-05-09T17:42:13.000000Z",
      "id": "customer_123",
      "name": "Alice",
      "surname": "Brown",
      "approved": true,
      "status": "active",
      "referring_customer": null,
      "referrals_count": 0,
      "metadata": {
        "date_of_birth": null
      },
      "referral_link": "https://yoursite.com?ref=customer_123",
      "referral_links": ["https://yoursite.com?ref=customer_123"],
      "custom_fields": {}
    },
    "status": 1
  }`},
			{what: "referred customer", method: "POST", path: "/v1/customers", body: `{
        "referring_customer": {
          "key": "customer_123"
        },
        "key": "customer_456",
        "name": "Bob",
        "surname": "Green",
        "email": "bob.green@example.com"
      }`, shows: `{"data": {"id": "customer_456", "referring_customer": {"id": "customer_123"}}, "status": 1}`},
			{what: "list customers", method: "GET", path: "/v1/customers?refer_status=referred",
				shows: `{"data": [{"id": "customer_456"}], "status": 1}`},
			{what: "get customer", method: "GET", path: "/v1/customers/customer_123", shows: `{"data": {"id": "customer_123", "referrals_count": 1}, "status": 1}`},
			{what: "update customer", method: "PUT", path: "/v1/customers/customer_123", body: `{
    "update": {
      "name": "Amanda",
      "metadata": {
        "date_of_birth": "1990-01-15"
      }
    }
  }`, shows: `{"data": {"name": "Amanda", "metadata": {"date_of_birth": "1990-01-15"}}, "status": 1}`},
			{what: "archive customer", method: "POST", path: "/v1/customers/customer_123/archive", shows: `{"status": 1}`},
			{what: "restore customer", method: "POST", path: "/v1/customers/customer_123/revoke-archive", shows: `{"status": 1}`},
			{what: "invite a customer", method: "POST", path: "/v1/customers:invite", body: `{
    "email": "jane.smith@example.com",
    "name": "Jane"
  }`, shows: `{"status": 1}`},
			{what: "search customers", method: "GET", path: "/v1/customers:search?email=alice.brown@example.com", shows: `{"data": [{"id": "customer_123"}], "status": 1}`},
			{what: "search customers as written (no such email)", method: "GET", path: "/v1/customers:search?email=alice@example.com", shows: `{"data": [], "status": 1}`},
			{what: "customer stats", method: "GET", path: "/v1/customers/customer_123/stats"},
			{what: "customer referrals", method: "GET", path: "/v1/customers/customer_123/referrals", shows: `{"data": [{"id": "customer_456"}], "status": 1}`},
			{what: "customer transactions", method: "GET", path: "/v1/customers/customer_123/transactions", shows: `{"data": [], "status": 1}`},
			{what: "customer balance", method: "GET", path: "/v1/customers/customer_123/balance", shows: `{"data": {"balance": []}, "status": 1}`},
			{what: "credit customer balance", method: "POST", path: "/v1/customers/customer_123/balance/credit", body: `{
    "amount": 10.00,
    "amount_units": "USD",
    "is_currency": true
  }`, shows: `{"data": {"balance": {"currency": [{"amount": 10, "amount_units": "USD", "is_currency": true}]}}, "status": 1}`},
			{what: "delete customer", method: "DELETE", path: "/v1/customers/customer_123", shows: `{"status": 1}`},
		}},
		{"003 refer-a-friend with REST API", store.Program{}, []seedStep{
			{what: "referring customer", method: "POST", path: "/v1/customers", body: `{
  "id": "referring_id",
  "key": "referring_key",
  "name": "Customer",
  "email": "customer@partnero.com"
}`, shows: `{"data": {"id": "referring_id", "key": "referring_key"}, "status": 1}`},
			{what: "referred customer", method: "POST", path: "/v1/customers", body: `{
  "id": "referred_id",
  "key": "referred_key",
  "name": "Referred customer",
  "email": "referred-customer@partnero.com",
  "referring_customer": {
    "id": "referring_id",
    "key": "referring_key"
  }
}`, shows: `{"data": {"referring_customer": {"id": "referring_id"}}, "status": 1}`},
			{what: "fetch a customer", method: "GET", path: "/v1/customers/referring_id", shows: `{
  "data": {
    "email": "customer@partnero.com",
    "created_at": "2023-05-19T09:04:33.000000Z",
    "updated_at": "2023-05-19T09:04:33.000000Z",
    "name": "Customer",
    "key": "referring_key",
    "status": "active",
    "referring_customer": null,
    "referrals_count": 1
  },
  "status": 1
}`, ignore: []string{"$.data.created_at", "$.data.updated_at"}},
			{what: "customer's balance", method: "GET", path: "/v1/customers/referring_id/balance", shows: `{
  "data": {
    "customer": {
      "email": "customer@partnero.com",
      "name": "Customer",
      "key": "referring_key",
      "status": "active",
      "referring_customer": null,
      "referrals_count": 1
    },
    "balance": []
  },
  "status": 1
}`},
			{what: "customer referrals", method: "GET", path: "/v1/customers/referring_id/referrals", shows: `{
  "data": [
    {
      "email": "referred-customer@partnero.com",
      "key": "referred_key",
      "name": "Referred customer",
      "status": "active"
    }
  ],
  "status": 1
}`},
			{what: "transaction for referral", method: "POST", path: "/v1/transactions", body: `{
  "key": "invoice_1",
  "amount": 100,
  "action": "sale",
  "customer": {
    "id": "referred_id",
    "key": "referred_key"
  }
}`, shows: `{"data": {"key": "invoice_1", "customer": "referring_id", "referred_customer": "referred_id"}, "status": 1}`},
			{what: "a purchase of a customer nobody referred", method: "POST", path: "/v1/transactions", body: `{
  "key": "invoice_2",
  "amount": 100,
  "action": "sale",
  "customer": {
    "id": "referring_id"
  }
}`, shows: `{"data": {"key": "invoice_2", "customer": null, "referred_customer": "referring_id", "rewards": []}, "status": 1}`},
			{what: "the customer the credit example names", method: "POST", path: "/v1/customers", body: `{"key": "parent"}`},
			{what: "crediting a customer (the seed's // comments are annotations, not JSON)", method: "POST", path: "/v1/customers/parent/balance/credit", body: `{
  "amount": 10,
  "is_currency": true,
  "amount_units": "usd"
}`, shows: `{"data": {"balance": {"currency": [{"amount": 10, "amount_units": "USD"}]}}, "status": 1}`},
			{what: "crediting a customer, comments and all", method: "POST", path: "/v1/customers/parent/balance/credit", body: `{
  "amount": 10,
  "is_currency": true,
  // what you can credit depends on what kinda rewards you have
  "amount_units": "usd"
  // what you can credit depends on what kinda rewards you have
}`, want: 422},
		}},
	}
	for _, seed := range seeds {
		t.Run(seed.name, func(t *testing.T) {
			p := seed.program
			p.Website = "https://yoursite.com"
			e := newEnv(t, Options{Program: p})
			e.header.Set("Content-Type", "application/json")
			for _, s := range seed.steps {
				var body any
				if s.body != "" {
					body = s.body
				}
				want := s.want
				if want == 0 {
					want = 200
				}
				r := e.do(s.method, s.path, body)
				if r.status != want {
					t.Errorf("%s: %s %s: status %d, want %d; body %s", s.what, s.method, s.path, r.status, want, r.raw)
					continue
				}
				if s.shows == "" {
					continue
				}
				var shown, got any
				if err := json.Unmarshal([]byte(s.shows), &shown); err != nil {
					t.Fatalf("%s: the seed's response does not parse: %v", s.what, err)
				}
				if err := json.Unmarshal(r.raw, &got); err != nil {
					t.Fatal(err)
				}
				if diff := subsetDiff("$", shown, got, s.ignore); diff != "" {
					t.Errorf("%s: %s %s: response differs from the seed at %s\ngot %s", s.what, s.method, s.path, diff, r.raw)
				}
			}
		})
	}
}

// subsetDiff returns the path of the first member of want that got lacks or
// holds a different value at, or "". Arrays must match element by element
// (got may not be longer); paths in ignore are skipped.
func subsetDiff(path string, want, got any, ignore []string) string {
	for _, p := range ignore {
		if p == path {
			return ""
		}
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				return path + "." + k + " (missing)"
			}
			if d := subsetDiff(path+"."+k, w[k], gv, ignore); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s (length)", path)
		}
		for i := range w {
			if d := subsetDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], ignore); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(want, got) {
		return fmt.Sprintf("%s (%v, want %v)", path, got, want)
	}
	return ""
}
