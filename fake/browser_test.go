package fake

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// browser returns an env sending no API key, as a page does, and the
// prefix of the tenant's browser endpoints.
func browser(e *env) (*env, string) {
	b := *e
	b.key = ""
	return &b, "/partnerojs/v1/programs/" + e.fake.Tenant(e.key).PublicProgramID()
}

func TestPublicProgramIDPerTenant(t *testing.T) {
	e := newEnv(t, Options{Initial: seeded(), Seed: 7})
	a, b := e.fake.Tenant("key-a").PublicProgramID(), e.fake.Tenant("key-b").PublicProgramID()
	if !regexp.MustCompile(`^[A-Z]{8}$`).MatchString(a) || a == b {
		t.Fatalf("public ids %q and %q: want 8 upper-case letters, different per tenant", a, b)
	}
	if a != publicProgramID(7, "key-a") || a == publicProgramID(8, "key-a") {
		t.Error("public id is not derived from the seed and the key alone")
	}
	f2, err := New(Options{Initial: seeded(), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if f2.Tenant("key-a").PublicProgramID() != a {
		t.Error("same seed and key, different public id")
	}

	// The API, the control plane and the state agree; reset keeps it.
	e.key = "key-a"
	if got := e.do("GET", "/v1/program", nil).want(t, 200).body["data"].(map[string]any)["program"].(map[string]any)["public_id"]; got != a {
		t.Errorf("GET /v1/program public_id = %v, want %s", got, a)
	}
	cp := e.do("GET", "/_fake/partnerojs", nil).want(t, 200).body["data"].(map[string]any)
	script := e.srv.URL + "/js/universal.js"
	if cp["public_id"] != a || cp["script_url"] != script ||
		!strings.Contains(cp["snippet"].(string), `"`+script+`"`) || !strings.Contains(cp["snippet"].(string), `po('program', "`+a+`", 'load')`) {
		t.Errorf("GET /_fake/partnerojs = %v", cp)
	}
	e.do("POST", "/_fake/reset", nil).want(t, 200)
	if got := e.fake.Tenant("key-a").ExportState().Program.ID; got != a {
		t.Errorf("after reset the program id is %q, want %q", got, a)
	}
	// Importing another tenant's state keeps this tenant's id.
	if err := e.fake.Tenant("key-a").ImportState(e.fake.Tenant("key-b").ExportState(), true); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.Tenant("key-a").ExportState().Program.ID; got != a {
		t.Errorf("after import the program id is %q, want %q", got, a)
	}

	// Only tenants that exist resolve.
	br, _ := browser(e)
	br.do("GET", "/partnerojs/v1/programs/"+a, nil).want(t, 200)
	br.do("GET", "/partnerojs/v1/programs/"+publicProgramID(7, "never-used"), nil).want(t, 404)
	br.do("GET", "/partnerojs/v1/programs/TESTPROG", nil).want(t, 404) // the fixture's id is replaced
}

func TestPublicProgramIDOfConfiguredKeys(t *testing.T) {
	e := newEnv(t, Options{APIKeys: []string{"dev", "ci"}})
	br, _ := browser(e)
	// A configured key's program answers before any API call made its tenant.
	id := publicProgramID(1, "dev")
	if p := br.do("GET", "/partnerojs/v1/programs/"+id, nil).want(t, 200).body["data"].(map[string]any); p["id"] != id {
		t.Errorf("program %v, want id %s", p, id)
	}
	if got := e.fake.Tenant("dev").PublicProgramID(); got != id {
		t.Errorf("PublicProgramID(dev) = %s, want %s", got, id)
	}
	br.do("GET", "/partnerojs/v1/programs/"+publicProgramID(1, "other"), nil).want(t, 404)
}

func TestBrowserScriptAndCORS(t *testing.T) {
	e := newEnv(t, Options{})
	e.fake.Tenant(testKey).PublicProgramID()
	resp, err := http.Get(e.srv.URL + "/js/universal.js?v1763")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" ||
		resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.ContentLength < 1000 {
		t.Errorf("GET /js/universal.js: %d %v", resp.StatusCode, resp.Header)
	}
	br, prefix := browser(e)
	br.do("POST", "/js/universal.js", nil).want(t, 405)

	for _, path := range []string{prefix + "/visits", prefix + "/customers", "/partnerojs/v1/programs/NOPE/visits", "/js/universal.js"} {
		req, _ := http.NewRequest(http.MethodOptions, e.srv.URL+path, nil)
		req.Header.Set("Origin", "http://shop.localhost:8080")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") || !strings.EqualFold(h.Get("Access-Control-Allow-Headers"), "Content-Type") {
			t.Errorf("preflight %s: %d %v", path, resp.StatusCode, h)
		}
	}
	// Every answer, errors included, allows any origin.
	for _, r := range []result{
		br.do("GET", prefix, nil).want(t, 200),
		br.do("POST", prefix+"/visits", map[string]any{"url": "http://shop/?ref=nobody"}).want(t, 404),
		br.do("GET", "/partnerojs/v1/nothing", nil).want(t, 404),
	} {
		if r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("no CORS header on %s", r.raw)
		}
	}
}

