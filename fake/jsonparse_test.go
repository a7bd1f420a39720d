package fake

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
)

// decodeLikeCleanJSON is encoding/json's reading of body, as cleanJSON
// used it alone: one value with UseNumber, and nothing after it.
func decodeLikeCleanJSON(body []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	return v, true
}

// checkParse fails t when parseJSON accepts body and encoding/json does not,
// or decodes another value.
func checkParse(t testing.TB, body []byte) (fast bool) {
	v, ok := parseJSON(body)
	if !ok {
		return false
	}
	want, wantOK := decodeLikeCleanJSON(body)
	if !wantOK || !reflect.DeepEqual(v, want) {
		t.Fatalf("%q: parseJSON %#v; encoding/json %#v (ok %v)", body, v, want, wantOK)
	}
	return true
}

var jsonSeeds = []string{
	`{}`, `[]`, ` {"a":1} `, `{"a":"b","a":"c"}`, `{"customer":{"key":"ben"},"key":"t1","amount":19.99,"action":"sale"}`,
	`[1,-0,0.5,1e3,1E+3,-2.5e-7,10000000000000000000000]`, `"\u00e9\u20ac\n\t\\\/\""`, `"é€😀"`, `"\ud83d\ude00"`, `"\ud800"`,
	`{"a":[true,false,null,{}]}`, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{} ]`, `{} {}`, "\"a\x01b\"",
	"\"\xff\"", `"\x"`, `"\u12"`, `nul`, `tru`, `[`, `{"a":`, "\t\n\r [ ] \n", `"\u0000"`, `{"":""}`, `-0.0e-0`,
}

// TestParseJSONAgreesWithEncodingJSON compares parseJSON with encoding/json
// on hand-picked documents, the official clients' recorded bodies, and
// 20,000 generated documents each cut, spliced or flipped at random.
func TestParseJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range jsonSeeds {
		checkParse(t, []byte(s))
	}
	raw, err := os.ReadFile("testdata/client_shapes.json")
	if err != nil {
		t.Fatal(err)
	}
	var shapes []struct{ Body string }
	if err := json.Unmarshal(raw, &shapes); err != nil {
		t.Fatal(err)
	}
	fast, bodies := 0, 0
	for _, s := range shapes {
		if s.Body != "" {
			bodies++
			if checkParse(t, []byte(s.Body)) {
				fast++
			}
		}
	}
	if fast != bodies {
		t.Errorf("parseJSON took %d of %d client bodies; want all", fast, bodies)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	g := &valueGen{rng: rng}
	took := 0
	for range 20_000 {
		v := g.junk()
		if rng.IntN(2) == 0 {
			v = map[string]any{"a": g.junk(), "b": []any{g.junk(), g.junk()}, "ü\n": map[string]any{"x": g.junk()}}
		}
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		switch rng.IntN(4) {
		case 0: // cut
			b = b[:rng.IntN(len(b)+1)]
		case 1: // flip a byte
			const flips = " {}[]\",:\\u0123456789eE.+-tfnrl\x00\xc3\xff"
			b[rng.IntN(len(b))] = flips[rng.IntN(len(flips))]
		case 2: // splice in an escape or spaces
			at := rng.IntN(len(b) + 1)
			ins := []string{`\u00e9`, `\ud83d\ude00`, ` `, "\n", `\`, `"`, `1`}[rng.IntN(7)]
			b = []byte(string(b[:at]) + ins + string(b[at:]))
		}
		if checkParse(t, b) {
			took++
		}
	}
	if took < 5000 {
		t.Errorf("parseJSON took %d of 20,000 generated documents; want many", took)
	}
	if !checkParse(t, []byte(strings.Repeat("[", 100)+strings.Repeat("]", 100))) {
		t.Error("100 nested arrays: want parsed")
	}
	if _, ok := parseJSON([]byte(strings.Repeat("[", 1000) + strings.Repeat("]", 1000))); ok {
		t.Error("1,000 nested arrays: want left to encoding/json")
	}
}

// FuzzParseJSON: whatever parseJSON accepts, encoding/json decodes to the
// same value (go test -fuzz FuzzParseJSON ./fake/).
func FuzzParseJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkParse(t, b) })
}
