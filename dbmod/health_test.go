package dbmod_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/healthmod"
)

const detailCredential = "health-detail-credential-for-tests"

// dbHealth returns the HTTP status of GET /api/health/ and the "database"
// check of its detail body ("" when absent).
func dbHealth(t *testing.T, app *fxtest_helpers.App) (code int, status, errMsg string) {
	t.Helper()
	rec := app.Get("/api/health/", healthmod.InternalTokenHeader, detailCredential)
	var body struct {
		Checks []struct {
			Name, Status, Error string
		} `json:"checks"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("health body %s: %v", rec.Body, err)
	}
	for _, c := range body.Checks {
		if c.Name == "database" {
			return rec.Code, c.Status, c.Error
		}
	}
	return rec.Code, "", ""
}

// healthOptions give detail access and an uncached report.
func healthOptions() []fxtest_helpers.Option {
	return []fxtest_helpers.Option{
		fxtest_helpers.WithSetting("HEALTH_DETAIL_CREDENTIAL", detailCredential),
		fxtest_helpers.Decorate(func(c healthmod.Config) healthmod.Config {
			c.CacheTTL = 0
			c.Timeout = 5 * time.Second
			return c
		}),
	}
}

func TestHealthCheckRegistered(t *testing.T) {
	app := fxtest_helpers.New(t, append(healthOptions(), fxtest_helpers.WithSQLite())...)
	if code, status, _ := dbHealth(t, app); code != 200 || status != "ok" {
		t.Fatalf("health %d, database %q", code, status)
	}
}

// TestHealthCheckFollowsServer: the "database" check fails (and the health
// answer is 503) while the server is unreachable, with an error that names
// the target and holds no credentials, and recovers when the server is back.
// The server is cut off by a TCP proxy, never stopped: other tests use it.
func TestHealthCheckFollowsServer(t *testing.T) {
	eachServer(t, func(t *testing.T, kind, dsn string) {
		proxy, viaProxy := fxtest_helpers.ProxyDatabase(t, kind, dsn)
		app := fxtest_helpers.New(t, append(healthOptions(), fxtest_helpers.WithDatabase(kind, viaProxy))...)
		if code, status, msg := dbHealth(t, app); code != 200 || status != "ok" {
			t.Fatalf("before the outage: %d %q %q", code, status, msg)
		}

		proxy.Refuse()
		code, status, msg := dbHealth(t, app)
		if code != 503 || status != "fail" || !strings.Contains(msg, proxy.Addr()) {
			t.Fatalf("during the outage: %d %q %q", code, status, msg)
		}
		if strings.Contains(msg, "@") && !strings.Contains(msg, "***:***@") {
			t.Fatalf("check error shows URL credentials: %q", msg)
		}

		proxy.Resume()
		deadline := time.Now().Add(30 * time.Second)
		for {
			code, status, msg = dbHealth(t, app)
			if code == 200 && status == "ok" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no recovery after the server came back: %d %q %q", code, status, msg)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
