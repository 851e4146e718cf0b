package devissuer

import (
	"fmt"
	"io"
	"strings"
)

// EnvVar is one consumer setting.
type EnvVar struct {
	Name, Value string
}

// ConsumerEnv returns the settings a consumer built on m8fx needs to run
// against this issuer in its production mode: the token algorithm and keys
// (JWKS_URI, or ACCESS_SECRET_KEY for HS256), issuer and audience,
// TOKEN_MODE=stateful with jti-status, the first client's credentials with
// the service-token exchange, the signed event stream and API-key
// introspection. The values include secrets: write them to a file only the
// developer reads.
func (s *Server) ConsumerEnv() []EnvVar {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.Clients[0]
	env := []EnvVar{{"ACCESS_TOKEN_ALGORITHM", s.st.Alg}}
	if s.st.Alg == "HS256" {
		env = append(env, EnvVar{"ACCESS_SECRET_KEY", s.st.Keys[0].Private})
	} else {
		env = append(env, EnvVar{"JWKS_URI", s.URL(PathJWKS)})
	}
	return append(env,
		EnvVar{"TOKEN_ISSUER", s.cfg.Issuer},
		EnvVar{"TOKEN_AUDIENCE", s.cfg.Audience},
		EnvVar{"TOKEN_STRICT_VALIDATION", "true"},
		EnvVar{"TOKEN_MODE", "stateful"},
		EnvVar{"INTROSPECTION_URL", s.URL(PathJTIStatus)},
		EnvVar{"ACCESS_REVOCATION_FAILURE_MODE", "fail_closed"},
		EnvVar{"REVOCATION_CACHE_TTL_SECONDS", "30"},
		EnvVar{"INTERNAL_CLIENT_ID", c.ID},
		EnvVar{"PRIVATE_API_SECRET", c.Secret},
		EnvVar{"SERVICE_TOKEN_EXCHANGE_ENABLED", "true"},
		EnvVar{"SERVICE_TOKEN_SCOPES", strings.Join(c.Scopes, ",")},
		EnvVar{"EVENT_STREAM_ENABLED", "true"},
		EnvVar{"EVENT_SIGNING_ENABLED", "true"},
		EnvVar{"EVENT_SIGNING_KEY", s.st.EventSigningKey},
		EnvVar{"API_KEY_INTROSPECTION_ENABLED", "true"},
		EnvVar{"API_KEY_INTROSPECTION_URL", s.URL(PathAPIKeys)},
	)
}

// WriteEnv writes vars as .env lines; a value that needs quoting is
// single-quoted (read literally). A value holding a single quote or a line
// break cannot be written that way and is refused.
func WriteEnv(w io.Writer, vars []EnvVar) error {
	for _, v := range vars {
		val := v.Value
		if strings.ContainsAny(val, "'\n\r") {
			return fmt.Errorf("devissuer: %s: a value with a single quote or a line break cannot be written to a .env file", v.Name)
		}
		if strings.ContainsAny(val, " #\"\\$`\t=") {
			val = "'" + val + "'"
		}
		if _, err := fmt.Fprintf(w, "%s=%s\n", v.Name, val); err != nil {
			return err
		}
	}
	return nil
}
