package fake

import (
	"net/http"
	"slices"
	"sync"
)

// maxWarnedRequests is how many warned requests a tenant keeps (without
// their bodies), plus the first of each code; past it only the counts grow.
const maxWarnedRequests = 100

// WarningReport is what the code under test's requests of a tenant were
// warned about since the tenant was created or its warnings last cleared.
// Requests testkit's helpers make are not recorded.
type WarningReport struct {
	// Total counts the requests that carried at least one warning.
	Total int `json:"total"`
	// ByCode counts the warnings by code, every one of them.
	ByCode map[string]int `json:"by_code"`
	// Requests are the first warned requests (at most 100, and the first
	// of each code), as the journal records them but without bodies.
	Requests []JournalEntry `json:"requests"`
}

// warnLog keeps a tenant's warned requests apart from the journal, so
// that a long test cannot push them out before they are checked. It is
// bounded: 100 entries plus one per code, each without bodies and with at
// most MaxWarnings + 1 warnings.
type warnLog struct {
	mu     sync.Mutex // guards report
	report WarningReport
}

func newWarnLog() *warnLog { return &warnLog{report: WarningReport{ByCode: map[string]int{}}} }

// add records a warned request of the code under test; counts are its
// warnings by code, including those the response left out.
func (l *warnLog) add(e JournalEntry, counts map[string]int) {
	if e.Client == ClientTestkit {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.report.Total++
	newCode := false
	for code, n := range counts {
		if l.report.ByCode[code] == 0 {
			newCode = true
		}
		l.report.ByCode[code] += n
	}
	if len(l.report.Requests) < maxWarnedRequests || newCode {
		e.RequestBody, e.ResponseBody = nil, nil
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
