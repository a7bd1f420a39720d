package store

import (
	"sync"
	"time"
)

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
	// Customer is the customer the event is about (for customer.credited,
	// the credited customer). It is nil for customer.rewarded, whose data
	// is the reward: Reward.CustomerID names the rewarded customer.
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

// emit records an event of the change under way (under s.mu); unlock
// publishes it. The events of one change share its first event's time:
// the change is one instant.
func (s *Store) emit(e Event) {
	if s.publish != nil {
		e.Webhooks = s.st.subscribers(e.Type)
		if s.pending == nil {
			e.Time = s.timestamp()
			s.pending = make([]Event, 0, 2) // a sale and its reward, a signup and its reward
		} else {
			e.Time = s.pending[0].Time
		}
		s.pending = append(s.pending, e)
	}
}

// publisher hands the events of changes to Config.Publish in the order of
// the changes, outside the store's lock: each change with events takes a
// ticket under the lock and publishes when the one before it is done.
type publisher struct {
	mu     sync.Mutex
	cond   *sync.Cond
	served int64 // the last ticket published
}

// unlock releases s.mu, then publishes the events of the change, if any.
// Mutating methods defer it instead of s.mu.Unlock.
func (s *Store) unlock() {
	events := s.pending
	if len(events) == 0 {
		s.mu.Unlock()
		return
	}
	s.pending = nil
	s.ticket++
	ticket := s.ticket
	s.mu.Unlock()

	p := &s.pub
	p.mu.Lock()
	if p.cond == nil {
		p.cond = sync.NewCond(&p.mu)
	}
	for p.served != ticket-1 {
		p.cond.Wait()
	}
	p.mu.Unlock()
	s.publish(events) // only this change's turn: the next waits above
	p.mu.Lock()
	p.served = ticket
	p.cond.Broadcast()
	p.mu.Unlock()
}
