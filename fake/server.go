package fake

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/outbox"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

// DefaultMaxBodyBytes is the default limit on request bodies (1 MiB).
const DefaultMaxBodyBytes = 1 << 20

// Options configures a Server. The zero value is a working fake that accepts
// any API key, starts every tenant with an empty program and validates
// requests but not its own responses.
type Options struct {
	// APIKeys, when not empty, are the only accepted API keys; any other key
	// gets 401. When empty, every non-empty bearer token is accepted and
	// becomes its own tenant.
	APIKeys []string
	// ListTenantKeys lets GET /_fake/tenants (the inspector's tenant
	// picker) list every tenant with its API key to any caller. Off by
	// default: anyone who can reach the port would learn every key, and
	// with it every tenant's data. Off, the caller names its key and sees
	// only its own tenant.
	ListTenantKeys bool
	// StrictResponses validates every response against the spec; a response
	// that breaks it is replaced by a 500 naming the violation (and logged).
	// testkit turns it on.
	StrictResponses bool
	// MaxBodyBytes limits request bodies; larger ones get 413. Zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Seed drives generated identifiers. Zero means 1.
	Seed int64
	// Initial is the state every new tenant starts from and returns to on
	// reset. Nil means an empty program with Program's settings.
	Initial *store.Snapshot
	// Program is the program of every new tenant. With Initial, its non-zero
	// fields override the fixtures' program settings.
	Program store.Program
	// Now is the real time source behind every tenant's clock. Nil means
	// time.Now.
	Now func() time.Time
	// FreezeAt, when not zero, starts every tenant's clock frozen at that
	// instant, which makes responses byte-for-byte reproducible.
	FreezeAt time.Time
	// Logger receives one line per request. Nil discards logs.
	Logger *slog.Logger
	// JournalSize is how many requests each tenant's journal keeps (oldest
	// dropped). Zero means DefaultJournalSize; negative keeps none.
	JournalSize int
	// WebhookTimeout is how long a webhook receiver has to answer; zero
	// means DefaultWebhookTimeout.
	WebhookTimeout time.Duration
	// WebhookRetries is how many times a failed delivery is retried; zero
	// means DefaultWebhookRetries, negative means never.
	WebhookRetries int
	// WebhookBackoff is the first retry's delay on the tenant's clock,
	// doubled for each next one; zero means DefaultWebhookBackoff.
	WebhookBackoff time.Duration
	// OutboxSize is how many finished webhook events each tenant keeps;
	// zero means DefaultOutboxSize. Pending events are always kept.
	OutboxSize int
	// Limits: every resource a client can grow is bounded (README "Limits").
	// Zero means the default; negative means no limit where a field says so.

	// RecordLimits caps each tenant's customers, transactions, links,
	// webhooks and invitations; a create beyond gets 422. Zero fields mean
	// store.DefaultLimits.
	RecordLimits store.Limits
	// MaxTenants caps the tenants (API keys) served at once; a new key
	// beyond it gets 403. Zero means DefaultMaxTenants, negative no limit.
	MaxTenants int
	// MaxJSONDepth caps the nesting of JSON bodies; deeper ones get 422.
	// Zero means DefaultMaxJSONDepth.
	MaxJSONDepth int
	// JournalBytes caps the bodies each tenant's journal holds (oldest
	// entries dropped). Zero means DefaultJournalBytes.
	JournalBytes int
	// MaxPendingWebhooks caps each tenant's undelivered webhook deliveries;
	// beyond it the oldest is marked failed ("outbox full"). Zero means
	// DefaultMaxPendingWebhooks.
	MaxPendingWebhooks int
	// MaxFaults and MaxSnapshots cap each tenant's fault rules and named
	// snapshots; one more gets 422. Zero means the defaults.
	MaxFaults    int
	MaxSnapshots int
	// WebhookAllow, when not empty, lists the only webhook destinations:
	// host names, IP addresses and CIDR ranges. Empty allows any
	// destination but link-local and cloud metadata addresses.
	WebhookAllow []string

	// Spec replaces the embedded openapi.yaml (for experiments; the fake's
	// handlers still need the same operationIds).
	Spec []byte
}

