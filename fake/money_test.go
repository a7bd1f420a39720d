package fake

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// moneyStep is what must hold after one step of the seed-001 flow.
type moneyStep struct {
	alice, bob              string // balance lines, "" for none: "USD 10"
	rewards                 int    // rewards alice received, live
	successful, pending     int
	sales                   int
	totalRewards            float64
	aliceTransactionsListed int
}

func balanceLines(r result) string {
	out := ""
	if b, isArray := r.get("data.balance").([]any); isArray && len(b) == 0 {
		return out // Partnero's empty balance
	}
	for _, l := range r.get("data.balance.currency").([]any) {
		m := l.(map[string]any)
		if out != "" {
			out += ", "
		}
		out += fmt.Sprintf("%s %v", m["amount_units"], m["amount"])
	}
	return out
}

// TestMoneyFlow walks seed 001: Alice signs up, Bob signs up through her
// link, Bob buys twice, the first purchase is refunded; under three reward
// rule sets, asserting balances, rewards, stats and lists at every step.
func TestMoneyFlow(t *testing.T) {
	type rules struct {
		name  string
		rules []map[string]any
		steps [4]moneyStep // after: bob's signup, purchase 1, purchase 2, refund of purchase 1
	}
	sets := []rules{
		{
			name:  "fixed credit on first purchase",
			rules: []map[string]any{{"trigger": "first_purchase", "type": "credit", "amount_type": "fixed", "amount": 10}},
			steps: [4]moneyStep{
				{pending: 1},
				{alice: "USD 10", rewards: 1, successful: 1, sales: 1, totalRewards: 10, aliceTransactionsListed: 1},
				{alice: "USD 10", rewards: 1, successful: 1, sales: 2, totalRewards: 10, aliceTransactionsListed: 2},
				{successful: 1, sales: 1, aliceTransactionsListed: 1},
			},
		},
		{
			name:  "10% on every purchase",
			rules: []map[string]any{{"trigger": "every_purchase", "type": "credit", "amount_type": "percent", "amount": 10}},
			steps: [4]moneyStep{
				{pending: 1},
				{alice: "USD 10", rewards: 1, successful: 1, sales: 1, totalRewards: 10, aliceTransactionsListed: 1},
				{alice: "USD 30", rewards: 2, successful: 1, sales: 2, totalRewards: 30, aliceTransactionsListed: 2},
				{alice: "USD 20", rewards: 1, successful: 1, sales: 1, totalRewards: 20, aliceTransactionsListed: 1},
			},
		},
		{
			name:  "both parties rewarded on signup",
			rules: []map[string]any{{"trigger": "signup", "type": "credit", "amount": 5, "recipients": "both"}},
			steps: [4]moneyStep{
				{alice: "USD 5", bob: "USD 5", rewards: 1, pending: 1, totalRewards: 5},
				{alice: "USD 5", bob: "USD 5", rewards: 1, successful: 1, sales: 1, totalRewards: 5, aliceTransactionsListed: 1},
				{alice: "USD 5", bob: "USD 5", rewards: 1, successful: 1, sales: 2, totalRewards: 5, aliceTransactionsListed: 2},
				{alice: "USD 5", bob: "USD 5", rewards: 1, successful: 1, sales: 1, totalRewards: 5, aliceTransactionsListed: 1},
			},
		},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.do("PUT", "/v1/program", map[string]any{"rewards": set.rules}).want(t, 200)
			check := func(step int) {
				t.Helper()
				want := set.steps[step]
				if got := balanceLines(e.do("GET", "/v1/customers/customer_123/balance", nil).want(t, 200)); got != want.alice {
					t.Errorf("step %d: alice's balance = %q, want %q", step, got, want.alice)
				}
				if got := balanceLines(e.do("GET", "/v1/customers/customer_456/balance", nil).want(t, 200)); got != want.bob {
					t.Errorf("step %d: bob's balance = %q, want %q", step, got, want.bob)
				}
				st := e.do("GET", "/v1/customers/customer_123/stats", nil).want(t, 200)
				aliceID := e.do("GET", "/v1/customers/customer_123", nil).str("data.id")
				live := 0
				for _, r := range e.state().Rewards {
					if r.CustomerID == aliceID && r.Live() {
						live++
					}
				}
				got := moneyStep{
					alice: want.alice, bob: want.bob, rewards: live,
					successful: st.num("data.successful_referrals"), pending: st.num("data.pending_referrals"),
					sales: st.num("data.sales_count"), totalRewards: st.get("data.total_rewards").(float64),
					aliceTransactionsListed: len(e.do("GET", "/v1/customers/customer_123/transactions", nil).want(t, 200).items()),
				}
				rewarded := 0
				for _, r := range st.get("data.rewards").([]any) {
					_ = r
					rewarded++
				}
				if got != want {
					t.Errorf("step %d: stats %+v, want %+v", step, got, want)
				}
				if st.num("data.referrals") != 1 || st.num("data.referrals") != len(e.do("GET", "/v1/customers/customer_123/referrals", nil).items()) {
					t.Errorf("step %d: referrals %d disagree with the referrals list", step, st.num("data.referrals"))
				}
				if want.rewards > 0 && rewarded == 0 {
					t.Errorf("step %d: stats show no reward lines", step)
				}
				if err := e.fake.Tenant(testKey).Store().CheckInvariants(); err != nil {
					t.Errorf("step %d: %v", step, err)
				}
			}
			e.do("POST", "/v1/customers", map[string]any{"key": "customer_123", "email": "alice@example.com", "name": "Alice"}).want(t, 200)
			e.do("POST", "/v1/customers", map[string]any{
				"referring_customer": map[string]any{"key": "customer_123"}, "key": "customer_456", "email": "bob@example.com", "name": "Bob",
			}).want(t, 200)
			check(0)
			tx := e.do("POST", "/v1/transactions", map[string]any{"customer": map[string]any{"key": "customer_456"}, "key": "invoice_123", "amount": 100, "action": "sale"}).want(t, 200)
			if tx.str("data.customer") != e.do("GET", "/v1/customers/customer_123", nil).str("data.id") || tx.str("data.referred_customer") == "" {
				t.Errorf("transaction: customer must be the referrer, referred_customer the buyer: %s", tx.raw)
			}
			check(1)
			e.do("POST", "/v1/transactions", map[string]any{"customer": map[string]any{"key": "customer_456"}, "key": "invoice_456", "amount": 200, "action": "sale"}).want(t, 200)
			check(2)
			e.do("DELETE", "/v1/transactions/invoice_123", nil).want(t, 200)
			check(3)
			// Deleting twice is a 404 and changes nothing.
			before := e.state()
			e.do("DELETE", "/v1/transactions/invoice_123", nil).want(t, 404)
			if !reflect.DeepEqual(before, e.state()) {
				t.Error("second delete changed the state")
			}
			// The customer filter in every spelling clients use.
			for _, q := range []string{"customer[key]=customer_456", "customer.key=customer_456", "customer_key=customer_456", "key=invoice_456&customer_key=customer_456"} {
				if got := e.do("GET", "/v1/transactions?"+q, nil).ids("key"); !reflect.DeepEqual(got, []string{"invoice_456"}) {
					t.Errorf("transactions?%s = %v", q, got)
				}
			}
			if got := e.do("GET", "/v1/transactions", map[string]any{"customer": map[string]any{"key": "customer_456"}}).ids("key"); !reflect.DeepEqual(got, []string{"invoice_456"}) {
				t.Errorf("transactions with a JSON body filter = %v", got)
			}
		})
	}
}

