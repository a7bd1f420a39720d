package fake

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// TestReferralFlow walks the seeds' refer-a-friend customer flow.
func TestReferralFlow(t *testing.T) {
	e := newEnv(t, Options{})

	alice := e.do("POST", "/v1/customers", map[string]any{
		"key": "customer_123", "email": "alice@example.com", "name": "Alice",
	}).want(t, 200)
	if got := alice.get("data.referring_customer"); got != nil {
		t.Errorf("referrer's referring_customer = %v, want null", got)
	}
	if got, want := alice.str("data.referral_link"), "https://example.com?ref=customer_123"; got != want {
		t.Errorf("referral_link = %q, want %q", got, want)
	}
	if alice.str("data.created_at") != "2025-05-09T17:42:13.000000Z" {
		t.Errorf("created_at = %q, want Laravel format at the frozen time", alice.str("data.created_at"))
	}
	aliceID := alice.str("data.id")
	if len(aliceID) != 12 {
		t.Errorf("generated id %q, want 12 characters", aliceID)
	}

	// The friend signs up with the partnero_referral cookie's value.
	bob := e.do("POST", "/v1/customers", map[string]any{
		"referring_customer": map[string]any{"key": "customer_123"},
		"key":                "customer_456", "email": "bob@example.com", "name": "Bob",
	}).want(t, 200)
	if got := bob.str("data.referring_customer.id"); got != aliceID {
		t.Errorf("bob's referring_customer.id = %q, want %q", got, aliceID)
	}

	got := e.do("GET", "/v1/customers/customer_123", nil).want(t, 200)
	if n := got.num("data.referrals_count"); n != 1 {
		t.Errorf("referrals_count = %d, want 1", n)
	}
	// Lookup by id and by email reach the same customer.
	for _, ref := range []string{aliceID, "alice@example.com", "ALICE@example.com"} {
		if r := e.do("GET", "/v1/customers/"+ref, nil).want(t, 200); r.str("data.key") != "customer_123" {
			t.Errorf("GET /customers/%s found %q", ref, r.str("data.key"))
		}
	}

	refs := e.do("GET", "/v1/customers/customer_123/referrals", nil).want(t, 200)
	if ids := refs.ids("key"); !reflect.DeepEqual(ids, []string{"customer_456"}) {
		t.Errorf("referrals = %v, want [customer_456]", ids)
	}
	links := e.do("GET", "/v1/customers/customer_123/referral_links", nil).want(t, 200)
	if l := links.items(); len(l) != 1 || l[0]["default"] != true || l[0]["url"] != "https://example.com?ref=customer_123" {
		t.Errorf("referral_links = %s", links.raw)
	}

	found := e.do("GET", "/v1/customers:search?email=bob@example.com", nil).want(t, 200)
	if ids := found.ids("key"); !reflect.DeepEqual(ids, []string{"customer_456"}) {
		t.Errorf("search by email = %v", ids)
	}
	if r := e.do("GET", "/v1/customers?refer_status=referred", nil).want(t, 200); !reflect.DeepEqual(r.ids("key"), []string{"customer_456"}) {
		t.Errorf("refer_status=referred = %v", r.ids("key"))
	}
	if r := e.do("GET", "/v1/customers?refer_status=non_referred", nil).want(t, 200); !reflect.DeepEqual(r.ids("key"), []string{"customer_123"}) {
		t.Errorf("refer_status=non_referred = %v", r.ids("key"))
	}

	// The documented update: the wrapper, with metadata.
	up := e.do("PUT", "/v1/customers/customer_123", map[string]any{
		"update": map[string]any{"name": "Amanda", "metadata": map[string]any{"date_of_birth": "1990-01-15"}},
	}).want(t, 200)
	if up.str("data.name") != "Amanda" || up.str("data.metadata.date_of_birth") != "1990-01-15" {
		t.Errorf("after update: %s", up.raw)
	}

	e.do("POST", "/v1/customers/customer_123/archive", nil).want(t, 200)
	if r := e.do("GET", "/v1/customers/customer_123", nil); r.str("data.status") != "archived" {
		t.Errorf("status after archive = %q", r.str("data.status"))
	}
	before := e.state()
	r := e.do("POST", "/v1/customers/customer_123/archive", nil).want(t, 400)
	if r.str("message") != "Action failed" {
		t.Errorf("repeated archive message = %q", r.str("message"))
	}
	if after := e.state(); !reflect.DeepEqual(before, after) {
		t.Errorf("a failed archive changed the state:\nbefore %+v\nafter  %+v", before, after)
	}
	e.do("POST", "/v1/customers/customer_123/revoke-archive", nil).want(t, 200)
	e.do("POST", "/v1/customers/customer_123/revoke-archive", nil).want(t, 400)
	if r := e.do("GET", "/v1/customers/customer_123", nil); r.str("data.status") != "active" {
		t.Errorf("status after restore = %q", r.str("data.status"))
	}

	e.do("DELETE", "/v1/customers/customer_123", nil).want(t, 200)
	e.do("GET", "/v1/customers/customer_123", nil).want(t, 404)
	e.do("DELETE", "/v1/customers/customer_123", nil).want(t, 404)
	// Bob stays, without a referrer.
	if r := e.do("GET", "/v1/customers/customer_456", nil).want(t, 200); r.get("data.referring_customer") != nil {
		t.Errorf("bob after his referrer's deletion: %s", r.raw)
	}
}

