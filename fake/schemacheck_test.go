package fake

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// compileSchema compiles s alone for VisitJSON with opts.
func compileSchema(s *openapi3.Schema, opts ...openapi3.SchemaValidationOption) *schemaCheck {
	return newSchemaCompiler(opts...).root(s)
}

// operation returns the contract's operation of path and method, or nil.
func (c *contract) operation(path, method string) *operation {
	for _, op := range c.ops {
		if op.path == path && op.method == method {
			return op
		}
	}
	return nil
}

// contractSchemas returns every request body, response and parameter
// schema of the embedded contract, named, with the options request
// validation and strict mode visit them with and the check the contract
// compiled for them (nil where it has none).
func contractSchemas(t testing.TB) (names []string, schemas []*openapi3.Schema, opts [][]openapi3.SchemaValidationOption, checks []*schemaCheck) {
	t.Helper()
	ct, err := embeddedContract()
	if err != nil {
		t.Fatal(err)
	}
	asRequest := []openapi3.SchemaValidationOption{openapi3.VisitAsRequest(), openapi3.MultiErrors()}
	asResponse := []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.VisitAsResponse()}
	add := func(name string, s *openapi3.Schema, o []openapi3.SchemaValidationOption, c *schemaCheck) {
		names, schemas, opts, checks = append(names, name), append(schemas, s), append(opts, o), append(checks, c)
	}
	doc := ct.docs.get()
	paths := doc.Paths.InMatchingOrder()
	slices.Sort(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			oc := ct.operation(path, method).checks
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					add(method+" "+path+" request", mt.Schema.Value, asRequest, oc.body)
				}
			}
			codes := slices.Collect(func(yield func(string) bool) {
				for code := range op.Responses.Map() {
					if !yield(code) {
						return
					}
				}
			})
			slices.Sort(codes)
			for _, code := range codes {
				ref := op.Responses.Value(code)
				if ref == nil || ref.Value == nil {
					continue
				}
				if mt := ref.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					add(method+" "+path+" "+code, mt.Schema.Value, asResponse, oc.responses[code])
				}
			}
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value != nil && p.Value.Schema != nil {
					var c *schemaCheck
					for _, pc := range oc.params {
						if pc.name == p.Value.Name && pc.in == p.Value.In {
							c = pc.check
						}
					}
					add(method+" "+path+" parameter "+p.Value.Name, p.Value.Schema.Value, []openapi3.SchemaValidationOption{openapi3.MultiErrors()}, c)
				}
			}
		}
	}
	return names, schemas, opts, checks
}

// TestSchemaCheckAgreesWithKinOpenAPI holds schemaCheck to kin-openapi's
// verdict on every schema of the contract, for values generated from each
// schema and then broken in random places (wrong types, nulls, missing and
// unknown members, lengths and bounds just past their limits, numbers that
// do not parse), and for the Go types decoding does not make.
func TestSchemaCheckAgreesWithKinOpenAPI(t *testing.T) {
	names, schemas, opts, checks := contractSchemas(t)
	perSchema := 300
	if testing.Short() {
		perSchema = 60
	}
	rng := rand.New(rand.NewPCG(7, 13))
	checked, accepted := 0, 0
	for i, s := range schemas {
		alone := compileSchema(s, opts[i]...)
		if alone == nil {
			t.Fatalf("%s: compileSchema gave up on the whole schema", names[i])
		}
		c := checks[i] // compiled with the rest of the contract, sharing what they reach
		if c == nil {
			if !strings.Contains(names[i], " parameter ") {
				t.Fatalf("%s: the contract has no check for it", names[i])
			}
			c = alone // a parameter the fast path leaves to kin-openapi: its schema alone
		}
		g := &valueGen{rng: rng}
		for range perSchema {
			v := g.value(s, 0)
			for range rng.IntN(3) {
				v = g.mutate(v, 0)
			}
			want := s.VisitJSON(deepCopyJSON(v), opts[i]...)
			got := c.visit(v)
			if a := alone.visit(v); a != got {
				t.Fatalf("%s: the contract's check says %v, the schema's alone %v, for %#v", names[i], got, a, v)
			}
			if !agrees(got, want, v) {
				b, _ := json.Marshal(v)
				t.Fatalf("%s: schemaCheck says %v, kin-openapi says %v, for %s (%#v)", names[i], got, want, b, v)
			}
			checked++
			if got == accept {
				accepted++
			}
		}
	}
	// Both verdicts must be well represented, or the test proves little.
	if accepted < checked/5 || accepted > checked*4/5 {
		t.Fatalf("%d of %d values accepted: the generator is off balance", accepted, checked)
	}
	t.Logf("%d schemas, %d values, %d accepted", len(schemas), checked, accepted)
}

