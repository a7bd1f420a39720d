package testkit_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/testkit"
)

func TestPartneroJSHelpers(t *testing.T) {
	srv := testkit.Start(t)
	id := srv.PublicProgramID(t)
	if !regexp.MustCompile(`^[A-Z]{8}$`).MatchString(id) {
		t.Fatalf("public id %q", id)
	}
	if again := testkit.Start(t).PublicProgramID(t); again != id {
		t.Errorf("same seed and key, public ids %s and %s", id, again)
	}
	if other := srv.WithAPIKey("other").PublicProgramID(t); other == id {
		t.Errorf("two tenants share the public id %s", id)
	}

	if srv.ScriptURL() != srv.URL+"/js/universal.js" {
		t.Errorf("ScriptURL = %s", srv.ScriptURL())
	}
	resp, err := http.Get(srv.ScriptURL())
	if err != nil {
		t.Fatal(err)
	}
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(js), "__partnerObject") {
		t.Errorf("GET %s: %d", srv.ScriptURL(), resp.StatusCode)
	}

	snippet := srv.Snippet(t)
	for _, want := range []string{`'script', "` + srv.ScriptURL() + `", 'po')`, `po('program', "` + id + `", 'load')`} {
		if !strings.Contains(snippet, want) {
			t.Errorf("snippet lacks %s:\n%s", want, snippet)
		}
	}
}
