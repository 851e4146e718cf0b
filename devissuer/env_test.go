package devissuer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/joho/godotenv"
)

func TestConsumerEnv(t *testing.T) {
	for _, alg := range []string{"RS256", "ES256", "HS256"} {
		t.Run(alg, func(t *testing.T) {
			ti := startIssuer(t, "", func(c *Config) { c.Algorithm = alg })
			var buf bytes.Buffer
			if err := WriteEnv(&buf, append(ti.ConsumerEnv(), EnvVar{"PROJECT_NAME", `Item "Service"`})); err != nil {
				t.Fatal(err)
			}
			got, err := godotenv.Unmarshal(buf.String())
			if err != nil {
				t.Fatal(err)
			}
			if got["PROJECT_NAME"] != `Item "Service"` {
				t.Errorf("quoted value read back as %q", got["PROJECT_NAME"])
			}
			if err := WriteEnv(&buf, []EnvVar{{"X", "it's"}}); err == nil {
				t.Error("a value with a single quote was written")
			}
			if got["ACCESS_TOKEN_ALGORITHM"] != alg || got["TOKEN_MODE"] != "stateful" ||
				got["INTROSPECTION_URL"] != ti.URL(PathJTIStatus) || got["SERVICE_TOKEN_EXCHANGE_ENABLED"] != "true" ||
				got["API_KEY_INTROSPECTION_URL"] != ti.URL(PathAPIKeys) {
				t.Errorf("env %v", got)
			}
			if alg == "HS256" {
				if len(got["ACCESS_SECRET_KEY"]) != 64 || got["JWKS_URI"] != "" {
					t.Errorf("HS256 env: %v", got)
				}
			} else if !strings.HasSuffix(got["JWKS_URI"], "/user/.well-known/jwks.json") {
				t.Errorf("JWKS_URI %q", got["JWKS_URI"])
			}
		})
	}
}
