package fake

import "sort"

// pathParams are a request's path parameters, in the path's order, as the
// router found them. The router appends them to a buffer in the request's
// exchange: a map for the one parameter a path has was an allocation of
// about 300 bytes on every GET of a resource.
type pathParams []pathParam

type pathParam struct{ name, value string }

// value returns the parameter's value, or "" without one.
func (ps pathParams) value(name string) string {
	v, _ := ps.lookup(name)
	return v
}

// lookup returns the parameter's value and whether the path has it.
func (ps pathParams) lookup(name string) (string, bool) {
	for _, p := range ps {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// asMap is ps as kin-openapi takes them, for the slow path.
func (ps pathParams) asMap() map[string]string {
	if ps == nil {
		return nil
	}
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.name] = p.value
	}
	return m
}

// pathParamsOf is m in name order, for a router that answers a map.
func pathParamsOf(m map[string]string) pathParams {
	if len(m) == 0 {
		return nil
	}
	ps := make(pathParams, 0, len(m))
	for k, v := range m {
		ps = append(ps, pathParam{k, v})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].name < ps[j].name })
	return ps
}
