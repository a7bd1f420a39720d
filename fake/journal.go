package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultJournalSize is how many requests a tenant's journal keeps.
const DefaultJournalSize = 1000

// maxJournalBody is how much of each body the journal keeps.
const maxJournalBody = 64 << 10

// ClientHeader marks requests made by a test's own tooling rather than by
// the code under test: with the value ClientTestkit (what testkit's helpers
// send) the journal records the request as Client "testkit", and journal
// queries leave it out unless asked (JournalFilter.IncludeTestkit). The fake
// removes the header before anything else sees the request, so it changes
// nothing else: not validation, faults, responses or webhooks. Other values
// are ignored.
const ClientHeader = "X-Partnero-Fake-Client"

// ClientTestkit is ClientHeader's value for testkit's helpers.
const ClientTestkit = "testkit"

// clientKey is the context key of the request's marked client.
type clientKey struct{}

// withClient removes ClientHeader from r and, when it names testkit,
// records that in the request's context.
func withClient(r *http.Request) *http.Request {
	v, ok := r.Header[http.CanonicalHeaderKey(ClientHeader)]
	if !ok {
		return r
	}
	r = r.Clone(r.Context())
	r.Header.Del(ClientHeader)
	if len(v) == 1 && v[0] == ClientTestkit {
		r = r.WithContext(context.WithValue(r.Context(), clientKey{}, ClientTestkit))
	}
	return r
}

// clientOf is the client withClient recorded, "" for the code under test.
func clientOf(r *http.Request) string {
	c, _ := r.Context().Value(clientKey{}).(string)
	return c
}

// JournalEntry is one API request a tenant made, as the fake saw it.
type JournalEntry struct {
	// Seq numbers the tenant's requests from 1.
	Seq int64 `json:"seq"`
	// Time is the tenant's clock when the request arrived.
	Time time.Time `json:"time"`
	// Method and Path are the request's; Query its normalized parameters
	// (including those sent as a JSON body on GET and DELETE).
	Method string     `json:"method"`
	Path   string     `json:"path"`
	Query  url.Values `json:"query,omitempty"`
	// Operation is the matched operationId, "" for none.
	Operation string `json:"operation"`
	// Status is the response status.
	Status int `json:"status"`
	// Client is ClientTestkit for requests testkit's helpers made (see
	// ClientHeader), "" for the code under test.
	Client string `json:"client,omitempty"`
	// RequestBody and ResponseBody hold JSON bodies as JSON and anything
	// else as a string; a body over 64 KiB is cut to a string ending in a
	// marker with its length.
	RequestBody  json.RawMessage `json:"request_body,omitempty"`
	ResponseBody json.RawMessage `json:"response_body,omitempty"`
	// Fault is the id of the fault rule that answered, if any.
	Fault string `json:"fault,omitempty"`
	// Warnings are the fidelity warnings sent with the response.
	Warnings []Warning `json:"warnings,omitempty"`
	// The real time spent serving is in the log line, not here: journals
	// are byte-for-byte reproducible under a frozen clock.
}

// JournalFilter selects journal entries: zero fields match every request
// of the code under test. Requests testkit's helpers made (Client
// "testkit") match only with IncludeTestkit.
type JournalFilter struct {
	Operation string
	Path      string
	Method    string
	Status    int
	// IncludeTestkit includes requests marked with ClientHeader.
	IncludeTestkit bool
}

func (f JournalFilter) match(e JournalEntry) bool {
	return (f.Operation == "" || f.Operation == e.Operation) && (f.Path == "" || f.Path == e.Path) &&
		(f.Method == "" || f.Method == e.Method) && (f.Status == 0 || f.Status == e.Status) &&
		(f.IncludeTestkit || e.Client != ClientTestkit)
}

// journalFilter reads a JournalFilter from GET /_fake/requests' query.
func journalFilter(q url.Values) (JournalFilter, error) {
	f := JournalFilter{Operation: q.Get("operation"), Path: q.Get("path"), Method: q.Get("method")}
	if v := q.Get("status"); v != "" {
		if f.Status = parseStatus(v); f.Status == 0 {
			return f, fieldErrors(map[string][]string{"status": {"The status must be an integer."}})
		}
	}
	if v := q.Get("include_testkit"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, fieldErrors(map[string][]string{"include_testkit": {fmt.Sprintf("The include testkit field must be true or false, not %q.", v)}})
		}
		f.IncludeTestkit = b
	}
	return f, nil
}

