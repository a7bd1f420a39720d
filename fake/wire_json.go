package fake

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The response documents of the hot operations (a customer, a transaction
// with its rewards, in their envelope) write their own JSON by appending to
// one buffer: byte for byte what encoding/json writes for them with HTML
// escaping off (jsonResponse), as wire_json_test.go checks, without its
// reflection and without its re-scanning of MarshalJSON output. Other
// documents go through encoding/json.

// jsonAppender is a document that appends its own JSON encoding to b.
type jsonAppender interface {
	appendJSON(b []byte) []byte
}

// appender returns the envelope as a jsonAppender when its data is one.
func (e envelope) appender() (envelopeAppender, bool) {
	a, ok := e.Data.(jsonAppender)
	if !ok {
		return envelopeAppender{}, false
	}
	return envelopeAppender{a, e.Status}, true
}

type envelopeAppender struct {
	data   jsonAppender
	status int
}

func (e envelopeAppender) appendJSON(b []byte) []byte {
	b = append(b, `{"data":`...)
	b = e.data.appendJSON(b)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(e.status), 10)
	return append(b, '}')
}

// appendString appends s as a JSON string. Plain printable ASCII is copied;
// anything else (escapes, control characters, invalid UTF-8, U+2028) is
// left to encoding/json, so that the bytes are its own. html is whether
// <, > and & are escaped, as json.Marshal does and an Encoder with
// SetEscapeHTML(false) does not.
func appendString(b []byte, s string, html bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || html && (c == '<' || c == '>' || c == '&') {
			return appendStringSlow(b, s, html)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendStringSlow(b []byte, s string, html bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(s) // a string always encodes
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// appendNullable appends a *string field: null or the string.
func appendNullable(b []byte, s *string, html bool) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s, html)
}

func (t timestamp) appendJSON(b []byte) []byte {
	b = append(b, '"')
	b = t.appendText(b)
	return append(b, '"')
}

func appendTimestampPtr(b []byte, t *timestamp) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	return t.appendJSON(b)
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s, false)
	}
	return append(b, ']')
}

// appendRaw appends a stored JSON value compacted, as encoding/json
// compacts a RawMessage (HTML escaping off).
func appendRaw(b []byte, raw json.RawMessage) []byte {
	if bytes.ContainsAny(raw, " \t\r\n") {
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err == nil {
			return append(b, buf.Bytes()...)
		}
	}
	return append(b, raw...)
}

// appendJSON writes date_of_birth first, then the other keys sorted. Its
// strings are escaped as json.Marshal does (HTML too), as MarshalJSON
// always wrote them.
func (m customerMetadataJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"date_of_birth":`...)
	b = appendNullable(b, m.DateOfBirth, true)
	if len(m.Other) > 0 {
		keys := make([]string, 0, len(m.Other))
		for k := range m.Other {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			b = append(b, ',')
			b = appendString(b, k, true)
			b = append(b, ':')
			b = appendRaw(b, m.Other[k])
		}
	}
	return append(b, '}')
}

func (c customerJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID, false)
	b = append(b, `,"key":`...)
	b = appendString(b, c.Key, false)
	b = append(b, `,"email":`...)
	b = appendNullable(b, c.Email, false)
	b = append(b, `,"name":`...)
	b = appendNullable(b, c.Name, false)
	b = append(b, `,"surname":`...)
	b = appendNullable(b, c.Surname, false)
	b = append(b, `,"status":`...)
	b = appendString(b, c.Status, false)
	b = append(b, `,"approved":`...)
	b = strconv.AppendBool(b, c.Approved)
	b = append(b, `,"referring_customer":`...)
	if c.ReferringCustomer == nil {
		b = append(b, "null"...)
	} else {
		b = c.ReferringCustomer.appendJSON(b)
	}
	b = append(b, `,"referrals_count":`...)
	b = strconv.AppendInt(b, int64(c.ReferralsCount), 10)
	b = append(b, `,"metadata":`...)
	b = c.Metadata.appendJSON(b)
	b = append(b, `,"referral_link":`...)
	b = appendString(b, c.ReferralLink, false)
	b = append(b, `,"referral_links":`...)
	b = appendStrings(b, c.ReferralLinks)
	b = append(b, `,"custom_fields":{},"created_at":`...)
	b = c.CreatedAt.appendJSON(b)
	b = append(b, `,"updated_at":`...)
	b = c.UpdatedAt.appendJSON(b)
	return append(b, '}')
}

func (c *customerSummaryJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID, false)
	b = append(b, `,"key":`...)
	b = appendString(b, c.Key, false)
	b = append(b, `,"email":`...)
	b = appendNullable(b, c.Email, false)
	b = append(b, `,"name":`...)
	b = appendNullable(b, c.Name, false)
	b = append(b, `,"surname":`...)
	b = appendNullable(b, c.Surname, false)
	return append(b, '}')
}

func (r rewardJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"key":`...)
	b = appendString(b, r.Key, false)
	b = append(b, `,"action":`...)
	b = appendString(b, r.Action, false)
	b = append(b, `,"status":`...)
	b = appendString(b, r.Status, false)
	b = append(b, `,"type":`...)
	b = appendString(b, r.Type, false)
	b = append(b, `,"customer":`...)
	b = appendString(b, r.Customer, false)
	b = append(b, `,"referred_customer":`...)
	b = appendString(b, r.ReferredCustomer, false)
	b = append(b, `,"amount":`...)
	b = r.Amount.Append(b)
	b = append(b, `,"amount_units":`...)
	b = appendString(b, r.AmountUnits, false)
	b = append(b, `,"is_currency":`...)
	b = strconv.AppendBool(b, r.IsCurrency)
	b = append(b, `,"credit":`...)
	b = strconv.AppendBool(b, r.Credit)
	b = append(b, `,"created_at":`...)
	b = r.CreatedAt.appendJSON(b)
	b = append(b, `,"deleted_at":`...)
	b = appendTimestampPtr(b, r.DeletedAt)
	return append(b, '}')
}