func TestReferrerIDWinsOverKey(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"id": "a", "key": "ka"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"id": "b", "key": "kb"}).want(t, 200)
	r := e.do("POST", "/v1/customers", map[string]any{
		"id": "c", "referring_customer": map[string]any{"id": "b", "key": "ka"},
	}).want(t, 200)
	if got := r.str("data.referring_customer.id"); got != "b" {
		t.Errorf("referrer = %q, want b (id wins over key)", got)
	}
	// An unknown id is not rescued by a valid key.
	before := e.state()
	r = e.do("POST", "/v1/customers", map[string]any{
		"id": "d", "referring_customer": map[string]any{"id": "nobody", "key": "ka"},
	}).want(t, 422)
	if r.errorFor("referring_customer.id") == nil {
		t.Errorf("errors = %s, want referring_customer.id", r.raw)
	}
	if !reflect.DeepEqual(before, e.state()) {
		t.Error("a rejected create changed the state")
	}
}

func TestReferrerByAdditionalLinkKey(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"id": "a", "key": "ka"}).want(t, 200)
	e.do("POST", "/v1/customer_referral_links", map[string]any{"key": "SUMMER", "customer": map[string]any{"id": "a"}}).want(t, 200)
	r := e.do("POST", "/v1/customers", map[string]any{"referring_customer": map[string]any{"key": "SUMMER"}}).want(t, 200)
	if got := r.str("data.referring_customer.id"); got != "a" {
		t.Errorf("cookie holding a link key: referrer = %q, want a", got)
	}
}

func TestUniqueness(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"id": "a", "key": "ka", "email": "a@example.com"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"id": "b", "key": "kb", "email": "b@example.com"}).want(t, 200)
	tests := []struct {
		name   string
		method string
		path   string
		body   map[string]any
		field  string
	}{
		{"duplicate id", "POST", "/v1/customers", map[string]any{"id": "a"}, "id"},
		{"duplicate key", "POST", "/v1/customers", map[string]any{"key": "ka"}, "key"},
		{"duplicate email, other case", "POST", "/v1/customers", map[string]any{"email": "A@Example.com"}, "email"},
		{"update to a taken key", "PUT", "/v1/customers/b", map[string]any{"update": map[string]any{"key": "ka"}}, "key"},
		{"update to a taken email", "PUT", "/v1/customers/b", map[string]any{"update": map[string]any{"email": "a@example.com"}}, "email"},
		{"link with a customer's key", "POST", "/v1/customer_referral_links", map[string]any{"key": "kb", "customer": map[string]any{"id": "a"}}, "key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.state()
			r := e.do(tc.method, tc.path, tc.body).want(t, 422)
			if r.errorFor(tc.field) == nil {
				t.Errorf("errors = %s, want a %q entry", r.raw, tc.field)
			}
			if !reflect.DeepEqual(before, e.state()) {
				t.Error("rejected request changed the state")
			}
		})
	}
	// Generated ids and keys never collide with given ones.
	for range 20 {
		e.do("POST", "/v1/customers", map[string]any{}).want(t, 200)
	}
	if n := len(e.state().Customers); n != 22 {
		t.Errorf("customers = %d, want 22", n)
	}
}

