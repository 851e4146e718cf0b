package devissuer

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/zap"
)

// serviceClaims are the claims of a service token.
type serviceClaims struct {
	Type  string `json:"type"`
	Scope string `json:"scope"`
	jwt.RegisteredClaims
}

// refusal is an answer to a private call that is not allowed.
type refusal struct {
	status int
	detail string // the answer's detail
	why    string // for the log (never a secret)
}

// authorize checks a private call's credential for scope: a service token
// (Authorization: Bearer) carrying scope, or the bootstrap credential
// (X-Internal-Client + X-Internal-Token) of a client granted scope. A
// legacy call (X-Internal-Token alone) is refused as fa-auth-m8 refuses it
// once clients are registered. It returns the client id.
func (s *Server) authorize(r *http.Request, scope string) (string, *refusal) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, tok, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
			return "", &refusal{http.StatusUnauthorized, "Unauthorized", "Authorization is not a Bearer service token"}
		}
		c, err := s.parseServiceToken(tok)
		if err != nil {
			return "", &refusal{http.StatusUnauthorized, "Unauthorized", "service token: " + err.Error()}
		}
		if !slices.Contains(strings.Fields(c.Scope), scope) {
			return "", &refusal{http.StatusForbidden, "Forbidden", fmt.Sprintf("service token of %s has no scope %q", c.Subject, scope)}
		}
		return c.Subject, nil
	}
	cl, ref := s.bootstrap(r)
	if ref != nil {
		return "", ref
	}
	if !slices.Contains(cl.Scopes, scope) {
		return "", &refusal{http.StatusForbidden, "Forbidden", fmt.Sprintf("client %s is not granted scope %q", cl.ID, scope)}
	}
	return cl.ID, nil
}

// bootstrap checks the bootstrap credential (X-Internal-Client and
// X-Internal-Token, the secret compared in constant time) and returns the
// registered client.
func (s *Server) bootstrap(r *http.Request) (client, *refusal) {
	id := r.Header.Get("X-Internal-Client")
	if id == "" {
		return client{}, &refusal{http.StatusUnauthorized, "Unauthorized", "no client credential (X-Internal-Client and X-Internal-Token, or a service token); legacy X-Internal-Token-only calls are refused"}
	}
	secret := r.Header.Get("X-Internal-Token")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.st.Clients {
		if c.ID == id && secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) == 1 {
			return c, nil
		}
	}
	return client{}, &refusal{http.StatusUnauthorized, "Unauthorized", "unknown client or wrong secret for X-Internal-Client " + strconvQuote(id)}
}

// parseServiceToken verifies a service token of this issuer.
func (s *Server) parseServiceToken(tok string) (*serviceClaims, error) {
	var c serviceClaims
	_, err := jwt.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) { return s.tokenKey, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(s.cfg.Issuer), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.cfg.Now))
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, errors.New("expired")
	case err != nil:
		return nil, errors.New("not a valid service token of this issuer")
	case c.Type != "service":
		return nil, errors.New(`"type" is not "service"`)
	}
	return &c, nil
}

// refuse answers a refused private call and logs why.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, ref *refusal) {
	s.cfg.Logger.Warn("private call refused", zap.String("path", r.URL.Path), zap.Int("status", ref.status), zap.String("reason", ref.why))
	writeJSON(w, ref.status, map[string]any{"detail": ref.detail})
}

// strconvQuote quotes a header value for a log line, bounded.
func strconvQuote(v string) string {
	if len(v) > 64 {
		v = v[:64] + "..."
	}
	return fmt.Sprintf("%q", v)
}
