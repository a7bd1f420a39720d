package fake

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
)

// clientShape is one request an official client sent, byte for byte, as
// measured by running the client unchanged against a recorder on loopback
// (see testdata/client_shapes.json and the README's "Official clients").
type clientShape struct {
	Client  string            `json:"client"`
	Call    string            `json:"call"`
	Method  string            `json:"method"`
	Path    string            `json:"path"`  // raw, as on the wire; {webhook} is the key the client's create got
	Query   string            `json:"query"` // raw
	Headers map[string]string `json:"headers"`
	Body    *string           `json:"body"` // exact bytes; absent when the client sent none
	Want    int               `json:"want"` // status; 0 means 200
	Why     string            `json:"why"`  // for a status other than 200
}

// TestOfficialClientShapes replays every refer-a-friend call of the PHP
// SDK, the n8n node and the Python SDK, in the order and with the exact
// bytes each client sent, against an empty program per client. Every call
// succeeds, or its failure is a client defect (or a consequence of the
// call sequence) named in the table.
func TestOfficialClientShapes(t *testing.T) {
	raw, err := os.ReadFile("testdata/client_shapes.json")
	if err != nil {
		t.Fatal(err)
	}
	var shapes []clientShape
	if err := json.Unmarshal(raw, &shapes); err != nil {
		t.Fatal(err)
	}
	byClient := map[string][]clientShape{}
	var clients []string
	for _, s := range shapes {
		if _, seen := byClient[s.Client]; !seen {
			clients = append(clients, s.Client)
		}
		byClient[s.Client] = append(byClient[s.Client], s)
	}
	if !slices.Equal(clients, []string{"php", "python", "n8n"}) {
		t.Fatalf("clients %v", clients)
	}
	for _, client := range clients {
		t.Run(client, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.key = client + "-key"
			webhook := ""
			for _, s := range byClient[client] {
				if s.Want != 0 && s.Why == "" {
					t.Fatalf("%s: status %d without a reason", s.Call, s.Want)
				}
				want := s.Want
				if want == 0 {
					want = http.StatusOK
				}
				path := strings.ReplaceAll(s.Path, "{webhook}", webhook)
				if s.Query != "" {
					path += "?" + s.Query
				}
				for k, v := range s.Headers {
					e.header.Set(k, v)
				}
				var body any
				if s.Body != nil {
					body = *s.Body
				}
				r := e.do(s.Method, path, body)
				if r.status != want {
					t.Errorf("%s: %s %s: status %d, want %d (%s); body %s", s.Call, s.Method, path, r.status, want, s.Why, r.raw)
					continue
				}
				if s.Method == "POST" && s.Path == "/v1/webhooks" {
					webhook = r.str("data.key")
				}
				if s.Body != nil && *s.Body == "[]" && !slices.Contains(r.warningCodes(), WarnEmptyArrayBody) {
					t.Errorf("%s: body [] without the %s warning", s.Call, WarnEmptyArrayBody)
				}
				if codes := r.warningCodes(); len(codes) > 0 {
					t.Logf("%s %s %s: warnings %v", s.Call, s.Method, path, codes)
				}
			}
		})
	}
}