// TestSchemaCheckAgreesOnEdgeSchemas does the same for schemas written to
// reach what the contract's do not: oneOf branches that overlap, schemas
// without a type, nullable allOf, numeric enums, bounds on every keyword.
func TestSchemaCheckAgreesOnEdgeSchemas(t *testing.T) {
	docs := []string{
		`{"oneOf":[{"type":"integer"},{"type":"number"}]}`,
		`{"oneOf":[{"type":"string"},{"maxLength":3}]}`,
		`{"type":"array","minItems":1,"maxItems":2,"items":{"type":"integer","minimum":0,"maximum":5}}`,
		`{"nullable":true,"allOf":[{"type":"object","properties":{"a":{"type":"string"}}}]}`,
		`{"allOf":[{"type":"object","required":["a"]}]}`,
		`{"enum":[1,2.5,"x",true]}`,
		`{"type":"object","additionalProperties":{"type":"integer"},"minProperties":1,"maxProperties":2}`,
		`{"type":"object","additionalProperties":false,"properties":{"a":{"type":"boolean"}},"required":["a"]}`,
		`{"type":"string","minLength":2,"pattern":"^[a-c]+$"}`,
		`{}`,
		`{"nullable":true}`,
		`{"type":"number","minimum":1.5,"maximum":2.5}`,
		`{"type":"integer","format":"int32"}`,
		`{"anyOf":[{"type":"string"},{"type":"boolean"}]}`,
		`{"oneOf":[{"type":"object","properties":{"a":{"type":"array"}}},{"type":"object","required":["b"]}]}`,
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for _, doc := range docs {
		var s openapi3.Schema
		if err := json.Unmarshal([]byte(doc), &s); err != nil {
			t.Fatal(err)
		}
		for _, opts := range [][]openapi3.SchemaValidationOption{{openapi3.VisitAsRequest()}, {openapi3.VisitAsResponse()}} {
			c := compileSchema(&s, opts...)
			g := &valueGen{rng: rng}
			for range 400 {
				var v any
				if rng.IntN(2) == 0 {
					v = g.value(&s, 0)
				} else {
					v = g.junk()
				}
				for range rng.IntN(3) {
					v = g.mutate(v, 0)
				}
				want := s.VisitJSON(deepCopyJSON(v), opts...)
				if got := c.visit(v); !agrees(got, want, v) {
					t.Fatalf("%s: schemaCheck says %v, kin-openapi says %v, for %#v", doc, got, want, v)
				}
			}
		}
	}
}

// agrees reports whether a check's verdict on v agrees with kin-openapi's
// error: accept with none, reject with one, and unsure only for a value
// that holds a type the checks do not mirror.
func agrees(got verdict, want error, v any) bool {
	switch got {
	case accept:
		return want == nil
	case reject:
		return want != nil
	}
	return !allDecoded(v)
}

// allDecoded reports whether v and every value in it is of a type the
// checks mirror (decoded).
func allDecoded(v any) bool {
	if !decoded(v) {
		return false
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if !allDecoded(e) {
				return false
			}
		}
	case map[string]any:
		for _, e := range x {
			if !allDecoded(e) {
				return false
			}
		}
	}
	return true
}

func (v verdict) String() string { return [...]string{"reject", "accept", "unsure"}[v] }

// TestSchemaCheckCompilesTheContract pins that the fast path is the one
// taken for the contract's schemas: their top nodes do not delegate.
func TestSchemaCheckCompilesTheContract(t *testing.T) {
	names, schemas, opts, checks := contractSchemas(t)
	for i, s := range schemas {
		c := compileSchema(s, opts[i]...)
		if c == nil || c.delegate {
			t.Errorf("%s: not compiled", names[i])
		}
		if checks[i] != nil && checks[i].delegate {
			t.Errorf("%s: the contract's check delegates", names[i])
		}
	}
}

