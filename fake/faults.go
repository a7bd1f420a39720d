package fake

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a rule that makes matching API requests fail or slow down, for
// testing how a client copes. Rules apply only to the tenant that set them.
type Fault struct {
	// ID names the rule; generated when empty.
	ID string `json:"id"`
	// Operation matches an operationId of openapi.yaml.
	Operation string `json:"operation,omitempty"`
	// Method and Path match the request; Path may end in * to match a
	// prefix. A rule needs Operation or Path.
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	// Status is the status to answer with (400-599), with an error body in
	// Partnero's shape; 0 only delays (LatencyMS).
	Status int `json:"status,omitempty"`
	// Message replaces the default message of the error body.
	Message string `json:"message,omitempty"`
	// LatencyMS delays every matching request.
	LatencyMS int `json:"latency_ms,omitempty"`
	// FailFirst, when > 0, fails only the first FailFirst matching
	// requests; later ones pass.
	FailFirst int `json:"fail_first,omitempty"`
	// Probability, when > 0, fails each matching request with this
	// probability, drawn from a generator seeded with Seed.
	Probability float64 `json:"probability,omitempty"`
	Seed        uint64  `json:"seed,omitempty"`
	// RetryAfter is the Retry-After header (seconds) of a 429; default 1.
	RetryAfter int `json:"retry_after,omitempty"`
	// Matched counts the requests the rule matched; Failed those it failed.
	Matched int `json:"matched"`
	Failed  int `json:"failed"`
}

// faults is a tenant's fault rules.
type faults struct {
	mu    sync.Mutex // guards the fields below
	rules []*faultRule
	next  int
}

type faultRule struct {
	Fault
	rng *rand.Rand
}

// validate checks a rule and fills its defaults.
func (f *Fault) validate(ops map[string]handler) error {
	errs := map[string][]string{}
	if f.Operation == "" && f.Path == "" {
		errs["operation"] = []string{"The operation field is required when path is not present."}
	}
	if f.Operation != "" && ops[f.Operation] == nil {
		errs["operation"] = []string{"The selected operation is not an operationId of openapi.yaml."}
	}
	if f.Path != "" && !strings.HasPrefix(f.Path, "/") {
		errs["path"] = []string{"The path must start with /."}
	}
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		errs["status"] = []string{"The status must be between 400 and 599."}
	}
	if f.Status == 0 && f.LatencyMS == 0 {
		errs["status"] = []string{"The status field is required when latency ms is not present."}
	}
	if f.LatencyMS < 0 || f.LatencyMS > maxFaultLatencyMS {
		errs["latency_ms"] = []string{"The latency ms must be between 0 and 60000."}
	}
	if f.FailFirst < 0 {
		errs["fail_first"] = []string{"The fail first must be at least 0."}
	}
	if f.Probability < 0 || f.Probability > 1 {
		errs["probability"] = []string{"The probability must be between 0 and 1."}
	}
	if f.FailFirst > 0 && f.Probability > 0 {
		errs["probability"] = []string{"A rule has fail_first or probability, not both."}
	}
	if f.RetryAfter < 0 {
		errs["retry_after"] = []string{"The retry after must be at least 0."}
	}
	if len(errs) > 0 {
		return fieldErrors(errs)
	}
	f.Method = strings.ToUpper(f.Method)
	if f.Status == http.StatusTooManyRequests && f.RetryAfter == 0 {
		f.RetryAfter = 1
	}
	f.Matched, f.Failed = 0, 0
	return nil
}

// add adds a rule, unless the tenant already has max rules.
func (fs *faults) add(f Fault, max int) (Fault, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.rules) >= max {
		return Fault{}, limitError("fault", fmt.Sprintf(
			"A tenant may have at most %d fault rules; delete one first (see --max-faults).", max))
	}
	fs.next++
	if f.ID == "" {
		f.ID = "fault_" + strconv.Itoa(fs.next)
	}
	for _, r := range fs.rules {
		if r.ID == f.ID {
			return Fault{}, fieldErrors(map[string][]string{"id": {"The id has already been taken."}})
		}
	}
	fs.rules = append(fs.rules, &faultRule{Fault: f, rng: rand.New(rand.NewPCG(f.Seed, 0x5eed))})
	return f, nil
}

func (fs *faults) list() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, 0, len(fs.rules))
	for _, r := range fs.rules {
		out = append(out, r.Fault)
	}
	return out
}

func (fs *faults) remove(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, r := range fs.rules {
		if r.ID == id {
			fs.rules = append(fs.rules[:i], fs.rules[i+1:]...)
			return true
		}
	}
	return false
}

func (fs *faults) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rules = nil
}

// decision is what the fault rules decided for one request.
type decision struct {
	delay time.Duration
	fail  *Fault // the rule that fails the request, if any
}

// maxFaultLatencyMS is the longest delay of one rule, and of one request
// whatever rules match it: below the write timeout, so the delayed answer
// still arrives.
const maxFaultLatencyMS = 60_000

// decide applies the first matching rules to a request: latency adds up, to
// at most maxFaultLatencyMS, and the first rule that fails the request
// answers it.
func (fs *faults) decide(op, method, path string) decision {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var d decision
	for _, r := range fs.rules {
		if !r.matches(op, method, path) {
			continue
		}
		r.Matched++
		d.delay = min(d.delay+time.Duration(r.LatencyMS)*time.Millisecond, maxFaultLatencyMS*time.Millisecond)
		if r.Status == 0 || d.fail != nil {
			continue
		}
		fail := true
		switch {
		case r.FailFirst > 0:
			fail = r.Failed < r.FailFirst
		case r.Probability > 0:
			fail = r.rng.Float64() < r.Probability
		}
		if fail {
			r.Failed++
			f := r.Fault
			d.fail = &f
		}
	}
	return d
}

func (r *faultRule) matches(op, method, path string) bool {
	if r.Operation != "" && r.Operation != op {
		return false
	}
	if r.Method != "" && r.Method != method {
		return false
	}
	if r.Path != "" {
		if prefix, ok := strings.CutSuffix(r.Path, "*"); ok {
			return strings.HasPrefix(path, prefix)
		}
		return r.Path == path
	}
	return true
}

// String describes a rule for logs.
func (f Fault) String() string {
	return fmt.Sprintf("fault %s (%s %s %s -> %d)", f.ID, f.Operation, f.Method, f.Path, f.Status)
}
