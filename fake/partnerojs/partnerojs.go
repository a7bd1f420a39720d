// Package partnerojs holds the fake's PartneroJS: the universal.js script a
// shop's pages load through Partnero's snippet, and the snippet itself. The
// script is the fake's own code (it speaks the snippet's queue protocol and
// the fake's browser endpoints), not Partnero's.
package partnerojs

import (
	_ "embed"
	"encoding/json"
	"strings"
)

// Paths of the browser surface, relative to the fake's base URL.
const (
	// ScriptPath serves the script the snippet loads.
	ScriptPath = "/js/universal.js"
	// APIPrefix is the prefix of the browser endpoints the script calls.
	APIPrefix = "/partnerojs/v1/"
)

// CookieName is the first-party cookie holding the referrer's key.
const CookieName = "partnero_referral"

//go:embed universal.js
var script string

// Script returns universal.js.
func Script() string { return script }

// Snippet returns the PartneroJS snippet of Partnero's integration page
// with the script loaded from scriptURL (the fake's ScriptPath),
// assets_host set to assetsHost and the program publicID loaded: the HTML
// to paste before </head>. Values are written as JavaScript string
// literals, safe inside a <script> element.
func Snippet(scriptURL, assetsHost, publicID string) string {
	r := strings.NewReplacer("{{SCRIPT}}", jsString(scriptURL), "{{ASSETS}}", jsString(assetsHost), "{{PROGRAM}}", jsString(publicID))
	return r.Replace(snippet)
}

const snippet = `<!-- PartneroJS -->
<script>
    (function(p,t,n,e,r,o){ p['__partnerObject']=r;function f(){
    var c={ a:arguments,q:[]};var r=this.push(c);return "number"!=typeof r?r:f.bind(c.q);}
    f.q=f.q||[];p[r]=p[r]||f.bind(f.q);p[r].q=p[r].q||f.q;o=t.createElement(n);
    var _=t.getElementsByTagName(n)[0];o.async=1;o.src=e+'?v'+(~~(new Date().getTime()/1e6));
    _.parentNode.insertBefore(o,_);})(window, document, 'script', {{SCRIPT}}, 'po');
    po('settings', 'assets_host', {{ASSETS}});
    po('program', {{PROGRAM}}, 'load');
</script>
<!-- End PartneroJS -->
`

// jsString quotes s as a JavaScript string literal; json.Marshal escapes
// <, > and &, so the literal cannot close the script element.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