func (t transactionJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"key":`...)
	b = appendString(b, t.Key, false)
	b = append(b, `,"action":`...)
	b = appendString(b, t.Action, false)
	b = append(b, `,"amount":`...)
	b = t.Amount.Append(b)
	b = append(b, `,"amount_units":`...)
	b = appendString(b, t.AmountUnits, false)
	b = append(b, `,"is_currency":`...)
	b = strconv.AppendBool(b, t.IsCurrency)
	b = append(b, `,"credit":`...)
	b = strconv.AppendBool(b, t.Credit)
	b = append(b, `,"customer":`...)
	b = appendNullable(b, t.Customer, false)
	b = append(b, `,"referred_customer":`...)
	b = appendString(b, t.ReferredCustomer, false)
	b = append(b, `,"product_id":`...)
	b = appendNullable(b, t.ProductID, false)
	b = append(b, `,"product_type":`...)
	b = appendNullable(b, t.ProductType, false)
	b = append(b, `,"rewardable":`...)
	b = strconv.AppendBool(b, t.Rewardable)
	b = append(b, `,"created_at":`...)
	b = t.CreatedAt.appendJSON(b)
	b = append(b, `,"deleted_at":`...)
	b = appendTimestampPtr(b, t.DeletedAt)
	b = append(b, `,"rewards":`...)
	if t.Rewards == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, r := range t.Rewards {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.appendJSON(b)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// jsonValuer is a document that can give the value encoding/json (with
// UseNumber) decodes from its own encoding: objects as map[string]any,
// arrays as []any, numbers as json.Number. Strict mode validates it against
// the response schema without parsing the body it just wrote. ok is false
// where the value could differ (a string that is not valid UTF-8, which
// decoding would change, or metadata that does not parse): the caller then
// parses the body.
type jsonValuer interface {
	jsonValue() (v any, ok bool)
}

func (e envelopeAppender) jsonValue() (any, bool) {
	dv, ok := e.data.(jsonValuer)
	if !ok {
		return nil, false
	}
	data, ok := dv.jsonValue()
	if !ok {
		return nil, false
	}
	return map[string]any{"data": data, "status": json.Number(strconv.Itoa(e.status))}, true
}

// valueBuilder builds a decoded value, and remembers whether it can stand
// for the decoding of the document's bytes.
type valueBuilder struct{ ok bool }

func (vb *valueBuilder) str(s string) any {
	if !utf8.ValidString(s) {
		vb.ok = false
	}
	return s
}

func (vb *valueBuilder) nullable(s *string) any {
	if s == nil {
		return nil
	}
	return vb.str(*s)
}

func (vb *valueBuilder) timestampPtr(t *timestamp) any {
	if t == nil {
		return nil
	}
	return t.value()
}

func (t timestamp) value() any {
	return string(t.appendText(make([]byte, 0, len(laravelTime))))
}

func (vb *valueBuilder) metadata(m customerMetadataJSON) map[string]any {
	out := make(map[string]any, 1+len(m.Other))
	out["date_of_birth"] = vb.nullable(m.DateOfBirth)
	keys := make([]string, 0, len(m.Other))
	for k := range m.Other {
		keys = append(keys, k)
	}
	slices.Sort(keys) // in the order written: a later duplicate wins, as in decoding
	for _, k := range keys {
		dec := json.NewDecoder(bytes.NewReader(m.Other[k]))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil || dec.More() {
			vb.ok = false
		}
		out[vb.str(k).(string)] = v
	}
	return out
}

func (c customerJSON) jsonValue() (any, bool) {
	vb := &valueBuilder{ok: true}
	var links any
	if c.ReferralLinks != nil {
		l := make([]any, len(c.ReferralLinks))
		for i, s := range c.ReferralLinks {
			l[i] = vb.str(s)
		}
		links = l
	}
	var referrer any
	if r := c.ReferringCustomer; r != nil {
		referrer = map[string]any{"id": vb.str(r.ID), "key": vb.str(r.Key), "email": vb.nullable(r.Email),
			"name": vb.nullable(r.Name), "surname": vb.nullable(r.Surname)}
	}
	v := map[string]any{
		"id": vb.str(c.ID), "key": vb.str(c.Key), "email": vb.nullable(c.Email), "name": vb.nullable(c.Name),
		"surname": vb.nullable(c.Surname), "status": vb.str(c.Status), "approved": c.Approved,
		"referring_customer": referrer, "referrals_count": json.Number(strconv.Itoa(c.ReferralsCount)),
		"metadata": vb.metadata(c.Metadata), "referral_link": vb.str(c.ReferralLink), "referral_links": links,
		"custom_fields": map[string]any{}, "created_at": c.CreatedAt.value(), "updated_at": c.UpdatedAt.value(),
	}
	return v, vb.ok
}

func (vb *valueBuilder) reward(r rewardJSON) any {
	return map[string]any{
		"key": vb.str(r.Key), "action": vb.str(r.Action), "status": vb.str(r.Status), "type": vb.str(r.Type),
		"customer": vb.str(r.Customer), "referred_customer": vb.str(r.ReferredCustomer),
		"amount": json.Number(r.Amount.String()), "amount_units": vb.str(r.AmountUnits),
		"is_currency": r.IsCurrency, "credit": r.Credit, "created_at": r.CreatedAt.value(),
		"deleted_at": vb.timestampPtr(r.DeletedAt),
	}
}

func (t transactionJSON) jsonValue() (any, bool) {
	vb := &valueBuilder{ok: true}
	var rewards any
	if t.Rewards != nil {
		l := make([]any, len(t.Rewards))
		for i, r := range t.Rewards {
			l[i] = vb.reward(r)
		}
		rewards = l
	}
	v := map[string]any{
		"key": vb.str(t.Key), "action": vb.str(t.Action), "amount": json.Number(t.Amount.String()),
		"amount_units": vb.str(t.AmountUnits), "is_currency": t.IsCurrency, "credit": t.Credit,
		"customer": vb.nullable(t.Customer), "referred_customer": vb.str(t.ReferredCustomer),
		"product_id": vb.nullable(t.ProductID), "product_type": vb.nullable(t.ProductType),
		"rewardable": t.Rewardable, "created_at": t.CreatedAt.value(), "deleted_at": vb.timestampPtr(t.DeletedAt),
		"rewards": rewards,
	}
	return v, vb.ok
}

// appendGeneric appends v, a parsed and cleaned request body (maps, slices,
// strings, json.Number, bool, nil), as json.Marshal writes it: object keys
// sorted, HTML escaped. ok is false for anything else, which the caller
// leaves to json.Marshal.
func appendGeneric(b []byte, v any) (_ []byte, ok bool) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return appendString(b, x, true), true
	case bool:
		return strconv.AppendBool(b, x), true
	case json.Number:
		if x == "" {
			return b, false
		}
		return append(b, x...), true
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k, true)
			b = append(b, ':')
			if b, ok = appendGeneric(b, x[k]); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	case []any:
		if x == nil {
			return append(b, "null"...), true
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendGeneric(b, e); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	}
	return b, false
}