func TestArchiveAndRestoreTransaction(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "a"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "b", "referring_customer": map[string]any{"key": "a"}}).want(t, 200)
	e.do("POST", "/v1/transactions", map[string]any{"customer": map[string]any{"key": "b"}, "key": "t1", "amount": 50}).want(t, 200)
	if got := balanceLines(e.do("GET", "/v1/customers/a/balance", nil)); got != "USD 5" {
		t.Fatalf("balance = %q", got)
	}
	e.do("POST", "/v1/transactions/t1/archive", nil).want(t, 200)
	tx := e.do("GET", "/v1/transactions/t1", nil).want(t, 200)
	if tx.get("data.deleted_at") == nil || tx.str("data.rewards.0.status") != "archived" {
		t.Errorf("archived transaction: %s", tx.raw)
	}
	if got := balanceLines(e.do("GET", "/v1/customers/a/balance", nil)); got != "" {
		t.Errorf("balance after archive = %q, want none", got)
	}
	if r := e.do("POST", "/v1/transactions/t1/archive", nil).want(t, 400); r.str("message") != "Action failed" {
		t.Errorf("second archive: %s", r.raw)
	}
	e.do("POST", "/v1/transactions/t1/revoke-archive", nil).want(t, 200)
	e.do("POST", "/v1/transactions/t1/revoke-archive", nil).want(t, 400)
	if got := balanceLines(e.do("GET", "/v1/customers/a/balance", nil)); got != "USD 5" {
		t.Errorf("balance after restore = %q", got)
	}
	e.do("POST", "/v1/transactions/nope/archive", nil).want(t, 404)
	// PHP sends the key in the body of DELETE /transactions too.
	e.do("DELETE", "/v1/transactions", `{"key":"t1"}`).want(t, 200)
	e.do("GET", "/v1/transactions/t1", nil).want(t, 404)
}

