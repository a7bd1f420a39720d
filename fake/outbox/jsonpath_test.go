package outbox

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestValueAtAgreesWithFullDecode: Value, which decodes only the value at
// the path when it can, prints what decoding the whole document prints.
func TestValueAtAgreesWithFullDecode(t *testing.T) {
	docs := []string{
		`{"key":"k1","n":1000000,"f":1.5,"b":true,"z":null,"a":[1,"x",{"y":2}],"o":{"p":{"q":"deep"},"e":{}}}`,
		` { "key" : "a \"quoted\" \\ value" , "key2":"\u00e9\n", "nested" : { "key" : [ ] } } `,
		`{"dup":1,"dup":"second","s":"}]\"{[","w\"eird":3}`,
		`{"a":{"b":"c"},"a":{"x":1}}`,
		`[1,2]`, `"str"`, `null`, `{}`, `{"a":"b"`,
	}
	paths := []string{"key", "key2", "n", "f", "b", "z", "a", "o", "o.p", "o.p.q", "o.e", "nested.key", "missing", "a.b", "a.x",
		"dup", "s", "w\"eird", "key.deeper", "o.p.q.r", ""}
	for _, d := range docs {
		for _, p := range paths {
			ev := &Event{Data: json.RawMessage(d)}
			got, gotOK := ev.Value(p)
			var parsed any
			want, wantOK := "", false
			if json.Unmarshal([]byte(d), &parsed) == nil {
				want, wantOK = fmt.Sprint(dig(parsed, p)), true
			}
			if got != want || gotOK != wantOK {
				t.Errorf("%s at %q: got %q %v, want %q %v", d, p, got, gotOK, want, wantOK)
			}
		}
	}
}
