package settingsmod

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestRuleHelpers(t *testing.T) {
	tests := []struct {
		name string
		run  func(*problems)
		want string // "" for no problem
	}{
		{"required set", func(ps *problems) { ps.required("X", "v", "hint") }, ""},
		{"required blank", func(ps *problems) { ps.required("X", " ", "hint") }, "is required (hint)"},
		{"oneOf ok", func(ps *problems) { ps.oneOf("X", "a", []string{"a", "b"}) }, ""},
		{"oneOf bad", func(ps *problems) { ps.oneOf("X", "c", []string{"a", "b"}) }, `must be one of a, b, got "c"`},
		{"atLeast ok", func(ps *problems) { ps.atLeast("X", 1, 1) }, ""},
		{"atLeast bad", func(ps *problems) { ps.atLeast("X", 0, 1) }, "must be at least 1, got 0"},
		{"between ok", func(ps *problems) { ps.between("X", 5, 0, 5) }, ""},
		{"between bad", func(ps *problems) { ps.between("X", 6, 0, 5) }, "must be between 0 and 5, got 6"},
		{"secretLength ok", func(ps *problems) { ps.secretLength("X", "abcd", 4) }, ""},
		{"secretLength bad", func(ps *problems) { ps.secretLength("X", "abc", 4) }, "at least 4 bytes long"},
		{"requiredSecret missing", func(ps *problems) { ps.requiredSecret("X", "", 4, "when Y") }, "is required when Y, at least 4 bytes long"},
		{"requiredSecret short", func(ps *problems) { ps.requiredSecret("X", "abc", 4, "when Y") }, "at least 4 bytes long"},
		{"httpURL ok", func(ps *problems) { ps.httpURL("X", "https://a.test/x") }, ""},
		{"httpURL bad", func(ps *problems) { ps.httpURL("X", "a.test") }, "http:// or https://"},
		{"urlPrefix ok", func(ps *problems) { ps.urlPrefix("X", "/a/b") }, ""},
		{"urlPrefix empty", func(ps *problems) { ps.urlPrefix("X", "") }, `must start with "/"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ps problems
			tc.run(&ps)
			if tc.want == "" {
				if len(ps) != 0 {
					t.Fatalf("unexpected %v", ps)
				}
				return
			}
			if len(ps) != 1 || ps[0].Env != "X" || !strings.Contains(ps[0].Message, tc.want) {
				t.Fatalf("want X: ...%s..., got %v", tc.want, ps)
			}
		})
	}
}

// secretMarker is in every secret value of TestSecretsNeverInErrors.
const secretMarker = "Zx9MARKER"

func TestSecretsNeverInErrors(t *testing.T) {
	short := secretMarker + "-short" // violates every length rule
	secrets := map[string]string{
		"ACCESS_SECRET_KEY":          short,
		"REFRESH_SECRET_KEY":         short,
		"EVENT_SIGNING_KEY":          short,
		"PRIVATE_API_SECRET":         short,
		"HEALTH_DETAIL_CREDENTIAL":   short, // equal to PRIVATE_API_SECRET in production
		"METRICS_SCRAPE_CREDENTIAL":  short,
		"DATABASE_URL":               "postgres://u:" + secretMarker + "@db:99999/x?sslmode=" + secretMarker,
		"DB_PASSWORD":                short,
		"OTEL_EXPORTER_OTLP_HEADERS": "authorization=" + secretMarker + ",no-equals-" + secretMarker,
	}
	// Every Secret field of Settings must be covered, so a new one cannot slip by.
	rt := reflect.TypeFor[Settings]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Type != reflect.TypeFor[Secret]() {
			continue
		}
		key, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if _, ok := secrets[key]; !ok {
			t.Fatalf("Secret field %s (%s) is not covered by this test", f.Name, key)
		}
	}
	m := withEnv(secrets)
	m["ENVIRONMENT"] = "production"
	m["TOKEN_MODE"] = "stateful"
	m["EVENT_SIGNING_ENABLED"] = "true"
	m["SELECTED_DB"] = "Postgres"
	m["INTROSPECTION_URL"] = "https://auth.test/jti"

	_, err := Load(MapSource(m))
	if err == nil {
		t.Fatal("want problems")
	}
	ps := problemsOf(t, err)
	for _, env := range []string{"ACCESS_SECRET_KEY", "REFRESH_SECRET_KEY", "EVENT_SIGNING_KEY", "PRIVATE_API_SECRET", "HEALTH_DETAIL_CREDENTIAL", "METRICS_SCRAPE_CREDENTIAL", "OTEL_EXPORTER_OTLP_HEADERS"} {
		if !findProblem(ps, env, "") {
			t.Errorf("no problem for %s: the test no longer exercises it", env)
		}
	}
	if strings.Contains(err.Error(), secretMarker) {
		t.Fatalf("a secret leaked into the error:\n%s", err)
	}

	// The settings themselves print no secret either.
	var s Settings
	_ = LoadInto(MapSource(m), &s)
	if err := s.ValidateDatabase(); err != nil && strings.Contains(err.Error(), secretMarker) {
		t.Fatalf("ValidateDatabase leaked a secret: %s", err)
	}
	js, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprintf("%+v", &s), string(js)} {
		if strings.Contains(out, secretMarker) {
			t.Fatalf("a secret leaked when printing Settings: %s", out)
		}
	}
}
