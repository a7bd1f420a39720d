// Package testkit runs partnero-fake for tests in-process and gives typed
// helpers for its API and control plane.
//
// Start feels like httptest.NewServer: a fake on 127.0.0.1, closed when the
// test ends, with the fake's log in the test's output:
//
//	srv := testkit.Start(t, testkit.WithDemoFixtures())
//	handler := signup.Handler{PartneroURL: srv.APIURL, APIKey: srv.APIKey, Client: http.DefaultClient}
//	// ... exercise the code under test ...
//	sent := srv.Requests(t, fake.JournalFilter{Operation: "createCustomer"})
//
// Package testkit/container runs the fake's image instead (a
// testcontainers-go module), with the same Options and the same *Client, so
// a test written against a *Client runs unchanged against either; testkit
// itself imports no container code, so in-process tests compile no Docker
// client.
//
// # Options
//
// Initial state of every tenant (the default is an empty program):
// WithDemoFixtures, WithGeneratedFixtures, WithFixturesFile, WithFixtures.
// Program settings and reward rules: WithProgram (Client.SetRewardRules
// changes one tenant's rules while a test runs). Keys: WithAPIKey (the
// client's, default DefaultAPIKey), WithAllowedAPIKeys (others get 401).
// Time: WithFrozenClock. WithStrictResponses (on by default) validates every
// response against openapi.yaml; WithLogger replaces the test log.
//
// # Helpers
//
// Every helper of *Client fails the test on a transport error or an
// unexpected status. API: CreateCustomer, Customer, CreateTransaction,
// RefundTransaction, Balance, CreditBalance, Stats, SetRewardRules,
// RewardRules, CreateWebhook, and Do for anything else. Control plane:
// Reset, ExportState, ImportState, SaveSnapshot, RestoreSnapshot, Requests,
// ClearRequests, AddFault, Faults, ClearFaults, Clock, FreezeClock,
// AdvanceClock, Invitations, SetClicks, and the webhook outbox
// (WebhookEvents, AwaitWebhook, RedeliverWebhook, PauseWebhooks, ...).
// Tenants: WithAPIKey and Tenant give clients for other tenants of the same
// fake.
//
// # The journal
//
// Requests returns what the code under test sent. The helpers mark their
// own requests with the header fake.ClientHeader (X-Partnero-Fake-Client:
// testkit), and the journal leaves them out unless the filter has
// IncludeTestkit. RequestBody and ResponseBody decode an entry's bodies into
// a type of your choice.
package testkit
