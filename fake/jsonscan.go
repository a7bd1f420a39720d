package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// scanJSON checks a JSON body before anything parses or validates it, in
// one pass and without building it:
//
//   - nesting no deeper than maxDepth (deep nesting makes schema
//     validation quadratic in time and memory);
//   - every string valid UTF-8, escapes included (no lone surrogates),
//     since the JSON decoder would silently replace bad bytes with U+FFFD;
//   - ids and keys (members named id, key, or ending in _id or _key) free
//     of control characters (NUL, CR, LF, ...).
//
// It returns a 422 naming the field (dotted path), or nil. Syntax errors
// are left to the parser.
func scanJSON(body []byte, maxDepth int) error {
	type frame struct {
		object    bool
		key       string
		index     int
		expectKey bool
	}
	var frames [8]frame // the depth of every body a client sends: no allocation
	stack := frames[:0]
	path := func(last string) string {
		parts := make([]string, 0, len(stack)+1)
		for _, f := range stack {
			if f.object {
				if f.key != "" {
					parts = append(parts, f.key)
				}
			} else {
				parts = append(parts, strconv.Itoa(f.index))
			}
		}
		if last != "" {
			parts = append(parts, last)
		}
		if len(parts) == 0 {
			return "body"
		}
		return strings.Clone(strings.Join(parts, ".")) // not a view of body: see keyOf
	}
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{', '[':
			if len(stack) >= maxDepth {
				field := "body" // named by its top-level member, if any
				if stack[0].object && stack[0].key != "" {
					field = strings.Clone(stack[0].key) // not a view of body: see keyOf
				}
				return fieldErrors(map[string][]string{field: {fmt.Sprintf(
					"The %s field is nested deeper than %d levels.", display(field), maxDepth)}})
			}
			stack = append(stack, frame{object: body[i] == '{', expectKey: body[i] == '{'})
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if n := len(stack); n > 0 {
				if stack[n-1].object {
					stack[n-1].expectKey, stack[n-1].key = true, ""
				} else {
					stack[n-1].index++
				}
			}
		case '"':
			end := stringEnd(body, i)
			raw := body[i : end+1]
			i = end
			top := len(stack) - 1
			isKey := top >= 0 && stack[top].object && stack[top].expectKey
			if !validString(raw) {
				field := path("")
				return fieldErrors(map[string][]string{field: {fmt.Sprintf(
					"The %s field must be valid UTF-8.", display(field))}})
			}
			if isKey {
				stack[top].key, stack[top].expectKey = keyOf(raw), false
				continue
			}
			if top >= 0 && stack[top].object && idField(stack[top].key) && stringHasControl(raw) {
				field := path("")
				return fieldErrors(map[string][]string{field: {fmt.Sprintf(
					"The %s field must not contain control characters.", display(field))}})
			}
		}
	}
	return nil
}

// stringEnd returns the index of the quote closing the string that opens
// at i (or the last index when it never closes).
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return len(b) - 1
}

// validString reports whether a JSON string token is valid UTF-8 without
// an escaped lone surrogate. A token the parser will reject anyway counts
// as valid. It allocates nothing: most strings are checked, not kept.
func validString(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return true
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return true
	}
	for j := 0; j+1 < len(inner); j++ {
		if inner[j] != '\\' {
			continue
		}
		if inner[j+1] != 'u' {
			j++
			continue
		}
		r, ok := hex4(inner, j+2)
		if !ok {
			return true
		}
		switch {
		case r >= 0xD800 && r < 0xDC00: // high surrogate: a low one must follow
			lo, ok := hex4(inner, j+8)
			if !ok || j+7 >= len(inner) || inner[j+6] != '\\' || inner[j+7] != 'u' || lo < 0xDC00 || lo >= 0xE000 {
				return false
			}
			j += 11
		case r >= 0xDC00 && r < 0xE000:
			return false
		default:
			j += 5
		}
	}
	return true
}

// unescaped returns what is between a JSON string token's quotes when the
// token is closed and holds no escape: its bytes are the decoded string.
func unescaped(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return nil, false
	}
	inner := raw[1 : len(raw)-1]
	return inner, bytes.IndexByte(inner, '\\') < 0
}

// keyOf decodes a member name token as jsonString does, without copying
// one that holds no escape: the string is then a view of the token's bytes,
// valid only while they are not changed (scanJSON keeps it while it scans,
// and copies what it returns).
func keyOf(raw []byte) string {
	if inner, ok := unescaped(raw); ok {
		return unsafe.String(unsafe.SliceData(inner), len(inner))
	}
	return jsonString(raw)
}

// jsonString decodes a JSON string token that validString accepts ("" for
// a token the parser will reject).
func jsonString(raw []byte) string {
	if inner, ok := unescaped(raw); ok {
		return string(inner)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// stringHasControl reports whether the string a JSON token that
// validString accepts decodes to holds a control character, decoding only
// a token with escapes.
func stringHasControl(raw []byte) bool {
	if inner, ok := unescaped(raw); ok {
		return bytes.IndexFunc(inner, unicode.IsControl) >= 0
	}
	return hasControl(jsonString(raw))
}

func hex4(b []byte, at int) (rune, bool) {
	if at < 0 || at+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[at:at+4]), 16, 32)
	return rune(n), err == nil
}

// idField reports whether a member holds an id or a key.
func idField(name string) bool {
	return name == "id" || name == "key" || strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_key")
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// checkInput applies scanJSON to an API request's JSON body and the same
// hygiene to its path parameters (all ids or keys) and query parameters.
func (s *Server) checkInput(r *http.Request, body []byte, params pathParams) error {
	if err := checkParams(r, params); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !jsonMediaType(ct) {
		return nil // answered 415 later
	}
	return scanJSON(body, s.opts.MaxJSONDepth)
}

// checkParams checks path parameters, already percent-decoded (ids or
// keys: valid UTF-8 without control characters), and query parameters
// (valid UTF-8; ids and keys without control characters).
func checkParams(r *http.Request, params pathParams) error {
	for _, p := range params {
		if !utf8.ValidString(p.value) || hasControl(p.value) {
			return fieldErrors(map[string][]string{p.name: {fmt.Sprintf(
				"The %s must be valid UTF-8 without control characters.", display(p.name))}})
		}
	}
	if r.URL.RawQuery == "" {
		return nil
	}
	for k, vs := range r.URL.Query() {
		name := bracketsToDots(k)
		last := name[strings.LastIndex(name, ".")+1:]
		for _, v := range vs {
			if !utf8.ValidString(k) || !utf8.ValidString(v) || (idField(last) && hasControl(v)) {
				return fieldErrors(map[string][]string{name: {fmt.Sprintf(
					"The %s field must be valid UTF-8 without control characters in ids and keys.", display(name))}})
			}
		}
	}
	return nil
}

// jsonMediaType reports whether a Content-Type is JSON. The form every
// client sends is answered without parsing it.
func jsonMediaType(ct string) bool {
	if ct == "application/json" {
		return true
	}
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// checkValues applies the input hygiene of ids and keys to a control
// route's path values and query parameters.
func (c *controlRoute) checkValues(r *http.Request) error {
	var params pathParams
	for _, p := range c.segs {
		if name, ok := strings.CutPrefix(p, "{"); ok {
			name = strings.TrimSuffix(name, "}")
			params = append(params, pathParam{name, r.PathValue(name)}) // from the decoded URL.Path
		}
	}
	return checkParams(r, params)
}