func TestUpdateForms(t *testing.T) {
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		want   map[string]string // dotted path -> value after the update
	}{
		{"wrapper by path (docs)", "PUT", "/v1/customers/c1", map[string]any{"update": map[string]any{"name": "N", "surname": "S"}},
			map[string]string{"data.name": "N", "data.surname": "S"}},
		{"flat by path (n8n, Python)", "PUT", "/v1/customers/c1", map[string]any{"name": "N", "email": "new@example.com"},
			map[string]string{"data.name": "N", "data.email": "new@example.com"}},
		{"wrapper by body id (PHP Referrals::update)", "PUT", "/v1/customers", map[string]any{"id": "c1", "update": map[string]any{"name": "N"}},
			map[string]string{"data.name": "N", "data.id": "c1"}},
		{"wrapper by body key (PHP Customers::update)", "PUT", "/v1/customers", map[string]any{"key": "k1", "update": map[string]any{"surname": "S"}},
			map[string]string{"data.surname": "S", "data.key": "k1"}},
		{"flat by body key", "PUT", "/v1/customers", map[string]any{"key": "k1", "name": "N"},
			map[string]string{"data.name": "N", "data.key": "k1"}},
		{"rename key: the default link follows", "PUT", "/v1/customers/c1", map[string]any{"update": map[string]any{"key": "k2"}},
			map[string]string{"data.key": "k2", "data.referral_link": "https://example.com?ref=k2", "data.referral_links.0": "https://example.com?ref=k2"}},
		{"flat key by path renames", "PUT", "/v1/customers/k1", map[string]any{"key": "k3"},
			map[string]string{"data.key": "k3", "data.id": "c1"}},
		{"null means absent", "PUT", "/v1/customers/c1", `{"name": null, "update": {"surname": "S", "name": null}}`,
			map[string]string{"data.name": "Old", "data.surname": "S"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.do("POST", "/v1/customers", map[string]any{"id": "c1", "key": "k1", "name": "Old"}).want(t, 200)
			r := e.do(tc.method, tc.path, tc.body).want(t, 200)
			for p, want := range tc.want {
				if got := r.str(p); got != want {
					t.Errorf("%s = %q, want %q", p, got, want)
				}
			}
			// The change is stored, not only echoed.
			g := e.do("GET", "/v1/customers/c1", nil).want(t, 200)
			for p, want := range tc.want {
				if got := g.str(p); got != want {
					t.Errorf("after GET: %s = %q, want %q", p, got, want)
				}
			}
		})
	}
	t.Run("renamed key frees the old one and links follow", func(t *testing.T) {
		e := newEnv(t, Options{})
		e.do("POST", "/v1/customers", map[string]any{"id": "c1", "key": "k1"}).want(t, 200)
		e.do("PUT", "/v1/customers/c1", map[string]any{"update": map[string]any{"key": "k2"}}).want(t, 200)
		e.do("GET", "/v1/customer_referral_links/k2", nil).want(t, 200)
		e.do("GET", "/v1/customer_referral_links/k1", nil).want(t, 404)
		e.do("POST", "/v1/customers", map[string]any{"key": "k1"}).want(t, 200)
	})
	t.Run("body form needs an identifier", func(t *testing.T) {
		e := newEnv(t, Options{})
		e.do("PUT", "/v1/customers", map[string]any{"update": map[string]any{"name": "x"}}).want(t, 422)
		e.do("PUT", "/v1/customers", map[string]any{"id": "nobody", "update": map[string]any{"name": "x"}}).want(t, 404)
	})
}

