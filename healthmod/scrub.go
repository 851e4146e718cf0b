package healthmod

import (
	"regexp"
	"strings"
	"unicode"
)

// Redacted replaces the value of a sensitive meta key.
const Redacted = "REDACTED"

// urlUserinfo matches "scheme://userinfo@". The userinfo runs up to the last
// "@" before the end of the authority ("/", "?", "#" or white space), so an
// unescaped "@" inside a password is covered too.
var urlUserinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s]*@`)

// keywordPassword matches "password=..." pairs of keyword/value DSNs
// (PostgreSQL's "host=db password=secret").
var keywordPassword = regexp.MustCompile(`(?i)\b(password|passwd|pwd)=('[^']*'|"[^"]*"|[^\s'"]+)`)

// Scrub removes credentials from s:
//
//   - the userinfo of every URL becomes "***:***"
//     ("postgres://app:p%40ss@db/x" -> "postgres://***:***@db/x",
//     "redis://:pw@h" -> "redis://***:***@h");
//   - the value of password=, passwd= and pwd= pairs becomes "***".
//
// Everything else is returned unchanged.
func Scrub(s string) string {
	if !strings.Contains(s, "@") && !strings.Contains(s, "=") {
		return s
	}
	s = urlUserinfo.ReplaceAllString(s, "${1}***:***@")
	return keywordPassword.ReplaceAllString(s, "${1}=***")
}

// ScrubMeta returns a copy of meta in which
//
//   - the value of every key that names a secret is [Redacted];
//   - every string value is passed through [Scrub];
//   - nested map[string]any, map[string]string and []any values are scrubbed
//     recursively (into new maps and slices).
//
// A key names a secret when one of its parts, or two consecutive parts, is
// one of: secret, password, passwd, token, credential, dsn, api key,
// access key, private key. Parts are split at every character that is not a
// letter or digit ("_", "-", ".", space) and at camelCase boundaries, and
// compared case-insensitively. So "db_password", "API_KEY", "dsn",
// "private_key_path", "apiKey" and "X-Auth-Token" are redacted, while
// "tokenizer", "passwords", "credentials" and "passwordless" are not: only
// whole parts match.
//
// ScrubMeta never modifies meta; a nil meta yields nil. Values of other types
// are copied as they are.
func ScrubMeta(meta map[string]any) map[string]any {
	if meta == nil {
		return nil
	}
	out := make(map[string]any, len(meta))
	for k, v := range meta {
		if SensitiveKey(k) {
			out[k] = Redacted
			continue
		}
		out[k] = scrubValue(v)
	}
	return out
}

func scrubValue(v any) any {
	switch t := v.(type) {
	case string:
		return Scrub(t)
	case map[string]any:
		return ScrubMeta(t)
	case map[string]string:
		if t == nil {
			return t
		}
		out := make(map[string]string, len(t))
		for k, s := range t {
			if SensitiveKey(k) {
				out[k] = Redacted
			} else {
				out[k] = Scrub(s)
			}
		}
		return out
	case []any:
		if t == nil {
			return t
		}
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = scrubValue(e)
		}
		return out
	case []string:
		if t == nil {
			return t
		}
		out := make([]string, len(t))
		for i, s := range t {
			out[i] = Scrub(s)
		}
		return out
	}
	return v
}

// sensitiveParts are the one-part secret names.
var sensitiveParts = map[string]bool{
	"secret":     true,
	"password":   true,
	"passwd":     true,
	"token":      true,
	"credential": true,
	"dsn":        true,
}

// sensitivePairs are the two-part secret names (api_key, access_key,
// private_key), keyed by first part.
var sensitivePairs = map[string]string{
	"api":     "key",
	"access":  "key",
	"private": "key",
}

// SensitiveKey reports whether a meta key names a secret; see [ScrubMeta]
// for the rules.
func SensitiveKey(key string) bool {
	parts := keyParts(key)
	for i, p := range parts {
		if sensitiveParts[p] {
			return true
		}
		if next, ok := sensitivePairs[p]; ok && i+1 < len(parts) && parts[i+1] == next {
			return true
		}
	}
	return false
}

// keyParts splits key into lower-case parts at non-alphanumeric characters
// and camelCase boundaries: "dbPassword" -> [db password], "APIKey" ->
// [api key], "API_KEY" -> [api key].
func keyParts(key string) []string {
	var parts []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			parts = append(parts, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(key)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return parts
}
