package testkit

import (
	"encoding/json"

	"github.com/partnero-fake/partnero-fake/fake"
)

// RequestBody decodes a journal entry's request body into a T: a struct of
// your own, map[string]any, or one of this package's types. It fails the
// test when the body is missing or does not decode.
//
//	sent := srv.Requests(t, fake.JournalFilter{Operation: "createCustomer"})
//	body := testkit.RequestBody[struct {
//		Key               string `json:"key"`
//		ReferringCustomer struct{ Key string } `json:"referring_customer"`
//	}](t, sent[0])
func RequestBody[T any](tb TB, e fake.JournalEntry) T {
	tb.Helper()
	return decodeBody[T](tb, e, "request", e.RequestBody)
}

// ResponseBody decodes a journal entry's response body into a T, like
// RequestBody. For the API's {"data": …} envelope use a T with a Data
// field, such as Envelope[Customer].
func ResponseBody[T any](tb TB, e fake.JournalEntry) T {
	tb.Helper()
	return decodeBody[T](tb, e, "response", e.ResponseBody)
}

// Envelope is the API's response envelope: {"data": …, "status": 1}.
type Envelope[T any] struct {
	Data   T   `json:"data"`
	Status int `json:"status"`
}

func decodeBody[T any](tb TB, e fake.JournalEntry, which string, raw json.RawMessage) T {
	tb.Helper()
	var v T
	if len(raw) == 0 {
		tb.Fatalf("testkit: %s %s (#%d) has no %s body", e.Method, e.Path, e.Seq, which)
		return v
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatalf("testkit: %s %s (#%d): decode the %s body into %T: %v: %s", e.Method, e.Path, e.Seq, which, v, err, raw)
	}
	return v
}
