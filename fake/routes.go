package fake

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// operations binds every operationId of openapi.yaml to its handler. This
// is the only list of API routes: paths and methods come from the spec, and
// New fails if the two disagree.
func (s *Server) operations() map[string]handler {
	return map[string]handler{
		"test":          testAPIKey,
		"getProgram":    getProgram,
		"updateProgram": updateProgram,

		"createCustomer":        createCustomer,
		"listCustomers":         listCustomers,
		"getCustomer":           getCustomer,
		"searchCustomers":       searchCustomers,
		"updateCustomer":        updateCustomer,
		"updateCustomerByBody":  updateCustomerByBody,
		"deleteCustomer":        deleteCustomer,
		"deleteCustomerByBody":  deleteCustomerByBody,
		"archiveCustomer":       archiveCustomer,
		"restoreCustomer":       restoreCustomer,
		"inviteCustomer":        inviteCustomer,
		"listCustomerReferrals": listCustomerReferrals,

		"listCustomerReferralLinks": listCustomerReferralLinks,
		"createReferralLink":        createReferralLink,
		"getReferralLink":           getReferralLink,
		"updateReferralLink":        updateReferralLink,
		"deleteReferralLink":        deleteReferralLink,
		"searchReferralLinks":       searchReferralLinks,

		"createTransaction":        createTransaction,
		"listTransactions":         listTransactions,
		"getTransaction":           getTransaction,
		"deleteTransaction":        deleteTransaction,
		"deleteTransactionByBody":  deleteTransactionByBody,
		"archiveTransaction":       archiveTransaction,
		"restoreTransaction":       restoreTransaction,
		"listCustomerTransactions": listCustomerTransactions,
		"getCustomerBalance":       getCustomerBalance,
		"creditCustomerBalance":    creditCustomerBalance,
		"getCustomerStats":         getCustomerStats,

		"listWebhooks":  listWebhooks,
		"createWebhook": s.createWebhook,
		"getWebhook":    getWebhook,
		"updateWebhook": s.updateWebhook,
		"deleteWebhook": deleteWebhook,
	}
}

// checkOperations fails when the spec and the handler table disagree.
func (s *Server) checkOperations() error {
	inSpec := map[string]bool{}
	for _, op := range s.contract.ops {
		if op.id == "" {
			return fmt.Errorf("openapi.yaml: %s %s has no operationId", op.method, op.path)
		}
		inSpec[op.id] = true
		if s.ops[op.id] == nil {
			return fmt.Errorf("openapi.yaml: operation %q (%s %s) has no handler", op.id, op.method, op.path)
		}
	}
	var extra []string
	for id := range s.ops {
		if !inSpec[id] {
			extra = append(extra, id)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return fmt.Errorf("handlers without an operation in openapi.yaml: %v", extra)
	}
	return nil
}

// ServeHTTP implements http.Handler: /_fake is the control plane, /js and
// /partnerojs the browser surface (PartneroJS), everything else the API
// (which answers unknown paths with its 404). ClientHeader is taken off
// first (see withClient).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = withClient(r)
	if r.URL.Path == "/_fake" || strings.HasPrefix(r.URL.Path, "/_fake/") {
		s.serveControl(w, r)
		return
	}
	if isBrowserPath(r.URL.Path) {
		s.serveBrowser(w, r)
		return
	}
	s.serveAPI(w, r)
}
