package main

import (
	"flag"
	"net/http"
	"strings"
	"time"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// Connection timeouts of the HTTP server. Long-polls (GET
// /_fake/webhooks/await) lift them for their own duration.
const (
	defaultReadTimeout  = 30 * time.Second
	defaultWriteTimeout = 90 * time.Second // above the longest fault latency (60 s)
	defaultIdleTimeout  = 60 * time.Second
)

// limits are the flags that bound what clients can make the fake hold.
type limits struct {
	maxTenants     int
	maxJSONDepth   int
	journalBytes   int
	maxPending     int
	maxFaults      int
	maxSnapshots   int
	records        store.Limits
	webhookAllow   listFlag
	readTimeout    time.Duration
	writeTimeout   time.Duration
	idleTimeout    time.Duration
	headerTimeout  time.Duration
	maxHeaderBytes int
}

// listFlag is a repeatable flag whose values may also be comma lists.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func (l *limits) register(fs *flag.FlagSet) {
	fs.IntVar(&l.maxTenants, "max-tenants", fake.DefaultMaxTenants, "most tenants (API keys) served at once; a new key beyond gets 403 (-1: no limit)")
	fs.IntVar(&l.maxJSONDepth, "max-json-depth", fake.DefaultMaxJSONDepth, "deepest nesting of a JSON body; deeper gets 422")
	fs.IntVar(&l.journalBytes, "journal-bytes", fake.DefaultJournalBytes, "bytes of bodies kept in each tenant's journal (oldest entries dropped)")
	fs.IntVar(&l.maxPending, "max-pending-webhooks", fake.DefaultMaxPendingWebhooks, "undelivered webhook deliveries per tenant; beyond, the oldest is marked failed (outbox full)")
	fs.IntVar(&l.maxFaults, "max-faults", fake.DefaultMaxFaults, "fault rules per tenant; one more gets 422")
	fs.IntVar(&l.maxSnapshots, "max-snapshots", fake.DefaultMaxSnapshots, "named snapshots per tenant; one more gets 422")
	d := store.DefaultLimits()
	fs.IntVar(&l.records.Customers, "max-customers", d.Customers, "customers per tenant; one more gets 422")
	fs.IntVar(&l.records.Transactions, "max-transactions", d.Transactions, "transactions per tenant; more get 422")
	fs.IntVar(&l.records.Links, "max-links", d.Links, "additional referral links per tenant; one more gets 422")
	fs.IntVar(&l.records.Webhooks, "max-webhooks", d.Webhooks, "webhooks per tenant; one more gets 422")
	fs.IntVar(&l.records.Invitations, "max-invitations", d.Invitations, "recorded invitations per tenant; one more gets 422")
	fs.Var(&l.webhookAllow, "webhook-allow", "the only webhook destinations: host names, IPs, CIDRs (repeatable or comma list; default: any but link-local and cloud metadata)")
	fs.DurationVar(&l.readTimeout, "read-timeout", defaultReadTimeout, "time to read a whole request, body included")
	fs.DurationVar(&l.writeTimeout, "write-timeout", defaultWriteTimeout, "time to answer a request (long-polls excepted)")
	fs.DurationVar(&l.idleTimeout, "idle-timeout", defaultIdleTimeout, "how long an idle keep-alive connection stays open")
	fs.DurationVar(&l.headerTimeout, "read-header-timeout", 10*time.Second, "time to read a request's headers")
	fs.IntVar(&l.maxHeaderBytes, "max-header-bytes", http.DefaultMaxHeaderBytes, "largest accepted request headers; larger get 431")
}

// apply copies the limits into the fake's options.
func (l limits) apply(o *fake.Options) {
	o.MaxTenants, o.MaxJSONDepth, o.JournalBytes = l.maxTenants, l.maxJSONDepth, l.journalBytes
	o.MaxPendingWebhooks, o.MaxFaults, o.MaxSnapshots = l.maxPending, l.maxFaults, l.maxSnapshots
	o.WebhookAllow = l.webhookAllow
	o.RecordLimits = l.records
}

// server returns the HTTP server with the configured timeouts.
func (l limits) server(h http.Handler) *http.Server {
	return &http.Server{
		Handler: h, ReadHeaderTimeout: l.headerTimeout, ReadTimeout: l.readTimeout,
		WriteTimeout: l.writeTimeout, IdleTimeout: l.idleTimeout, MaxHeaderBytes: l.maxHeaderBytes,
	}
}
