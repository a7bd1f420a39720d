package fake

import (
	"net/http/httptest"
	"testing"
)

// TestPathParamsLiveInTheExchange: routing a path with a parameter
// appends it to the buffer it is given (the exchange's), decoding leaves
// it there, and a map-answering router's parameters come in name order.
func TestPathParamsLiveInTheExchange(t *testing.T) {
	ct, err := embeddedContract()
	if err != nil {
		t.Fatal(err)
	}
	var x exchange
	_, _, params, err := ct.router.find(httptest.NewRequest("GET", "/v1/customers/a%20b", nil), x.paramBuf[:0])
	if err != nil {
		t.Fatal(err)
	}
	if params, err = decodePathParams(params); err != nil {
		t.Fatal(err)
	}
	if &params[0] != &x.paramBuf[0] || params.value("id") != "a b" || params.value("key") != "" {
		t.Errorf("params %v: not decoded in the exchange's buffer", params)
	}
	if v, ok := params.lookup("key"); ok || v != "" {
		t.Errorf("lookup of a parameter the path lacks: %q, %v", v, ok)
	}
	if _, err := decodePathParams(pathParams{{"id", "%zz"}}); err == nil {
		t.Error("a bad escape was decoded")
	}
	got := pathParamsOf(map[string]string{"key": "k", "id": "i"})
	if len(got) != 2 || got[0] != (pathParam{"id", "i"}) || got[1] != (pathParam{"key", "k"}) {
		t.Errorf("pathParamsOf: %v, want id then key", got)
	}
	if m := got.asMap(); len(m) != 2 || m["id"] != "i" || m["key"] != "k" {
		t.Errorf("asMap: %v", m)
	}
	if pathParams(nil).asMap() != nil || pathParamsOf(nil) != nil {
		t.Error("no parameters should stay nil")
	}
	req := httptest.NewRequest("GET", "/v1/customers/ben", nil)
	if n := testing.AllocsPerRun(100, func() { _, _, _, _ = ct.router.find(req, x.paramBuf[:0]) }); n != 0 {
		t.Errorf("routing a path with a parameter allocates %v times, want 0", n)
	}
}