func TestTransactionKeys(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "a"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "b", "referring_customer": map[string]any{"key": "a"}}).want(t, 200)
	sale := map[string]any{"customer": map[string]any{"key": "b"}, "key": "dup", "amount": 10}
	// Default (n8n README): keys repeat, each call is another sale and reward.
	e.do("POST", "/v1/transactions", sale).want(t, 200)
	e.do("POST", "/v1/transactions", sale).want(t, 200)
	if got := balanceLines(e.do("GET", "/v1/customers/a/balance", nil)); got != "USD 2" {
		t.Errorf("two sales with one key: balance %q, want USD 2", got)
	}
	if n := len(e.do("GET", "/v1/transactions?key=dup", nil).items()); n != 2 {
		t.Errorf("listed %d transactions with key dup", n)
	}
	e.do("DELETE", "/v1/transactions/dup", nil).want(t, 200) // removes both
	if got := balanceLines(e.do("GET", "/v1/customers/a/balance", nil)); got != "" {
		t.Errorf("after refund: %q", got)
	}
	// reject: a repeated key is a 422 and nothing is recorded.
	e.do("PUT", "/v1/program", map[string]any{"transaction_keys": "reject"}).want(t, 200)
	e.do("POST", "/v1/transactions", sale).want(t, 200)
	before := e.state()
	if r := e.do("POST", "/v1/transactions", sale).want(t, 422); r.errorFor("key") == nil {
		t.Errorf("duplicate key: %s", r.raw)
	}
	batch := map[string]any{"customer": map[string]any{"key": "b"}, "transactions": []any{
		map[string]any{"key": "n1", "amount": 1}, map[string]any{"key": "n1", "amount": 2},
	}}
	if r := e.do("POST", "/v1/transactions", batch).want(t, 422); r.errorFor("transactions.1.key") == nil {
		t.Errorf("duplicate key inside a batch: %s", r.raw)
	}
	if !reflect.DeepEqual(before, e.state()) {
		t.Error("rejected transactions changed the state")
	}
}

