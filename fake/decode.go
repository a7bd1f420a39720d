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
// its field's, a null, a field type it does not handle); the caller then
// uses json.Unmarshal, whose result and errors stay the answer.
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
	if t := rv.Type(); t.Implements(unmarshalerType) || t.Implements(textUnmarshalerType) {
		return false // json.Unmarshal calls the method (promoted from an embedded field, say)
	}
	// Fill a fresh value, so that a half-done decoding never shows.
	fresh := reflect.New(rv.Elem().Type())
	if !d.object(fresh.Elem(), m) {
		return false
	}
	rv.Elem().Set(fresh.Elem())
	return true
}

// decoders caches the field tables of the types decodeInto fills; a
// Server has one.
type decoders struct{ tables sync.Map } // reflect.Type -> *fieldTable

// fieldTable is how encoding/json names a struct's fields; nil when the
// struct has a case decodeInto leaves to json.Unmarshal (two fields of one
// name, an embedded pointer).
type fieldTable struct {
	byName map[string][]int // exact name -> field index path
	folded map[string]bool  // lower-cased names, to notice a case-insensitive match
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
	ft := &fieldTable{byName: map[string][]int{}, folded: map[string]bool{}}
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
		if _, dup := ft.byName[name]; dup || ft.folded[strings.ToLower(name)] {
			return false
		}
		ft.byName[name] = index
		ft.folded[strings.ToLower(name)] = true
	}
	return true
}

func (d *decoders) object(v reflect.Value, m map[string]any) bool {
	ft := d.table(v.Type())
	if ft == nil {
		return false
	}
	for k, x := range m {
		index, ok := ft.byName[k]
		if !ok {
			if ft.folded[strings.ToLower(k)] || !ascii(k) {
				return false // json.Unmarshal may match a field regardless of case
			}
			continue // an unknown member: ignored
		}
		if !d.value(v.FieldByIndex(index), x) {
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

// value sets v from x.
func (d *decoders) value(v reflect.Value, x any) bool {
	if x == nil {
		return false
	}
	t := v.Type()
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if reflect.PointerTo(base).Implements(unmarshalerType) {
		b, ok := appendGeneric(nil, x)
		if !ok {
			return false
		}
		target := reflect.New(base)
		if target.Interface().(json.Unmarshaler).UnmarshalJSON(b) != nil {
			return false
		}
		return assign(v, target)
	}
	if reflect.PointerTo(base).Implements(textUnmarshalerType) {
		return false
	}
	if t.Kind() == reflect.Pointer {
		if t.Elem().Kind() == reflect.Pointer {
			return false
		}
		target := reflect.New(t.Elem())
		if !d.value(target.Elem(), x) {
			return false
		}
		v.Set(target)
		return true
	}
	switch t.Kind() {
	case reflect.String:
		if t == numberType {
			n, ok := x.(json.Number)
			if ok {
				v.SetString(string(n))
			}
			return ok
		}
		s, ok := x.(string)
		if ok {
			v.SetString(s)
		}
		return ok
	case reflect.Bool:
		b, ok := x.(bool)
		if ok {
			v.SetBool(b)
		}
		return ok
	case reflect.Struct:
		m, ok := x.(map[string]any)
		return ok && d.object(v, m)
	case reflect.Slice:
		a, ok := x.([]any)
		if !ok {
			return false
		}
		s := reflect.MakeSlice(t, len(a), len(a))
		for i, e := range a {
			if !d.value(s.Index(i), e) {
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
