package store

import (
	"fmt"
	"slices"
	"strings"
)

// Reward triggers: when a rule rewards.
const (
	// TriggerSignup rewards when a referred friend is created ("when
	// referred friend creates an account").
	TriggerSignup = "signup"
	// TriggerPurchase rewards a referred friend's first sale, as Partnero's
	// guide defines it ("when referred friend makes first purchase"): the
	// first one that qualifies while no other live sale of that friend
	// holds a live reward of the rule.
	TriggerPurchase = "purchase"
	// TriggerFirstPurchase is another name of TriggerPurchase.
	TriggerFirstPurchase = "first_purchase"
	// TriggerEveryPurchase rewards every sale of a referred friend (a
	// fake-only name: Partnero configures recurring rewards in its
	// dashboard).
	TriggerEveryPurchase = "every_purchase"
	// TriggerSubscription rewards sales whose action or product_type is
	// "subscription".
	TriggerSubscription = "subscription"
)

// Reward types. Only credit rewards accrue to the balance.
const (
	RewardCredit   = "credit"
	RewardDiscount = "discount"
	RewardCash     = "cash"
)

// Amount types of a rule.
const (
	AmountFixed   = "fixed"
	AmountPercent = "percent"
)

// Recipients of a rule's rewards.
const (
	RecipientReferrer = "referrer"
	RecipientReferred = "referred"
	RecipientBoth     = "both"
)

// Program options for duplicate transaction keys. Partnero's old docs say a
// key "must be unique"; the official n8n README says keys are not unique and
// a second call creates a second transaction. The newest statement wins by
// default.
const (
	TransactionKeysAllow  = "allow"
	TransactionKeysReject = "reject"
)

// Program options for transactions of customers nobody referred. Partnero's
// refer-a-friend guide says to create a transaction "when any customer makes
// a purchase" (accepted by default: recorded, listed, counted, no reward);
// the old refer-a-friend docs say transactions "can be created for referred
// customers only" (NonReferredReject).
const (
	NonReferredReject = "reject"
	NonReferredAccept = "accept"
)

// Program options for the balance's wire form. Partnero's own response for
// a customer without rewards is "balance": [] (the API is PHP: an empty
// collection serialises as an array), and an object with per-unit lines
// otherwise; one of its guides shows a flat {"balance": 45.00, "currency":
// "USD", "pending": 10.00} instead.
const (
	// BalancePartnero sends [] for an empty balance and the object
	// {"currency": [...], "non_currency": [...]} otherwise.
	BalancePartnero = "partnero"
	// BalanceObject always sends the object, even empty.
	BalanceObject = "object"
	// BalanceGuide sends the guide's flat form: the balance in the
	// program's currency as a number, with "currency" and "pending".
	BalanceGuide = "guide"
)

// Units of a rule's amount in the guide's words ("unit": "percentage").
const (
	UnitPercentage = "percentage"
	UnitFixed      = "fixed"
)

// RewardRule is one reward rule of a program, as configured in Partnero's
// dashboard ("reward both parties", "10% of every purchase", ...). It also
// takes the words of Partnero's customer-referrals guide: {"reward_type":
// "discount", "amount": 20, "unit": "percentage"} is Type discount,
// AmountType percent; {"reward_type": "credit", "amount": 10, "currency":
// "USD"} is a fixed credit of 10 USD.
type RewardRule struct {
	// ID names the rule in rewards; default "rule_<n>", numbered in order
	// and skipping ids given explicitly.
	ID string `json:"id"`
	// Trigger is one of the Trigger constants.
	Trigger string `json:"trigger"`
	// Type is RewardCredit, RewardDiscount or RewardCash.
	Type string `json:"type"`
	// RewardType is the guide's name of Type; when both are set they must
	// agree.
	RewardType string `json:"reward_type,omitempty"`
	// AmountType is AmountFixed or AmountPercent (of the sale).
	AmountType string `json:"amount_type"`
	// Unit is the guide's way to say AmountType: UnitPercentage (also
	// "percent") or UnitFixed, or a currency code, which means a fixed
	// amount in that currency. When set it must agree with AmountType and
	// Currency.
	Unit string `json:"unit,omitempty"`
	// Amount is the fixed amount, or the percentage.
	Amount Money `json:"amount"`
	// Currency of fixed rewards; default the program's. Percent rewards are
	// in the sale's currency.
	Currency string `json:"currency,omitempty"`
	// Recipients is who is rewarded: the referrer (default), the referred
	// friend, or both.
	Recipients string `json:"recipients"`
	// MaxPerReferrer limits the live rewards of this rule per referrer
	// (0: no limit).
	MaxPerReferrer int `json:"max_rewards_per_referrer,omitempty"`
	// MinSaleAmount is the smallest sale that is rewarded (0: any).
	MinSaleAmount Money `json:"min_sale_amount,omitzero"`
}

