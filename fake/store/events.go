package store

import "time"

// Event types, named as Partnero's webhooks name them.
const (
	EventCustomerCreated    = "customer.created"
	EventCustomerUpdated    = "customer.updated"
	EventCustomerDeleted    = "customer.deleted"
	EventTransactionCreated = "transaction.created"
	EventTransactionDeleted = "transaction.deleted"
	EventCustomerCredited   = "customer.credited"
	EventCustomerRewarded   = "customer.rewarded"
)

// Event is a change of state worth telling the outside world, with the
// resource as it was right after the change. Loading a snapshot emits none.
type Event struct {
	// Type is one of the Event constants.
	Type string
	// Customer is the customer the event is about (for customer.* events,
	// the rewarded or credited customer).
	Customer *CustomerView
	// Transaction is set for transaction.* events.
	Transaction *TransactionView
	// Reward is set for customer.rewarded.
	Reward *Reward
	// Balance is set for customer.credited.
	Balance *BalanceView
	// Time is the store's clock when the event happened.
	Time time.Time
	// Webhooks are the active webhooks subscribed to the event, at that
	// moment.
	Webhooks []Webhook
}

// emit hands an event to the observer. It runs under s.mu, in the order of
// the changes; the observer must be quick and must not call the Store.
func (s *Store) emit(e Event) {
	if s.observer != nil {
		e.Time = s.timestamp()
		e.Webhooks = s.st.subscribers(e.Type)
		s.observer(e)
	}
}
