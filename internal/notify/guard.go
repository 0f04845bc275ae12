package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// ErrForbiddenAddress is returned (wrapped) when a webhook URL resolves to an
// address the SSRF guard refuses: loopback, private, link-local (including
// cloud metadata at 169.254.169.254), unspecified, multicast, shared
// (100.64.0.0/10) or reserved ranges. Config.AllowPrivate turns the guard off.
var ErrForbiddenAddress = errors.New("address not allowed for webhooks")

// blockedPrefixes are ranges that netip's predicates do not cover.
func blockedPrefixes() [15]netip.Prefix {
	return [...]netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),       // "this network" (RFC 1122)
		netip.MustParsePrefix("100.64.0.0/10"),   // shared address space, CGNAT (RFC 6598)
		netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments (RFC 6890)
		netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking (RFC 2544)
		netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
		netip.MustParsePrefix("64:ff9b::/96"),    // NAT64 (RFC 6052): may reach private IPv4
		netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64 (RFC 8215)
		netip.MustParsePrefix("2001:db8::/32"),   // documentation (RFC 3849)
		netip.MustParsePrefix("2002::/16"),       // 6to4: embeds an IPv4 address
		netip.MustParsePrefix("2001::/32"),       // Teredo
		netip.MustParsePrefix("100::/64"),        // discard-only (RFC 6666)
		netip.MustParsePrefix("192.88.99.0/24"),  // 6to4 relay anycast
		netip.MustParsePrefix("198.51.100.0/24"), // documentation (RFC 5737)
		netip.MustParsePrefix("203.0.113.0/24"),  // documentation (RFC 5737)
		netip.MustParsePrefix("192.0.2.0/24"),    // documentation (RFC 5737)
	}
}

// publicAddr reports whether a webhook may connect to ip.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range blockedPrefixes() {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// guardControl is a net.Dialer Control function: it runs after name
// resolution, on the address actually dialled, so DNS rebinding cannot slip a
// private address past it.
func guardControl(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("notify: dial %s: %w", address, ErrForbiddenAddress)
	}
	if !publicAddr(ap.Addr()) {
		return fmt.Errorf("notify: dial %s: %w", ap.Addr(), ErrForbiddenAddress)
	}
	return nil
}

// checkURL validates a webhook URL before any request: http or https, a host,
// no user info. With the guard on, a literal IP or a host name resolving to a
// refused address is rejected here too (the dialer checks again).
func checkURL(ctx context.Context, raw string, allowPrivate bool, resolver *net.Resolver) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("notify: webhook url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("notify: webhook url %q: scheme must be http or https", u.Redacted())
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("notify: webhook url %q: no host", u.Redacted())
	}
	if u.User != nil {
		return nil, fmt.Errorf("notify: webhook url %q: credentials in URLs are not allowed; use the secret", u.Redacted())
	}
	if allowPrivate {
		return u, nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if !publicAddr(ip) {
			return nil, fmt.Errorf("notify: webhook url host %s: %w", ip, ErrForbiddenAddress)
		}
		return u, nil
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return nil, fmt.Errorf("notify: webhook url host %s: %w", host, ErrForbiddenAddress)
	}
	addrs, err := resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("notify: webhook url host %s: %w", host, err)
	}
	for _, a := range addrs {
		if !publicAddr(a) {
			return nil, fmt.Errorf("notify: webhook url host %s resolves to %s: %w", host, a, ErrForbiddenAddress)
		}
	}
	return u, nil
}