// journal is a tenant's recent requests, bounded in entries and in bytes.
// Entries sit in a ring, so that recording one moves no other, as records
// whose bytes lie in an arena (see journalRecord).
type journal struct {
	mu       sync.Mutex // guards the fields below
	size     int
	maxBytes int
	ring     []journalRecord // oldest at head, wrapping around; grows up to size
	head, n  int
	bytes    int // the cost of the entries
	seq      int64
	arena    arena // the records' data
}

func newJournal(size, maxBytes int) *journal { return &journal{size: size, maxBytes: maxBytes} }

// cost is what an entry counts against the journal's bytes: its bodies,
// path and query, plus a fixed overhead for the rest.
func (e *JournalEntry) cost() int {
	n := 256 + len(e.RequestBody) + len(e.ResponseBody) + len(e.Path)
	for _, w := range e.Warnings {
		n += 16 + len(w.Code) + len(w.Message)
	}
	for k, vs := range e.Query {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

// add records e, made by client ("" for the code under test). The journal
// copies what it keeps: e's bodies may be reused once add returns.
func (j *journal) add(client string, e JournalEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq, e.Client = j.seq, client
	if j.size <= 0 {
		return
	}
	if j.n == j.size {
		j.dropOldest()
	}
	if j.n == len(j.ring) { // full but below size: grow, oldest first again
		grown := make([]journalRecord, min(max(2*len(j.ring), 16), j.size))
		for i := range j.n {
			grown[i] = j.ring[(j.head+i)%len(j.ring)]
		}
		j.ring, j.head = grown, 0
	}
	r := recordOf(&e, &j.arena)
	j.ring[(j.head+j.n)%len(j.ring)] = r
	j.n++
	j.bytes += r.cost
	for j.bytes > j.maxBytes && j.n > 1 {
		j.dropOldest()
	}
}

// dropOldest forgets the oldest entry, and the arena's chunks only it
// still used.
func (j *journal) dropOldest() {
	j.bytes -= j.ring[j.head].cost
	j.ring[j.head] = journalRecord{}
	j.head = (j.head + 1) % len(j.ring)
	j.n--
	if j.n == 0 {
		j.arena.empty()
	} else {
		j.arena.freeBefore(j.ring[j.head].chunk)
	}
}

// list returns the entries numbered above after that f matches, oldest
// first; only those past after are decoded.
func (j *journal) list(f JournalFilter, after int64) []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []JournalEntry{}
	for i := range j.n {
		r := &j.ring[(j.head+i)%len(j.ring)]
		if r.seq <= after {
			continue
		}
		if e := r.entry(); f.match(e) {
			out = append(out, e)
		}
	}
	return out
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ring, j.head, j.n, j.bytes, j.arena = nil, 0, 0, 0, arena{}
}

// journalBody keeps a body as JSON when it is JSON of at most
// maxJournalBody bytes; anything else becomes a JSON string of at most
// that many bytes, invalid UTF-8 replaced, and cut with a marker saying
// how long the body was.
func journalBody(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	if len(b) <= maxJournalBody && json.Valid(b) {
		return json.RawMessage(b)
	}
	marker := ""
	if len(b) > maxJournalBody {
		marker = fmt.Sprintf("...[partnero-fake: body cut, %d bytes in all]", len(b))
	}
	prefix := b[:min(len(b), maxJournalBody)]
	for {
		q, _ := json.Marshal(strings.ToValidUTF8(string(prefix), "\uFFFD") + marker)
		if len(q) <= maxJournalBody+len(marker)+2 {
			return q
		}
		// Escapes made it longer: cut the prefix in proportion.
		prefix = prefix[:len(prefix)*maxJournalBody/len(q)]
		marker = fmt.Sprintf("...[partnero-fake: body cut, %d bytes in all]", len(b))
	}
}

// journalEncoded keeps a body the fake encoded itself (encoding/json's
// output, always JSON): only its size is checked, not its syntax again.
func journalEncoded(b []byte) json.RawMessage {
	if len(b) == 0 || len(b) > maxJournalBody {
		return journalBody(b)
	}
	return json.RawMessage(b)
}

func parseStatus(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
