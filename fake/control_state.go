package fake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// ok1 is the answer of a control action: {"status": 1}. A struct value, so
// no handler can change what another answers.
var ok1 = struct {
	Status int `json:"status"`
}{1}

func (s *Server) resetHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).Reset()
	return ok1, nil
}

func (s *Server) exportHandler(r *http.Request, key string) (any, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s.Tenant(key).ExportState()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s *Server) importHandler(r *http.Request, key string) (any, error) {
	var snap store.Snapshot
	if err := s.decodeControl(r, &snap); err != nil {
		return nil, err
	}
	if err := s.Tenant(key).ImportState(snap, r.URL.Query().Get("initial") == "true"); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) snapshotsHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Tenant(key).Snapshots()}, nil
}

func (s *Server) saveSnapshotHandler(r *http.Request, key string) (any, error) {
	if err := s.Tenant(key).SaveSnapshot(r.PathValue("name")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) restoreSnapshotHandler(r *http.Request, key string) (any, error) {
	if err := s.Tenant(key).RestoreSnapshot(r.PathValue("name")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) deleteSnapshotHandler(r *http.Request, key string) (any, error) {
	if err := s.Tenant(key).DeleteSnapshot(r.PathValue("name")); err != nil {
		return nil, err
	}
	return ok1, nil
}

// requestsHandler serves GET /_fake/requests: the journal, filtered, and
// with after=N only the entries numbered above N (Seq), so that a poller
// (the inspector) fetches only what is new.
func (s *Server) requestsHandler(r *http.Request, key string) (any, error) {
	q := r.URL.Query()
	var after int64
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, fieldErrors(map[string][]string{"after": {"The after must be an integer of at least 0."}})
		}
		after = n
	}
	f, err := journalFilter(q)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": s.Tenant(key).t().journal.list(f, after)}, nil
}

func (s *Server) clearRequestsHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).ClearRequests()
	return ok1, nil
}

func (s *Server) clockHandler(r *http.Request, key string) (any, error) {
	return s.Tenant(key).Clock().State(), nil
}

// clockChange is the body of PUT /_fake/clock: set the time, freeze or
// unfreeze, and advance by a Go duration ("90s", "36h"), in that order.
type clockChange struct {
	Now     *time.Time `json:"now"`
	Frozen  *bool      `json:"frozen"`
	Advance string     `json:"advance"`
}

func (s *Server) setClockHandler(r *http.Request, key string) (any, error) {
	var in clockChange
	if err := s.decodeControl(r, &in); err != nil {
		return nil, err
	}
	var d time.Duration
	if in.Advance != "" {
		var err error
		if d, err = time.ParseDuration(in.Advance); err != nil {
			return nil, fieldErrors(map[string][]string{"advance": {"The advance must be a duration such as 90s or 36h."}})
		}
	}
	c := s.Tenant(key).Clock()
	if err := checkClockChange(c.Now(), in, d); err != nil {
		return nil, err
	}
	switch {
	case in.Now != nil && in.Frozen != nil && *in.Frozen:
		c.FreezeAt(*in.Now) // exactly that instant
	case in.Frozen != nil && !*in.Frozen:
		if in.Now != nil {
			c.Set(*in.Now)
		}
		c.Unfreeze()
	default:
		if in.Frozen != nil {
			c.Freeze()
		}
		if in.Now != nil {
			c.Set(*in.Now)
		}
	}
	if d != 0 {
		c.Advance(d)
	}
	return c.State(), nil
}

func (s *Server) faultsHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Tenant(key).Faults()}, nil
}

func (s *Server) addFaultHandler(r *http.Request, key string) (any, error) {
	var f Fault
	if err := s.decodeControl(r, &f); err != nil {
		return nil, err
	}
	f, err := s.Tenant(key).AddFault(f)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": f}, nil
}

func (s *Server) clearFaultsHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).ClearFaults()
	return ok1, nil
}

func (s *Server) deleteFaultHandler(r *http.Request, key string) (any, error) {
	if err := s.Tenant(key).DeleteFault(r.PathValue("id")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) invitationsHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Tenant(key).Invitations()}, nil
}

// setClicksHandler sets the click count a customer's stats report; clicks
// happen in browsers, which the fake never sees.
func (s *Server) setClicksHandler(r *http.Request, key string) (any, error) {
	var in struct {
		Clicks *int `json:"clicks"`
	}
	if err := s.decodeControl(r, &in); err != nil {
		return nil, err
	}
	if in.Clicks == nil {
		return nil, fieldErrors(map[string][]string{"clicks": {"The clicks field is required."}})
	}
	if err := s.Tenant(key).Store().SetClicks(r.PathValue("id"), *in.Clicks); err != nil {
		return nil, err
	}
	return ok1, nil
}