func TestBrowserVisit(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"id": "a", "key": "alice"}).want(t, 200)
	e.do("POST", "/v1/customer_referral_links", map[string]any{"key": "SUMMER", "customer": map[string]any{"id": "a"}}).want(t, 200)
	br, prefix := browser(e)

	got := string(br.do("POST", prefix+"/visits", map[string]any{"url": "http://127.0.0.1:8080/pricing?utm=x&ref=alice#top"}).want(t, 200).raw)
	want := `{"data":{"referral_key":"alice","customer_key":"alice","cookie":{"name":"partnero_referral","value":"alice","path":"/","max_age":2592000,"same_site":"Lax"}}}`
	if got != want {
		t.Errorf("visit:\n got %s\nwant %s", got, want)
	}
	br.do("POST", prefix+"/visits", map[string]any{"url": "http://127.0.0.1:8080/?ref=SUMMER"}).want(t, 200)
	if r := br.do("POST", prefix+"/visits", map[string]any{"url": "http://127.0.0.1:8080/?ref=bob"}).want(t, 404); !strings.Contains(r.body["message"].(string), `"bob"`) {
		t.Errorf("unknown key: %s", r.raw)
	}
	if got := string(br.do("POST", prefix+"/visits", map[string]any{"url": "http://127.0.0.1:8080/ref/alice"}).want(t, 200).raw); got != `{"data":{"referral_key":null,"customer_key":null,"cookie":null}}` {
		t.Errorf("no key in the query format: %s", got)
	}
	st, _, _ := e.fake.Tenant(testKey).Store().Stats("alice")
	if st.Clicks != 2 {
		t.Errorf("clicks = %d, want 2 (one by key, one by link)", st.Clicks)
	}
	if n := e.do("GET", "/v1/customers/alice/stats", nil).want(t, 200).body["data"].(map[string]any)["clicks"]; n != 2.0 {
		t.Errorf("API stats clicks = %v", n)
	}
	visits := e.fake.Tenant(testKey).Requests(JournalFilter{Operation: "partnerojs.visit"})
	var statuses []int
	for _, v := range visits {
		statuses = append(statuses, v.Status)
	}
	if len(statuses) != 4 || statuses[2] != 404 || !strings.Contains(string(visits[2].RequestBody), "ref=bob") {
		t.Errorf("journal visits: %v", statuses)
	}

	// The path format, a custom parameter and cookie lifetime.
	e.do("PUT", "/v1/program", map[string]any{"referral_link_format": "path", "referral_link_parameter": "invite", "cookie_lifetime_days": 7}).want(t, 200)
	r := br.do("POST", prefix+"/visits", map[string]any{"url": "http://127.0.0.1:8080/base/invite/alice?x=1"}).want(t, 200)
	if c := r.body["data"].(map[string]any)["cookie"].(map[string]any); c["max_age"] != 7*86400.0 || c["value"] != "alice" {
		t.Errorf("path format visit: %s", r.raw)
	}
	br.do("POST", prefix+"/visits", map[string]any{"url": "http://127.0.0.1:8080/invite/nobody"}).want(t, 404)
	if got := br.do("POST", prefix+"/visits", map[string]any{"url": "http://127.0.0.1:8080/?invite=alice"}).want(t, 200).body["data"].(map[string]any)["cookie"]; got != nil {
		t.Errorf("query key in the path format set a cookie: %v", got)
	}
	if p := br.do("GET", prefix, nil).want(t, 200).body["data"].(map[string]any); p["referral_link_parameter"] != "invite" || p["cookie"].(map[string]any)["lifetime_days"] != 7.0 {
		t.Errorf("program config: %v", p)
	}
	e.do("PUT", "/v1/program", map[string]any{"cookie_lifetime_days": 0}).want(t, 422)
	if _, err := New(Options{Program: store.Program{CookieLifetimeDays: 4000}}); err == nil {
		t.Error("a cookie lifetime over 3650 days was accepted")
	}
}

