package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/goleak"

	"github.com/m8fx/kit/fxtest_helpers"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}

// TestValidateApp: the whole graph of the service (m8fx.Module + its
// routes and checks) resolves.
func TestValidateApp(t *testing.T) {
	if err := fx.ValidateApp(options()...); err != nil {
		t.Fatal(err)
	}
}

func TestInfoAndHealth(t *testing.T) {
	app := fxtest_helpers.New(t,
		fxtest_helpers.WithEnv(map[string]string{
			"PROJECT_NAME":             "Item Service",
			"SERVICE_VERSION":          "1.2.3",
			"HEALTH_DETAIL_CREDENTIAL": "detail-credential-for-tests",
		}),
		fxtest_helpers.WithSQLite(), fxtest_helpers.WithOptions(serviceOptions()...), // the test app brings m8fx.Module, WithSQLite dbmod.Module
	)

	rec := app.Get("/api/info")
	if rec.Code != http.StatusOK {
		t.Fatalf("info: %d %s", rec.Code, rec.Body)
	}
	var info InfoResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &info); err != nil || info.Service != "Item Service" || info.Version != "1.2.3" {
		t.Fatalf("info body %s (%v)", rec.Body, err)
	}

	if rec := app.Get("/api/health/"); rec.Code != http.StatusOK || rec.Body.String() != `{"status":"ok"}` {
		t.Fatalf("public health: %d %s", rec.Code, rec.Body)
	}
	rec = app.Get("/api/health/", "X-Internal-Token", "detail-credential-for-tests")
	var detail struct {
		Status string `json:"status"`
		Checks []struct {
			Name   string         `json:"name"`
			Status string         `json:"status"`
			Meta   map[string]any `json:"meta"`
		} `json:"checks"`
		Service string `json:"service"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &detail); err != nil {
		t.Fatal(err)
	}
	if detail.Service != "Item Service" || len(detail.Checks) != 2 || detail.Checks[0].Name != "database" ||
		detail.Checks[0].Status != "ok" || detail.Checks[1].Name != "runtime" ||
		detail.Checks[1].Status != "ok" || detail.Checks[1].Meta["goroutines"] == nil {
		t.Fatalf("detail health: %s", rec.Body)
	}
}

// TestSettingsSource: the committed dev settings apply only when the process
// names neither ENVIRONMENT nor ENV_FILE, and say so on stderr.
func TestSettingsSource(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil { // no .env here
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chdir(wd) })

	t.Run("dev fallback", func(t *testing.T) {
		os.Unsetenv("ENVIRONMENT")
		os.Unsetenv("ENV_FILE")
		var stderr bytes.Buffer
		src, err := settingsSource(&stderr)
		if err != nil {
			t.Fatal(err)
		}
		if src.DotEnv["ENVIRONMENT"] != "local" || !strings.Contains(stderr.String(), "DEV-ONLY") {
			t.Fatalf("dev settings not used: %v / %q", src.DotEnv["ENVIRONMENT"], stderr.String())
		}
	})
	t.Run("environment set", func(t *testing.T) {
		t.Setenv("ENVIRONMENT", "production")
		var stderr bytes.Buffer
		src, err := settingsSource(&stderr)
		if err != nil {
			t.Fatal(err)
		}
		if len(src.DotEnv) != 0 || stderr.Len() != 0 {
			t.Fatalf("dev settings leaked into a configured environment: %v %q", src.DotEnv, stderr.String())
		}
	})
}
