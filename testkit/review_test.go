// Regression test from the review: an unallowed warning past the first
// 100 warned requests was lost.
package testkit_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/partnero-fake/partnero-fake/testkit"
)

// recTB records failures instead of failing.
type recTB struct {
	mu       sync.Mutex
	failures []string
	cleanups []func()
}

func (r *recTB) Helper()                   {}
func (r *recTB) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recTB) Logf(string, ...any)       {}
func (r *recTB) Fatalf(f string, a ...any) { r.Errorf(f, a...) }
func (r *recTB) Errorf(f string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(f, a...))
}

// TestReviewWarningPastFirst100IsLost: the fake keeps the first 100 warned
// requests in full and only counts the rest. When those 100 carry allowed
// codes, an unallowed warning on request 101 is reported nowhere:
// reportWarnings prints the "more" summary only when it already showed a
// failure (shown > 0). The test under check passes although the code
// under test sent a field Partnero would not accept.
func TestReviewWarningPastFirst100IsLost(t *testing.T) {
	s, err := testkit.New(testkit.AllowWarnings("empty-string"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	post := func(body string) {
		req, _ := http.NewRequest("POST", s.Client.APIURL+"/customers", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+s.Client.APIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.Client.HTTPClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", body, resp.StatusCode)
		}
	}
	for i := 0; i < 100; i++ {
		post(fmt.Sprintf(`{"key":"k%d","email":"k%d@example.com","name":""}`, i, i)) // allowed: empty-string
	}
	post(`{"key":"late","email":"late@example.com","partner":{"key":"p1"}}`) // not allowed: partner-ignored
	rec := &recTB{}
	s.Client.CheckWarnings(rec)
	if len(rec.failures) == 0 {
		t.Errorf("CheckWarnings reported nothing, though request 101 carried the unallowed partner-ignored warning")
	}
}
