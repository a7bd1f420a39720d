package fake

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// Read-only control-plane endpoints for looking around a tenant: the
// tenants, an overview, customers found by text, a customer with the
// referral tree, every transaction and reward. The inspector (/_fake/ui)
// uses them, and so can tests. They never go through the API pipeline, so
// looking changes nothing: no journal entry, no fault rule applies.

// TenantInfo describes one tenant in GET /_fake/tenants.
type TenantInfo struct {
	Key          string `json:"key"`
	Customers    int    `json:"customers"`
	Transactions int    `json:"transactions"`
}

// ListTenants lists the tenants that exist (an API key becomes a tenant on its
// first use), sorted by key. It creates none.
func (s *Server) ListTenants() []TenantInfo {
	s.mu.Lock()
	keys := make([]string, 0, len(s.tenants))
	ts := make(map[string]*tenant, len(s.tenants))
	for k, t := range s.tenants {
		keys = append(keys, k)
		ts[k] = t
	}
	s.mu.Unlock()
	sort.Strings(keys)
	out := make([]TenantInfo, 0, len(keys))
	for _, k := range keys {
		n := ts[k].store.Counts()
		out = append(out, TenantInfo{Key: k, Customers: n.Customers, Transactions: n.Transactions})
	}
	return out
}

// tenantsHandler serves GET /_fake/tenants. With Options.ListTenantKeys
// (and no API key list) it needs no key and lists every tenant with its
// key; otherwise it needs the caller's key (an accepted one, with an API
// key list) and lists only that key's tenant, so it never shows another
// key. "api_keys" tells the inspector whether to ask for a key.
func (s *Server) tenantsHandler(w http.ResponseWriter, r *http.Request) {
	if s.opts.ListTenantKeys && len(s.opts.APIKeys) == 0 {
		writeControl(w, http.StatusOK, map[string]any{"data": s.ListTenants(), "api_keys": false})
		return
	}
	key, ok := bearer(r)
	if !ok || !s.keyAllowed(key) {
		writeControlError(w, errUnauthenticated)
		return
	}
	info := TenantInfo{Key: key}
	s.mu.Lock()
	t := s.tenants[key] // not created by looking
	s.mu.Unlock()
	if t != nil {
		n := t.store.Counts()
		info.Customers, info.Transactions = n.Customers, n.Transactions
	}
	writeControl(w, http.StatusOK, map[string]any{"data": []TenantInfo{info}, "api_keys": true})
}

// Overview is a tenant at a glance: GET /_fake/overview.
type Overview struct {
	Program        store.Program   `json:"program"`
	Counts         store.Counts    `json:"counts"`
	Webhooks       []store.Webhook `json:"webhooks"`
	WebhooksPaused bool            `json:"webhooks_paused"`
	Clock          clock.State     `json:"clock"`
	Snapshots      []string        `json:"snapshots"`
	Faults         int             `json:"faults"`
}

// maxOverviewWebhooks bounds the webhooks an overview lists.
const maxOverviewWebhooks = 100

func (s *Server) overviewHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"data": s.Tenant(key).Overview()}, nil
}

// inspectPage is the paging of the inspection lists: page from 1, limit 1
// to 100 (default 25).
func inspectPage(r *http.Request) (store.Paging, error) {
	q := r.URL.Query()
	p := store.Paging{Page: 1, Limit: 25, Desc: q.Get("order") == "desc"}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000_000 {
			return p, fieldErrors(map[string][]string{"page": {"The page must be an integer of at least 1."}})
		}
		p.Page = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return p, fieldErrors(map[string][]string{"limit": {"The limit must be an integer between 1 and 100."}})
		}
		p.Limit = n
	}
	if v := q.Get("order"); v != "" && v != "asc" && v != "desc" {
		return p, fieldErrors(map[string][]string{"order": {"The order must be asc or desc."}})
	}
	return p, nil
}

// inspectMeta is the paging part of an inspection list.
type inspectMeta struct {
	Page    int  `json:"page"`
	Limit   int  `json:"limit"`
	Total   int  `json:"total"`
	HasMore bool `json:"has_more"`
}

func inspectList[T, W any](p store.Page[T], total int, conv func(T) W) map[string]any {
	data := make([]W, 0, len(p.Items))
	for _, x := range p.Items {
		data = append(data, conv(x))
	}
	return map[string]any{"data": data, "meta": inspectMeta{Page: p.Page, Limit: p.Limit, Total: total, HasMore: p.HasMore}}
}

