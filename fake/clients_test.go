package fake

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The official clients cannot run here (no Packagist, no PyPI, the n8n node
// is not on npm), so these tests replay the exact request shapes they send,
// as catalogued in the reference (partnero-api.md §1.3 and §6).

// TestPHPSDKShapes replays partnero/partnero-php v1.0.23: JSON bodies on GET
// and DELETE, PUT /customers with {"id","update"}, and its own headers.
func TestPHPSDKShapes(t *testing.T) {
	e := newEnv(t, Options{})
	e.header.Set("User-Agent", "partnero-php/v1")
	e.header.Set("Sdk-Version", "v1.0.23")

	e.do("GET", "/v1/test", `{}`).want(t, 200)
	// Referrals::createReferring / createReferred send the model, unset fields as null.
	e.do("POST", "/v1/customers", `{"id":"referring_id","key":"referring_key","name":"Customer","surname":null,"email":"customer@partnero.com"}`).want(t, 200)
	r := e.do("POST", "/v1/customers", `{"id":"referred_id","key":"referred_key","name":"Referred customer","email":"referred-customer@partnero.com","referring_customer":{"id":"referring_id","key":"referring_key"}}`).want(t, 200)
	if r.str("data.referring_customer.id") != "referring_id" {
		t.Errorf("createReferred: %s", r.raw)
	}
	// Referrals::find and ::list (parameters in a GET body).
	e.do("GET", "/v1/customers/referring_id", `{}`).want(t, 200)
	if r := e.do("GET", "/v1/customers", `{"limit":10,"page":1,"refer_status":"referred"}`).want(t, 200); !reflect.DeepEqual(r.ids("id"), []string{"referred_id"}) {
		t.Errorf("list with body: %v", r.ids("id"))
	}
	// Referrals::search sends {"id": …} in the GET body.
	if r := e.do("GET", "/v1/customers:search", `{"id":"referred_id"}`).want(t, 200); !reflect.DeepEqual(r.ids("id"), []string{"referred_id"}) {
		t.Errorf("search with body: %v", r.ids("id"))
	}
	// Customers::search sends the query string (http_build_query).
	e.do("GET", "/v1/customers:search?key=referred_key", nil).want(t, 200)
	// Referrals::update: PUT /customers with the id in the body.
	if r := e.do("PUT", "/v1/customers", `{"id":"referred_id","update":{"name":"Renamed","surname":"Friend"}}`).want(t, 200); r.str("data.name") != "Renamed" {
		t.Errorf("update: %s", r.raw)
	}
	// Referrals::listReferred and ::invite.
	if r := e.do("GET", "/v1/customers/referring_id/referrals", `{}`).want(t, 200); len(r.items()) != 1 {
		t.Errorf("listReferred: %s", r.raw)
	}
	e.do("POST", "/v1/customers:invite", `{"email":"friend@example.com","name":"Friend","surname":null,"id":null,"key":null,"personalization":{"greeting":"Hi"}}`).want(t, 200)
	// CustomerReferralLinks: list with limit in the body; create with the
	// model's camelCase keys next to the snake_case ones (ignored).
	e.do("GET", "/v1/customers/referring_id/referral_links", `{"limit":10}`).want(t, 200)
	l := e.do("POST", "/v1/customer_referral_links", `{"key":"promo1","customer":{"id":"referring_id"},"domain_id":null,"is_additional":false,"isAdditional":false,"directTracking":false,"directTrackingRedirect":false,"directTrackingRedirectUrl":null}`).want(t, 200)
	if l.str("data.id") != "promo1" {
		t.Errorf("create link: %s", l.raw)
	}
	e.do("PUT", "/v1/customer_referral_links/promo1", `{"key":"promo2","isAdditional":true}`).want(t, 200)
	e.do("GET", "/v1/customer_referral_links:search", `{"id":"promo2"}`).want(t, 200)
	e.do("DELETE", "/v1/customer_referral_links/promo2", `{}`).want(t, 200)
	// Customers::delete (generic) sends the key in the DELETE body too.
	e.do("DELETE", "/v1/customers", `{"key":"referred_key"}`).want(t, 200)
	e.do("DELETE", "/v1/customers/referring_id", `{}`).want(t, 200)
	if r := e.do("GET", "/v1/customers", `{}`); len(r.items()) != 0 {
		t.Errorf("customers left: %v", r.ids("id"))
	}
}

// TestN8NShapes replays n8n-nodes-partnero: flat updates on the path form,
// limit=100 with sort, and Return All by following links.next verbatim.
func TestN8NShapes(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("GET", "/v1/test", nil).want(t, 200) // credential test
	e.do("POST", "/v1/customers", map[string]any{"key": "alice", "email": "alice@example.com", "name": "Alice", "surname": "A"}).want(t, 200)
	for i := range 120 {
		e.do("POST", "/v1/customers", map[string]any{
			"key": "friend" + strconv.Itoa(i), "name": "F", "referring_customer": map[string]any{"key": "alice"},
		}).want(t, 200)
	}
	var all []string
	next := e.srv.URL + "/v1/customers?limit=100&sort=desc"
	for next != "" {
		r := e.do("GET", next, nil).want(t, 200)
		all = append(all, r.ids("key")...)
		next = r.str("links.next")
	}
	if len(all) != 121 || all[0] != "friend119" || all[120] != "alice" {
		t.Errorf("Return All: %d customers, first %q last %q", len(all), all[0], all[len(all)-1])
	}
	// Get by key, ID or email.
	for _, x := range []string{"alice", "alice@example.com"} {
		e.do("GET", "/v1/customers/"+x, nil).want(t, 200)
	}
	// Update sends flat fields.
	if r := e.do("PUT", "/v1/customers/alice", map[string]any{"email": "alice2@example.com", "name": "Alicia"}).want(t, 200); r.str("data.email") != "alice2@example.com" {
		t.Errorf("flat update: %s", r.raw)
	}
	if r := e.do("GET", "/v1/customers:search?email=alice2@example.com&limit=100", nil).want(t, 200); len(r.items()) != 1 {
		t.Errorf("search: %s", r.raw)
	}
	e.do("POST", "/v1/customers/alice/archive", nil).want(t, 200)
	e.do("POST", "/v1/customers/alice/revoke-archive", nil).want(t, 200)
	e.do("DELETE", "/v1/customers/alice", nil).want(t, 200)
}

// TestPythonSDKShapes replays simon-offerwell/partnero-sdk 0.4.0: a base URL
// with a trailing slash, null optional fields, get_customer through
// customers:search with an empty key, and flat updates.
func TestPythonSDKShapes(t *testing.T) {
	e := newEnv(t, Options{})
	e.header.Del("Accept")
	base := e.srv.URL + "/v1/"
	e.do("POST", base+"customers", `{"partner": {"key": "p1"}, "key": "cust1", "email": "py@example.com", "name": "Py", "id": null}`).want(t, 200)
	if r := e.do("GET", base+"customers:search?email=py@example.com&key=", nil).want(t, 200); !reflect.DeepEqual(r.ids("key"), []string{"cust1"}) {
		t.Errorf("get_customer: %s", r.raw)
	}
	if r := e.do("PUT", base+"customers/cust1", `{"email": "py2@example.com", "name": "Python"}`).want(t, 200); r.str("data.name") != "Python" {
		t.Errorf("update_customer: %s", r.raw)
	}
	e.do("GET", base+"customers?limit=10&page=1", nil).want(t, 200)
	// A trailing slash after the resource is tolerated as Laravel does.
	e.do("GET", base+"customers/cust1/", nil).want(t, 200)
	r := e.do("DELETE", base+"customers/nobody", nil).want(t, 404)
	if !strings.Contains(r.str("message"), "not found") {
		t.Errorf("the Python SDK surfaces message: %q", r.str("message"))
	}
	e.do("DELETE", base+"customers/cust1", nil).want(t, 200)
}
