package fake_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/partnero-fake/partnero-fake/fake"
)

// The fake is a plain http.Handler: mount it in a mux of your own (strip
// the prefix so that it sees /v1/...) or serve it with httptest.
func ExampleNew() {
	f, err := fake.New(fake.Options{StrictResponses: true})
	if err != nil {
		panic(err)
	}
	defer f.Close()
	mux := http.NewServeMux()
	mux.Handle("/partnero/", http.StripPrefix("/partnero", f))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	req, _ := http.NewRequest("POST", srv.URL+"/partnero/v1/customers", strings.NewReader(`{"key": "alice"}`))
	req.Header.Set("Authorization", "Bearer test_key")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, strings.Contains(string(body), `"referral_link":"https://example.com?ref=alice"`))
	// Output: 200 OK true
}
