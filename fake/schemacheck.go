package fake

import (
	"encoding/json"
	"math"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaCheck answers, for a decoded JSON value, exactly what kin-openapi's
// Schema.VisitJSON answers (an error or none) for the OpenAPI 3.0 schemas
// openapi.yaml uses, without kin-openapi's cost per call (its settings,
// its error values, its walk through every keyword). It is the fast path
// only: a value it accepts is valid, and a value it rejects is handed to
// kin-openapi, which words the error. A schema keyword it does not mirror
// makes its node delegate to kin-openapi (VisitJSON on that sub-schema
// alone, which decides the same as within its parent for the keywords
// mirrored here); TestSchemaCheckAgreesWithKinOpenAPI holds the two to the
// same verdicts.
//
// Only a delegating node keeps its schema. The others hold nothing of
// kin-openapi's document, so that a contract's checks do not keep the
// document alive while requests are served (contractDoc); a value of a type
// they do not mirror gets the verdict unsure, which leaves it to
// kin-openapi as a rejection does.
type schemaCheck struct {
	delegate bool                              // a keyword this type does not mirror: kin-openapi decides
	schema   *openapi3.Schema                  // when delegate: the schema kin-openapi visits
	opts     []openapi3.SchemaValidationOption // when delegate: as a request or a response

	empty    bool // the schema is {} (Schema.IsEmpty): anything but null
	nullable bool
	types    typeSet
	enum     []any // strings, bools and float64s

	minLength int64
	maxLength int64 // -1: none
	pattern   *regexp.Regexp

	min, max *float64

	minItems int64
	maxItems int64 // -1: none
	items    *schemaCheck

	minProps   int64
	maxProps   int64 // -1: none
	props      map[string]*schemaCheck
	required   []string
	addlFalse  bool         // additionalProperties: false
	additional *schemaCheck // additionalProperties: a schema

	allOf []*schemaCheck
	oneOf []*schemaCheck
}

// typeSet is the JSON types a schema's type permits; 0 is any type.
type typeSet uint8

const (
	typeBoolean typeSet = 1 << iota
	typeInteger
	typeNumber
	typeString
	typeArray
	typeObject
)

func (t typeSet) permits(x typeSet) bool { return t == 0 || t&x != 0 }

// schemaCompiler compiles the schemas of one contract for one set of
// options, each schema once across the contract: the roots that reach a
// schema (by $ref or not) share its check, so a contract's checks hold one
// copy of each, as its document does.
type schemaCompiler struct {
	opts []openapi3.SchemaValidationOption
	done map[*openapi3.Schema]*schemaCheck
	// sameValue holds the schemas that visit the value being compiled for
	// (allOf, oneOf): kin-openapi accepts a schema that revisits its own
	// value, which this type does not mirror.
	sameValue map[*openapi3.Schema]bool
	cycle     bool
	// added is what the root being compiled added to done: dropped from it
	// when the root meets a cycle, so that every check done keeps was
	// compiled whole, with none below it.
	added []*openapi3.Schema
}

// newSchemaCompiler returns a compiler for VisitJSON with opts.
func newSchemaCompiler(opts ...openapi3.SchemaValidationOption) *schemaCompiler {
	return &schemaCompiler{opts: opts, done: map[*openapi3.Schema]*schemaCheck{}, sameValue: map[*openapi3.Schema]bool{}}
}

// root compiles s, reusing what the compiler compiled before, or returns
// nil when kin-openapi must decide everything: a schema reachable from s
// uses readOnly or writeOnly (which change what its parents require), or a
// schema revisits its own value. A check compiled before has no cycle below
// it (compiling it would have met the cycle), so reusing it decides as
// compiling it again would.
func (sc *schemaCompiler) root(s *openapi3.Schema) *schemaCheck {
	if s == nil || usesReadWriteOnly(s, map[*openapi3.Schema]bool{}) {
		return nil
	}
	sc.cycle, sc.added = false, sc.added[:0]
	c := sc.compile(s)
	if sc.cycle {
		for _, a := range sc.added {
			delete(sc.done, a)
		}
		return nil
	}
	return c
}

// usesReadWriteOnly reports whether a schema reachable from s is readOnly
// or writeOnly.
func usesReadWriteOnly(s *openapi3.Schema, seen map[*openapi3.Schema]bool) bool {
	if s == nil || seen[s] {
		return false
	}
	seen[s] = true
	if s.ReadOnly || s.WriteOnly {
		return true
	}
	refs := []*openapi3.SchemaRef{s.Items, s.Not, s.AdditionalProperties.Schema}
	refs = append(refs, s.AllOf...)
	refs = append(refs, s.OneOf...)
	refs = append(refs, s.AnyOf...)
	for _, p := range s.Properties {
		refs = append(refs, p)
	}
	for _, r := range refs {
		if r != nil && usesReadWriteOnly(r.Value, seen) {
			return true
		}
	}
	return false
}

// mirrored reports whether s uses only the keywords schemaCheck mirrors:
// every other field of the Schema is zero.
func mirrored(s *openapi3.Schema) bool {
	c := *s
	c.Extensions, c.Origin = nil, nil
	c.Title, c.Description, c.Example, c.Default, c.Deprecated, c.ExternalDocs = "", "", nil, nil, false, nil
	c.Type, c.Nullable, c.Enum = nil, false, nil
	c.MinLength, c.MaxLength, c.Pattern = 0, nil, ""
	c.Min, c.Max = nil, nil
	c.MinItems, c.MaxItems, c.Items = 0, nil, nil
	c.MinProps, c.MaxProps, c.Properties, c.Required, c.AdditionalProperties = 0, nil, nil, nil, openapi3.AdditionalProperties{}
	c.AllOf, c.OneOf = nil, nil
	return reflect.ValueOf(c).IsZero()
}

func (sc *schemaCompiler) compile(s *openapi3.Schema) *schemaCheck {
	if c, ok := sc.done[s]; ok {
		return c
	}
	c := &schemaCheck{}
	sc.done[s] = c
	sc.added = append(sc.added, s)
	if !sc.fill(c, s) {
		*c = schemaCheck{schema: s, opts: sc.opts, delegate: true}
	}
	return c
}

// fill compiles s into c; false when c must delegate.
func (sc *schemaCompiler) fill(c *schemaCheck, s *openapi3.Schema) bool {
	if !mirrored(s) || (s.Pattern != "" && strings.Contains(s.Pattern, `\u`)) {
		return false
	}
	c.empty = s.IsEmpty()
	c.nullable = s.Nullable || s.Type.IncludesNull()
	if s.Type != nil {
		for _, t := range *s.Type {
			switch t {
			case openapi3.TypeBoolean:
				c.types |= typeBoolean
			case openapi3.TypeInteger:
				c.types |= typeInteger
			case openapi3.TypeNumber:
				c.types |= typeNumber
			case openapi3.TypeString:
				c.types |= typeString
			case openapi3.TypeArray:
				c.types |= typeArray
			case openapi3.TypeObject:
				c.types |= typeObject
			default:
				return false // "null", or a type kin-openapi may not know
			}
		}
		if c.types == 0 {
			return false // type: [] permits nothing
		}
	}
	for _, e := range s.Enum {
		switch e.(type) {
		case string, bool, float64:
			c.enum = append(c.enum, e)
		default:
			return false
		}
	}
	c.minLength, c.maxLength = int64(s.MinLength), -1
	if s.MaxLength != nil {
		c.maxLength = int64(*s.MaxLength)
	}
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return false
		}
		c.pattern = re
	}
	c.min, c.max = s.Min, s.Max
	c.minItems, c.maxItems = int64(s.MinItems), -1
	if s.MaxItems != nil {
		c.maxItems = int64(*s.MaxItems)
	}
	c.minProps, c.maxProps = int64(s.MinProps), -1
	if s.MaxProps != nil {
		c.maxProps = int64(*s.MaxProps)
	}
	c.required = s.Required
	if h := s.AdditionalProperties.Has; h != nil && !*h {
		c.addlFalse = true
	}
	// Children visit other values: a fresh same-value path.
	outer := sc.sameValue
	sc.sameValue = map[*openapi3.Schema]bool{}
	ok := sc.children(c, s)
	sc.sameValue = outer
	if !ok {
		return false
	}
	sc.sameValue[s] = true
	defer delete(sc.sameValue, s)
	for _, r := range s.AllOf {
		if c.allOf, ok = sc.appendRef(c.allOf, r); !ok {
			return false
		}
	}
	for _, r := range s.OneOf {
		if c.oneOf, ok = sc.appendRef(c.oneOf, r); !ok {
			return false
		}
	}
	return true
}

