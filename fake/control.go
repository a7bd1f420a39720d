package fake

import (
	"encoding/json"
	"net/http"

	"github.com/gorilla/mux"
)

// controlRoutes registers the control plane: endpoints for tests and
// operators, outside the Partnero API. They are not in openapi.yaml.
func (s *Server) controlRoutes(r *mux.Router) {
	r.Path("/health").Methods(http.MethodGet, http.MethodHead).HandlerFunc(s.health)
	r.Path("/ready").Methods(http.MethodGet, http.MethodHead).HandlerFunc(s.health)
	r.Path("/invitations").Methods(http.MethodGet).HandlerFunc(s.tenantScoped(s.invitations))
	r.Path("/customers/{id}/clicks").Methods(http.MethodPut).HandlerFunc(s.tenantScoped(s.setClicks))
}

// health answers liveness and readiness probes. A Server exists only once
// its spec and initial state are loaded, so it is ready as soon as it
// serves.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeControl(w, http.StatusOK, map[string]any{"status": "ok"})
}

// tenantScoped authenticates a control-plane request like an API request
// and passes the caller's tenant.
func (s *Server) tenantScoped(h func(http.ResponseWriter, *http.Request, *tenant)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, ok := bearer(r)
		if !ok || !s.keyAllowed(key) {
			writeControl(w, http.StatusUnauthorized, errUnauthenticated.body())
			return
		}
		h(w, r, s.tenant(key))
	}
}

func (s *Server) invitations(w http.ResponseWriter, r *http.Request, t *tenant) {
	writeControl(w, http.StatusOK, map[string]any{"data": t.store.Invitations()})
}

// setClicks sets the click count a customer's stats report; clicks happen
// in browsers, which the fake never sees.
func (s *Server) setClicks(w http.ResponseWriter, r *http.Request, t *tenant) {
	var in struct {
		Clicks *int `json:"clicks"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Clicks == nil {
		writeControlError(w, fieldErrors(map[string][]string{"clicks": {"The clicks field is required and must be an integer."}}))
		return
	}
	if err := t.store.SetClicks(mux.Vars(r)["id"], *in.Clicks); err != nil {
		writeControlError(w, err)
		return
	}
	writeControl(w, http.StatusOK, map[string]any{"status": 1})
}

// writeControlError answers with an error in Partnero's shape.
func writeControlError(w http.ResponseWriter, err error) {
	ae := toAPIError(err)
	writeControl(w, ae.status, ae.body())
}

func writeControl(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
