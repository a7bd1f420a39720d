// Package signup is the code under test: a web backend's sign-up handler
// that tells Partnero about every new customer, passing on the referral
// code PartneroJS left in the partnero_referral cookie.
package signup

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// Handler serves POST /signup with the form fields user_id and email.
type Handler struct {
	PartneroURL string // https://api.partnero.com/v1 in production
	APIKey      string
	Client      *http.Client
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	customer := map[string]any{"key": r.FormValue("user_id"), "email": r.FormValue("email")}
	if c, err := r.Cookie("partnero_referral"); err == nil && c.Value != "" {
		customer["referring_customer"] = map[string]string{"key": c.Value}
	}
	body, _ := json.Marshal(customer)
	req, err := http.NewRequestWithContext(r.Context(), "POST", h.PartneroURL+"/customers", bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header.Set("Authorization", "Bearer "+h.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.Client.Do(req)
	if err != nil {
		http.Error(w, "Partnero is unreachable", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		http.Error(w, "Partnero answered "+resp.Status, http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusCreated)
}