// TestSchemaCheckIsUnsureOfUndecodedValues: a value of a type the checks
// do not mirror is left to kin-openapi, also inside oneOf, where counting
// it as a rejection could turn two matching branches into one; a certain
// rejection elsewhere still decides.
func TestSchemaCheckIsUnsureOfUndecodedValues(t *testing.T) {
	var s openapi3.Schema
	doc := `{"oneOf":[{"type":"object","properties":{"a":{"type":"array"}}},{"type":"object","properties":{"c":{"type":"string"}},"required":["c"]}]}`
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		t.Fatal(err)
	}
	c := compileSchema(&s)
	for _, tc := range []struct {
		v    any
		want verdict
	}{
		{map[string]any{"a": []any{}}, accept},
		{map[string]any{"a": []any{}, "c": "x"}, reject}, // both branches
		{map[string]any{"a": []string{"x"}, "c": "x"}, unsure},
		{map[string]any{"a": []string{"x"}, "c": true}, unsure}, // the first branch cannot be counted
		{int32(1), unsure},
	} {
		if got := c.visit(tc.v); got != tc.want {
			t.Errorf("%#v: %v, want %v", tc.v, got, tc.want)
		}
	}
	obj := compileSchema(&openapi3.Schema{Type: &openapi3.Types{"object"}, Required: []string{"r"},
		Properties: openapi3.Schemas{"a": {Value: &openapi3.Schema{Type: &openapi3.Types{"array"}}}}})
	if got := obj.visit(map[string]any{"a": []string{"x"}}); got != reject {
		t.Errorf("a missing required member with an undecoded one: %v, want reject", got)
	}
	if got := obj.visit(map[string]any{"a": []string{"x"}, "r": 1}); got != unsure {
		t.Errorf("an undecoded member otherwise valid: %v, want unsure", got)
	}
}

func TestSchemaCheckGivesUpWhereItMust(t *testing.T) {
	str := &openapi3.Schema{Type: &openapi3.Types{"string"}}
	ro := &openapi3.Schema{Type: &openapi3.Types{"string"}, ReadOnly: true}
	obj := &openapi3.Schema{Type: &openapi3.Types{"object"}, Required: []string{"a"},
		Properties: openapi3.Schemas{"a": {Value: ro}, "b": {Value: str}}}
	if compileSchema(obj, openapi3.VisitAsRequest()) != nil {
		t.Error("readOnly below: want nil (kin-openapi decides)")
	}
	self := &openapi3.Schema{Type: &openapi3.Types{"object"}}
	self.AllOf = openapi3.SchemaRefs{{Value: self}}
	if compileSchema(self) != nil {
		t.Error("a schema in its own allOf: want nil")
	}
	fmtd := &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "date"}
	if c := compileSchema(fmtd); c == nil || !c.delegate {
		t.Error("format: want a delegating node")
	}
	if c := compileSchema(str); c == nil || c.delegate {
		t.Error("plain string: want compiled")
	}
}

// valueGen generates decoded JSON values for a schema: mostly valid ones,
// which mutate then breaks.
type valueGen struct{ rng *rand.Rand }

var patternSamples = []string{"a@b.co", "ana.lee@example.com", "USD", "eur", "ref_1", "x-y", "no-at-sign", "a b@c.d", strings.Repeat("k", 40)}

