package outbox

import (
	"encoding/json"
	"fmt"
	"strings"
)

// valueAt returns what Value returns for data at path, by decoding only
// the value at that path, not the whole document; ok is false when it
// cannot tell (a key with escapes, a step through a non-object, a missing
// key), and the caller then decodes the document. data must be valid JSON.
// Like encoding/json, the last of duplicate keys wins.
func valueAt(data []byte, path string) (string, bool) {
	raw := data
	for seg := range strings.SplitSeq(path, ".") {
		var found bool
		if raw, found = member(raw, seg); !found {
			return "", false
		}
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	return fmt.Sprint(v), true
}

// member returns the raw value under key in the JSON object doc.
func member(doc []byte, key string) ([]byte, bool) {
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return nil, false
	}
	var found []byte
	ok := false
	i = skipSpace(doc, i+1)
	for i < len(doc) && doc[i] != '}' {
		if doc[i] != '"' {
			return nil, false
		}
		end := skipString(doc, i)
		if end < 0 {
			return nil, false
		}
		k := doc[i+1 : end-1]
		if strings.IndexByte(string(k), '\\') >= 0 {
			return nil, false
		}
		i = skipSpace(doc, end)
		if i >= len(doc) || doc[i] != ':' {
			return nil, false
		}
		start := skipSpace(doc, i+1)
		stop := skipValue(doc, start)
		if stop < 0 {
			return nil, false
		}
		if string(k) == key {
			found, ok = doc[start:stop], true
		}
		i = skipSpace(doc, stop)
		if i < len(doc) && doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
	return found, ok
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i], or -1.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				if j = skipString(b, j); j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && !strings.ContainsRune(",}] \t\n\r", rune(b[j])) {
		j++
	}
	return j
}
