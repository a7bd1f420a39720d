package fake

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// eventFilter reads type, status, min_attempts and data.<path> parameters.
func eventFilter(r *http.Request) (EventFilter, error) {
	q := r.URL.Query()
	f := EventFilter{Type: q.Get("type"), Status: q.Get("status")}
	if v := q.Get("min_attempts"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, fieldErrors(map[string][]string{"min_attempts": {"The min attempts must be an integer of at least 0."}})
		}
		f.MinAttempts = n
	}
	for k, vs := range q {
		if path, ok := strings.CutPrefix(k, "data."); ok {
			if f.Data == nil {
				f.Data = map[string]string{}
			}
			f.Data[path] = vs[0]
		}
	}
	return f, nil
}

func (s *Server) outboxEventsHandler(r *http.Request, key string) (any, error) {
	f, err := eventFilter(r)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": s.Tenant(key).WebhookEvents(f)}, nil
}

// awaitWebhookHandler long-polls for a matching event: 200 with it, or 408
// when none comes within timeout (a Go duration, default 5s, at most 60s).
func (s *Server) awaitWebhookHandler(r *http.Request, key string) (any, error) {
	f, err := eventFilter(r)
	if err != nil {
		return nil, err
	}
	timeout := 5 * time.Second
	if v := r.URL.Query().Get("timeout"); v != "" {
		if timeout, err = time.ParseDuration(v); err != nil || timeout <= 0 || timeout > maxAwait {
			return nil, fieldErrors(map[string][]string{"timeout": {"The timeout must be a duration between 0 and 60s, such as 5s."}})
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	ev, err := s.Tenant(key).AwaitWebhookEvent(ctx, f)
	if err != nil {
		return nil, awaitError(err, timeout.String())
	}
	return map[string]any{"data": ev}, nil
}

func (s *Server) redeliverHandler(r *http.Request, key string) (any, error) {
	if err := s.Tenant(key).RedeliverWebhookEvent(r.PathValue("id"), r.URL.Query().Get("webhook")); err != nil {
		return nil, err
	}
	return ok1, nil
}

func (s *Server) pauseWebhooksHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).PauseWebhooks()
	return ok1, nil
}

func (s *Server) resumeWebhooksHandler(r *http.Request, key string) (any, error) {
	s.Tenant(key).ResumeWebhooks()
	return ok1, nil
}

func (s *Server) nextWebhookHandler(r *http.Request, key string) (any, error) {
	var in struct {
		Action string `json:"action"`
	}
	if err := s.decodeControl(r, &in); err != nil {
		return nil, err
	}
	switch in.Action {
	case "drop":
		s.Tenant(key).DropNextWebhook()
	case "duplicate":
		s.Tenant(key).DuplicateNextWebhook()
	default:
		return nil, fieldErrors(map[string][]string{"action": {"The action must be drop or duplicate."}})
	}
	return ok1, nil
}