// DefaultRewards is the reward rule of a program nobody configured: the
// referrer earns 10% of each purchase of a referred friend, as account
// credit in the sale's currency.
func DefaultRewards() []RewardRule {
	return []RewardRule{{
		ID: "rule_1", Trigger: TriggerEveryPurchase, Type: RewardCredit, AmountType: AmountPercent,
		Amount: MoneyOf(10), Recipients: RecipientReferrer,
	}}
}

func (r RewardRule) withDefaults() RewardRule {
	if r.Trigger == "" {
		r.Trigger = TriggerPurchase // the guide's reward examples name no trigger
	}
	if r.Type == "" {
		r.Type = r.RewardType
	}
	if r.Type == "" {
		r.Type = RewardCredit
	}
	switch u := r.Unit; {
	case u == UnitPercentage || u == "percent":
		if r.AmountType == "" {
			r.AmountType = AmountPercent
		}
	case u != "" && u != UnitFixed && r.Currency == "":
		r.Currency = strings.ToUpper(u)
	}
	if r.AmountType == "" {
		r.AmountType = AmountFixed
	}
	if r.Recipients == "" {
		r.Recipients = RecipientReferrer
	}
	return r
}

// validateMoney checks the money settings of a program; prefix names the
// field path in errors ("" or "program.").
func (p Program) validateMoney(prefix string) error {
	cur, ok := normalizeUnits(p.Currency, true)
	if !ok || cur != p.Currency {
		return invalid(prefix+"currency", RuleCurrencyCode)
	}
	if p.TransactionKeys != TransactionKeysAllow && p.TransactionKeys != TransactionKeysReject {
		return invalid(prefix+"transaction_keys", RuleIn)
	}
	if p.NonReferred != NonReferredReject && p.NonReferred != NonReferredAccept {
		return invalid(prefix+"non_referred_transactions", RuleIn)
	}
	if !slices.Contains([]string{BalancePartnero, BalanceObject, BalanceGuide}, p.BalanceFormat) {
		return invalid(prefix+"balance_format", RuleIn)
	}
	ids := map[string]bool{}
	for i, r := range p.Rewards {
		f := fmt.Sprintf("%srewards.%d.", prefix, i)
		switch {
		case ids[r.ID]:
			return invalid(f+"id", RuleUnique)
		case !slices.Contains([]string{TriggerSignup, TriggerPurchase, TriggerFirstPurchase, TriggerEveryPurchase, TriggerSubscription}, r.Trigger):
			return invalid(f+"trigger", RuleIn)
		case r.RewardType != "" && r.RewardType != r.Type:
			return invalid(f+"reward_type", RuleSame, "other", "type")
		case !slices.Contains([]string{RewardCredit, RewardDiscount, RewardCash}, r.Type):
			return invalid(f+"type", RuleIn)
		case !r.unitAgrees():
			return invalid(f+"unit", RuleUnitAgrees)
		case !slices.Contains([]string{AmountFixed, AmountPercent}, r.AmountType):
			return invalid(f+"amount_type", RuleIn)
		case !slices.Contains([]string{RecipientReferrer, RecipientReferred, RecipientBoth}, r.Recipients):
			return invalid(f+"recipients", RuleIn)
		case r.Amount.Sign() <= 0:
			return invalid(f+"amount", RuleGt, "value", 0)
		case r.AmountType == AmountPercent && r.Amount.Cmp(MoneyOf(100)) > 0:
			return invalid(f+"amount", RuleMax, "max", 100)
		case r.AmountType == AmountPercent && r.Trigger == TriggerSignup:
			return invalid(f+"amount_type", RuleSignupFixed)
		case r.MaxPerReferrer < 0:
			return invalid(f+"max_rewards_per_referrer", RuleMin, "min", 0)
		case r.MinSaleAmount.Sign() < 0:
			return invalid(f+"min_sale_amount", RuleMin, "min", 0)
		}
		if r.Currency != "" {
			if c, ok := normalizeUnits(r.Currency, true); !ok || c != r.Currency {
				return invalid(f+"currency", RuleCurrencyCode)
			}
		}
		ids[r.ID] = true
	}
	return nil
}

// unitAgrees reports whether the guide's unit, when set, says what
// AmountType and Currency say.
func (r RewardRule) unitAgrees() bool {
	switch u := r.Unit; {
	case u == "":
		return true
	case u == UnitPercentage || u == "percent":
		return r.AmountType == AmountPercent
	case u == UnitFixed:
		return r.AmountType == AmountFixed
	default:
		c, ok := normalizeUnits(u, true)
		return ok && r.AmountType == AmountFixed && (r.Currency == "" || r.Currency == c)
	}
}
