package store

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Sentinel kinds of domain error. Every error a Store method returns wraps
// exactly one of them, so callers can branch with errors.Is; the HTTP layer
// maps them to status codes and words them in one place.
var (
	// ErrNotFound means the addressed resource does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input breaks a domain rule (uniqueness, an unknown
	// referenced resource, a bad amount). The error is an *Error naming the
	// offending field and the rule.
	ErrInvalid = errors.New("invalid")
	// ErrActionFailed means a state transition is not possible from the
	// current state, such as archiving an archived customer. Partnero answers
	// these with 400 "Action failed".
	ErrActionFailed = errors.New("action failed")
)

// Rules an input can break: the names of Laravel's validation rules where
// Partnero's validator has one, fake-specific names otherwise. The store
// says which rule; the HTTP layer words it.
const (
	RuleRequired        = "required"         // the field is missing
	RuleRequiredWithout = "required_without" // Params["other"] is absent too
	RuleRequiredIf      = "required_if"      // Params["other"] is Params["value"]
	RuleRequiredUnique  = "required_unique"  // missing or repeated in a list
	RuleUnique          = "unique"           // already taken
	RuleIn              = "in"               // not one of the allowed values
	RuleExists          = "exists"           // names nothing that exists
	RuleGt              = "gt"               // not greater than Params["value"]
	RuleMin             = "min"              // less than Params["min"]
	RuleMax             = "max"              // greater than Params["max"]
	RuleMaxChars        = "max.string"       // longer than Params["max"] characters
	RuleMaxItems        = "max.array"        // more than Params["max"] items
	RuleBetween         = "between"          // outside Params["min"]..Params["max"]
	RuleEquals          = "equals"           // not Params["value"]
	RuleSame            = "same"             // disagrees with Params["other"]
	RuleDistinct        = "distinct"         // a list holds a value twice
	RuleNumeric         = "numeric"          // not a number
	RuleDecimal         = "decimal"          // more than Params["places"] decimal places
	RuleEmail           = "email"            // not an email address
	RuleURL             = "url"              // not a URL
	RuleFormat          = "regex"            // the format is wrong
	RuleDateFormat      = "date_format"      // not a date in Params["format"]
	RuleScalar          = "scalar"           // not a string, number or boolean

	RuleCurrencyCode         = "currency_code"        // not an upper-case ISO 4217 code
	RuleKnownCurrency        = "known_currency"       // not a known currency code
	RuleReferredOnly         = "referred_only"        // the program takes sales of referred customers only
	RuleBalanceBound         = "balance_bound"        // a credit would pass MaxMoney
	RuleRewardBalanceBound   = "reward_balance_bound" // rewards would pass MaxMoney
	RuleMetadataKey          = "metadata_key"         // a metadata key is empty or longer than Params["max"] bytes
	RuleDefaultLinkKey       = "default_link_key"     // a default link's key follows its customer's
	RuleDefaultLinkDelete    = "default_link_delete"  // a default link cannot be deleted
	RuleDefaultLinkIsCustKey = "default_link_is_key"  // a default link's key must be its customer's key
	RuleUnitAgrees           = "unit_agrees"          // a rule's unit disagrees with amount_type and currency
	RuleSignupFixed          = "signup_fixed"         // a signup reward must be a fixed amount
	RuleEventSupported       = "event_supported"      // Params["event"] is no refer-a-friend event
	RuleVoidWhileArchived    = "void_while_archived"  // a reward is void exactly while its sale is archived
	RuleClicks               = "clicks"               // clicks need a customer and a count of at least 0
	RuleReferralCycle        = "referral_cycle"       // a customer would refer itself through others
	RuleRecordLimit          = "record_limit"         // the tenant holds Params["max"] records of this kind
)

// Error is a domain error: its kind, and for ErrInvalid the field and the
// rule broken. It carries no wording: the HTTP layer words it the way
// Partnero's (Laravel's) validator does. It unwraps to its kind.
type Error struct {
	// Kind is ErrNotFound, ErrInvalid or ErrActionFailed.
	Kind error
	// Field is the dotted input field the error is about, or "". Items of
	// a list are numbered: transactions.1.amount, customers.0.email.
	Field string
	// Rule is the rule broken, one of the Rule constants.
	Rule string
	// Params are the rule's parameters (max, min, other, value, event...).
	// Two name the field: "attribute", the field as Laravel names it when
	// that is not Field's last segment (referring_customer.id), and "name",
	// a name to print verbatim (a metadata key chosen by the client).
	// "resource" names what was not found.
	Params map[string]any
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	if e.Rule != "" {
		b.WriteString(": " + e.Rule)
	}
	for _, k := range slices.Sorted(maps.Keys(e.Params)) {
		fmt.Fprintf(&b, " %s=%v", k, e.Params[k])
	}
	return b.String()
}

// Unwrap returns the sentinel kind.
func (e *Error) Unwrap() error { return e.Kind }

// Param returns a parameter of the rule, or nil.
func (e *Error) Param(name string) any { return e.Params[name] }

// ItemError is the error of one item of a list input, such as one sale
// given to CreateTransactions: Err names the item's own field ("amount",
// "key"); Index is the item's position, from 0.
type ItemError struct {
	Index int
	Err   error
}

// Error implements error.
func (e *ItemError) Error() string { return fmt.Sprintf("item %d: %v", e.Index, e.Err) }

// Unwrap returns the item's error.
func (e *ItemError) Unwrap() error { return e.Err }

func notFound(resource string) error {
	return &Error{Kind: ErrNotFound, Params: map[string]any{"resource": resource}}
}

// invalid returns an ErrInvalid about field. params are name, value pairs.
func invalid(field, rule string, params ...any) error {
	e := &Error{Kind: ErrInvalid, Field: field, Rule: rule}
	if len(params) > 0 {
		e.Params = make(map[string]any, len(params)/2)
		for i := 0; i+1 < len(params); i += 2 {
			e.Params[params[i].(string)] = params[i+1]
		}
	}
	return e
}

// taken reports a value already in use; Laravel names the whole field path
// in this message.
func taken(field string) error { return invalid(field, RuleUnique, "name", field) }

func actionFailed() error { return &Error{Kind: ErrActionFailed} }
