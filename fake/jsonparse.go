package fake

import (
	"encoding/json"
	"unicode/utf8"
)

// parseJSON parses a request body into what encoding/json's Decoder with
// UseNumber decodes from it (maps, slices, strings, json.Number, bools,
// nil), for the bodies clients send: one valid JSON document of valid
// UTF-8, without escaped surrogates. ok is false for anything else (a
// syntax error, bytes after the document, a surrogate escape, invalid
// UTF-8, nesting past maxParseDepth), and the caller then gives the body to
// encoding/json, whose errors and corner cases stay the answer.
// TestParseJSONAgreesWithEncodingJSON and FuzzParseJSON hold the two equal.
//
// It exists for speed: the Decoder spent a tenth of a POST, and allocated
// two buffers besides the values.
func parseJSON(b []byte) (v any, ok bool) {
	p := jsonParser{b: b}
	p.ws()
	v, ok = p.value(0)
	if !ok {
		return nil, false
	}
	p.ws()
	return v, p.i == len(p.b)
}

// maxParseDepth bounds parseJSON's recursion; the check stage has already
// refused bodies nested past MaxJSONDepth.
const maxParseDepth = 512

type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (any, bool) {
	if p.i >= len(p.b) || depth > maxParseDepth {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, ok := p.str()
		return s, ok
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, false
}

func (p *jsonParser) literal(word string) bool {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		return false
	}
	p.i += len(word)
	return true
}

func (p *jsonParser) object(depth int) (any, bool) {
	p.i++ // {
	m := map[string]any{}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return m, true
	}
	for {
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, false
		}
		k, ok := p.str()
		if !ok {
			return nil, false
		}
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.ws()
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[k] = v // a repeated name: the last wins, as in encoding/json
		if done, ok := p.next('}'); !ok || done {
			return m, ok
		}
	}
}

// next reads what follows a member or an element: a comma (done false) or
// the closing byte (done true); ok is false for anything else.
func (p *jsonParser) next(closing byte) (done, ok bool) {
	p.ws()
	if p.i >= len(p.b) {
		return false, false
	}
	switch p.b[p.i] {
	case ',':
		p.i++
		p.ws()
		return false, true
	case closing:
		p.i++
		return true, true
	}
	return false, false
}

func (p *jsonParser) array(depth int) (any, bool) {
	p.i++ // [
	a := []any{}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return a, true
	}
	for {
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		if done, ok := p.next(']'); !ok || done {
			return a, ok
		}
	}
}

// str parses a string at p.i (an opening quote).
func (p *jsonParser) str() (string, bool) {
	start := p.i + 1
	i := start
	ascii := true
	for i < len(p.b) {
		c := p.b[i]
		switch {
		case c == '"':
			raw := p.b[start:i]
			if !ascii && !utf8.Valid(raw) {
				return "", false
			}
			p.i = i + 1
			return string(raw), true
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
		i++
	}
	return "", false
}

// escaped parses a string with escapes, from its first byte at start.
func (p *jsonParser) escaped(start int) (string, bool) {
	out := make([]byte, 0, 32)
	i := start
	for i < len(p.b) {
		c := p.b[i]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				return "", false
			}
			p.i = i + 1
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(p.b) {
			return "", false
		}
		switch e := p.b[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(p.b, i+2)
			if !ok || (r >= 0xD800 && r <= 0xDFFF) {
				return "", false // surrogates: encoding/json pairs or replaces them
			}
			out = utf8.AppendRune(out, r)
			i += 6
			continue
		default:
			return "", false
		}
		i += 2
	}
	return "", false
}

// number parses a number by JSON's grammar, kept as written.
func (p *jsonParser) number() (any, bool) {
	b, i := p.b, p.i
	digits := func() bool {
		n := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > n
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	n := json.Number(b[p.i:i])
	p.i = i
	return n, true
}
