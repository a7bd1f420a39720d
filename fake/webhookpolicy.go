package fake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/outbox"
)

// destPolicy decides where webhooks may be delivered. By default anything
// but link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10,
// fd00:ec2::254, 100.100.100.200, metadata.google.internal, ...): a fake
// shared in CI must not hand its clients a way to reach a cloud's
// credentials. Loopback stays allowed: tests deliver to local receivers.
// With an allow list (Options.WebhookAllow), only the hosts, addresses and
// ranges listed; a listed range or address also lifts the default refusal.
//
// The check runs when a webhook is created or updated (by name, no DNS),
// and again when a delivery connects (net.Dialer.Control, on the address
// actually dialled), so DNS answers cannot get around it.
type destPolicy struct {
	allowNets  []netip.Prefix
	allowHosts map[string]bool
	restricted bool // an allow list was given
	denyNets   []netip.Prefix
	denyHosts  map[string]bool
}

// errRefused marks a destination the policy refuses.
var errRefused = errors.New("refused by the webhook destination policy")

func newDestPolicy(allow []string) (*destPolicy, error) {
	p := &destPolicy{allowHosts: map[string]bool{}, restricted: len(allow) > 0, denyHosts: map[string]bool{}}
	for _, s := range []string{"169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128", "100.100.100.200/32"} {
		p.denyNets = append(p.denyNets, netip.MustParsePrefix(s))
	}
	for _, h := range []string{"metadata.google.internal", "metadata.goog", "metadata", "metadata.azure.internal", "instance-data", "instance-data.ec2.internal"} {
		p.denyHosts[h] = true
	}
	for _, a := range allow {
		a = strings.TrimSpace(a)
		if pf, err := netip.ParsePrefix(a); err == nil {
			p.allowNets = append(p.allowNets, pf.Masked())
		} else if ip, err := netip.ParseAddr(a); err == nil {
			p.allowNets = append(p.allowNets, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
		} else if name := hostName(a); name != "" && !strings.ContainsAny(name, "/:@ ") {
			p.allowHosts[name] = true
		} else {
			return nil, fmt.Errorf("webhook allow list: %q is not a host name, IP address or CIDR range", a)
		}
	}
	return p, nil
}

// Prefixes of IPv6 addresses that embed an IPv4 address.
var (
	nat64          = netip.MustParsePrefix("64:ff9b::/96")
	ipv4Compatible = netip.MustParsePrefix("::/96")
)

func hostName(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

// checkURL checks a webhook URL by its host, without resolving it.
func (p *destPolicy) checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return nil // not a URL: the store refuses it
	}
	return p.checkHost(u.Hostname())
}

// checkHost checks a host name or IP literal.
func (p *destPolicy) checkHost(host string) error {
	if ip, err := netip.ParseAddr(host); err == nil {
		return p.checkAddr("", ip)
	}
	name := hostName(host)
	switch {
	case p.allowHosts[name]:
		return nil
	case p.denyHosts[name]:
		return fmt.Errorf("%w: %s is a cloud metadata host", errRefused, name)
	case !p.restricted:
		return nil
	case name == "localhost" || strings.HasSuffix(name, ".localhost"):
		return p.checkAddr(name, netip.MustParseAddr("127.0.0.1"))
	}
	return fmt.Errorf("%w: %s is not in the allow list", errRefused, name)
}

// checkAddr checks an address about to be dialled; name is the host name
// it was resolved from, if any.
func (p *destPolicy) checkAddr(name string, ip netip.Addr) error {
	// A zoned address is never inside a prefix (fe80::1%eth0 would pass
	// fe80::/10); the zone does not change where it goes.
	ip = ip.WithZone("").Unmap()
	if ip.Is6() {
		// NAT64 (64:ff9b::/96) and IPv4-compatible (::a.b.c.d) forms
		// reach the IPv4 address they embed: check that one too.
		b := ip.As16()
		if nat64.Contains(ip) || (ipv4Compatible.Contains(ip) && !ip.IsUnspecified() && !ip.IsLoopback()) {
			if err := p.checkAddr(name, netip.AddrFrom4([4]byte(b[12:]))); err != nil {
				return err
			}
		}
	}
	for _, n := range p.allowNets {
		if n.Contains(ip) {
			return nil
		}
	}
	for _, n := range p.denyNets {
		if n.Contains(ip) {
			return fmt.Errorf("%w: %s is a link-local or cloud metadata address", errRefused, ip)
		}
	}
	if p.restricted && (name == "" || !p.allowHosts[name]) {
		return fmt.Errorf("%w: %s is not in the allow list", errRefused, ip)
	}
	return nil
}

// dialContext dials a webhook receiver: the host is checked by name, then
// every address the dialer tries is checked before it connects.
func (p *destPolicy) dialContext(timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if err := p.checkHost(host); err != nil {
			return nil, err
		}
		name := ""
		if _, err := netip.ParseAddr(host); err != nil {
			name = hostName(host)
		}
		d := &net.Dialer{Timeout: timeout, Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: cannot read the address %q", errRefused, address)
			}
			return p.checkAddr(name, ap.Addr())
		}}
		return d.DialContext(ctx, network, addr)
	}
}

// webhookSender is what delivers webhooks: the destination policy at dial
// time, no proxy, no redirects followed (a 3xx is a failed attempt).
func (p *destPolicy) webhookSender(timeout time.Duration, log *slog.Logger) *outbox.Sender {
	return &outbox.Sender{
		Dial: p.dialContext(timeout), Check: p.checkURL, Refused: func(err error) bool { return errors.Is(err, errRefused) },
		Timeout: timeout, Log: log,
	}
}

// checkWebhookURL refuses, with a 422 naming url, a webhook URL the policy
// refuses.
func (s *Server) checkWebhookURL(u *string) error {
	if u == nil {
		return nil
	}
	if err := s.policy.checkURL(*u); err != nil {
		return fieldErrors(map[string][]string{"url": {"The url field must point to an allowed destination: " +
			strings.TrimPrefix(err.Error(), errRefused.Error()+": ") + " (see --webhook-allow)."}})
	}
	return nil
}
