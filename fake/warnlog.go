package fake

import (
	"net/http"
	"slices"
	"sync"
)

// maxWarnedRequests is how many warned requests a tenant keeps in full;
// past it only the counts grow.
const maxWarnedRequests = 100

// WarningReport is what a tenant's requests were warned about since the
// tenant was created or its warnings last cleared.
type WarningReport struct {
	// Total counts the requests that carried at least one warning.
	Total int `json:"total"`
	// ByCode counts the warnings by code.
	ByCode map[string]int `json:"by_code"`
	// Requests are the first warned requests (at most 100), as the journal
	// records them.
	Requests []JournalEntry `json:"requests"`
}

// warnLog keeps a tenant's warned requests apart from the journal, so
// that a long test cannot push them out before they are checked.
type warnLog struct {
	mu     sync.Mutex // guards report
	report WarningReport
}

func newWarnLog() *warnLog { return &warnLog{report: WarningReport{ByCode: map[string]int{}}} }

func (l *warnLog) add(e JournalEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.report.Total++
	for _, w := range e.Warnings {
		l.report.ByCode[w.Code]++
	}
	if len(l.report.Requests) < maxWarnedRequests {
		l.report.Requests = append(l.report.Requests, e)
	}
}

func (l *warnLog) get() WarningReport {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.report
	r.ByCode = make(map[string]int, len(l.report.ByCode))
	for k, v := range l.report.ByCode {
		r.ByCode[k] = v
	}
	r.Requests = slices.Clone(l.report.Requests)
	if r.Requests == nil {
		r.Requests = []JournalEntry{}
	}
	return r
}

func (l *warnLog) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.report = WarningReport{ByCode: map[string]int{}}
}

func (l *warnLog) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.report.Total
}

// WarnedTenants returns the API keys of the tenants with warnings, sorted.
func (s *Server) WarnedTenants() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k, t := range s.tenants {
		if t.warned.total() > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func (s *Server) warningsHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Tenant(key).Warnings(), "status": 1}, nil
}

func (s *Server) clearWarningsHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).ClearWarnings()
	return ok1, nil
}
