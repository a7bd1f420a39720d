package fake

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// errMalformedJSON marks a body that is not a JSON document.
var errMalformedJSON = errors.New("malformed JSON")

// cleanJSON parses a request body and applies Laravel's input middleware:
// strings are trimmed (TrimStrings) and empty strings become null
// (ConvertEmptyStringsToNull); then null members are dropped, because
// Partnero treats an explicit null like an absent field (the Python SDK
// sends "id": null). An empty body is {}. emptied names the members that
// were empty strings. valid reports that the body is one JSON document and
// nothing else (json.Valid holds), which parseJSON's success proves; the
// bodies it leaves to encoding/json are not vouched for.
func cleanJSON(body []byte) (doc any, emptied []string, valid bool, err error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil, false, nil
	}
	v, valid := parseJSON(body)
	if !valid { // encoding/json decides what parseJSON leaves
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, nil, false, errMalformedJSON
		}
		if dec.More() {
			return nil, nil, false, errMalformedJSON
		}
	}
	v, _ = clean(v, "", "", &emptied)
	return v, emptied, valid, nil
}

// clean returns v, member k of prefix (both "" for the document), with
// strings trimmed and empty strings and nulls removed from objects; keep is
// false when v itself is absent. The dotted names of members that were
// empty strings are appended to emptied. A name is joined only when it is
// needed: for an emptied string, or a container's members.
func clean(v any, prefix, k string, emptied *[]string) (out any, keep bool) {
	switch x := v.(type) {
	case nil:
		return nil, false
	case string:
		t := strings.TrimSpace(x)
		if t == "" && (prefix != "" || k != "") {
			*emptied = append(*emptied, join(prefix, k))
		}
		if len(t) == len(x) {
			return v, t != "" // unchanged: no new interface value
		}
		return t, t != ""
	case map[string]any:
		name := join(prefix, k)
		for k, e := range x {
			if c, ok := clean(e, name, k, emptied); ok {
				x[k] = c
			} else {
				delete(x, k)
			}
		}
		return x, true
	case []any:
		name := join(prefix, k)
		for i, e := range x {
			x[i], _ = clean(e, name, strconv.Itoa(i), emptied) // a null element stays null: its position matters
		}
		return x, true
	}
	return v, true
}

// join returns the dotted name of member k of prefix.
func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// normalizeQuery returns the query with PHP's bracket spelling rewritten to
// dots (customer[key] -> customer.key), values trimmed and empty values
// dropped.
func normalizeQuery(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, vs := range q {
		k = bracketsToDots(k)
		for _, v := range vs {
			if v = strings.TrimSpace(v); v != "" {
				out[k] = append(out[k], v)
			}
		}
	}
	return out
}

func bracketsToDots(k string) string {
	if !strings.Contains(k, "[") {
		return k
	}
	k = strings.ReplaceAll(k, "[]", "")
	k = strings.ReplaceAll(k, "][", ".")
	k = strings.ReplaceAll(k, "[", ".")
	return strings.ReplaceAll(k, "]", "")
}

// mergeBody merges a JSON body sent with GET or DELETE into the query
// values, as Laravel's input bag does (the body wins). The PHP SDK sends its
// GET and DELETE parameters this way. Nested objects become dotted names.
func mergeBody(q url.Values, body any) error {
	obj, ok := body.(map[string]any)
	if !ok {
		return errMalformedJSON
	}
	if len(obj) > 0 {
		flatten(q, "", obj)
	}
	return nil
}

// flatten sets obj's members as dotted names, in a fixed order so that the
// same body always gives the same input: members whose own name holds a dot
// first, then the others, each sorted; when two spell the same name
// ({"customer": {"key": …}} and "customer.key"), the nested one wins, as
// Laravel's data_get reads it.
func flatten(q url.Values, prefix string, obj map[string]any) {
	nested := func(k string) int {
		if strings.Contains(k, ".") {
			return 0
		}
		return 1
	}
	keys := slices.Sorted(maps.Keys(obj))
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(nested(a), nested(b)) })
	for _, k := range keys {
		v := obj[k]
		name := join(prefix, k)
		switch x := v.(type) {
		case map[string]any:
			flatten(q, name, x)
		case []any:
			q.Del(name)
			for _, e := range x {
				if s, ok := scalar(e); ok {
					q.Add(name, s)
				}
			}
		default:
			if s, ok := scalar(x); ok {
				q.Set(name, s)
			}
		}
	}
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// firstOf returns the first non-empty value among several spellings of one
// parameter, e.g. customer.key, customer_key.
func firstOf(q url.Values, names ...string) string {
	for _, n := range names {
		if v := q.Get(n); v != "" {
			return v
		}
	}
	return ""
}
