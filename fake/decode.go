package fake

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// decodeInto fills *v, a struct, from doc (a cleaned body) as
// json.Unmarshal(appendGeneric(doc), v) does, without encoding doc again
// and without Unmarshal's scanner: decoding was a twentieth of a POST. ok
// is false wherever it is not sure to do the same (a member whose name
// matches a field only regardless of case, a value of another type than
// its field's, a null, a field type it does not handle, a *v that is not
// zero); the caller then uses json.Unmarshal, whose result and errors stay
// the answer.
// TestDecodeIntoAgreesWithUnmarshal holds the two equal.
func (d *decoders) decodeInto(v any, doc any) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	m, isMap := doc.(map[string]any)
	if !isMap || rv.Elem().Kind() != reflect.Struct {
		return false
	}
	ft := d.table(rv.Elem().Type())
	if ft == nil {
		return false
	}
	// Only a zero value (every handler's) is filled: json.Unmarshal keeps
	// the fields of another that no member names. It is filled in place
	// and zeroed again on failure, so that a half-done decoding never
	// shows.
	target := rv.Elem()
	if !target.IsZero() {
		return false
	}
	if !d.object(target, ft, m) {
		target.SetZero()
		return false
	}
	return true
}

// decoders caches the field tables of the types decodeInto fills; a
// Server has one.
type decoders struct{ tables sync.Map } // reflect.Type -> *fieldTable

// fieldTable is how encoding/json names a struct's fields; nil when the
// struct has a case decodeInto leaves to json.Unmarshal (two fields of one
// name, a name other than 64 ASCII letters, digits, "-" and "_", an embedded
// pointer, a pointer that is a json.Unmarshaler or an
// encoding.TextUnmarshaler, its own method or a promoted one, a float held
// by value).
type fieldTable struct {
	byName map[string]*field // exact name -> the field
	folded map[string]bool   // lower-cased names, to notice a case-insensitive match
}

// field is a struct field decodeInto may fill: its index path and how.
type field struct {
	index []int
	plan  *valuePlan
}

func (d *decoders) table(t reflect.Type) *fieldTable {
	if ft, ok := d.tables.Load(t); ok {
		return ft.(*fieldTable)
	}
	ft := buildFieldTable(t)
	d.tables.Store(t, ft)
	return ft
}

func buildFieldTable(t reflect.Type) *fieldTable {
	if p := reflect.PointerTo(t); p.Implements(unmarshalerType) || p.Implements(textUnmarshalerType) {
		return nil // json.Unmarshal calls the method
	}
	if holdsFloat(t) {
		return nil // IsZero takes -0 for 0: decodeInto could not leave it exactly as it was
	}
	ft := &fieldTable{byName: map[string]*field{}, folded: map[string]bool{}}
	if !ft.add(t, nil) {
		return nil
	}
	return ft
}

// add lists t's fields under index path prefix, with the fields of
// untagged embedded structs promoted, as encoding/json names them; false
// for any case where its rules would need more than this (a name twice at
// any depth, an embedded pointer or non-struct, a ",string" option).
func (ft *fieldTable) add(t reflect.Type, prefix []int) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag, tagged := f.Tag.Lookup("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "string") {
			return false
		}
		if f.Anonymous {
			if tagged || f.Type.Kind() != reflect.Struct || !ft.add(f.Type, index) {
				return false
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if !isName(name, "_-") {
			return false // json.Unmarshal's rules for other names (valid tags, case folding) are wider
		}
		if _, dup := ft.byName[name]; dup || ft.folded[strings.ToLower(name)] {
			return false
		}
		ft.byName[name] = &field{index: index, plan: planFor(f.Type)}
		ft.folded[strings.ToLower(name)] = true
	}
	return true
}