func TestBrowserCreateCustomerAndWidget(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("PUT", "/v1/program", map[string]any{"website": "http://127.0.0.1:8080/"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"id": "a", "key": "alice", "name": "Alice"}).want(t, 200)
	br, prefix := browser(e)
	br.do("POST", prefix+"/visits", map[string]any{"url": "http://127.0.0.1:8080/?ref=alice"}).want(t, 200)

	got := string(br.do("POST", prefix+"/customers", map[string]any{"email": "bob@example.com", "name": "Bob", "key": "bob", "referral_key": "alice"}).want(t, 200).raw)
	want := `{"data":{"key":"bob","email":"bob@example.com","name":"Bob","referral_link":"http://127.0.0.1:8080/?ref=bob","referring_customer_key":"alice"}}`
	if got != want {
		t.Errorf("create:\n got %s\nwant %s", got, want)
	}
	bob := e.do("GET", "/v1/customers/bob", nil).want(t, 200).body["data"].(map[string]any)
	if ref, _ := bob["referring_customer"].(map[string]any); ref == nil || ref["key"] != "alice" {
		t.Errorf("bob's referrer: %v", bob["referring_customer"])
	}
	br.do("POST", prefix+"/customers", map[string]any{"name": "Carol"}).want(t, 200) // every field optional
	e.do("POST", "/v1/transactions", map[string]any{"customer": map[string]any{"key": "bob"}, "amount": 75}).want(t, 200)

	got = string(br.do("GET", prefix+"/customers/alice/widget", nil).want(t, 200).raw)
	want = `{"data":{"customer_key":"alice","name":"Alice","program_name":"Refer-a-friend program","referral_link":"http://127.0.0.1:8080/?ref=alice",` +
		`"stats":{"clicks":1,"referrals":1,"successful_referrals":1,"pending_referrals":0,"rewards":[{"type":"credit","amount":7.5,"units":"USD"}],"rewards_text":"7.5 USD"}}}`
	if got != want {
		t.Errorf("widget:\n got %s\nwant %s", got, want)
	}
	for _, j := range e.fake.Tenant(testKey).Requests(JournalFilter{}) {
		if strings.HasPrefix(j.Path, "/partnerojs/") && !strings.HasPrefix(j.Operation, "partnerojs.") {
			t.Errorf("journal entry without a partnerojs operation: %+v", j)
		}
	}
}

func TestBrowserBadInput(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"id": "a", "key": "alice", "email": "alice@example.com"}).want(t, 200)
	br, prefix := browser(e)
	long := strings.Repeat("x", 256)
	for _, c := range []struct {
		name, method, path string
		body               any
		status             int
		field              string
	}{
		{"unknown program", "GET", "/partnerojs/v1/programs/ZZZZZZZZ", nil, 404, ""},
		{"malformed program id", "GET", "/partnerojs/v1/programs/a%20b", nil, 404, ""},
		{"unknown route", "GET", prefix + "/nothing", nil, 404, ""},
		{"empty segment", "GET", prefix + "/customers//widget", nil, 404, ""},
		{"wrong method", "DELETE", prefix + "/visits", nil, 405, ""},
		{"not JSON", "POST", prefix + "/visits", "{", 422, "body"},
		{"not an object", "POST", prefix + "/visits", "[1]", 422, "body"},
		{"unknown field", "POST", prefix + "/visits", map[string]any{"url": "http://x/", "api_key": "k"}, 422, "body"},
		{"missing url", "POST", prefix + "/visits", map[string]any{}, 422, "url"},
		{"bad url", "POST", prefix + "/visits", map[string]any{"url": "http://[::1"}, 422, "url"},
		{"huge url", "POST", prefix + "/visits", map[string]any{"url": "http://x/?a=" + strings.Repeat("a", 9000)}, 422, "url"},
		{"huge key", "POST", prefix + "/visits", map[string]any{"url": "http://x/?ref=" + long}, 422, "url"},
		{"too large", "POST", prefix + "/customers", map[string]any{"name": strings.Repeat("x", 20000)}, 413, ""},
		{"long name", "POST", prefix + "/customers", map[string]any{"name": long}, 422, "name"},
		{"bad email", "POST", prefix + "/customers", map[string]any{"email": "nope"}, 422, "email"},
		{"email taken", "POST", prefix + "/customers", map[string]any{"email": "alice@example.com"}, 422, "email"},
		{"key taken", "POST", prefix + "/customers", map[string]any{"key": "alice"}, 422, ""},
		{"unknown referrer", "POST", prefix + "/customers", map[string]any{"referral_key": "nobody"}, 422, "referring_customer.key"},
		{"wrong type", "POST", prefix + "/customers", map[string]any{"name": 5}, 422, "body"},
		{"widget of nobody", "GET", prefix + "/customers/nobody/widget", nil, 404, ""},
		{"widget by id", "GET", prefix + "/customers/a/widget", nil, 404, ""},
		{"widget by email", "GET", prefix + "/customers/alice@example.com/widget", nil, 404, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := br.do(c.method, c.path, c.body).want(t, c.status)
			if c.field != "" {
				if errs, _ := r.body["errors"].(map[string]any); errs[c.field] == nil {
					t.Errorf("no error for %s: %s", c.field, r.raw)
				}
			}
			if c.status == 405 && r.header.Get("Allow") != "POST, OPTIONS" {
				t.Errorf("Allow = %q", r.header.Get("Allow"))
			}
		})
	}
	// A non-JSON body is refused.
	req, _ := http.NewRequest("POST", e.srv.URL+prefix+"/visits", strings.NewReader("url=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 415 {
		t.Errorf("form body: %d, want 415", resp.StatusCode)
	}
	if n := len(e.fake.Tenant(testKey).Store().Export().Customers); n != 1 {
		t.Errorf("bad input changed the state: %d customers", n)
	}
}