func TestTransactionBadInput(t *testing.T) {
	referred := map[string]any{"key": "b"}
	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"negative amount", map[string]any{"customer": referred, "amount": -5}, "amount"},
		{"zero amount", map[string]any{"customer": referred, "amount": 0}, "amount"},
		{"huge amount", map[string]any{"customer": referred, "amount": 1e13}, "amount"},
		{"too precise", map[string]any{"customer": referred, "amount": 0.0000001}, "amount"},
		{"non-numeric amount", map[string]any{"customer": referred, "amount": "ten"}, "amount"},
		{"missing amount", map[string]any{"customer": referred}, "amount"},
		{"NaN is not JSON", `{"customer": {"key": "b"}, "amount": NaN}`, "body"},
		{"unknown currency", map[string]any{"customer": referred, "amount": 5, "amount_units": "ABC"}, "amount_units"},
		{"unknown customer", map[string]any{"customer": map[string]any{"key": "nobody"}, "amount": 5}, "customer"},
		{"missing customer", map[string]any{"amount": 5}, "customer"},
		{"non-referred customer, program rejecting them", map[string]any{"customer": map[string]any{"key": "a"}, "amount": 5}, "customer"},
		{"bad date", map[string]any{"customer": referred, "amount": 5, "created_at": "yesterday"}, "created_at"},
		{"one bad entry in a batch", map[string]any{"customer": referred, "transactions": []any{
			map[string]any{"key": "ok1", "amount": 5}, map[string]any{"key": "bad", "amount": -1},
		}}, "transactions.1.amount"},
		{"empty batch", map[string]any{"customer": referred, "transactions": []any{}}, "transactions"},
		{"create_customer with a taken email", map[string]any{"customer": map[string]any{"key": "new", "email": "a@example.com", "referring_customer": map[string]any{"key": "a"}}, "amount": 5, "options": map[string]any{"create_customer": true}}, "customer.email"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{}
			if strings.HasPrefix(tc.name, "non-referred") {
				opts.Program.NonReferred = store.NonReferredReject
			}
			e := newEnv(t, opts)
			e.do("POST", "/v1/customers", map[string]any{"key": "a", "email": "a@example.com"}).want(t, 200)
			e.do("POST", "/v1/customers", map[string]any{"key": "b", "referring_customer": map[string]any{"key": "a"}}).want(t, 200)
			before := e.state()
			r := e.do("POST", "/v1/transactions", tc.body).want(t, 422)
			if r.errorFor(tc.field) == nil {
				t.Errorf("errors = %v, want %q", r.get("errors"), tc.field)
			}
			if !reflect.DeepEqual(before, e.state()) {
				t.Error("rejected request changed the state")
			}
		})
	}
}

func TestCreateCustomerWithTransaction(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "a"}).want(t, 200)
	r := e.do("POST", "/v1/transactions", map[string]any{
		"customer": map[string]any{"key": "new", "email": "new@example.com", "referring_customer": map[string]any{"key": "a"}},
		"key":      "first", "amount": 40, "options": map[string]any{"create_customer": true},
	}).want(t, 200)
	if r.str("data.rewards.0.amount_units") != "USD" || r.get("data.rewards.0.amount") != 4.0 {
		t.Errorf("create_customer sale: %s", r.raw)
	}
	if c := e.do("GET", "/v1/customers/new", nil).want(t, 200); c.str("data.referring_customer.key") != "a" {
		t.Errorf("created customer: %s", c.raw)
	}
	// When the customer exists, it is used as is.
	e.do("POST", "/v1/transactions", map[string]any{
		"customer": map[string]any{"key": "new"}, "amount": 10, "options": map[string]any{"create_customer": true},
	}).want(t, 200)
}

func TestCreditBalance(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "a"}).want(t, 200)
	r := e.do("POST", "/v1/customers/a/balance/credit", map[string]any{"amount": 10, "amount_units": "usd", "is_currency": true}).want(t, 200)
	if balanceLines(r) != "USD 10" {
		t.Errorf("credit: %s", r.raw)
	}
	// The guide's shape: currency instead of amount_units, no is_currency.
	e.do("POST", "/v1/customers/a/balance/credit", map[string]any{"amount": 2.5, "currency": "EUR", "note": "bonus"}).want(t, 200)
	r = e.do("POST", "/v1/customers/a/balance/credit", map[string]any{"amount": 100, "amount_units": "points", "is_currency": false}).want(t, 200)
	if got := balanceLines(r); got != "EUR 2.5, USD 10" {
		t.Errorf("balance = %q", got)
	}
	if pts := r.get("data.balance.non_currency.0.amount"); pts != 100.0 {
		t.Errorf("points = %v", pts)
	}
	for _, bad := range []map[string]any{
		{"amount": 0, "amount_units": "USD"},
		{"amount": -1, "amount_units": "USD"},
		{"amount": 1, "amount_units": "QQQ"},
		{"amount": 1},
		{"amount_units": "USD"},
	} {
		before := e.state()
		e.do("POST", "/v1/customers/a/balance/credit", bad).want(t, 422)
		if !reflect.DeepEqual(before, e.state()) {
			t.Errorf("credit %v changed the state", bad)
		}
	}
	e.do("POST", "/v1/customers/nobody/balance/credit", map[string]any{"amount": 1, "amount_units": "USD"}).want(t, 404)
}

