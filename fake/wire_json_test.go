package fake

import (
	"bytes"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// wireStrings are strings that take every path of appendString: plain,
// escaped, HTML, control characters, invalid UTF-8, U+2028/2029, non-ASCII.
var wireStrings = []string{
	"", "ben", "demo-ben", "ben@example.com", `quo"te`, `back\slash`, "<b>&amp;</b>", "tab\there",
	"nl\nx", "cr\r", "\b\f", "\x00\x01\x1f", "\x7f", "caf\u00e9", "\u2028\u2029", "bad\xffutf8", "\xe2\x80",
	"emoji \U0001F600", "https://example.com/r/ben?a=1&b=2", "ünïcode", "/", "\u00a0",
}

func randString(r *rand.Rand) string { return wireStrings[r.IntN(len(wireStrings))] }

func randNullable(r *rand.Rand) *string {
	if r.IntN(3) == 0 {
		return nil
	}
	s := randString(r)
	return &s
}

func randTimestamp(r *rand.Rand) timestamp {
	return timestamp(time.Unix(r.Int64N(4e9), r.Int64N(1e9)).In(time.FixedZone("x", 3600)))
}

func randMoney(r *rand.Rand) store.Money {
	m, _ := store.ParseMoney([]string{"0", "19.99", "-3.5", "1000000", "0.000001", "12.345678"}[r.IntN(6)])
	return m
}

var rawValues = []string{`1`, `"x"`, `null`, `true`, `{"a": [1, 2]}`, ` "sp" `, `[ ]`, `"<&>"`, `{"k":"v w"}`, `"\u2028"`}

func randCustomer(r *rand.Rand) customerJSON {
	c := customerJSON{
		ID: randString(r), Key: randString(r), Email: randNullable(r), Name: randNullable(r), Surname: randNullable(r),
		Status: randString(r), Approved: r.IntN(2) == 0, ReferralsCount: r.IntN(1000) - 5,
		Metadata:     customerMetadataJSON{DateOfBirth: randNullable(r)},
		ReferralLink: randString(r), CreatedAt: randTimestamp(r), UpdatedAt: randTimestamp(r),
	}
	if n := r.IntN(4); n > 0 {
		c.Metadata.Other = store.Metadata{}
		for range n {
			c.Metadata.Other[randString(r)] = json.RawMessage(rawValues[r.IntN(len(rawValues))])
		}
	}
	if n := r.IntN(4); n > 0 {
		for range n - 1 {
			c.ReferralLinks = append(c.ReferralLinks, randString(r))
		}
		if c.ReferralLinks == nil {
			c.ReferralLinks = []string{}
		}
	}
	if r.IntN(2) == 0 {
		c.ReferringCustomer = &customerSummaryJSON{ID: randString(r), Key: randString(r), Email: randNullable(r),
			Name: randNullable(r), Surname: randNullable(r)}
	}
	return c
}

func randTransaction(r *rand.Rand) transactionJSON {
	t := transactionJSON{
		Key: randString(r), Action: randString(r), Amount: randMoney(r), AmountUnits: randString(r),
		IsCurrency: r.IntN(2) == 0, Credit: r.IntN(2) == 0, Customer: randNullable(r), ReferredCustomer: randString(r),
		ProductID: randNullable(r), ProductType: randNullable(r), Rewardable: r.IntN(2) == 0, CreatedAt: randTimestamp(r),
	}
	if r.IntN(2) == 0 {
		ts := randTimestamp(r)
		t.DeletedAt = &ts
	}
	if n := r.IntN(4); n > 0 {
		t.Rewards = []rewardJSON{}
		for range n - 1 {
			rw := rewardJSON{Key: randString(r), Action: randString(r), Status: randString(r), Type: randString(r),
				Customer: randString(r), ReferredCustomer: randString(r), Amount: randMoney(r), AmountUnits: randString(r),
				IsCurrency: r.IntN(2) == 0, Credit: r.IntN(2) == 0, CreatedAt: randTimestamp(r)}
			if r.IntN(2) == 0 {
				ts := randTimestamp(r)
				rw.DeletedAt = &ts
			}
			t.Rewards = append(t.Rewards, rw)
		}
	}
	return t
}

// encodingJSON is what jsonResponse wrote for every document before the
// appenders: encoding/json with HTML escaping off.
func encodingJSON(t *testing.T, doc any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// oldMetadataJSON is customerMetadataJSON.MarshalJSON as it was before
// appendJSON, compacted by encoding/json as the response encoder did.
func oldMetadataJSON(t *testing.T, m customerMetadataJSON) []byte {
	var b bytes.Buffer
	dob, _ := json.Marshal(m.DateOfBirth)
	b.WriteString(`{"date_of_birth":`)
	b.Write(dob)
	for _, k := range slices.Sorted(maps.Keys(m.Other)) {
		name, _ := json.Marshal(k)
		b.WriteByte(',')
		b.Write(name)
		b.WriteByte(':')
		b.Write(m.Other[k])
	}
	b.WriteByte('}')
	return encodingJSON(t, json.RawMessage(b.Bytes()))
}

// TestAppendJSONMatchesEncodingJSON: the documents that write their own
// JSON write encoding/json's bytes, over random values of every field.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 1))
	valued := 0
	check := func(doc any) {
		t.Helper()
		e, _ := doc.(envelope)
		a, ok := e.appender()
		if !ok {
			t.Fatalf("%T has no appender", doc)
		}
		if got, want := a.appendJSON(nil), encodingJSON(t, doc); !bytes.Equal(got, want) {
			t.Fatalf("appendJSON:\n got %s\nwant %s", got, want)
		}
		// The value strict mode validates is the decoding of those bytes.
		got, ok := a.jsonValue()
		if !ok {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(a.appendJSON(nil)))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("jsonValue:\n got %#v\nwant %#v", got, want)
		}
		valued++
	}
	for range 3000 {
		c := randCustomer(r)
		if got, want := c.Metadata.appendJSON(nil), oldMetadataJSON(t, c.Metadata); !bytes.Equal(got, want) {
			t.Fatalf("metadata:\n got %s\nwant %s", got, want)
		}
		check(ok(c))
		check(ok(randTransaction(r)))
	}
	check(envelope{Data: customerJSON{}, Status: 0})
	check(envelope{Data: transactionJSON{}, Status: 1})
	if valued < 1000 {
		t.Errorf("only %d of 6,000 documents gave a value", valued)
	}
}