func (g *valueGen) value(s *openapi3.Schema, depth int) any {
	r := g.rng
	if s == nil || depth > 6 {
		return "deep"
	}
	if s.Nullable && r.IntN(8) == 0 {
		return nil
	}
	if len(s.OneOf) > 0 {
		return g.value(s.OneOf[r.IntN(len(s.OneOf))].Value, depth+1)
	}
	if len(s.AllOf) > 0 {
		out := map[string]any{}
		for _, a := range s.AllOf {
			if m, ok := g.value(a.Value, depth+1).(map[string]any); ok {
				for k, v := range m {
					out[k] = v
				}
			}
		}
		return out
	}
	if len(s.Enum) > 0 {
		e := s.Enum[r.IntN(len(s.Enum))]
		if f, ok := e.(float64); ok {
			return json.Number(fmt.Sprint(f))
		}
		return e
	}
	switch {
	case s.Type.Is("string"):
		if s.Format == "date" {
			return []string{"2024-02-29", "2023-02-30", "1990-01-01"}[r.IntN(3)]
		}
		if s.Pattern != "" {
			return patternSamples[r.IntN(len(patternSamples))]
		}
		n := int(s.MinLength) + r.IntN(6)
		if s.MaxLength != nil && r.IntN(4) == 0 {
			n = int(*s.MaxLength) + r.IntN(3) - 1
		}
		return strings.Repeat("é", n/2) + strings.Repeat("a", n-n/2)
	case s.Type.Is("integer"), s.Type.Is("number"):
		lo, hi := -3.0, 40.0
		if s.Min != nil {
			lo = *s.Min - 1
		}
		if s.Max != nil {
			hi = *s.Max + 1
		}
		n := lo + math.Floor(r.Float64()*(hi-lo+1))
		if s.Type.Is("number") && r.IntN(2) == 0 {
			return json.Number(fmt.Sprintf("%.2f", n+0.25))
		}
		return json.Number(fmt.Sprint(n))
	case s.Type.Is("boolean"):
		return r.IntN(2) == 0
	case s.Type.Is("array"):
		n := int(s.MinItems) + r.IntN(3)
		if s.MaxItems != nil && n > int(*s.MaxItems) && r.IntN(3) > 0 {
			n = int(*s.MaxItems)
		}
		if s.MaxItems != nil && r.IntN(4) == 0 {
			n = int(*s.MaxItems) + r.IntN(2) // at the bound, or one past it
		}
		out := make([]any, n)
		for i := range out {
			var item *openapi3.Schema
			if s.Items != nil {
				item = s.Items.Value
			}
			out[i] = g.value(item, depth+1)
		}
		return out
	case s.Type.Is("object") || len(s.Properties) > 0:
		out := map[string]any{}
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range s.Properties {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range names {
			if slices.Contains(s.Required, k) || r.IntN(2) == 0 {
				out[k] = g.value(s.Properties[k].Value, depth+1)
			}
		}
		if a := s.AdditionalProperties.Schema; a != nil {
			for i := range r.IntN(4) {
				out[fmt.Sprint("extra", i)] = g.value(a.Value, depth+1)
			}
		}
		return out
	}
	return g.junk()
}

// junk is a value of any shape, the odd ones included.
func (g *valueGen) junk() any {
	all := []any{nil, true, false, json.Number("1.5"), json.Number("7"), json.Number("-1"), json.Number("0"),
		json.Number("1e400"), json.Number("1000001"), "x", "", strings.Repeat("z", 300), "USD",
		[]any{}, []any{"a"}, []any{json.Number("1"), nil}, map[string]any{}, map[string]any{"zz": json.Number("1")},
		float64(3), float64(2.5), int(4), int64(250), int32(2), math.NaN(), math.Inf(1), []string{"s"}}
	return all[g.rng.IntN(len(all))]
}

// mutate breaks v in one random place.
func (g *valueGen) mutate(v any, depth int) any {
	r := g.rng
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 || depth > 5 || r.IntN(4) == 0 {
			switch r.IntN(3) {
			case 0:
				x["unknown_member"] = g.junk()
				return x
			case 1:
				for k := range x { // map order: only which key, never the verdict's logic
					delete(x, k)
					return x
				}
			}
			return g.junk()
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range x {
				if !yield(k) {
					return
				}
			}
		})
		k := keys[r.IntN(len(keys))]
		x[k] = g.mutate(x[k], depth+1)
		return x
	case []any:
		if len(x) == 0 || r.IntN(3) == 0 {
			return append(x, g.junk())
		}
		i := r.IntN(len(x))
		x[i] = g.mutate(x[i], depth+1)
		return x
	}
	return g.junk()
}

func deepCopyJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopyJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopyJSON(e)
		}
		return out
	}
	return v
}

// TestContractChecksShareWhatTheyReach pins that the contract compiles each
// schema once for each way it is visited, however many operations reach
// it: compiled again with one set of compilers, every check reachable from
// the operations' is the one its compiler keeps for its schema, and the
// contract's own checks are as many.
func TestContractChecksShareWhatTheyReach(t *testing.T) {
	ct, err := embeddedContract()
	if err != nil {
		t.Fatal(err)
	}
	doc := ct.docs.get()
	comp := newCheckCompilers()
	var again, own []*operationChecks
	for _, op := range ct.ops {
		item := doc.Paths.Value(op.path)
		again = append(again, comp.operation(item, item.GetOperation(op.method)))
		own = append(own, op.checks)
	}
	kept := map[*schemaCheck]bool{}
	for _, sc := range []*schemaCompiler{comp.request, comp.response, comp.param} {
		for _, c := range sc.done {
			kept[c] = true
		}
	}
	seen := reachableChecks(again)
	for c := range seen {
		if !kept[c] {
			t.Fatalf("a check reachable from the operations is not the one its compiler keeps: a schema compiled twice")
		}
	}
	if n := len(reachableChecks(own)); n != len(seen) {
		t.Errorf("the contract's operations reach %d checks, one set of compilers makes %d", n, len(seen))
	}
	if len(seen) < 50 {
		t.Fatalf("only %d checks reachable from the contract's", len(seen))
	}
	t.Logf("%d checks for the contract", len(seen))
}

