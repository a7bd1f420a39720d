package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
)

// TestJournalLeavesOutTestkitRequests shows that requests marked with
// ClientHeader: testkit (what testkit's helpers send) are journaled as
// Client "testkit" and left out of journal queries unless asked for, and
// that the header changes nothing else.
func TestJournalLeavesOutTestkitRequests(t *testing.T) {
	e := newEnv(t, Options{})
	e.header.Set(ClientHeader, ClientTestkit)
	e.do("POST", "/v1/customers", map[string]string{"key": "setup"}).want(t, 200)
	marked := e.do("GET", "/v1/customers/setup", nil).want(t, 200)
	e.header.Set(ClientHeader, "something-else") // ignored, and not a marker
	e.do("POST", "/v1/customers", map[string]string{"key": "other"}).want(t, 200)
	e.header.Del(ClientHeader)
	e.do("POST", "/v1/customers", map[string]string{"key": "mine"}).want(t, 200)
	plain := e.do("GET", "/v1/customers/setup", nil).want(t, 200)

	if !bytes.Equal(marked.raw, plain.raw) {
		t.Errorf("the header changed the response:\n%s\n%s", marked.raw, plain.raw)
	}
	if got := e.fake.Tenant(testKey).Requests(JournalFilter{}); len(got) != 3 || got[0].Path != "/v1/customers" || got[0].Client != "" {
		t.Errorf("default query: %+v", got)
	}
	all := e.fake.Tenant(testKey).Requests(JournalFilter{IncludeTestkit: true})
	if len(all) != 5 || all[0].Client != ClientTestkit || all[1].Client != ClientTestkit || all[2].Client != "" {
		t.Fatalf("with IncludeTestkit: %+v", all)
	}
	if all[0].Seq != 1 || all[4].Seq != 5 {
		t.Errorf("sequence numbers: %d..%d", all[0].Seq, all[4].Seq)
	}
	if r := e.do("GET", "/_fake/requests?operation=createCustomer", nil); len(r.items()) != 2 {
		t.Errorf("control plane, default: %s", r.raw)
	}
	r := e.do("GET", "/_fake/requests?operation=createCustomer&include_testkit=true", nil)
	if len(r.items()) != 3 || r.str("data.0.client") != ClientTestkit || !bytes.Contains(r.raw, []byte(`"client":"testkit"`)) {
		t.Errorf("control plane, include_testkit: %s", r.raw)
	}
	e.do("GET", "/_fake/requests?include_testkit=maybe", nil).want(t, 422)
}

func TestWithClientStripsTheHeader(t *testing.T) {
	req := httptest.NewRequest("GET", "/v1/customers", nil)
	req.Header.Set(ClientHeader, ClientTestkit)
	got := withClient(req)
	if got.Header.Get(ClientHeader) != "" || clientOf(got) != ClientTestkit {
		t.Errorf("after withClient: header %q, client %q", got.Header.Get(ClientHeader), clientOf(got))
	}
	if req.Header.Get(ClientHeader) != ClientTestkit {
		t.Error("withClient changed the caller's request")
	}
	plain := httptest.NewRequest("GET", "/v1/customers", nil)
	if withClient(plain) != plain || clientOf(plain) != "" {
		t.Error("a request without the header was copied or marked")
	}
}