// TestAppendGenericMatchesMarshal: a cleaned request body is written as
// json.Marshal writes it, over random nested values.
func TestAppendGenericMatchesMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 2))
	var gen func(depth int) any
	gen = func(depth int) any {
		switch n := r.IntN(8); {
		case n == 0:
			return nil
		case n == 1:
			return r.IntN(2) == 0
		case n == 2:
			return json.Number([]string{"0", "-1", "19.99", "1e5", "12345678901234567890"}[r.IntN(5)])
		case n < 5 || depth > 3:
			return randString(r)
		case n == 5:
			a := []any{}
			for range r.IntN(4) {
				a = append(a, gen(depth+1))
			}
			return a
		default:
			m := map[string]any{}
			for range r.IntN(5) {
				m[randString(r)] = gen(depth + 1)
			}
			return m
		}
	}
	for range 5000 {
		v := gen(0)
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendGeneric(nil, v)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("appendGeneric(%#v) = %s, %v; want %s", v, got, ok, want)
		}
	}
	if _, ok := appendGeneric(nil, map[string]any{"x": 1.5}); ok {
		t.Error("a float64 should be left to json.Marshal")
	}
}

// TestTimestampText: the hand-written layout is AppendFormat's, over random
// instants of every zone, and years outside 0-9999 fall back to it.
func TestTimestampText(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 3))
	times := []time.Time{{}, time.Unix(0, 0), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 5, 9, 17, 42, 13, 1000, time.FixedZone("x", -7*3600))}
	for range 20000 {
		times = append(times, time.Unix(r.Int64N(4e11)-1e11, r.Int64N(1e9)).In(time.FixedZone("z", (r.IntN(48)-24)*1800)))
	}
	for _, tm := range times {
		got := string(timestamp(tm).appendText(nil))
		if want := tm.UTC().Format(laravelTime); got != want {
			t.Fatalf("%v: got %s, want %s", tm, got, want)
		}
	}
}

// TestNullableFieldsKeepTheirValues renders customers and a sale whose
// nullable fields (customerWire and transactionWire give them one shared
// allocation) all differ, set and unset, so that any two swapped shows.
func TestNullableFieldsKeepTheirValues(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"id": "ref", "key": "kref",
		"email": "ref@example.com", "name": "Rena", "surname": "Referrer"}).want(t, 200)
	full := e.do("POST", "/v1/customers", map[string]any{"id": "buy", "key": "kbuy",
		"email": "buy@example.com", "name": "Bruno", "surname": "Buyer",
		"metadata":           map[string]any{"date_of_birth": "1990-01-15"},
		"referring_customer": map[string]any{"id": "ref"}}).want(t, 200)
	bare := e.do("POST", "/v1/customers", map[string]any{"id": "nobody", "key": "knobody"}).want(t, 200)
	for _, r := range []result{full, e.do("GET", "/v1/customers/buy", nil).want(t, 200)} {
		for path, want := range map[string]any{
			"data.email": "buy@example.com", "data.name": "Bruno", "data.surname": "Buyer",
			"data.metadata.date_of_birth":     "1990-01-15",
			"data.referring_customer.id":      "ref",
			"data.referring_customer.email":   "ref@example.com",
			"data.referring_customer.name":    "Rena",
			"data.referring_customer.surname": "Referrer",
			"data.referring_customer.key":     "kref",
			"data.referral_links.0":           r.str("data.referral_link"),
		} {
			if got := r.get(path); got != want {
				t.Errorf("%s = %v, want %v; body: %s", path, got, want, r.raw)
			}
		}
	}
	for _, path := range []string{"data.email", "data.name", "data.surname", "data.metadata.date_of_birth", "data.referring_customer"} {
		if bare.get(path) != nil {
			t.Errorf("%s = %v, want null; body: %s", path, bare.get(path), bare.raw)
		}
	}
	sale := e.do("POST", "/v1/transactions", map[string]any{"customer": map[string]any{"key": "kbuy"},
		"key": "s1", "amount": 10, "product_id": "prod-1", "product_type": "plan"}).want(t, 200)
	for path, want := range map[string]any{"data.customer": "ref", "data.referred_customer": "buy",
		"data.product_id": "prod-1", "data.product_type": "plan"} {
		if got := sale.get(path); got != want {
			t.Errorf("sale %s = %v, want %v; body: %s", path, got, want, sale.raw)
		}
	}
	plain := e.do("POST", "/v1/transactions", map[string]any{"customer": map[string]any{"key": "knobody"},
		"key": "s2", "amount": 10}).want(t, 200)
	for _, path := range []string{"data.customer", "data.product_id", "data.product_type"} {
		if plain.get(path) != nil {
			t.Errorf("sale without referrer or product: %s = %v, want null; body: %s", path, plain.get(path), plain.raw)
		}
	}
}
