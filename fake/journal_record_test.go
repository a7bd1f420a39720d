package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestJournalRecordRoundTrip shows that a record reads back as the entry it
// was made from, field for field: nil and empty queries, lists of values
// and bodies as they were, any bytes in strings, bodies of every size.
func TestJournalRecordRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 21, 10, 0, 0, 123456789, time.UTC)
	fixed := []JournalEntry{
		{},
		{Seq: 1, Time: at, Method: "GET", Path: "/v1/customers/ben", Operation: "getCustomer", Status: 200,
			ResponseBody: json.RawMessage(`{"data":{"key":"ben"}}`)},
		{Seq: 2, Method: "GET", Path: "/v1/customers", Query: url.Values{}, Status: 200},
		{Seq: 3, Method: "GET", Path: "/v1/customers", Query: url.Values{"a": nil, "b": {}, "c": {""}, "d": {"1", "2"}}},
		{Seq: 4, Method: "POST", Path: "/v1/transactions", Client: ClientTestkit, Fault: "f1", Status: 503,
			RequestBody: json.RawMessage(`{"key":"k"}`), Warnings: []Warning{{Code: "c", Message: "m"}}},
		{Seq: 5, Path: "/\x00\xff\u00e9", Query: url.Values{"\x80;&=": {"\x00", strings.Repeat("v", 300)}},
			RequestBody: json.RawMessage(strings.Repeat("1", maxJournalBody)), ResponseBody: json.RawMessage(strings.Repeat("2", 200))},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	str := func() string {
		b := make([]byte, rng.IntN(3)*rng.IntN(150))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	}
	entries := fixed
	for i := range 500 {
		e := JournalEntry{Seq: int64(10 + i), Time: at.Add(time.Duration(i)), Method: str(), Path: str(), Operation: str(),
			Client: str(), Fault: str(), Status: rng.IntN(600)}
		if rng.IntN(3) > 0 {
			e.Query = url.Values{}
			for range rng.IntN(4) {
				var vs []string
				if rng.IntN(4) > 0 {
					vs = []string{}
					for range rng.IntN(3) {
						vs = append(vs, str())
					}
				}
				e.Query[str()] = vs
			}
		}
		if s := str(); s != "" {
			e.RequestBody = json.RawMessage(s)
		}
		if s := str(); s != "" {
			e.ResponseBody = json.RawMessage(s)
		}
		entries = append(entries, e)
	}
	var a arena
	for i, e := range entries {
		r := recordOf(&e, &a)
		if len(r.data) != cap(r.data) {
			t.Fatalf("entry %d: data is %d bytes of the %d taken", i, len(r.data), cap(r.data))
		}
		if got := r.entry(); !reflect.DeepEqual(got, e) {
			t.Fatalf("entry %d read back changed:\n got %#v\nwant %#v", i, got, e)
		}
		if r.cost != e.cost() {
			t.Fatalf("entry %d: cost %d, want %d", i, r.cost, e.cost())
		}
	}
}

// TestJournalArenaIsReused shows that a full journal records a request
// without allocating (the chunks its oldest entries leave are filled
// again), that the arena stays within a chunk or two of what the entries
// hold, and that entries read back right across chunks, including one
// larger than a chunk.
func TestJournalArenaIsReused(t *testing.T) {
	j := newJournal(100, 1<<30)
	body := json.RawMessage(`{"data":{"key":"` + strings.Repeat("x", 700) + `"}}`)
	e := JournalEntry{Method: "GET", Path: "/v1/customers/ben", Operation: "getCustomer", Status: 200, ResponseBody: body}
	for range 300 {
		j.add("", e)
	}
	// A chunk holds some 80 of these: AllocsPerRun's average would round
	// a chunk made every 80 requests down to 0, so count a thousand.
	if allocs := testing.AllocsPerRun(5, func() {
		for range 1000 {
			j.add("", e)
		}
	}); allocs != 0 {
		t.Errorf("a full journal allocated %.0f times to record a thousand requests", allocs)
	}
	held := 0
	for i := range j.n {
		held += len(j.ring[(j.head+i)%len(j.ring)].data)
	}
	if j.arena.inUse > held+2*maxChunk {
		t.Errorf("the arena holds %d bytes for %d bytes of records", j.arena.inUse, held)
	}

	big := e
	big.RequestBody = json.RawMessage(strings.Repeat("1", maxJournalBody))
	big.ResponseBody = json.RawMessage(strings.Repeat("2", maxJournalBody))
	for i := range 250 {
		x := e
		if i%40 == 7 {
			x = big
		}
		x.Path = fmt.Sprint("/", i)
		j.add("", x)
	}
	got := j.list(JournalFilter{}, 0)
	if len(got) != 100 {
		t.Fatalf("%d entries, want 100", len(got))
	}
	for k, g := range got {
		i := 150 + k
		want := e.ResponseBody
		if i%40 == 7 {
			want = big.ResponseBody
		}
		if g.Path != fmt.Sprint("/", i) || !bytes.Equal(g.ResponseBody, want) {
			t.Fatalf("entry %d: %s, a body of %d bytes", k, g.Path, len(g.ResponseBody))
		}
	}
	j.clear()
	if j.arena.inUse != 0 || j.arena.chunks != nil {
		t.Errorf("after clear the arena holds %d bytes in %d chunks", j.arena.inUse, len(j.arena.chunks))
	}
}

// TestJournalKeepsItsOwnBodies shows that the journal copies the response
// bodies it keeps: the buffers they were written in go back to the
// server's pool and are written over by the next responses.
func TestJournalKeepsItsOwnBodies(t *testing.T) {
	e := newEnv(t, Options{})
	var raws [][]byte
	for _, key := range []string{"first", "second-with-a-longer-key", "third"} {
		e.do("POST", "/v1/customers", map[string]string{"key": key}).want(t, 200)
		raws = append(raws, e.do("GET", "/v1/customers/"+key, nil).want(t, 200).raw)
	}
	got := e.fake.Tenant(testKey).Requests(JournalFilter{Operation: "getCustomer"})
	if len(got) != len(raws) {
		t.Fatalf("%d entries, want %d", len(got), len(raws))
	}
	for i, en := range got {
		if !bytes.Equal(en.ResponseBody, bytes.TrimSpace(raws[i])) {
			t.Errorf("entry %d's body:\n%s\nwas sent as\n%s", i, en.ResponseBody, raws[i])
		}
	}
}
