package store

import (
	"bytes"
	"encoding/json"
	"maps"
	"unicode/utf8"
)

// Bounds of a customer's metadata. Partnero documents only
// metadata.date_of_birth; its guide also sends {"plan": "premium"}, so any
// key with a scalar value is kept, within these bounds.
const (
	// MaxMetadataKeys is how many metadata keys a customer may have,
	// date_of_birth not counted.
	MaxMetadataKeys = 50
	// MaxMetadataKeyLen is the longest metadata key, in bytes.
	MaxMetadataKeyLen = 64
	// MaxMetadataValueLen is the longest metadata value, in bytes of JSON.
	MaxMetadataValueLen = 1024
)

// Metadata is a customer's metadata besides date_of_birth: JSON scalars
// (string, number, boolean) by key, kept as their exact JSON text.
type Metadata map[string]json.RawMessage

// merge returns m with the keys of u set; m is not changed.
func (m Metadata) merge(u Metadata) Metadata {
	if len(u) == 0 {
		return m
	}
	out := maps.Clone(m)
	if out == nil {
		out = Metadata{}
	}
	for k, v := range u {
		out[k] = v
	}
	return out
}

// validate checks the bounds and that every value is a scalar.
func (m Metadata) validate() error {
	if len(m) > MaxMetadataKeys {
		return invalid("metadata", RuleMaxItems, "max", MaxMetadataKeys)
	}
	for k, v := range m {
		f := "metadata." + k
		switch {
		case k == "" || len(k) > MaxMetadataKeyLen || !utf8.ValidString(k):
			return invalid("metadata", RuleMetadataKey, "max", MaxMetadataKeyLen)
		case len(v) > MaxMetadataValueLen:
			return invalid(f, RuleMaxChars, "name", f, "max", MaxMetadataValueLen)
		case !isScalar(v):
			return invalid(f, RuleScalar, "name", f)
		}
	}
	return nil
}

// isScalar reports whether raw is one JSON string, number or boolean.
func isScalar(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || !json.Valid(raw) {
		return false
	}
	switch raw[0] {
	case '{', '[', 'n':
		return false
	}
	return true
}

// clone returns a copy of m sharing no memory with it.
func (m Metadata) clone() Metadata {
	if m == nil {
		return nil
	}
	out := make(Metadata, len(m))
	for k, v := range m {
		out[k] = bytes.Clone(v)
	}
	return out
}
