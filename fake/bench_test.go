package fake

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// snapshotOf returns a state with n customers, every third one referred.
func snapshotOf(n int) *store.Snapshot {
	snap := &store.Snapshot{Version: store.SnapshotVersion, Program: store.Program{ID: "BENCHPRG"}}
	for i := range n {
		c := store.Customer{
			ID: fmt.Sprintf("id%07d", i), Key: fmt.Sprintf("key%07d", i),
			Email: fmt.Sprintf("c%07d@example.com", i), Name: "Customer", CreatedAt: frozen, UpdatedAt: frozen,
		}
		if i%3 == 2 {
			c.ReferrerID = fmt.Sprintf("id%07d", i-2)
		}
		snap.Customers = append(snap.Customers, c)
	}
	return snap
}

// benchGet measures GET requests through a real HTTP client and server.
func benchGet(b *testing.B, h http.Handler, path string) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer bench")
	client := srv.Client()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkGetCustomer compares GET /v1/customers/{id} through the whole fake
// (routing, auth, request validation, store, encoding; response validation
// off) with a bare net/http handler writing the same bytes. Target: fake at
// most 3x bare.
func BenchmarkGetCustomer(b *testing.B) {
	f, err := New(Options{Initial: snapshotOf(100), FreezeAt: frozen})
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/v1/customers/id0000042", nil)
	req.Header.Set("Authorization", "Bearer bench")
	f.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	b.Run("fake", func(b *testing.B) { benchGet(b, f, "/v1/customers/id0000042") })
	b.Run("bare", func(b *testing.B) {
		benchGet(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}), "/v1/customers/id0000042")
	})
	b.Run("fake-in-memory", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
}

// BenchmarkListPage lists a page of 15 from tables of 100 and 100,000
// customers. Target: the same cost (pages are index windows, not scans).
func BenchmarkListPage(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		f, err := New(Options{Initial: snapshotOf(n), FreezeAt: frozen})
		if err != nil {
			b.Fatal(err)
		}
		f.Tenant("bench").Store() // create the tenant outside the timed loop
		for _, q := range []string{"?page=2", "?page=2&sort=desc&refer_status=referred"} {
			b.Run(fmt.Sprintf("customers=%d%s", n, q), func(b *testing.B) {
				req := httptest.NewRequest("GET", "/v1/customers"+q, nil)
				req.Header.Set("Authorization", "Bearer bench")
				b.ReportAllocs()
				for b.Loop() {
					rec := httptest.NewRecorder()
					f.ServeHTTP(rec, req)
					if rec.Code != 200 {
						b.Fatal(rec.Code)
					}
				}
			})
		}
	}
}

// BenchmarkCreateCustomer measures POST /v1/customers in memory.
func BenchmarkCreateCustomer(b *testing.B) {
	f, err := New(Options{FreezeAt: frozen})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/v1/customers", nil)
		req.Header.Set("Authorization", "Bearer bench")
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}

// BenchmarkCreateTransaction measures POST /v1/transactions for a referred
// customer under the default rule, so every sale grants a reward. Target: at
// most 2x BenchmarkCreateCustomer.
func BenchmarkCreateTransaction(b *testing.B) {
	f, err := New(Options{FreezeAt: frozen})
	if err != nil {
		b.Fatal(err)
	}
	st := f.Tenant("bench").Store()
	if _, err := st.CreateCustomer(store.NewCustomer{Key: "referrer"}); err != nil {
		b.Fatal(err)
	}
	if _, err := st.CreateCustomer(store.NewCustomer{Key: "friend", Referrer: store.Ref{Key: "referrer"}}); err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"customer":{"key":"friend"},"amount":19.99,"action":"sale"}`)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/v1/transactions", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer bench")
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}

// tenantWith returns a server whose tenant "bench" holds a generated
// program of n customers (60% referred, two purchases each).
func tenantWith(b *testing.B, n int) *Server {
	snap, err := fixtures.Generate(1, fixtures.Counts{Customers: n, ReferralRatio: 0.6, TransactionsPerReferred: 2})
	if err != nil {
		b.Fatal(err)
	}
	f, err := New(Options{Initial: &snap, FreezeAt: frozen})
	if err != nil {
		b.Fatal(err)
	}
	f.Tenant("bench").Store()
	return f
}

// BenchmarkReset resets a tenant of 10,000 customers (and 12,000 sales).
// Target: under 1 ms.
func BenchmarkReset(b *testing.B) {
	f := tenantWith(b, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		f.Tenant("bench").Reset()
	}
}

// BenchmarkSnapshotRestore restores a named snapshot of the same tenant.
// Target: under 1 ms.
func BenchmarkSnapshotRestore(b *testing.B) {
	f := tenantWith(b, 10_000)
	if err := f.Tenant("bench").SaveSnapshot("base"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := f.Tenant("bench").RestoreSnapshot("base"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewTenantFirstWrite serves every request with a new API key, so
// that each makes a tenant from a generated state of 100,000 customers
// (60% referred, one purchase each) and creates a customer in it: what a
// test that takes a tenant of its own pays for it and its first write.
// The tenant made 100 requests before is deleted, as if by a suite running
// 100 such tests at a time; "retained-B/tenant" is the memory each of the
// tenants left keeps.
func BenchmarkNewTenantFirstWrite(b *testing.B) {
	const live = 100
	snap, err := fixtures.Generate(1, fixtures.Counts{Customers: 100_000, ReferralRatio: 0.6, TransactionsPerReferred: 1})
	if err != nil {
		b.Fatal(err)
	}
	f, err := New(Options{Initial: &snap, FreezeAt: frozen, MaxTenants: -1})
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"id":"new","email":"new@example.com","name":"New"}`)
	tenants := 0
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	for b.Loop() {
		tenants++
		r := httptest.NewRequest("POST", "/v1/customers", bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer tenant-"+strconv.Itoa(tenants))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		f.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
		if tenants > live {
			f.DeleteTenant("tenant-" + strconv.Itoa(tenants-live))
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(min(tenants, live)), "retained-B/tenant")
	runtime.KeepAlive(f)
}

// BenchmarkGenerateAndLoad100k generates 100,000 customers (60% referred,
// one purchase each) and loads them as a tenant's state, and reports the
// memory a stored customer costs. Targets: under 2 s, and at most 1 KB
// (1,024 heap-bytes/customer).
func BenchmarkGenerateAndLoad100k(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		snap, err := fixtures.Generate(1, fixtures.Counts{Customers: n, ReferralRatio: 0.6, TransactionsPerReferred: 1})
		if err != nil {
			b.Fatal(err)
		}
		f, err := New(Options{Initial: &snap, FreezeAt: frozen})
		if err != nil {
			b.Fatal(err)
		}
		f.Tenant("bench").Store()
		snap = store.Snapshot{}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-bytes/customer")
		runtime.KeepAlive(f)
	}
}
