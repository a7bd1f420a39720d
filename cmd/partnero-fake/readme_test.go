package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestReadmeQuickStart runs every curl command of the README's quick start
// against the real program (run, as `go run ./cmd/partnero-fake` does) and
// checks each shown output: every field shown must be in the response with
// that value (outputs in the README are trimmed), and any timestamp matches
// any timestamp.
func TestReadmeQuickStart(t *testing.T) { testReadmeSection(t, "## Quick start", 10) }

// TestReadmeMoneyPath does the same for the money path section.
func TestReadmeMoneyPath(t *testing.T) { testReadmeSection(t, "## The money path", 9) }

func testReadmeSection(t *testing.T, heading string, minSteps int) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := sectionOf(string(readme), heading)
	steps := parseSteps(t, section)
	if len(steps) < minSteps {
		t.Fatalf("found %d commands under %q, want the whole flow", len(steps), heading)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--strict"}, func(string) string { return "" }, io.Discard, ready)
	}()
	t.Cleanup(func() { cancel(); <-done })
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}

	for i, st := range steps {
		got := st.run(t, "http://"+addr)
		got = strings.ReplaceAll(got, "http://"+addr, "http://localhost:8080")
		if st.want == "" {
			continue
		}
		var g, w any
		if err := json.Unmarshal([]byte(got), &g); err != nil {
			t.Fatalf("step %d (%s): response is not JSON: %s", i+1, st.cmd, got)
		}
		if err := json.Unmarshal([]byte(st.want), &w); err != nil {
			t.Fatalf("step %d: README output is not JSON: %v\n%s", i+1, err, st.want)
		}
		if path, ok := contains(g, w, "$"); !ok {
			t.Errorf("step %d (%s):\nREADME shows %s\ngot %s\nfirst difference at %s", i+1, st.cmd, st.want, got, path)
		}
	}
}

// sectionOf returns the text from a heading to the next heading of the same
// level.
func sectionOf(doc, heading string) string {
	i := strings.Index(doc, heading+"\n")
	if i < 0 {
		return ""
	}
	rest := doc[i+len(heading):]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

type step struct {
	cmd  string
	args []string
	want string // the JSON block after the command, if any
}

var fenceRE = regexp.MustCompile("(?s)```(sh|json)\n(.*?)```")

func parseSteps(t *testing.T, section string) []step {
	var steps []step
	for _, m := range fenceRE.FindAllStringSubmatch(section, -1) {
		switch m[1] {
		case "sh":
			cmd := strings.TrimSpace(strings.ReplaceAll(m[2], "\\\n", " "))
			steps = append(steps, step{cmd: cmd, args: shellWords(t, cmd)})
		case "json":
			if len(steps) == 0 || steps[len(steps)-1].want != "" {
				t.Fatalf("JSON block without a command before it:\n%s", m[2])
			}
			steps[len(steps)-1].want = m[2]
		}
	}
	return steps
}

// shellWords splits a command line with single and double quotes.
func shellWords(t *testing.T, s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				t.Fatalf("unbalanced quote in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// run performs the curl command against base.
func (st step) run(t *testing.T, base string) string {
	t.Helper()
	if len(st.args) == 0 || st.args[0] != "curl" {
		t.Fatalf("not a curl command: %s", st.cmd)
	}
	method, url, body := "", "", ""
	header := http.Header{}
	for i := 1; i < len(st.args); i++ {
		switch a := st.args[i]; a {
		case "-s":
		case "-X":
			i++
			method = st.args[i]
		case "-H":
			i++
			k, v, _ := strings.Cut(st.args[i], ":")
			header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		case "-d", "--data":
			i++
			body = st.args[i]
		default:
			if strings.HasPrefix(a, "-") {
				t.Fatalf("unsupported curl option %s in %s", a, st.cmd)
			}
			url = strings.Replace(a, "http://localhost:8080", base, 1)
		}
	}
	if method == "" {
		method = "GET"
		if body != "" {
			method = "POST"
		}
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", st.cmd, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

var timestampRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$`)

// contains reports whether got has everything want shows; it returns the
// path of the first difference.
func contains(got, want any, path string) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return path + "." + k, false
			}
			if p, ok := contains(gv, wv, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path, false
		}
		for i := range w {
			if p, ok := contains(g[i], w[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	case string:
		g, ok := got.(string)
		if ok && timestampRE.MatchString(w) && timestampRE.MatchString(g) {
			return "", true
		}
		return path, ok && g == w
	default:
		return path, fmt.Sprint(got) == fmt.Sprint(want)
	}
}
