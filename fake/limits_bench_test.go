package fake

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkDeepNesting posts 18 KB of 9,000 nested arrays to
// POST /v1/transactions, with the default depth limit and with the limit
// lifted (what the fake did before it had one). Target: the limited case
// costs about what a small valid request costs (a few KB allocated), not
// the unlimited one's gigabytes.
func BenchmarkDeepNesting(b *testing.B) {
	body := strings.Repeat("[", 9000) + strings.Repeat("]", 9000)
	for _, bc := range []struct {
		name  string
		depth int
	}{{"limit-32", 0}, {"unlimited", 1 << 20}} {
		b.Run(bc.name, func(b *testing.B) {
			f, err := New(Options{MaxJSONDepth: bc.depth, FreezeAt: frozen})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", "/v1/transactions", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer bench")
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				f.ServeHTTP(w, req)
				if w.Code != 422 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