// customersHandler serves GET /_fake/customers?q=&page=&limit=&order=:
// customers (as the API shows them) whose id, key, email or name contains
// q, with the total.
func (s *Server) customersHandler(r *http.Request, key string) (any, error) {
	p, err := inspectPage(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query().Get("q")
	if len(q) > store.MaxFindText {
		return nil, fieldErrors(map[string][]string{"q": {"The q may not be greater than 200 characters."}})
	}
	page, total := s.Tenant(key).Store().FindCustomers(q, p)
	return inspectList(page, total, customerWire), nil
}

// CustomerInspection is a customer with everything around it: GET
// /_fake/customers/{id}.
type CustomerInspection struct {
	Customer  customerJSON     `json:"customer"`
	Referrers []customerBrief  `json:"referrers"`
	Tree      referralTreeJSON `json:"tree"`
	Links     []linkJSON       `json:"referral_links"`
	Balance   struct {
		Currency    []store.AmountLine `json:"currency"`
		NonCurrency []store.AmountLine `json:"non_currency"`
	} `json:"balance"`
	Stats statsJSON `json:"stats"`
	// Purchases are the customer's own, Sales those of the friends they
	// referred (the first 100 of each; the counts say how many in all).
	Purchases      []transactionJSON  `json:"purchases"`
	PurchasesCount int                `json:"purchases_count"`
	Sales          []transactionJSON  `json:"referred_sales"`
	Rewards        []store.RewardInfo `json:"rewards"`
	RewardsCount   int                `json:"rewards_count"`
}

type customerBrief struct {
	ID      string `json:"id"`
	Key     string `json:"key"`
	Email   string `json:"email,omitempty"`
	Name    string `json:"name,omitempty"`
	Surname string `json:"surname,omitempty"`
	Status  string `json:"status"`
}

func brief(c store.Customer) customerBrief {
	return customerBrief{ID: c.ID, Key: c.Key, Email: c.Email, Name: c.Name, Surname: c.Surname, Status: c.Status}
}

type referralTreeJSON struct {
	customerBrief
	ReferralsCount int                `json:"referrals_count"`
	Referrals      []referralTreeJSON `json:"referrals"`
}

func treeWire(n store.TreeNode) referralTreeJSON {
	out := referralTreeJSON{customerBrief: brief(n.Customer), ReferralsCount: n.Referrals, Referrals: make([]referralTreeJSON, 0, len(n.Children))}
	for _, c := range n.Children {
		out.Referrals = append(out.Referrals, treeWire(c))
	}
	return out
}

// maxInspectItems bounds each list of a customer inspection.
const maxInspectItems = 100

func wireTransactions(ts []store.TransactionView) []transactionJSON {
	out := make([]transactionJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, transactionWire(t))
	}
	return out
}

// inspectCustomerHandler serves GET /_fake/customers/{id}?depth=&width=
// (depth 1 to 5, default 3; width 1 to 100, default 25).
func (s *Server) inspectCustomerHandler(r *http.Request, key string) (any, error) {
	depth, err := intParam(r, "depth", 3, 1, 5)
	if err != nil {
		return nil, err
	}
	width, err := intParam(r, "width", 25, 1, 100)
	if err != nil {
		return nil, err
	}
	out, err := s.Tenant(key).InspectCustomer(r.PathValue("id"), depth, width)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": out}, nil
}

func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fieldErrors(map[string][]string{name: {"The " + name + " must be an integer between " +
			strconv.Itoa(lo) + " and " + strconv.Itoa(hi) + "."}})
	}
	return n, nil
}

// transactionsHandler serves GET /_fake/transactions?customer=&page=&limit=
// &order=: every transaction (or one buyer's) as the API shows it, archived
// ones with deleted_at, and the total. Refunded sales are deleted; the
// outbox keeps their transaction.deleted events.
func (s *Server) transactionsHandler(r *http.Request, key string) (any, error) {
	p, err := inspectPage(r)
	if err != nil {
		return nil, err
	}
	page, total, err := s.Tenant(key).Store().FindTransactions(r.URL.Query().Get("customer"), p)
	if err != nil {
		return nil, err
	}
	return inspectList(page, total, transactionWire), nil
}

