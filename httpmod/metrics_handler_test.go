package httpmod_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
)

func TestMetricsScrapeCredential(t *testing.T) {
	const cred = "scrape-credential-0123456789"
	app := metricsApp(t, map[string]string{"METRICS_SCRAPE_CREDENTIAL": cred})
	tests := []struct {
		name      string
		auth      string
		code      int
		detail    string
		challenge string
	}{
		{"no header", "", 401, "Not authenticated", "Bearer"},
		{"wrong credential", "Bearer wrong", 401, "Could not validate credentials", `Bearer error="invalid_token"`},
		{"prefix of the credential", "Bearer " + cred[:10], 401, "Could not validate credentials", `Bearer error="invalid_token"`},
		{"credential plus suffix", "Bearer " + cred + "x", 401, "Could not validate credentials", `Bearer error="invalid_token"`},
		{"other scheme", "Basic " + cred, 401, "Not authenticated", "Bearer"},
		{"scheme only", "Bearer", 401, "Not authenticated", "Bearer"},
		{"empty token", "Bearer   ", 401, "Not authenticated", "Bearer"},
		{"raw credential", cred, 401, "Not authenticated", "Bearer"},
		{"right credential", "Bearer " + cred, 200, "", ""},
		{"scheme is case-insensitive", "bearer " + cred, 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.auth != "" {
				headers = []string{"Authorization", tt.auth}
			}
			rec := app.Get(httpmod.MetricsPath, headers...)
			if rec.Code != tt.code {
				t.Fatalf("%d, want %d", rec.Code, tt.code)
			}
			if tt.code == http.StatusOK {
				if !strings.Contains(rec.Body.String(), "go_goroutines") {
					t.Fatal("metrics body missing")
				}
				return
			}
			if body := rec.Body.String(); body != `{"detail":"`+tt.detail+`"}` {
				t.Errorf("body %s", body)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate %q, want %q", got, tt.challenge)
			}
			if strings.Contains(rec.Body.String(), "go_") {
				t.Error("metrics leaked in a refused answer")
			}
		})
	}
	// The parsed scrape with the credential works end to end.
	if fams := scrape(t, app, "Authorization", "Bearer "+cred); fams["go_goroutines"] == nil {
		t.Fatal("go_goroutines missing")
	}
}

func TestMetricsWithoutCredentialIsOpen(t *testing.T) {
	app := metricsApp(t, nil)
	if fams := scrape(t, app); fams["go_goroutines"] == nil {
		t.Fatal("go_goroutines missing")
	}
	// An Authorization header is ignored when no credential is configured.
	if rec := app.Get(httpmod.MetricsPath, "Authorization", "Bearer anything"); rec.Code != http.StatusOK {
		t.Fatalf("%d", rec.Code)
	}
}

func TestMetricsOpenMetricsNegotiation(t *testing.T) {
	app := metricsApp(t, nil)
	rec := app.Get(httpmod.MetricsPath, "Accept", "application/openmetrics-text; version=1.0.0")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/openmetrics-text") ||
		!strings.HasSuffix(strings.TrimSpace(rec.Body.String()), "# EOF") {
		t.Fatalf("Content-Type %q", ct)
	}
}

func TestMetricsRouteOverTheNetwork(t *testing.T) {
	app := fxtest_helpers.New(t, fxtest_helpers.WithSetting("METRICS_ENABLED", "true"))
	resp, err := http.Get(app.URL + httpmod.MetricsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d", resp.StatusCode)
	}
}
