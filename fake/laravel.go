package fake

import (
	"fmt"
	"strings"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// storeMessage words a domain error the way Partnero's (Laravel's)
// validator does: "The :attribute field is required.", "The :attribute has
// already been taken.", "The selected :attribute is invalid.", ...
func storeMessage(e *store.Error) string {
	switch e.Kind {
	case store.ErrNotFound:
		return fmt.Sprintf("%v not found.", e.Param("resource"))
	case store.ErrActionFailed:
		return "Action failed"
	}
	a, p := attribute(e), e.Param
	other := func() string { s, _ := p("other").(string); return display(s) }
	switch e.Rule {
	case store.RuleRequired:
		return fmt.Sprintf("The %s field is required.", a)
	case store.RuleRequiredWithout:
		return fmt.Sprintf("The %s field is required when %s is not present.", a, other())
	case store.RuleRequiredIf:
		return fmt.Sprintf("The %s field is required when %s is %v.", a, other(), p("value"))
	case store.RuleRequiredUnique:
		return fmt.Sprintf("The %s field is required and must be unique.", a)
	case store.RuleUnique:
		return fmt.Sprintf("The %s has already been taken.", a)
	case store.RuleIn, store.RuleExists:
		return fmt.Sprintf("The selected %s is invalid.", a)
	case store.RuleGt:
		return fmt.Sprintf("The %s field must be greater than %v.", a, p("value"))
	case store.RuleMin:
		return fmt.Sprintf("The %s field must be at least %v.", a, p("min"))
	case store.RuleMax:
		return fmt.Sprintf("The %s field must not be greater than %v.", a, p("max"))
	case store.RuleMaxChars:
		return fmt.Sprintf("The %s field must not be greater than %v characters.", a, p("max"))
	case store.RuleMaxItems:
		return fmt.Sprintf("The %s field must not have more than %v items.", a, p("max"))
	case store.RuleBetween:
		return fmt.Sprintf("The %s must be between %v and %v.", a, p("min"), p("max"))
	case store.RuleEquals:
		return fmt.Sprintf("The %s must be %v.", a, p("value"))
	case store.RuleSame:
		return fmt.Sprintf("The %s and %s fields must match.", a, other())
	case store.RuleDistinct:
		return fmt.Sprintf("The %s field has a duplicate value.", a)
	case store.RuleNumeric:
		return fmt.Sprintf("The %s field must be a number.", a)
	case store.RuleDecimal:
		return fmt.Sprintf("The %s field must have %v decimal places.", a, p("places"))
	case store.RuleEmail:
		return fmt.Sprintf("The %s field must be a valid email address.", a)
	case store.RuleURL:
		return fmt.Sprintf("The %s field must be a valid URL.", a)
	case store.RuleFormat:
		return fmt.Sprintf("The %s format is invalid.", a)
	case store.RuleDateFormat:
		return fmt.Sprintf("The %s field must be a valid date (%v).", a, p("format"))
	case store.RuleScalar:
		return fmt.Sprintf("The %s field must be a string, a number or a boolean.", a)
	case store.RuleCurrencyCode:
		return fmt.Sprintf("The %s must be an upper-case ISO 4217 code.", a)
	case store.RuleKnownCurrency:
		return fmt.Sprintf("The selected %s is not a known currency code.", a)
	case store.RuleReferredOnly:
		return "Transactions can be created for referred customers only."
	case store.RuleBalanceBound:
		return "The balance would exceed the largest amount the fake keeps."
	case store.RuleRewardBalanceBound:
		return "The rewards would take a balance past the largest amount the fake keeps."
	case store.RuleMetadataKey:
		return fmt.Sprintf("Each metadata key must be 1 to %v bytes of UTF-8.", p("max"))
	case store.RuleDefaultLinkKey:
		return "The key of a default referral link follows the customer key; update the customer instead."
	case store.RuleDefaultLinkDelete:
		return "The default referral link cannot be deleted."
	case store.RuleDefaultLinkIsCustKey:
		return "A customer's default link is the one whose key is the customer's key."
	case store.RuleUnitAgrees:
		return "The unit must be percentage, fixed or a currency code, and agree with amount_type and currency."
	case store.RuleSignupFixed:
		return "A signup reward must be a fixed amount."
	case store.RuleEventSupported:
		return fmt.Sprintf("The event %v is not supported by refer-a-friend programs.", p("event"))
	case store.RuleVoidWhileArchived:
		return "A reward is void exactly while its transaction is archived."
	case store.RuleClicks:
		return "Clicks need an existing customer and a count of at least 0."
	}
	return fmt.Sprintf("The %s field is invalid.", a)
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