// rewardsHandler serves GET /_fake/rewards?customer=&page=&limit=&order=:
// every reward (or one recipient's) in the state document's shape with its
// sale's key; void ones (their sale archived) carry deleted_at.
func (s *Server) rewardsHandler(r *http.Request, key string) (any, error) {
	p, err := inspectPage(r)
	if err != nil {
		return nil, err
	}
	page, total, err := s.Tenant(key).Store().FindRewards(r.URL.Query().Get("customer"), p)
	if err != nil {
		return nil, err
	}
	return inspectList(page, total, func(x store.RewardInfo) store.RewardInfo { return x }), nil
}

// maxLastEvents bounds the last parameter of GET /_fake/webhooks/events.
const maxLastEvents = 10000

// webhookEventsHandler serves GET /_fake/webhooks/events: the outbox
// filtered as outboxEventsHandler does, and with last=N only the newest N events (1 to
// 10,000), still oldest first, with "total", the number that matched.
func (s *Server) webhookEventsHandler(r *http.Request, key string) (any, error) {
	last, err := intParam(r, "last", 0, 1, maxLastEvents)
	if err != nil {
		return nil, err
	}
	doc, err := s.outboxEventsHandler(r, key)
	if err != nil || last == 0 {
		return doc, err
	}
	m, _ := doc.(map[string]any)
	all, _ := m["data"].([]WebhookEvent)
	total := len(all)
	if len(all) > last {
		all = all[len(all)-last:]
	}
	return map[string]any{"data": all, "total": total}, nil
}

// Overview returns the tenant's program settings and reward rules, its
// counts, registered webhooks (the first 100), clock, snapshots and the
// number of fault rules.
func (h *Tenant) Overview() Overview {
	t := h.t()
	return Overview{
		Program: t.store.Program(), Counts: t.store.Counts(),
		Webhooks:       t.store.ListWebhooks(store.Paging{Limit: maxOverviewWebhooks}).Items,
		WebhooksPaused: t.outbox.Paused(), Clock: t.clock.State(), Snapshots: h.Snapshots(),
		Faults: len(t.faults.list()),
	}
}

// InspectCustomer returns the customer named by ref (id, key or email) with
// their referrers, the tree of their referrals (depth levels of at most
// width customers each), links, balance, stats, purchases, their referred
// friends' sales and their rewards. It returns a 404 error for an unknown
// customer.
func (h *Tenant) InspectCustomer(ref string, depth, width int) (CustomerInspection, error) {
	st := h.Store()
	stats, view, err := st.Stats(ref)
	if err != nil {
		return CustomerInspection{}, err
	}
	var out CustomerInspection
	out.Customer = customerWire(view)
	tree, up, err := st.ReferralTree(view.ID, depth, width)
	if err != nil {
		return CustomerInspection{}, err
	}
	out.Tree = treeWire(tree)
	out.Referrers = make([]customerBrief, 0, len(up))
	for _, c := range up {
		out.Referrers = append(out.Referrers, brief(c))
	}
	out.Links = make([]linkJSON, 0, len(view.Links))
	for _, l := range view.Links {
		out.Links = append(out.Links, linkWire(l))
	}
	bal, err := st.Balance(view.ID)
	if err != nil {
		return CustomerInspection{}, err
	}
	out.Balance.Currency, out.Balance.NonCurrency = []store.AmountLine{}, []store.AmountLine{}
	for _, l := range bal.Lines {
		if l.IsCurrency {
			out.Balance.Currency = append(out.Balance.Currency, l)
		} else {
			out.Balance.NonCurrency = append(out.Balance.NonCurrency, l)
		}
	}
	out.Stats = statsWire(stats)
	all := store.Paging{Limit: maxInspectItems}
	buys, n, err := st.FindTransactions(view.ID, all)
	if err != nil {
		return CustomerInspection{}, err
	}
	out.PurchasesCount = n
	out.Purchases = wireTransactions(buys.Items)
	sales, err := st.CustomerTransactions(view.ID, all)
	if err != nil {
		return CustomerInspection{}, err
	}
	out.Sales = wireTransactions(sales.Items)
	rw, n, err := st.FindRewards(view.ID, all)
	if err != nil {
		return CustomerInspection{}, err
	}
	out.Rewards, out.RewardsCount = rw.Items, n
	return out, nil
}
