package fxtest_helpers

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// DefaultServiceTokenTTL is the lifetime of the fake's service tokens
// (expires_in 300) unless [RevocationServiceTokenTTL] says otherwise.
const DefaultServiceTokenTTL = 5 * time.Minute

// The scopes of fa-auth-m8's private routes.
const (
	scopeIntrospection       = "introspection"
	scopeEventStream         = "event-stream"
	scopeAPIKeyIntrospection = "api-key-introspection"
)

// defaultGrantedScopes: every scope of the protocol.
var defaultGrantedScopes = []string{scopeIntrospection, scopeEventStream, scopeAPIKeyIntrospection}

// serviceToken is a live service token.
type serviceToken struct {
	client  string
	scopes  []string
	expires time.Time
}

// RevocationClient registers an internal client (INTERNAL_CLIENT_ID) with
// its bootstrap secret ("" means [RevocationServer.Secret]): calls with
// X-Internal-Client: id and X-Internal-Token: secret are accepted, and the
// client may exchange service tokens. It may be given several times;
// [RevocationServer.Env] names the first client.
func RevocationClient(id, secret string) RevocationOption {
	return func(c *revocationConfig) {
		if c.firstClient == "" {
			c.firstClient = id
		}
		c.clients[id] = secret
	}
}

// RevocationRequireClient refuses legacy calls (X-Internal-Token alone)
// with 401, as an issuer in production does.
func RevocationRequireClient() RevocationOption {
	return func(c *revocationConfig) { c.requireClient = true }
}

// RevocationGrantedScopes sets the scopes clients may be granted (default:
// "introspection", "event-stream" and "api-key-introspection"); an
// exchange asking for any other scope is answered 403.
func RevocationGrantedScopes(scopes ...string) RevocationOption {
	return func(c *revocationConfig) { c.granted = append([]string(nil), scopes...) }
}

// RevocationServiceTokenTTL sets how long a service token is accepted
// (default [DefaultServiceTokenTTL]). The answer's expires_in is d rounded
// up to whole seconds; the server itself stops accepting the token after
// exactly d, so a sub-second d makes a token the issuer refuses (401)
// before the client thinks it expired.
func RevocationServiceTokenTTL(d time.Duration) RevocationOption {
	return func(c *revocationConfig) { c.tokenTTL = d }
}

// RevocationExchangeDisabled makes the exchange endpoint answer 404, as an
// issuer without SERVICE_TOKEN_EXCHANGE_ENABLED does.
func RevocationExchangeDisabled() RevocationOption {
	return func(c *revocationConfig) { c.exchangeOff = true }
}

// Exchanges returns how many requests reached the exchange endpoint,
// refused ones included.
func (s *RevocationServer) Exchanges() int { return int(s.exchanges.Load()) }

// LastExchangeScopes returns the scopes asked for by the last well-formed
// exchange request (nil if none), granted or not.
func (s *RevocationServer) LastExchangeScopes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lastScopes...)
}

// exchangeRequest is the exchange body.
type exchangeRequest struct {
	Scopes []string `json:"scopes"`
}

func (s *RevocationServer) serveExchange(w http.ResponseWriter, r *http.Request) {
	s.exchanges.Add(1)
	data, readErr := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	refuse := func(status int, problem string) {
		s.problem(problem)
		writeJSON(w, status, map[string]any{"detail": problem})
	}
	switch {
	case s.cfg.exchangeOff:
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not Found"})
		return
	case r.Method != http.MethodPost:
		refuse(http.StatusMethodNotAllowed, "service-token: method must be POST, got "+r.Method)
		return
	}
	client := r.Header.Get("X-Internal-Client")
	if client == "" {
		refuse(http.StatusUnauthorized, "service-token: no X-Internal-Client (the exchange needs the bootstrap credential)")
		return
	}
	if !s.clientSecretOK(client, r.Header.Get("X-Internal-Token")) {
		refuse(http.StatusUnauthorized, "service-token: unknown X-Internal-Client or wrong X-Internal-Token")
		return
	}
	if readErr != nil {
		refuse(http.StatusBadRequest, "service-token: unreadable body")
		return
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var req exchangeRequest
	if err := dec.Decode(&req); err != nil {
		refuse(http.StatusUnprocessableEntity, fmt.Sprintf(`service-token: body is not {"scopes": [...]}: %v`, err))
		return
	}
	if len(req.Scopes) == 0 || slices.Contains(req.Scopes, "") {
		refuse(http.StatusUnprocessableEntity, `service-token: "scopes" must be a non-empty list of scope names`)
		return
	}
	var scopes []string
	for _, sc := range req.Scopes {
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	s.set(func() { s.lastScopes = append([]string(nil), req.Scopes...) })
	for _, sc := range scopes {
		if !slices.Contains(s.cfg.granted, sc) {
			writeJSON(w, http.StatusForbidden, map[string]any{"detail": "Forbidden"})
			return
		}
	}

	now := time.Now()
	ttl := s.cfg.tokenTTL
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": client, "type": "service", "scope": strings.Join(scopes, " "),
		"iat": now.Unix(), "exp": now.Add(ttl).Unix(), "jti": uuid.NewString(),
	}).SignedString(s.tokenKey)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"detail": "Internal Server Error"})
		return
	}
	s.set(func() {
		for k, v := range s.tokens { // forget expired tokens
			if !now.Before(v.expires) {
				delete(s.tokens, k)
			}
		}
		s.tokens[tok] = serviceToken{client: client, scopes: scopes, expires: now.Add(ttl)}
	})
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"token_type":   "bearer",
		"expires_in":   int64(math.Ceil(ttl.Seconds())),
		"scope":        strings.Join(scopes, " "),
	})
}

// clientSecretOK checks a bootstrap credential in constant time.
func (s *RevocationServer) clientSecretOK(client, token string) bool {
	want, ok := s.cfg.clients[client]
	return ok && token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(want)) == 1
}

// authorize checks the internal-auth headers of a private call that needs
// scope. A non-zero status refuses the call; record tells whether the
// refusal is a protocol error (see [RevocationServer.ProtocolErrors]).
func (s *RevocationServer) authorize(r *http.Request, scope string) (status int, problem string, record bool) {
	if s.takeForced() {
		return http.StatusUnauthorized, "Unauthorized", false
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, tok, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
			return http.StatusUnauthorized, "Authorization is not a Bearer service token", true
		}
		s.mu.Lock()
		st, known := s.tokens[tok]
		s.mu.Unlock()
		switch {
		case !known:
			return http.StatusUnauthorized, "unknown service token", true
		case !time.Now().Before(st.expires):
			return http.StatusUnauthorized, "service token expired", false
		case !slices.Contains(st.scopes, scope):
			return http.StatusForbidden, fmt.Sprintf("service token has no scope %q (has %q)", scope, strings.Join(st.scopes, " ")), true
		}
		return 0, "", false
	}
	token := r.Header.Get("X-Internal-Token")
	if client := r.Header.Get("X-Internal-Client"); client != "" {
		if !s.clientSecretOK(client, token) {
			return http.StatusUnauthorized, "unknown X-Internal-Client or wrong X-Internal-Token", true
		}
		return 0, "", false
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.secret)) != 1 {
		return http.StatusUnauthorized, "missing or wrong X-Internal-Token", true
	}
	if s.cfg.requireClient {
		return http.StatusUnauthorized, "legacy call (X-Internal-Token without X-Internal-Client) refused: a client is required", true
	}
	return 0, "", false
}