// TestConcurrentSales posts many sales for one referrer from many
// goroutines; nothing is lost.
func TestConcurrentSales(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "a"}).want(t, 200)
	for i := range 5 {
		e.do("POST", "/v1/customers", map[string]any{"key": fmt.Sprint("f", i), "referring_customer": map[string]any{"key": "a"}}).want(t, 200)
	}
	const workers, each = 20, 25
	var wg sync.WaitGroup
	errs := make(chan string, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				st, body := postRaw(e, "/v1/transactions", fmt.Sprintf(`{"customer":{"key":"f%d"},"amount":0.1}`, (w+i)%5))
				if st != 200 {
					errs <- body
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	// 500 sales of 0.1 earn 10% each: exactly 5.
	if got := balanceLines(e.do("GET", "/v1/customers/a/balance", nil)); got != "USD 5" {
		t.Errorf("balance = %q, want USD 5", got)
	}
	if st := e.do("GET", "/v1/customers/a/stats", nil); st.num("data.sales_count") != workers*each {
		t.Errorf("sales_count = %d", st.num("data.sales_count"))
	}
	if err := e.fake.Tenant(testKey).Store().CheckInvariants(); err != nil {
		t.Error(err)
	}
}

func TestSetClicks(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "a"}).want(t, 200)
	e.do("PUT", "/_fake/customers/a/clicks", map[string]any{"clicks": 42}).want(t, 200)
	if st := e.do("GET", "/v1/customers/a/stats", nil); st.num("data.clicks") != 42 {
		t.Errorf("clicks = %d", st.num("data.clicks"))
	}
	e.do("PUT", "/_fake/customers/nobody/clicks", map[string]any{"clicks": 1}).want(t, 404)
	e.do("PUT", "/_fake/customers/a/clicks", map[string]any{"clicks": -1}).want(t, 422)
	if err := e.fake.Tenant(testKey).Store().SetClicks("a", 7); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := e.fake.Tenant(testKey).Store().Stats("a"); st.Clicks != 7 {
		t.Errorf("Go API clicks = %d", st.Clicks)
	}
	_ = store.Stats{}
}

// TestAnsweredSaleIsTheStored holds the answer of POST /v1/transactions,
// which is written in the request's own memory (createTransaction), to
// the stored sale rendered afresh (transactionWire), byte for byte: sales
// with more rewards than the call's array holds, with one, with none, with
// and without product details, in turns, so that each request reuses an
// exchange another filled.
func TestAnsweredSaleIsTheStored(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("PUT", "/v1/program", map[string]any{"rewards": []map[string]any{
		{"trigger": "every_purchase", "type": "credit", "amount_type": "percent", "amount": 10, "recipients": "both"},
		{"trigger": "every_purchase", "type": "credit", "amount": 1, "recipients": "both"},
	}}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "referrer"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "friend", "referring_customer": map[string]any{"key": "referrer"}}).want(t, 200)
	st := e.fake.tenant(testKey).store
	counts := map[int]bool{}
	for i := 0; i < 12; i++ {
		if i == 6 { // from here on one reward a sale, which the call's array holds
			e.do("PUT", "/v1/program", map[string]any{"rewards": []map[string]any{
				{"trigger": "every_purchase", "type": "credit", "amount": 2},
			}}).want(t, 200)
		}
		body := map[string]any{"key": fmt.Sprintf("s%d", i), "amount": 10 + i, "customer": map[string]any{"key": "friend"}}
		switch i % 3 {
		case 1:
			body["product_id"], body["product_type"] = "p1", "plan"
		case 2:
			body["rewardable"] = false
		}
		got := e.do("POST", "/v1/transactions", body).want(t, 200)
		v, err := st.Transaction(fmt.Sprintf("s%d", i))
		if err != nil {
			t.Fatal(err)
		}
		counts[len(v.Rewards)] = true
		if want := encodingJSON(t, ok(transactionWire(v))); string(got.raw) != string(want) {
			t.Fatalf("sale %d:\n got %s\nwant %s", i, got.raw, want)
		}
		// And what was stored is what was sent, not what an earlier
		// request left in the memory it was read into.
		if product := got.get("data.product_id"); (i%3 == 1) != (product != nil) || got.get("data.rewardable") != (i%3 != 2) {
			t.Fatalf("sale %d: product_id %v, rewardable %v, from %v", i, product, got.get("data.rewardable"), body)
		}
	}
	if !counts[0] || !counts[1] || !counts[4] {
		t.Errorf("sales with %v rewards, want some with none, one and four", counts)
	}
}
