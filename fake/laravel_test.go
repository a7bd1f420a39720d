package fake

import (
	"testing"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// TestStoreMessages pins the wording of the store's rules: the messages the
// store held before it returned kinds and rules.
func TestStoreMessages(t *testing.T) {
	inv := func(field, rule string, params ...any) *store.Error {
		e := &store.Error{Kind: store.ErrInvalid, Field: field, Rule: rule, Params: map[string]any{}}
		for i := 0; i+1 < len(params); i += 2 {
			e.Params[params[i].(string)] = params[i+1]
		}
		return e
	}
	for _, tc := range []struct {
		err  *store.Error
		want string
	}{
		{&store.Error{Kind: store.ErrNotFound, Params: map[string]any{"resource": "Referral link"}}, "Referral link not found."},
		{&store.Error{Kind: store.ErrActionFailed}, "Action failed"},
		{inv("amount", store.RuleRequired), "The amount field is required."},
		{inv("transactions.1.amount", store.RuleGt, "value", 0), "The amount field must be greater than 0."},
		{inv("amount_units", store.RuleIn), "The selected amount units is invalid."},
		{inv("clicks", store.RuleMin, "min", 0), "The clicks field must be at least 0."},
		{inv("referring_customer.id", store.RuleExists, "attribute", "referring_customer.id"), "The selected referring customer.id is invalid."},
		{inv("referring_customer.id", store.RuleRequiredWithout, "attribute", "referring_customer.id", "other", "referring_customer.key"),
			"The referring customer.id field is required when referring customer.key is not present."},
		{inv("transactions.0.amount_units", store.RuleRequiredIf, "other", "is_currency", "value", "false"),
			"The amount units field is required when is currency is false."},
		{inv("transactions.1.key", store.RuleUnique, "name", "transactions.1.key"), "The transactions.1.key has already been taken."},
		{inv("rewards.1.id", store.RuleUnique), "The id has already been taken."},
		{inv("metadata", store.RuleMaxItems, "max", 50), "The metadata field must not have more than 50 items."},
		{inv("metadata.my_key", store.RuleMaxChars, "name", "metadata.my_key", "max", 1024), "The metadata.my_key field must not be greater than 1024 characters."},
		{inv("program.cookie_lifetime_days", store.RuleBetween, "min", 1, "max", 365), "The cookie lifetime days must be between 1 and 365."},
		{inv("version", store.RuleEquals, "value", 1), "The version must be 1."},
		{inv("rewards.0.reward_type", store.RuleSame, "other", "type"), "The reward type and type fields must match."},
		{inv("events.1", store.RuleDistinct, "attribute", "events"), "The events field has a duplicate value."},
		{inv("amount", store.RuleDecimal, "places", "0-6"), "The amount field must have 0-6 decimal places."},
		{inv("customers.0.date_of_birth", store.RuleDateFormat, "format", "YYYY-MM-DD"), "The date of birth field must be a valid date (YYYY-MM-DD)."},
		{inv("program.id", store.RuleRequired, "attribute", "program_id"), "The program id field is required."},
		{inv("website", store.RuleFormat), "The website format is invalid."},
		{inv("rewards.0.currency", store.RuleCurrencyCode), "The currency must be an upper-case ISO 4217 code."},
		{inv("events.0", store.RuleEventSupported, "event", "x.y"), "The event x.y is not supported by refer-a-friend programs."},
		{inv("metadata", store.RuleMetadataKey, "max", 255), "Each metadata key must be 1 to 255 bytes of UTF-8."},
	} {
		if got := storeMessage(tc.err); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestItemErrorNaming: the store names the field of a sale's error; the
// batch endpoint names the sale by its place in the list.
func TestItemErrorNaming(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("PUT", "/v1/program", map[string]any{"transaction_keys": "reject", "non_referred_transactions": "accept"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "b"}).want(t, 200)
	one := map[string]any{"customer": map[string]any{"key": "b"}, "key": "n1", "amount": -1}
	if r := e.do("POST", "/v1/transactions", one).want(t, 422); r.str("message") != "The amount field must be greater than 0." || r.errorFor("amount") == nil {
		t.Errorf("one sale: %s", r.raw)
	}
	batch := map[string]any{"customer": map[string]any{"key": "b"}, "transactions": []any{
		map[string]any{"key": "n1", "amount": 1}, map[string]any{"key": "n1", "amount": 2},
	}}
	if r := e.do("POST", "/v1/transactions", batch).want(t, 422); r.str("message") != "The transactions.1.key has already been taken." {
		t.Errorf("batch: %s", r.raw)
	}
	batch["transactions"] = []any{map[string]any{"key": "n2", "amount": 1}, map[string]any{"key": "n3", "amount": "x"}}
	if r := e.do("POST", "/v1/transactions", batch); r.errorFor("transactions.1.amount") == nil {
		t.Errorf("batch amount: %s", r.raw)
	}
}
