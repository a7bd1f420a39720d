package fake

import (
	"encoding/json"
	"net/url"
	"strconv"
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
	// else as a string, cut at 64 KiB.
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

// journal is a bounded ring of entries.
type journal struct {
	mu      sync.Mutex // guards the fields below
	size    int
	entries []JournalEntry // ring; start is the oldest
	start   int
	seq     int64
}

func newJournal(size int) *journal { return &journal{size: size} }

func (j *journal) add(e JournalEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	if j.size <= 0 {
		return
	}
	if len(j.entries) < j.size {
		j.entries = append(j.entries, e)
		return
	}
	j.entries[j.start] = e
	j.start = (j.start + 1) % j.size
}

func (j *journal) list(f JournalFilter) []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []JournalEntry{}
	for i := range j.entries {
		if e := j.entries[(j.start+i)%len(j.entries)]; f.match(e) {
			out = append(out, e)
		}
	}
	return out
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries, j.start = nil, 0
}

// journalBody keeps a body as JSON when it is JSON, else as a JSON string.
func journalBody(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	if len(b) > maxJournalBody {
		b = b[:maxJournalBody]
	} else if json.Valid(b) {
		return json.RawMessage(b)
	}
	q, _ := json.Marshal(string(b))
	return q
}

func parseStatus(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