// TestJournalRing checks the ring's bounds and order across growth,
// wrap-around and the byte bound, and list's after.
func TestJournalRing(t *testing.T) {
	j := newJournal(50, 1<<30)
	for i := range 130 {
		j.add("", JournalEntry{Path: fmt.Sprint("/", i)})
		got := j.list(JournalFilter{}, 0)
		if want := min(i+1, 50); len(got) != want {
			t.Fatalf("after %d adds: %d entries, want %d", i+1, len(got), want)
		}
		for k, e := range got {
			if want := int64(i + 2 - len(got) + k); e.Seq != want || e.Path != fmt.Sprint("/", want-1) {
				t.Fatalf("after %d adds: entry %d is #%d %s", i+1, k, e.Seq, e.Path)
			}
		}
	}
	if got := j.list(JournalFilter{Path: "/120"}, 100); len(got) != 1 || got[0].Seq != 121 {
		t.Errorf("filtered, after #100: %+v", got)
	}
	if got := j.list(JournalFilter{}, 125); len(got) != 5 || got[0].Seq != 126 {
		t.Errorf("after #125: %d entries", len(got))
	}
	if got := j.list(JournalFilter{}, 130); len(got) != 0 || got == nil {
		t.Errorf("after the newest: %#v", got)
	}
	small := newJournal(100, 3*(256+2))
	for i := range 10 {
		small.add("", JournalEntry{Path: fmt.Sprint("/", i)})
	}
	if got := small.list(JournalFilter{}, 0); len(got) != 3 || got[0].Seq != 8 || small.bytes != 3*(256+2) {
		t.Errorf("byte bound: %d entries from #%d, %d bytes", len(got), got[0].Seq, small.bytes)
	}
	small.clear()
	small.add("", JournalEntry{Path: "/x"})
	if got := small.list(JournalFilter{}, 0); len(got) != 1 || got[0].Seq != 11 {
		t.Errorf("after clear: %+v", got)
	}
}

// TestJournalRequestBodies: a body the parser read is journaled as sent;
// one that encoding/json accepts with bytes after the document (which
// json.Valid refuses), or that is blank, is journaled as a JSON string, so
// that every entry stays valid JSON.
func TestJournalRequestBodies(t *testing.T) {
	e := newEnv(t, Options{})
	for _, tc := range []struct{ body, want string }{
		{`{"key":"parsed"}`, `{"key":"parsed"}`},
		{`{"key":"trailing"} ]`, `"{\"key\":\"trailing\"} ]"`},
		{"  ", `"  "`},
	} {
		e.do("POST", "/v1/customers", tc.body).want(t, 200)
		got := e.fake.Tenant(testKey).Requests(JournalFilter{})
		if last := got[len(got)-1]; string(last.RequestBody) != tc.want {
			t.Errorf("body %q journaled as %s, want %s", tc.body, last.RequestBody, tc.want)
		}
	}
	if r := e.do("GET", "/_fake/requests", nil); len(r.items()) != 3 {
		t.Errorf("control plane: %s", r.raw)
	}
}

// TestExchangesStartEmpty: the memory of a request's exchange is reused
// by the next ones (release), so nothing of one may show in another, and
// the journal must keep what it recorded of it. A request with warnings
// and a query is followed by ones that stop at each stage: no API key,
// an unknown route, a bad body, a success without warnings.
func TestExchangesStartEmpty(t *testing.T) {
	e := newEnv(t, Options{})
	first := e.do("POST", "/v1/customers?note=first", map[string]any{"key": "a", "email": ""}).want(t, 200)
	if len(first.header.Values(WarningHeader)) == 0 {
		t.Fatalf("want a warning for the empty email: %v", first.header)
	}
	recorded, err := json.Marshal(e.fake.Tenant(testKey).Requests(JournalFilter{}))
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		e.key = ""
		if r := e.do("GET", "/v1/customers/a", nil).want(t, 401); len(r.header.Values(WarningHeader)) > 0 {
			t.Errorf("401 after a warned request: %v", r.header)
		}
		e.key = testKey
		if r := e.do("GET", "/v1/nowhere", nil).want(t, 404); len(r.header.Values(WarningHeader)) > 0 {
			t.Errorf("404 after a warned request: %v", r.header)
		}
		e.do("POST", "/v1/customers", "{").want(t, 422)
		if r := e.do("GET", "/v1/customers/a", nil).want(t, 200); len(r.header.Values(WarningHeader)) > 0 {
			t.Errorf("200 after a warned request: %v", r.header)
		}
	}
	all := e.fake.Tenant(testKey).Requests(JournalFilter{})
	if len(all) != 1+2*20 { // the 401s and 404s reach no tenant
		t.Errorf("journaled %d requests, want %d", len(all), 1+2*20)
	}
	for _, x := range all[1:] {
		if len(x.Warnings) > 0 || len(x.Query) > 0 {
			t.Errorf("request %d carries the first one's warnings or query: %+v", x.Seq, x)
		}
	}
	again, err := json.Marshal(all[:1])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, recorded) {
		t.Errorf("the first request's record changed:\nthen %s\nnow  %s", recorded, again)
	}
}