// children compiles the schemas of s that visit other values than s's.
func (sc *schemaCompiler) children(c *schemaCheck, s *openapi3.Schema) bool {
	var ok bool
	if s.Items != nil {
		if c.items, ok = sc.ref(s.Items); !ok {
			return false
		}
	}
	if s.AdditionalProperties.Schema != nil {
		if c.additional, ok = sc.ref(s.AdditionalProperties.Schema); !ok {
			return false
		}
	}
	if s.Properties != nil {
		c.props = make(map[string]*schemaCheck, len(s.Properties))
		for name, r := range s.Properties {
			if c.props[name], ok = sc.ref(r); !ok {
				return false
			}
		}
	}
	return true
}

func (sc *schemaCompiler) ref(r *openapi3.SchemaRef) (*schemaCheck, bool) {
	if r.Value == nil {
		return nil, false // unresolved: kin-openapi reports it
	}
	if sc.sameValue[r.Value] {
		sc.cycle = true
		return nil, false
	}
	return sc.compile(r.Value), true
}

func (sc *schemaCompiler) appendRef(list []*schemaCheck, r *openapi3.SchemaRef) ([]*schemaCheck, bool) {
	c, ok := sc.ref(r)
	return append(list, c), ok
}

// verdict is a check's answer for one value: accept and reject are
// kin-openapi's answer; unsure is a value of a type the check does not
// mirror, which it leaves to kin-openapi.
type verdict uint8

const (
	reject verdict = iota
	accept
	unsure
)

