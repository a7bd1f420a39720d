package fake

import (
	"encoding/json"
	"strings"
	"testing"
)

// BenchmarkJournal measures the journal of 1,000 GETs with 730-byte
// answers: recording one more when it is full (add: the arena reuses its
// chunks, so it allocates nothing), listing it whole (list: every record
// decoded), and the inspector's poll for the newest ten (after).
func BenchmarkJournal(b *testing.B) {
	body := json.RawMessage(`{"data":{"key":"` + strings.Repeat("x", 700) + `"}}`)
	e := JournalEntry{Method: "GET", Path: "/v1/customers/ben", Operation: "getCustomer", Status: 200, ResponseBody: body}
	full := func() *journal {
		j := newJournal(DefaultJournalSize, DefaultJournalBytes)
		for range DefaultJournalSize {
			j.add("", e)
		}
		return j
	}
	b.Run("add", func(b *testing.B) {
		j := full()
		b.ReportAllocs()
		for b.Loop() {
			j.add("", e)
		}
	})
	b.Run("list", func(b *testing.B) {
		j := full()
		b.ReportAllocs()
		for b.Loop() {
			if len(j.list(JournalFilter{}, 0)) != DefaultJournalSize {
				b.Fatal("not a full journal")
			}
		}
	})
	b.Run("after", func(b *testing.B) {
		j := full()
		b.ReportAllocs()
		for b.Loop() {
			if len(j.list(JournalFilter{}, j.seq-10)) != 10 {
				b.Fatal("not the newest ten")
			}
		}
	})
}