// TestBrowserDeterministic: the same seed and the same requests give
// byte-identical browser responses and state.
func TestBrowserDeterministic(t *testing.T) {
	play := func() (string, []byte) {
		e := newEnv(t, Options{Initial: seeded(), Seed: 99})
		e.key = "tenant-x"
		br, prefix := browser(e)
		var out strings.Builder
		for _, r := range []result{
			br.do("GET", prefix, nil),
			br.do("POST", prefix+"/visits", map[string]any{"url": "http://shop/?ref=ref1"}),
			br.do("POST", prefix+"/customers", map[string]any{"email": "n@example.com", "referral_key": "ref1"}),
			br.do("GET", prefix+"/customers/ref1/widget", nil),
		} {
			out.Write(r.raw)
			out.WriteByte('\n')
		}
		return out.String(), e.do("GET", "/_fake/state", nil).want(t, 200).raw
	}
	a, sa := play()
	b, sb := play()
	if a != b || string(sa) != string(sb) {
		t.Errorf("two runs differ:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, `"referring_customer_key":"ref1"`) {
		t.Errorf("unexpected run:\n%s", a)
	}
}

func TestBrowserFaults(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "alice"}).want(t, 200)
	br, prefix := browser(e)
	// Rules by API operation or on /v1 leave the browser endpoints alone.
	e.do("POST", "/_fake/faults", map[string]any{"operation": "createCustomer", "status": 500}).want(t, 200)
	e.do("POST", "/_fake/faults", map[string]any{"path": "/v1/*", "status": 500}).want(t, 200)
	br.do("POST", prefix+"/customers", map[string]any{"key": "bob"}).want(t, 200)
	// A rule on the browser path fails the visit once, changing nothing.
	f := e.do("POST", "/_fake/faults", map[string]any{"path": "/partnerojs/*", "status": 503, "fail_first": 1}).want(t, 200)
	id := f.body["data"].(map[string]any)["id"].(string)
	r := br.do("POST", prefix+"/visits", map[string]any{"url": "http://shop/?ref=alice"}).want(t, 503)
	if r.header.Get("X-Fake-Fault") != id || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("fault answer headers: %v", r.header)
	}
	if st, _, _ := e.fake.Tenant(testKey).Store().Stats("alice"); st.Clicks != 0 {
		t.Errorf("a failed visit counted a click")
	}
	br.do("POST", prefix+"/visits", map[string]any{"url": "http://shop/?ref=alice"}).want(t, 200)
	if v := e.fake.Tenant(testKey).Requests(JournalFilter{Operation: "partnerojs.visit"}); len(v) != 2 || v[0].Fault != id || v[1].Fault != "" {
		t.Errorf("journal: %+v", v)
	}
}