// holdsFloat reports whether a value of t holds a floating-point or
// complex number in its own memory (not behind a pointer, slice or map).
func holdsFloat(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return holdsFloat(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if holdsFloat(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// object fills v, a struct of table ft, from m.
func (d *decoders) object(v reflect.Value, ft *fieldTable, m map[string]any) bool {
	for k, x := range m {
		f, ok := ft.byName[k]
		if !ok {
			if ft.folded[strings.ToLower(k)] || !ascii(k) {
				return false // json.Unmarshal may match a field regardless of case
			}
			continue // an unknown member: ignored
		}
		if !d.value(v.FieldByIndex(f.index), x, f.plan) {
			return false
		}
	}
	return true
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	numberType          = reflect.TypeFor[json.Number]()
)

// decodeKind is how decodeInto fills a value of one type.
type decodeKind uint8

const (
	decodeNot         decodeKind = iota // left to json.Unmarshal
	decodeUnmarshaler                   // its pointer (after the type's own pointers) is a json.Unmarshaler
	decodePointer                       // a pointer to a value of elem's plan
	decodeString
	decodeNumber // json.Number
	decodeBool
	decodeStruct
	decodeSlice // of elem's plan
)

// valuePlan is how decodeInto fills a value of type typ: worked out once
// per field (planFor), since asking reflect whether a type implements an
// interface, for every member of every request, was most of decoding.
type valuePlan struct {
	kind decodeKind
	typ  reflect.Type
	base reflect.Type // decodeUnmarshaler: typ without its pointers
	elem *valuePlan   // decodePointer, decodeSlice
}

// planFor works out the plan of type t, as value once asked on every call.
func planFor(t reflect.Type) *valuePlan { return planOf(t, map[reflect.Type]*valuePlan{}) }

// planOf is planFor with the plans begun so far, so that a type that
// contains itself (type list []list) ends.
func planOf(t reflect.Type, begun map[reflect.Type]*valuePlan) *valuePlan {
	if p, ok := begun[t]; ok {
		return p
	}
	p := &valuePlan{typ: t}
	begun[t] = p
	base := t
	for range 3 { // **T is left to json.Unmarshal below; so is type p *p
		if base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
	}
	if base.Kind() == reflect.Pointer {
		return p
	}
	switch {
	case reflect.PointerTo(base).Implements(unmarshalerType):
		p.kind, p.base = decodeUnmarshaler, base
	case reflect.PointerTo(base).Implements(textUnmarshalerType):
	case t.Kind() == reflect.Pointer:
		if t.Elem().Kind() != reflect.Pointer {
			p.kind, p.elem = decodePointer, planOf(t.Elem(), begun)
		}
	case t == numberType:
		p.kind = decodeNumber
	case t.Kind() == reflect.String:
		p.kind = decodeString
	case t.Kind() == reflect.Bool:
		p.kind = decodeBool
	case t.Kind() == reflect.Struct:
		p.kind = decodeStruct
	case t.Kind() == reflect.Slice:
		p.kind, p.elem = decodeSlice, planOf(t.Elem(), begun)
	}
	return p
}

// value sets v, of p's type, from x.
func (d *decoders) value(v reflect.Value, x any, p *valuePlan) bool {
	if x == nil {
		return false
	}
	switch p.kind {
	case decodeUnmarshaler:
		b, ok := appendGeneric(nil, x)
		if !ok {
			return false
		}
		target := reflect.New(p.base)
		if target.Interface().(json.Unmarshaler).UnmarshalJSON(b) != nil {
			return false
		}
		return assign(v, target)
	case decodePointer:
		target := reflect.New(p.typ.Elem())
		if !d.value(target.Elem(), x, p.elem) {
			return false
		}
		v.Set(target)
		return true
	case decodeNumber:
		n, ok := x.(json.Number)
		if ok {
			v.SetString(string(n))
		}
		return ok
	case decodeString:
		s, ok := x.(string)
		if ok {
			v.SetString(s)
		}
		return ok
	case decodeBool:
		b, ok := x.(bool)
		if ok {
			v.SetBool(b)
		}
		return ok
	case decodeStruct:
		m, ok := x.(map[string]any)
		if !ok {
			return false
		}
		ft := d.table(p.typ)
		return ft != nil && d.object(v, ft, m)
	case decodeSlice:
		a, ok := x.([]any)
		if !ok {
			return false
		}
		s := reflect.MakeSlice(p.typ, len(a), len(a))
		for i, e := range a {
			if !d.value(s.Index(i), e, p.elem) {
				return false
			}
		}
		v.Set(s)
		return true
	}
	return false
}

// assign sets v, of type T or *T, from target, a *T.
func assign(v, target reflect.Value) bool {
	switch {
	case v.Type() == target.Type():
		v.Set(target)
	case v.Type() == target.Type().Elem():
		v.Set(target.Elem())
	default:
		return false
	}
	return true
}

func ascii(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
