package hub

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// callbackTimeout bounds one request to a callback, answer included.
const callbackTimeout = 10 * time.Second

// errRefused reports a callback address the hub does not connect to.
var errRefused = errors.New("callback address refused")

// NewClient returns the client the hub contacts callbacks with: no
// proxy, no redirects followed, every request bounded, and, unless
// allowPrivate, a dialer that refuses loopback, private, link-local and
// metadata addresses at connect time, after name resolution, so that a
// name resolving to one (DNS rebinding included) gets nowhere.
func NewClient(allowPrivate bool, conns int) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = refuseLocal
	}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          conns,
		MaxIdleConnsPerHost:   conns,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: callbackTimeout,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       callbackTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// refuseLocal is a net.Dialer Control function: it refuses to connect to
// an address refused says the hub must not reach.
func refuseLocal(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("hub: %w: %s", errRefused, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || refused(ip) {
		return fmt.Errorf("hub: %w: %s", errRefused, host)
	}
	return nil
}

// refusedPrefixes are ranges beyond netip's predicates: this network,
// shared address space (carrier NAT; Alibaba's metadata service), IETF
// protocol assignments, benchmarking, and NAT64 of any of them.
var refusedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// refused reports whether ip is loopback, private, link-local (cloud
// metadata at 169.254.169.254 and fd00:ec2::254 included), multicast,
// unspecified or another range no public callback lives in.
func refused(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range refusedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