// reachableChecks returns every check the operations' checks reach:
// their parameters', bodies' and responses', and every check below them.
func reachableChecks(ocs []*operationChecks) map[*schemaCheck]bool {
	seen := map[*schemaCheck]bool{}
	var walk func(c *schemaCheck)
	walk = func(c *schemaCheck) {
		if c == nil || seen[c] {
			return
		}
		seen[c] = true
		walk(c.items)
		walk(c.additional)
		for _, p := range c.props {
			walk(p)
		}
		for _, list := range [][]*schemaCheck{c.allOf, c.oneOf} {
			for _, x := range list {
				walk(x)
			}
		}
	}
	for _, oc := range ocs {
		if oc == nil {
			continue
		}
		walk(oc.body)
		for _, p := range oc.params {
			walk(p.check)
		}
		for _, c := range oc.responses {
			walk(c)
		}
	}
	return seen
}

// TestSchemaCompilerForgetsARootWithACycle: a root that meets a cycle gets
// no check, and what was compiled for it is not reused by the next root.
func TestSchemaCompilerForgetsARootWithACycle(t *testing.T) {
	str := &openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: openapi3.Ptr(uint64(3))}
	self := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{"s": {Value: str}}}
	self.AllOf = openapi3.SchemaRefs{{Value: self}}
	other := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{"s": {Value: str}}}
	sc := newSchemaCompiler()
	if sc.root(self) != nil {
		t.Fatal("a schema in its own allOf: want nil")
	}
	if len(sc.done) != 0 {
		t.Fatalf("after a root with a cycle the compiler keeps %d checks", len(sc.done))
	}
	c := sc.root(other)
	if c == nil || c.delegate || c.props["s"] == nil || c.props["s"].maxLength != 3 {
		t.Fatalf("the next root: %+v", c)
	}
	if again := sc.root(&openapi3.Schema{Type: &openapi3.Types{"array"}, Items: &openapi3.SchemaRef{Value: str}}); again == nil || again.items != c.props["s"] {
		t.Fatal("a third root reaching the same string schema: want the check compiled before")
	}
	if !c.accepts(map[string]any{"s": "abc"}) || c.accepts(map[string]any{"s": "abcd"}) {
		t.Fatal("the shared check decides wrongly")
	}
}

// TestValidEmailAgreesWithKinOpenAPI holds the check of imported emails to
// kin-openapi's verdict on openapi.yaml's Email schema, the rule requests
// follow.
func TestValidEmailAgreesWithKinOpenAPI(t *testing.T) {
	ct, err := embeddedContract()
	if err != nil {
		t.Fatal(err)
	}
	schema := ct.docs.get().Components.Schemas["Email"].Value
	if ct.email == nil || ct.email.delegate {
		t.Fatalf("the Email schema has no check of its own: %+v", ct.email)
	}
	samples := []string{
		"ava@example.com", "A.B+tag@sub.example.co.uk", "x@y.z", "ünï@exämple.org",
		"", "@example.com", "ava@", "ava@example", "ava example@example.com", "ava@exa mple.com",
		"ava@@example.com", "ava@example.com\n", "\tava@example.com", "ava@example.", "ava@.com",
		strings.Repeat("a", 243) + "@example.com", strings.Repeat("a", 244) + "@example.com",
		strings.Repeat("é", 243) + "@example.com", strings.Repeat("é", 244) + "@example.com",
	}
	for _, v := range samples {
		want := schema.VisitJSON(v) == nil
		if got := ct.validEmail(v); got != want {
			t.Errorf("validEmail(%q) = %v, kin-openapi says %v", v, got, want)
		}
	}
}
