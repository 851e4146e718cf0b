package dbmod

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedactor(t *testing.T) {
	r := newRedactor(specialPassword, "")
	tests := []string{
		"auth failed for password " + specialPassword,
		"dial postgres://u:" + url.QueryEscape(specialPassword) + "@db:5432/app: refused",
		"path " + url.PathEscape(specialPassword),
		"host=db password=hunter2 user=u",
	}
	for _, msg := range tests {
		got := r.String(msg)
		if strings.Contains(got, "w/rd") || strings.Contains(got, "w%2Frd") || strings.Contains(got, "hunter2") {
			t.Errorf("redact(%q) = %q", msg, got)
		}
	}
	if got := newRedactor("x").String("x marks the spot"); got != "x marks the spot" {
		t.Errorf("a one-character password blanked text: %q", got)
	}
}

func TestRedactorOneLine(t *testing.T) {
	r := newRedactor("hunter22")
	got := r.String("failed to connect to host=a: hunter22\n\tfailed to connect to host=b\r\nretry\nend")
	if got != "failed to connect to host=a: ***; failed to connect to host=b; retry; end" {
		t.Fatalf("String = %q", got)
	}
	// The zero redactor still scrubs URLs and keeps messages on one line.
	if got := (redactor{}).String("dial postgres://u:pw@h/db\nfailed"); strings.Contains(got, "pw") || strings.Contains(got, "\n") {
		t.Fatalf("zero redactor: %q", got)
	}
	// Longest form first: the encoded form is not cut short by the raw one.
	r = newRedactor("a/b")
	if got := r.String("x a%2Fb y a/b"); got != "x *** y ***" {
		t.Fatalf("encoded forms: %q", got)
	}
}
