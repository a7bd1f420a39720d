package fake

import (
	"encoding/json"
	"fmt"
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
	// RequestBody and ResponseBody hold JSON bodies as JSON and anything
	// else as a string; a body over 64 KiB is cut to a string ending in a
	// marker with its length.
	RequestBody  json.RawMessage `json:"request_body,omitempty"`
	ResponseBody json.RawMessage `json:"response_body,omitempty"`
	// Fault is the id of the fault rule that answered, if any.
	Fault string `json:"fault,omitempty"`
	// The real time spent serving is in the log line, not here: journals
	// are byte-for-byte reproducible under a frozen clock.
}

// JournalFilter selects journal entries; zero fields match everything.
type JournalFilter struct {
	Operation string
	Path      string
	Method    string
	Status    int
}

func (f JournalFilter) match(e JournalEntry) bool {
	return (f.Operation == "" || f.Operation == e.Operation) && (f.Path == "" || f.Path == e.Path) &&
		(f.Method == "" || f.Method == e.Method) && (f.Status == 0 || f.Status == e.Status)
}

// journal is a tenant's recent requests, bounded in entries and in bytes.
type journal struct {
	mu       sync.Mutex // guards the fields below
	size     int
	maxBytes int
	entries  []JournalEntry // oldest first
	bytes    int            // the cost of entries
	seq      int64
}

func newJournal(size, maxBytes int) *journal { return &journal{size: size, maxBytes: maxBytes} }

// cost is what an entry counts against the journal's bytes: its bodies,
// path and query, plus a fixed overhead for the rest.
func (e *JournalEntry) cost() int {
	n := 256 + len(e.RequestBody) + len(e.ResponseBody) + len(e.Path)
	for k, vs := range e.Query {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

func (j *journal) add(e JournalEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	if j.size <= 0 {
		return
	}
	j.entries = append(j.entries, e)
	j.bytes += e.cost()
	for len(j.entries) > j.size || (j.bytes > j.maxBytes && len(j.entries) > 1) {
		j.bytes -= j.entries[0].cost()
		j.entries[0] = JournalEntry{} // let the bodies go
		j.entries = j.entries[1:]
	}
}

func (j *journal) list(f JournalFilter) []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []JournalEntry{}
	for _, e := range j.entries {
		if f.match(e) {
			out = append(out, e)
		}
	}
	return out
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries, j.bytes = nil, 0
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

func parseStatus(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
