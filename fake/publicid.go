package fake

import (
	"crypto/sha256"
	"encoding/binary"
	"net/http"

	"github.com/partnero-fake/partnero-fake/fake/partnerojs"
)

// Public program ids: each tenant's program has one, derived from the seed
// and the API key, which PartneroJS calls carry instead of the key.

// publicProgramID derives the public id of a tenant's program from the
// server's seed and the tenant's API key: 8 upper-case letters, the same
// for the same seed and key, different between tenants (a collision needs
// two keys among 26^8 ids).
func publicProgramID(seed int64, apiKey string) string {
	h := sha256.New()
	h.Write([]byte("partnero-fake/program-public-id\x00"))
	_ = binary.Write(h, binary.BigEndian, seed)
	h.Write([]byte(apiKey))
	sum := h.Sum(nil)
	id := make([]byte, 8)
	for i := range id {
		id[i] = 'A' + sum[i]%26
	}
	return string(id)
}

// configuredPublicIDs maps the public ids of the configured API keys to
// their keys (the smaller key wins a collision).
func configuredPublicIDs(seed int64, keys []string) map[string]string {
	m := map[string]string{}
	for _, k := range keys {
		id := publicProgramID(seed, k)
		if old, ok := m[id]; !ok || k < old {
			m[id] = k
		}
	}
	return m
}

// tenantByPublicID finds the tenant whose program has the public id: an
// existing tenant, or the tenant of a configured API key (created on first
// use, as an API call would), or nil. Should two tenants share an id, the
// smaller API key wins.
func (s *Server) tenantByPublicID(id string) *tenant {
	if key, ok := s.configured[id]; ok {
		return s.tenant(key)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var found *tenant
	var foundKey string
	for k, t := range s.tenants {
		if t.publicID == id && (found == nil || k < foundKey) {
			found, foundKey = t, k
		}
	}
	return found
}

// partnerojsHandler answers GET /_fake/partnerojs: the tenant's public
// program id, the script's URL on this server and the snippet to paste.
func (s *Server) partnerojsHandler(r *http.Request, key string) (any, error) {
	base := "http://" + r.Host
	if r.TLS != nil {
		base = "https://" + r.Host
	}
	id := s.Tenant(key).PublicProgramID()
	script := base + partnerojs.ScriptPath
	return map[string]any{"data": map[string]string{
		"public_id": id, "script_url": script, "snippet": partnerojs.Snippet(script, base, id),
	}}, nil
}
