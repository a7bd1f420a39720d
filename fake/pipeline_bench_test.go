package fake

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/partnero-fake/partnero-fake/fixtures"
)

// BenchmarkPipeline runs the requests of the BenchmarkTarget* ratios
// through Server.ServeHTTP in memory, without a connection: the fake's own
// cost per request, for profiling the request path
// (go test -run '^$' -bench Pipeline/get -cpuprofile cpu.out ./fake/).
// Besides ns/op it reports cpu-ns/op, the process's CPU time per request
// (garbage collection included), which other jobs on a shared machine move
// less than wall time.
func BenchmarkPipeline(b *testing.B) {
	cases := []struct {
		name   string
		strict bool
		method string
		path   string
		body   func(i int) string
	}{
		{"get", false, "GET", "/v1/customers/demo-ben", nil},
		{"get-strict", true, "GET", "/v1/customers/demo-ben", nil},
		{"post-customer", false, "POST", "/v1/customers", func(i int) string {
			return fmt.Sprintf(`{"id":"bench-%d","email":"bench-%d@example.com","name":"Load","surname":"Bench"}`, i, i)
		}},
		{"post-transaction", false, "POST", "/v1/transactions", func(i int) string {
			return fmt.Sprintf(`{"customer":{"key":"ben"},"key":"bench-%d","amount":19.99,"action":"sale"}`, i)
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			f := demoServer(b, c.strict)
			defer f.Close()
			i := 0
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				var req *http.Request
				if c.body != nil {
					req = httptest.NewRequest(c.method, c.path, bytes.NewReader([]byte(c.body(i))))
					req.Header.Set("Content-Type", "application/json")
				} else {
					req = httptest.NewRequest(c.method, c.path, nil)
				}
				req.Header.Set("Authorization", "Bearer "+fixtures.DemoAPIKey)
				rec := httptest.NewRecorder()
				f.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code, rec.Body)
				}
				i++
			}
			if cpu := processCPU() - cpu; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(i), "cpu-ns/op")
			}
		})
	}
}