func TestPaginationFollowsNext(t *testing.T) {
	e := newEnv(t, Options{})
	var want []string
	for i := range 37 {
		r := e.do("POST", "/v1/customers", map[string]any{"key": "k" + string(rune('a'+i/26)) + string(rune('a'+i%26))}).want(t, 200)
		want = append(want, r.str("data.key"))
	}
	walk := func(t *testing.T, first string) (keys []string, pages int) {
		t.Helper()
		next := first
		for next != "" {
			r := e.do("GET", next, nil).want(t, 200)
			pages++
			keys = append(keys, r.ids("key")...)
			if !strings.HasPrefix(r.str("meta.path"), e.srv.URL+"/v1/") {
				t.Fatalf("meta.path %q is not on the request's host %s", r.str("meta.path"), e.srv.URL)
			}
			next = r.str("links.next")
			if next != "" && !strings.HasPrefix(next, e.srv.URL) {
				t.Fatalf("links.next %q is not on the request's host", next)
			}
		}
		return keys, pages
	}
	keys, pages := walk(t, e.srv.URL+"/v1/customers?limit=10")
	if !reflect.DeepEqual(keys, want) || pages != 4 {
		t.Errorf("walked %d pages, keys %v; want 4 pages of %v", pages, keys, want)
	}
	desc, _ := walk(t, e.srv.URL+"/v1/customers?limit=10&sort=desc")
	for i, j := 0, len(want)-1; i < len(want); i, j = i+1, j-1 {
		if desc[i] != want[j] {
			t.Fatalf("sort=desc gave %v", desc)
		}
	}
	// The default page size is 15; meta describes the page.
	r := e.do("GET", "/v1/customers?page=3", nil).want(t, 200)
	if r.num("meta.from") != 31 || r.num("meta.to") != 37 || r.num("meta.per_page") != 15 || r.get("links.next") != nil {
		t.Errorf("page 3: links %v meta %v", r.get("links"), r.get("meta"))
	}
	if r.str("links.prev") != e.srv.URL+"/v1/customers?page=2" {
		t.Errorf("links.prev = %q", r.str("links.prev"))
	}
	// Past the end: an empty page with null from/to.
	r = e.do("GET", "/v1/customers?page=9", nil).want(t, 200)
	if len(r.items()) != 0 || r.get("meta.from") != nil || r.get("meta.to") != nil {
		t.Errorf("past the end: %s", r.raw)
	}
	// A reverse proxy's host and scheme are honoured.
	e.header.Set("X-Forwarded-Host", "fake.internal:9000")
	e.header.Set("X-Forwarded-Proto", "https")
	r = e.do("GET", "/v1/customers?limit=10", nil).want(t, 200)
	if got := r.str("links.next"); got != "https://fake.internal:9000/v1/customers?limit=10&page=2" {
		t.Errorf("links.next behind a proxy = %q", got)
	}
}

// TestJSONBodyOnGetAndDelete replays the PHP SDK's habit of sending GET and
// DELETE parameters as a JSON body.
func TestJSONBodyOnGetAndDelete(t *testing.T) {
	e := newEnv(t, Options{})
	for _, k := range []string{"k1", "k2", "k3"} {
		e.do("POST", "/v1/customers", map[string]any{"id": "id-" + k, "key": k}).want(t, 200)
	}
	if r := e.do("GET", "/v1/customers", map[string]any{"limit": 2}).want(t, 200); len(r.items()) != 2 || r.str("links.next") == "" {
		t.Errorf("GET with body limit=2: %s", r.raw)
	} else if !strings.Contains(r.str("links.next"), "limit=2") {
		t.Errorf("links.next %q lost the body's limit", r.str("links.next"))
	}
	// The body wins over the query string, as in Laravel's input bag.
	if r := e.do("GET", "/v1/customers?limit=1", map[string]any{"limit": 3}).want(t, 200); len(r.items()) != 3 {
		t.Errorf("body limit should win: got %d items", len(r.items()))
	}
	if r := e.do("GET", "/v1/customers:search", map[string]any{"id": "id-k2"}).want(t, 200); !reflect.DeepEqual(r.ids("key"), []string{"k2"}) {
		t.Errorf("search with body id: %v", r.ids("key"))
	}
	if r := e.do("GET", "/v1/customers", map[string]any{"limit": "many"}).want(t, 422); r.errorFor("limit") == nil {
		t.Errorf("bad limit in a GET body: %s", r.raw)
	}
	e.do("DELETE", "/v1/customers", map[string]any{"key": "k1"}).want(t, 200)
	e.do("DELETE", "/v1/customers?id=id-k3", nil).want(t, 200)
	e.do("DELETE", "/v1/customers", map[string]any{"key": "k1"}).want(t, 404)
	if r := e.do("GET", "/v1/customers", nil); !reflect.DeepEqual(r.ids("key"), []string{"k2"}) {
		t.Errorf("after deletes: %v", r.ids("key"))
	}
	e.do("DELETE", "/v1/customers", nil).want(t, 422)
}

