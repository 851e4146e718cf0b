package securitymod

import (
	"fmt"
	"net/netip"
	"strings"
)

// hostMatcher decides whether a request's Host is one of ALLOWED_HOSTS.
type hostMatcher struct {
	any      bool                // "*" was listed
	exact    map[string]struct{} // normalised host names and IP literals
	suffixes []string            // ".example.com" for "*.example.com"
}

// newHostMatcher parses ALLOWED_HOSTS items: "*" (any host), "*.example.com"
// (any subdomain of example.com, not example.com itself), or an exact host
// name or IP literal. Ports ("api.example.com:8443", "[::1]:8000") and a
// trailing dot are dropped, letters are lower-cased. Anything else (a scheme,
// a path, a "*" elsewhere) is an error naming ALLOWED_HOSTS.
func newHostMatcher(items []string) (*hostMatcher, error) {
	m := &hostMatcher{exact: make(map[string]struct{}, len(items))}
	for _, raw := range items {
		item := strings.TrimSpace(raw)
		if item == "" {
			continue
		}
		if item == "*" {
			m.any = true
			continue
		}
		wildcard := strings.HasPrefix(item, "*.")
		if wildcard {
			item = item[2:]
		}
		host := normaliseHost(item)
		if !validHostName(host) {
			return nil, fmt.Errorf("securitymod: ALLOWED_HOSTS: %q must be a host name, an IP address, "+
				`"*.domain" or "*"`, raw)
		}
		if wildcard {
			m.suffixes = append(m.suffixes, "."+host)
		} else {
			m.exact[host] = struct{}{}
		}
	}
	return m, nil
}

// empty reports whether no host was listed (no restriction).
func (m *hostMatcher) empty() bool {
	return !m.any && len(m.exact) == 0 && len(m.suffixes) == 0
}

// allowed reports whether the Host header value hostport is acceptable.
func (m *hostMatcher) allowed(hostport string) bool {
	if m.any {
		return true
	}
	host := normaliseHost(hostport)
	if host == "" {
		return false
	}
	if _, ok := m.exact[host]; ok {
		return true
	}
	for _, s := range m.suffixes {
		if len(host) > len(s) && strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

// normaliseHost drops the port and a trailing dot from a Host value and
// lower-cases it: "API.Example.com.:8443" -> "api.example.com",
// "[::1]:8000" -> "::1". IPv6 literals are put in their canonical form; a bare
// one ("::1", not valid in a Host header but accepted in settings) is kept
// whole. A malformed value (bad port, unclosed bracket) gives "".
func normaliseHost(hostport string) string {
	host := hostport
	switch {
	case strings.HasPrefix(host, "["):
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return ""
		}
		rest := host[end+1:]
		if rest != "" && !validPort(rest) {
			return ""
		}
		host = host[1:end]
	case strings.Count(host, ":") == 1:
		i := strings.IndexByte(host, ':')
		if !validPort(host[i:]) {
			return ""
		}
		host = host[:i]
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if strings.IndexByte(host, ':') >= 0 {
		// IPv6: one spelling per address ("0:0::1" and "::1" are the same).
		if addr, err := netip.ParseAddr(host); err == nil {
			host = addr.String()
		}
	}
	return host
}

// validPort reports whether s is ":" followed by at most five digits (an
// empty port, "host:", is allowed as net/http allows it).
func validPort(s string) bool {
	if s == "" || s[0] != ':' || len(s) > 6 {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validHostName reports whether h (already normalised) is an IP address or a
// DNS-style name of letters, digits, '-' and '_' labels.
func validHostName(h string) bool {
	if h == "" {
		return false
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