// and is the verdict of two keywords that must both accept: a rejection
// is certain whatever the other says.
func (v verdict) and(w verdict) verdict {
	switch {
	case v == reject || w == reject:
		return reject
	case v == unsure || w == unsure:
		return unsure
	}
	return accept
}

func verdictOf(ok bool) verdict {
	if ok {
		return accept
	}
	return reject
}

// accepts reports whether the check is sure that VisitJSON(v, opts...)
// returns no error.
func (c *schemaCheck) accepts(v any) bool { return c.visit(v) == accept }

// visit decides v as VisitJSON(v, opts...) would, or is unsure.
func (c *schemaCheck) visit(v any) verdict {
	if c.delegate {
		return verdictOf(c.schema.VisitJSON(v, c.opts...) == nil)
	}
	if !decoded(v) {
		return unsure
	}
	switch x := v.(type) {
	case nil:
		if c.nullable {
			return accept
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return reject
		}
	}
	if c.empty {
		return verdictOf(v != nil)
	}
	visited, out := false, accept
	if len(c.oneOf) > 0 {
		n := 0
		for _, o := range c.oneOf {
			switch o.visit(v) {
			case accept:
				n++
			case unsure:
				return unsure // the count would not be exact
			}
		}
		if n != 1 {
			return reject
		}
		visited = true
	}
	for _, a := range c.allOf {
		if out = out.and(a.visit(v)); out == reject {
			return reject
		}
		visited = true
	}
	if visited && v == nil {
		return out
	}
	if len(c.enum) > 0 && !c.inEnum(v) {
		return reject
	}
	switch x := v.(type) {
	case nil:
		return reject
	case bool:
		return out.and(verdictOf(c.types.permits(typeBoolean)))
	case json.Number:
		f, err := x.Float64()
		return out.and(verdictOf(err == nil && c.number(f)))
	case float64:
		return out.and(verdictOf(c.number(x)))
	case int:
		return out.and(verdictOf(c.number(float64(x))))
	case int64:
		return out.and(verdictOf(c.number(float64(x))))
	case string:
		return out.and(verdictOf(c.str(x)))
	case []any:
		return out.and(c.array(x))
	case map[string]any:
		return out.and(c.object(x))
	}
	return reject // unreachable: decoded(v)
}

// decoded reports whether v is of a type schemaCheck mirrors: those
// encoding/json decodes into, and int and int64. Any other is left to
// kin-openapi, so that every verdict, a rejection included, is exact (oneOf
// counts the schemas that accept).
func decoded(v any) bool {
	switch v.(type) {
	case nil, bool, json.Number, float64, int, int64, string, []any, map[string]any:
		return true
	}
	return false
}

func (c *schemaCheck) inEnum(v any) bool {
	f, isNumber := asFloat(v)
	for _, e := range c.enum {
		switch e := e.(type) {
		case float64:
			if isNumber && e == f {
				return true
			}
		default: // string, bool: as reflect.DeepEqual compares them
			if e == v {
				return true
			}
		}
	}
	return false
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func (c *schemaCheck) number(f float64) bool {
	switch {
	case c.types.permits(typeInteger) && !c.types.permits(typeNumber):
		if math.IsInf(f, 0) || f != math.Trunc(f) {
			return false
		}
	case !c.types.permits(typeInteger) && !c.types.permits(typeNumber):
		return false
	}
	if c.min != nil && !(*c.min <= f) {
		return false
	}
	return c.max == nil || *c.max >= f
}

func (c *schemaCheck) str(s string) bool {
	if !c.types.permits(typeString) {
		return false
	}
	if c.minLength != 0 || c.maxLength >= 0 {
		n := int64(0)
		for _, r := range s { // counted as kin-openapi counts
			if utf16.IsSurrogate(r) {
				n += 2
			} else {
				n++
			}
		}
		if (c.minLength != 0 && n < c.minLength) || (c.maxLength >= 0 && n > c.maxLength) {
			return false
		}
	}
	return c.pattern == nil || c.pattern.MatchString(s)
}

func (c *schemaCheck) array(a []any) verdict {
	if !c.types.permits(typeArray) {
		return reject
	}
	n := int64(len(a))
	if (c.minItems != 0 && n < c.minItems) || (c.maxItems >= 0 && n > c.maxItems) {
		return reject
	}
	out := accept
	if c.items != nil {
		for _, e := range a {
			if out = out.and(c.items.visit(e)); out == reject {
				return reject
			}
		}
	}
	return out
}

func (c *schemaCheck) object(m map[string]any) verdict {
	if !c.types.permits(typeObject) {
		return reject
	}
	n := int64(len(m))
	if (c.minProps != 0 && n < c.minProps) || (c.maxProps >= 0 && n > c.maxProps) {
		return reject
	}
	for _, k := range c.required {
		if _, ok := m[k]; !ok {
			return reject
		}
	}
	out := accept
	for k, v := range m {
		var sub *schemaCheck
		if p, ok := c.props[k]; ok {
			sub = p
		} else if c.addlFalse {
			return reject
		} else {
			sub = c.additional
		}
		if sub != nil {
			if out = out.and(sub.visit(v)); out == reject {
				return reject
			}
		}
	}
	return out
}