func TestBadInput(t *testing.T) {
	huge := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	tests := []struct {
		name    string
		method  string
		path    string
		key     string // "" means the default test key; "-" means none
		body    any
		ctype   string
		status  int
		field   string // an expected errors entry for 422
		message string // an expected message substring
	}{
		{name: "malformed JSON", method: "POST", path: "/v1/customers", body: `{"email": "a@`, status: 422, field: "body"},
		{name: "JSON that is not an object", method: "POST", path: "/v1/customers", body: `[1,2]`, status: 422},
		{name: "wrong type", method: "POST", path: "/v1/customers", body: map[string]any{"name": 42}, status: 422, field: "name", message: "must be a string"},
		{name: "nested wrong type", method: "POST", path: "/v1/customers", body: map[string]any{"referring_customer": map[string]any{"key": true}}, status: 422, field: "referring_customer.key"},
		{name: "invalid email", method: "POST", path: "/v1/customers", body: map[string]any{"email": "not-an-email"}, status: 422, field: "email"},
		{name: "invalid date of birth", method: "POST", path: "/v1/customers", body: map[string]any{"metadata": map[string]any{"date_of_birth": "15/01/1990"}}, status: 422, field: "metadata.date_of_birth"},
		{name: "empty referring_customer", method: "POST", path: "/v1/customers", body: map[string]any{"referring_customer": map[string]any{"key": ""}}, status: 422, field: "referring_customer"},
		{name: "unknown referrer key", method: "POST", path: "/v1/customers", body: map[string]any{"referring_customer": map[string]any{"key": "nobody"}}, status: 422, field: "referring_customer.key"},
		{name: "limit too large", method: "GET", path: "/v1/customers?limit=251", status: 422, field: "limit"},
		{name: "limit zero", method: "GET", path: "/v1/customers?limit=0", status: 422, field: "limit"},
		{name: "unknown refer_status", method: "GET", path: "/v1/customers?refer_status=all", status: 422, field: "refer_status"},
		{name: "search without criteria", method: "GET", path: "/v1/customers:search", status: 422, field: "id"},
		{name: "invite without email", method: "POST", path: "/v1/customers:invite", body: map[string]any{"name": "x"}, status: 422, field: "email"},
		{name: "unknown customer", method: "GET", path: "/v1/customers/nobody", status: 404, message: "Customer not found."},
		{name: "update unknown customer", method: "PUT", path: "/v1/customers/nobody", body: map[string]any{"name": "x"}, status: 404},
		{name: "archive unknown customer", method: "POST", path: "/v1/customers/nobody/archive", status: 404},
		{name: "referrals of unknown customer", method: "GET", path: "/v1/customers/nobody/referrals", status: 404},
		{name: "links of unknown customer", method: "GET", path: "/v1/customers/nobody/referral_links", status: 404},
		{name: "unknown link", method: "GET", path: "/v1/customer_referral_links/nope", status: 404},
		{name: "delete default link", method: "DELETE", path: "/v1/customer_referral_links/k1", status: 422, field: "id"},
		{name: "link for unknown customer", method: "POST", path: "/v1/customer_referral_links", body: map[string]any{"key": "x", "customer": map[string]any{"id": "nobody"}}, status: 422, field: "customer"},
		{name: "link without customer", method: "POST", path: "/v1/customer_referral_links", body: map[string]any{"key": "x"}, status: 422, field: "customer"},
		{name: "missing auth", method: "GET", path: "/v1/customers", key: "-", status: 401, message: "Unauthenticated."},
		{name: "missing auth beats bad input", method: "POST", path: "/v1/customers", key: "-", body: `{`, status: 401},
		{name: "oversized body", method: "POST", path: "/v1/customers", body: huge, status: 413},
		{name: "wrong method", method: "PATCH", path: "/v1/customers", body: map[string]any{}, status: 405},
		{name: "wrong method on an item", method: "POST", path: "/v1/customers/c1", status: 405},
		{name: "unknown route", method: "GET", path: "/v1/partners", status: 404},
		{name: "form body", method: "POST", path: "/v1/customers", body: "name=x", ctype: "application/x-www-form-urlencoded", status: 415},
		{name: "invalid program website", method: "PUT", path: "/v1/program", body: map[string]any{"website": "not a url"}, status: 422, field: "website", message: "The website format is invalid."},
		{name: "invalid link format", method: "PUT", path: "/v1/program", body: map[string]any{"referral_link_format": "fragment"}, status: 422, field: "referral_link_format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.do("POST", "/v1/customers", map[string]any{"id": "c1", "key": "k1"}).want(t, 200)
			before := e.state()
			switch tc.key {
			case "-":
				e.key = ""
			case "":
			default:
				e.key = tc.key
			}
			if tc.ctype != "" {
				e.header.Set("Content-Type", tc.ctype)
			}
			r := e.do(tc.method, tc.path, tc.body).want(t, tc.status)
			if tc.field != "" && r.errorFor(tc.field) == nil {
				t.Errorf("errors = %v, want an entry for %q", r.get("errors"), tc.field)
			}
			if tc.message != "" && !strings.Contains(r.str("message"), tc.message) {
				t.Errorf("message = %q, want it to contain %q", r.str("message"), tc.message)
			}
			if tc.status == http.StatusMethodNotAllowed && r.header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
			e.key = testKey
			if after := e.state(); !reflect.DeepEqual(before, after) {
				t.Errorf("state changed:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}

func TestAPIKeysRestrict(t *testing.T) {
	e := newEnv(t, Options{APIKeys: []string{"allowed"}})
	e.key = "other"
	e.do("GET", "/v1/test", nil).want(t, 401)
	e.key = "allowed"
	if r := e.do("GET", "/v1/test", nil).want(t, 200); r.str("data.program.type") != "Referral" {
		t.Errorf("test: %s", r.raw)
	}
}

func TestTenantsAreIsolated(t *testing.T) {
	e := newEnv(t, Options{})
	e.key = "tenant-a"
	e.do("POST", "/v1/customers", map[string]any{"key": "shared-key", "name": "A"}).want(t, 200)
	e.key = "tenant-b"
	e.do("GET", "/v1/customers/shared-key", nil).want(t, 404)
	// The same key is free in another tenant.
	e.do("POST", "/v1/customers", map[string]any{"key": "shared-key", "name": "B"}).want(t, 200)
	e.key = "tenant-a"
	if r := e.do("GET", "/v1/customers/shared-key", nil).want(t, 200); r.str("data.name") != "A" {
		t.Errorf("tenant a sees %q", r.str("data.name"))
	}
}

func TestInputCleaning(t *testing.T) {
	e := newEnv(t, Options{})
	// The Python SDK sends absent fields as null; Laravel trims strings and
	// turns empty ones into null.
	r := e.do("POST", "/v1/customers", `{"id": null, "key": null, "email": "  jo@example.com ", "name": "", "surname": "Doe", "unknown_field": {"x": 1}}`).want(t, 200)
	if r.str("data.email") != "jo@example.com" || r.get("data.name") != nil || len(r.str("data.id")) != 12 {
		t.Errorf("cleaned create: %s", r.raw)
	}
}

func TestInvite(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers:invite", map[string]any{
		"email": "jane.smith@example.com", "name": "Jane", "personalization": map[string]any{"code": "X1", "amount": 10},
	}).want(t, 200)
	inv := e.fake.Tenant(testKey).Invitations()
	if len(inv) != 1 || inv[0].Email != "jane.smith@example.com" || inv[0].Personalization["amount"] != "10" {
		t.Fatalf("Invitations = %+v", inv)
	}
	// The control plane shows the same, to the same tenant only.
	resp := e.do("GET", "/_fake/invitations", nil).want(t, 200)
	if resp.str("data.0.email") != "jane.smith@example.com" {
		t.Errorf("/_fake/invitations: %s", resp.raw)
	}
	e.key = "someone-else"
	if resp := e.do("GET", "/_fake/invitations", nil).want(t, 200); len(resp.items()) != 0 {
		t.Errorf("another tenant sees invitations: %s", resp.raw)
	}
}

// TestAnsweredCustomerIsTheViewed holds GET /v1/customers/{id}, which
// writes its answer in the request's own memory (answerCustomer), to the
// customer's view rendered afresh (customerWire), byte for byte: for a
// customer with a referrer, metadata and more links than the call's
// arrays hold, and for customers without, asked for in turns so that
// each request reuses an exchange another filled.
func TestAnsweredCustomerIsTheViewed(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"id": "a", "key": "ka", "email": "a@example.com", "name": "Ann"}).want(t, 200)
	for _, k := range []string{"L1", "L2", "L3"} {
		e.do("POST", "/v1/customer_referral_links", map[string]any{"key": k, "customer": map[string]any{"id": "a"}}).want(t, 200)
	}
	e.do("POST", "/v1/customers", map[string]any{"id": "b", "key": "kb", "surname": "Bee",
		"referring_customer": map[string]any{"id": "a"},
		"metadata":           map[string]any{"date_of_birth": "1990-01-02", "plan": "pro"}}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"id": "c", "key": "kc"}).want(t, 200)
	st := e.fake.tenant(testKey).store
	for round := 0; round < 3; round++ {
		for _, id := range []string{"b", "a", "c", "b", "c", "a"} {
			v, err := st.Customer(id)
			if err != nil {
				t.Fatal(err)
			}
			want := encodingJSON(t, ok(customerWire(v)))
			if got := e.do("GET", "/v1/customers/"+id, nil).want(t, 200).raw; string(got) != string(want) {
				t.Fatalf("GET %s:\n got %s\nwant %s", id, got, want)
			}
		}
	}
	e.do("GET", "/v1/customers/nobody", nil).want(t, 404)
}
