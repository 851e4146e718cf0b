package dbmod

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/m8fx/kit/healthmod"
)

// redactor removes credentials from driver messages before they reach a log,
// an error or a health report: every known password (raw and in its URL
// encodings) becomes "***", then [healthmod.Scrub] blanks URL userinfo and
// password= pairs.
type redactor struct{ r *strings.Replacer }

// minRedactLen keeps one-character passwords from blanking every occurrence of
// that character in a message; such a password still never appears in a
// message built by dbmod, and Scrub removes it from URLs.
const minRedactLen = 2

func newRedactor(secrets ...string) redactor {
	var forms []string
	for _, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), (&url.URL{User: url.UserPassword("", s)}).User.String()} {
			form = strings.TrimPrefix(form, ":")
			if len(form) >= minRedactLen && !slices.Contains(forms, form) {
				forms = append(forms, form)
			}
		}
	}
	if len(forms) == 0 {
		return redactor{}
	}
	// At one position the replacer takes the first pattern that matches:
	// longest first, so an encoded form is not cut short by the raw one.
	slices.SortFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, "***")
	}
	return redactor{r: strings.NewReplacer(pairs...)}
}

// String returns msg without credentials, on one line (pgx reports each
// host it tried on a line of its own).
func (r redactor) String(msg string) string {
	if r.r != nil {
		msg = r.r.Replace(msg)
	}
	return healthmod.Scrub(oneLine.Replace(msg))
}

var oneLine = strings.NewReplacer("\r\n\t", "; ", "\n\t", "; ", "\r\n", "; ", "\n", "; ")
