package settingsmod

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// parseHTTPURL parses an absolute http(s) URL with a host. Its errors say
// what is wrong without repeating the URL, which may carry credentials.
func parseHTTPURL(raw string) (*url.URL, error) {
	if strings.ContainsFunc(raw, unicode.IsSpace) {
		return nil, errors.New("must not contain whitespace")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New("must be an absolute URL starting with http:// or https://")
	}
	if u.Hostname() == "" {
		return nil, errors.New("must include a host, e.g. https://api.example.com")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, errors.New("must have a port between 1 and 65535")
		}
	}
	return u, nil
}

// normaliseOrigin checks that raw is a bare http(s) origin (scheme, host and
// optional port; a single trailing "/" is tolerated) and returns its
// normalised form (see originString).
func normaliseOrigin(raw string) (string, error) {
	if raw == "*" {
		return "", errors.New(`must not be "*": list each allowed origin`)
	}
	u, err := parseHTTPURL(raw)
	if err != nil {
		return "", err
	}
	switch {
	case u.User != nil:
		return "", errors.New("must not contain user info")
	case u.Path != "" && u.Path != "/", u.Opaque != "":
		return "", errors.New("must not have a path")
	case u.RawQuery != "" || u.ForceQuery:
		return "", errors.New("must not have a query")
	case u.Fragment != "" || strings.HasSuffix(raw, "#"):
		return "", errors.New("must not have a fragment")
	}
	return originString(u), nil
}

// originOf returns the normalised origin of an absolute http(s) URL, dropping
// its path, query and fragment.
func originOf(raw string) (string, error) {
	u, err := parseHTTPURL(raw)
	if err != nil {
		return "", err
	}
	return originString(u), nil
}

// originString renders scheme://host[:port] with a lower-case scheme and host
// and without the scheme's default port.
func originString(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	hostport := host
	switch {
	case port != "":
		hostport = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"):
		hostport = "[" + host + "]"
	}
	return scheme + "://" + hostport
}

// isLoopbackHost reports whether host (no port, no brackets) is localhost or
// a loopback address such as 127.0.0.1 or ::1.
func isLoopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
