package partnerojs

import (
	"strings"
	"testing"
)

func TestSnippet(t *testing.T) {
	got := Snippet("http://127.0.0.1:8080/js/universal.js", "http://127.0.0.1:8080", "ABCDEFGH")
	for _, want := range []string{
		`p['__partnerObject']=r;`,
		`})(window, document, 'script', "http://127.0.0.1:8080/js/universal.js", 'po');`,
		`po('settings', 'assets_host', "http://127.0.0.1:8080");`,
		`po('program', "ABCDEFGH", 'load');`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("snippet lacks %s:\n%s", want, got)
		}
	}
	// A value cannot break out of the script element or the string.
	evil := Snippet(`x"</script><script>alert(1)//`, "", "")
	if strings.Count(evil, "</script>") != 1 || strings.Contains(evil, `x"<`) {
		t.Errorf("unsafe snippet:\n%s", evil)
	}
}

func TestScriptIsEmbedded(t *testing.T) {
	for _, want := range []string{"__partnerObject", "partnero_referral", "createCustomer", "renderReferralWidget", "/partnerojs/v1/programs/"} {
		if !strings.Contains(Script(), want) {
			t.Errorf("universal.js lacks %q", want)
		}
	}
}
