package fake

import (
	"fmt"
	"strings"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// ruleMessages are Laravel's (and, for the fake's own rules, the fake's)
// messages of the store's rules, with Laravel's placeholders: :attribute
// is the field's name, :other another field's, and :min, :max, :value,
// :places, :format and :event the rule's parameters.
var ruleMessages = map[string]string{
	store.RuleRequired:        "The :attribute field is required.",
	store.RuleRequiredWithout: "The :attribute field is required when :other is not present.",
	store.RuleRequiredIf:      "The :attribute field is required when :other is :value.",
	store.RuleRequiredUnique:  "The :attribute field is required and must be unique.",
	store.RuleUnique:          "The :attribute has already been taken.",
	store.RuleIn:              "The selected :attribute is invalid.",
	store.RuleExists:          "The selected :attribute is invalid.",
	store.RuleGt:              "The :attribute field must be greater than :value.",
	store.RuleMin:             "The :attribute field must be at least :min.",
	store.RuleMax:             "The :attribute field must not be greater than :max.",
	store.RuleMaxChars:        "The :attribute field must not be greater than :max characters.",
	store.RuleMaxItems:        "The :attribute field must not have more than :max items.",
	store.RuleBetween:         "The :attribute must be between :min and :max.",
	store.RuleEquals:          "The :attribute must be :value.",
	store.RuleSame:            "The :attribute and :other fields must match.",
	store.RuleDistinct:        "The :attribute field has a duplicate value.",
	store.RuleNumeric:         "The :attribute field must be a number.",
	store.RuleDecimal:         "The :attribute field must have :places decimal places.",
	store.RuleEmail:           "The :attribute field must be a valid email address.",
	store.RuleURL:             "The :attribute field must be a valid URL.",
	store.RuleFormat:          "The :attribute format is invalid.",
	store.RuleDateFormat:      "The :attribute field must be a valid date (:format).",
	store.RuleScalar:          "The :attribute field must be a string, a number or a boolean.",

	store.RuleCurrencyCode:         "The :attribute must be an upper-case ISO 4217 code.",
	store.RuleKnownCurrency:        "The selected :attribute is not a known currency code.",
	store.RuleReferredOnly:         "Transactions can be created for referred customers only.",
	store.RuleBalanceBound:         "The balance would exceed the largest amount the fake keeps.",
	store.RuleRewardBalanceBound:   "The rewards would take a balance past the largest amount the fake keeps.",
	store.RuleMetadataKey:          "Each metadata key must be 1 to :max bytes of UTF-8.",
	store.RuleRecordLimit:          "The fake keeps at most :max :attribute per tenant (see Limits in its README).",
	store.RuleReferralCycle:        "The :attribute makes a referral cycle: a customer would be its own referrer through others.",
	store.RuleDefaultLinkKey:       "The key of a default referral link follows the customer key; update the customer instead.",
	store.RuleDefaultLinkDelete:    "The default referral link cannot be deleted.",
	store.RuleDefaultLinkIsCustKey: "A customer's default link is the one whose key is the customer's key.",
	store.RuleUnitAgrees:           "The unit must be percentage, fixed or a currency code, and agree with amount_type and currency.",
	store.RuleSignupFixed:          "A signup reward must be a fixed amount.",
	store.RuleEventSupported:       "The event :event is not supported by refer-a-friend programs.",
	store.RuleVoidWhileArchived:    "A reward is void exactly while its transaction is archived.",
	store.RuleClicks:               "Clicks need an existing customer and a count of at least 0.",
}

// storeMessage words a domain error the way Partnero's (Laravel's)
// validator does.
func storeMessage(e *store.Error) string {
	switch e.Kind {
	case store.ErrNotFound:
		return fmt.Sprintf("%v not found.", e.Param("resource"))
	case store.ErrActionFailed:
		return "Action failed"
	}
	msg, ok := ruleMessages[e.Rule]
	if !ok {
		msg = "The :attribute field is invalid."
	}
	other, _ := e.Param("other").(string)
	pairs := []string{":attribute", attribute(e), ":other", display(other)}
	for _, p := range []string{"min", "max", "value", "places", "format", "event"} {
		pairs = append(pairs, ":"+p, fmt.Sprint(e.Param(p)))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// attribute is the name a message gives the field of a domain error: the
// "name" parameter verbatim, or the "attribute" parameter, or the last
// segment of the field (items of a list are named by their own field:
// transactions.1.amount is "amount"), with Laravel's display.
func attribute(e *store.Error) string {
	if n, ok := e.Param("name").(string); ok {
		return n
	}
	if a, ok := e.Param("attribute").(string); ok {
		return display(a)
	}
	f := e.Field
	if i := strings.LastIndexByte(f, '.'); i >= 0 {
		f = f[i+1:]
	}
	return display(f)
}

// display is Laravel's attribute name: underscores become spaces.
func display(field string) string { return strings.ReplaceAll(field, "_", " ") }
