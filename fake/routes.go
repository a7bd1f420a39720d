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
		"test":          s.test,
		"getProgram":    s.getProgram,
		"updateProgram": s.updateProgram,

		"createCustomer":        s.createCustomer,
		"listCustomers":         s.listCustomers,
		"getCustomer":           s.getCustomer,
		"searchCustomers":       s.searchCustomers,
		"updateCustomer":        s.updateCustomer,
		"updateCustomerByBody":  s.updateCustomerByBody,
		"deleteCustomer":        s.deleteCustomer,
		"deleteCustomerByBody":  s.deleteCustomerByBody,
		"archiveCustomer":       s.archiveCustomer,
		"restoreCustomer":       s.restoreCustomer,
		"inviteCustomer":        s.inviteCustomer,
		"listCustomerReferrals": s.listCustomerReferrals,

		"listCustomerReferralLinks": s.listCustomerReferralLinks,
		"createReferralLink":        s.createReferralLink,
		"getReferralLink":           s.getReferralLink,
		"updateReferralLink":        s.updateReferralLink,
		"deleteReferralLink":        s.deleteReferralLink,
		"searchReferralLinks":       s.searchReferralLinks,

		"createTransaction":        s.createTransaction,
		"listTransactions":         s.listTransactions,
		"getTransaction":           s.getTransaction,
		"deleteTransaction":        s.deleteTransaction,
		"deleteTransactionByBody":  s.deleteTransactionByBody,
		"archiveTransaction":       s.archiveTransaction,
		"restoreTransaction":       s.restoreTransaction,
		"listCustomerTransactions": s.listCustomerTransactions,
		"getCustomerBalance":       s.getCustomerBalance,
		"creditCustomerBalance":    s.creditCustomerBalance,
		"getCustomerStats":         s.getCustomerStats,

		"listWebhooks":  s.listWebhooks,
		"createWebhook": s.createWebhook,
		"getWebhook":    s.getWebhook,
		"updateWebhook": s.updateWebhook,
		"deleteWebhook": s.deleteWebhook,
	}
}

// checkOperations fails when the spec and the handler table disagree.
func (s *Server) checkOperations() error {
	inSpec := map[string]bool{}
	for path, item := range s.contract.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return fmt.Errorf("openapi.yaml: %s %s has no operationId", method, path)
			}
			inSpec[op.OperationID] = true
			if s.ops[op.OperationID] == nil {
				return fmt.Errorf("openapi.yaml: operation %q (%s %s) has no handler", op.OperationID, method, path)
			}
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

// ServeHTTP implements http.Handler: /_fake is the control plane,
// everything else the API (which answers unknown paths with its 404).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_fake" || strings.HasPrefix(r.URL.Path, "/_fake/") {
		s.serveControl(w, r)
		return
	}
	s.serveAPI(w, r)
}