// Server is the fake Partnero API: an http.Handler serving /v1 (the API) and
// /_fake (the control plane). Each API key is its own tenant, an isolated
// program created on first use. A Server is safe for concurrent use. It runs
// a goroutine per tenant only while webhook deliveries are pending; Close
// stops them.
type Server struct {
	opts         Options
	contract     *contract
	ops          map[string]handler
	log          *slog.Logger
	controlTable []*controlRoute
	template     store.Checkpoint // the initial state of every tenant

	policy *destPolicy    // where webhooks may go
	sender *outbox.Sender // sends every tenant's webhooks
	pool   *outbox.Pool   // every tenant's delivery goroutines; closed by Close

	mu      sync.Mutex // guards tenants
	tenants map[string]*tenant

	configured map[string]string // public program id -> API key, for Options.APIKeys; never changes

	bufs     sync.Pool // response scratch buffers (*[]byte), see jsonResponse
	xs       sync.Pool // exchanges (*exchange) done with, see handleAPI
	decoders decoders  // field tables of the handlers' input types (decode.go)
}

// tenant is one API key's program and everything scoped to it.
type tenant struct {
	store   *store.Store
	clock   *clock.Clock
	journal *journal
	warned  *warnLog // fidelity warnings, kept apart from the journal
	faults  *faults
	outbox  *outbox.Outbox

	publicID string // the program's public id, for PartneroJS (see publicProgramID)
	label    string // redact(key), the tenant in log lines

	mu        sync.Mutex // guards snapshots
	snapshots map[string]store.Checkpoint
}

// New returns a Server. It fails when the spec does not load, an operation
// has no handler, or Options.Initial is not a valid state.
func New(opts Options) (*Server, error) { return newServer(opts, nil) }

// newServer is New with a contract built beforehand (nil: the embedded one,
// or Options.Spec's), for benchmarks of a process's start.
func newServer(opts Options, c *contract) (*Server, error) {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.JournalSize == 0 {
		opts.JournalSize = DefaultJournalSize
	}
	if opts.WebhookTimeout <= 0 {
		opts.WebhookTimeout = DefaultWebhookTimeout
	}
	switch {
	case opts.WebhookRetries == 0:
		opts.WebhookRetries = DefaultWebhookRetries
	case opts.WebhookRetries < 0:
		opts.WebhookRetries = 0
	}
	if opts.WebhookBackoff <= 0 {
		opts.WebhookBackoff = DefaultWebhookBackoff
	}
	if opts.OutboxSize <= 0 {
		opts.OutboxSize = DefaultOutboxSize
	}
	if err := opts.limitDefaults(); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler) // formats nothing
	}
	opts.APIKeys = slices.Clone(opts.APIKeys)
	var err error
	switch {
	case c != nil:
	case opts.Spec != nil:
		c, err = loadContract(opts.Spec)
	default:
		c, err = embeddedContract()
	}
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts: opts, contract: c, log: opts.Logger, tenants: map[string]*tenant{}, pool: outbox.NewPool(),
	}
	s.configured = configuredPublicIDs(opts.Seed, opts.APIKeys)
	if s.policy, err = newDestPolicy(opts.WebhookAllow); err != nil {
		return nil, err
	}
	s.sender = s.policy.webhookSender(opts.WebhookTimeout, s.log)
	s.ops = s.operations()
	if err := s.checkOperations(); err != nil {
		return nil, err
	}
	tmpl, err := s.newStore(opts.Seed, s.newClock(), nil)
	if err != nil {
		return nil, fmt.Errorf("program: %w", err)
	}
	if opts.Initial != nil {
		initial := *opts.Initial
		initial.Program = overlay(initial.Program, opts.Program)
		if err := tmpl.Load(initial, true); err != nil {
			return nil, fmt.Errorf("initial state: %w", err)
		}
	}
	s.template = tmpl.Checkpoint()
	s.controlTable = s.controlRoutes()
	return s, nil
}

func (s *Server) newStore(seed int64, c *clock.Clock, publish func([]store.Event)) (*store.Store, error) {
	return store.New(store.Config{Seed: seed, Now: c.Now, Program: s.opts.Program, Publish: publish, ValidEmail: s.contract.validEmail, Limits: s.opts.RecordLimits})
}

