package browsertest_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/partnero-fake/partnero-fake/fake/internal/browsertest"
)

// TestBrowserLoadsLoopbackPage checks the launcher itself: Chromium renders a
// page served on 127.0.0.1 and runs its script.
func TestBrowserLoadsLoopbackPage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><p id="x">static</p><script>document.getElementById("x").textContent = "scripted"</script>`)
	}))
	srv.Listener = ln
	srv.Start()
	defer srv.Close()

	ctx := browsertest.New(t, 30*time.Second)
	var text string
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL), chromedp.Text("#x", &text, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if text != "scripted" {
		t.Fatalf("text = %q, want %q", text, "scripted")
	}
}