// validEmail checks an imported email against openapi.yaml's Email schema,
// the rule requests follow: one definition of a valid email. The schema's
// check decides a string as kin-openapi does (schemaCheck).
func (c *contract) validEmail(v string) bool {
	return c.email == nil || c.email.accepts(v)
}

// tenantSeed is the seed of one tenant's generated values: derived from the
// server's seed and the API key, so that a run is reproducible while two
// tenants never share ids, webhook keys or signing secrets (a test that
// mixes up two tenants then fails instead of passing by accident).
func tenantSeed(seed int64, apiKey string) int64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	h.Write([]byte(apiKey))
	if v := int64(h.Sum64()); v != 0 {
		return v
	}
	return 1
}

// overlay returns base with the settings p sets (its non-zero fields): the
// configured program wins over the fixtures' program.
func overlay(base, p store.Program) store.Program {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&base.Name, p.Name)
	set(&base.Website, p.Website)
	set(&base.LinkFormat, p.LinkFormat)
	set(&base.LinkParam, p.LinkParam)
	set(&base.Currency, p.Currency)
	set(&base.TransactionKeys, p.TransactionKeys)
	set(&base.NonReferred, p.NonReferred)
	set(&base.BalanceFormat, p.BalanceFormat)
	if p.Rewards != nil {
		base.Rewards = p.Rewards
	}
	if p.CookieLifetimeDays != 0 {
		base.CookieLifetimeDays = p.CookieLifetimeDays
	}
	return base
}

func (s *Server) newClock() *clock.Clock {
	c := clock.New(s.opts.Now)
	if !s.opts.FreezeAt.IsZero() {
		c.FreezeAt(s.opts.FreezeAt) // unfrozen, it follows Now too
	}
	return c
}

// tenant returns the tenant of an API key, creating it on first use.
func (s *Server) tenant(key string) *tenant {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tenantLocked(key)
}

func (s *Server) tenantLocked(key string) *tenant {
	if t := s.tenants[key]; t != nil {
		return t
	}
	c := s.newClock()
	var st *store.Store
	ob := s.newOutbox(c, func(key string) (store.Webhook, error) { return st.Webhook(key) })
	st, _ = s.newStore(tenantSeed(s.opts.Seed, key), c, ob.Publish) // cannot fail: New checked the same configuration
	t := &tenant{
		store: st, clock: c, journal: newJournal(s.opts.JournalSize, s.opts.JournalBytes), faults: &faults{}, outbox: ob, warned: newWarnLog(),
		snapshots: map[string]store.Checkpoint{},
	}
	t.publicID = publicProgramID(s.opts.Seed, key)
	t.label = redact(key)
	t.store.PinProgramID(t.publicID)
	t.store.Restore(s.template)
	t.store.SetInitial()
	s.tenants[key] = t
	return t
}

// Close ends pending long-polls (they answer 503), stops the webhook
// delivery goroutines and waits for them; the answers to deliveries in
// flight are awaited first, within the webhook timeout in all. The Server keeps serving requests, but
// no longer delivers webhooks. Close may be called more than once.
func (s *Server) Close() {
	s.pool.Close()
	for _, t := range s.allTenants() {
		t.outbox.Wake()
	}
	s.pool.Wait()
	s.sender.Close()
}

func (s *Server) allTenants() []*tenant {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*tenant, 0, len(s.tenants))
	for _, t := range s.tenants {
		out = append(out, t)
	}
	return out
}

// keyAllowed reports whether an API key may be used.
func (s *Server) keyAllowed(key string) bool {
	if key == "" {
		return false
	}
	return len(s.opts.APIKeys) == 0 || slices.Contains(s.opts.APIKeys, key)
}

// StrictResponses reports whether the Server validates its own responses
// against the spec (Options.StrictResponses).
func (s *Server) StrictResponses() bool { return s.opts.StrictResponses }

// TenantLabel is how logs name the tenant of an API key: a stable,
// non-reversible tag ("key:92488e1e"), so keys never reach a log.
func TenantLabel(apiKey string) string { return redact(apiKey) }

// redact shortens an API key for logs: a stable, non-reversible tag.
func redact(key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	return "key:" + hex.EncodeToString(sum[:4])
}
