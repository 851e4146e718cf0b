package fxtest_helpers

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// APIKeyIntrospectionPath is the API-key introspection endpoint of
// [RevocationServer] (API_KEY_INTROSPECTION_URL, protocol §5). It checks
// what a consumer sends, like the auth service:
//
//   - the method POST (405 otherwise);
//   - the internal-auth headers of any of the three modes (401 otherwise),
//     a service token needing the scope "api-key-introspection" (403
//     without it);
//   - the body {"api_key": "<raw key>", "schema_version": "1"}: a JSON
//     object with exactly these fields, a non-empty key, version "1",
//     nothing after it, and a Content-Type (if any) of JSON (422 otherwise).
//
// It then answers 200 {"active": true, "schema_version": "1",
// "audience_id": ..., "principal": {"user_id", "role", "is_superuser",
// "access_mode", "authentication_method": "api_key", "auth_generation"},
// "key_expires_at": null | RFC 3339} for a key made by
// [RevocationServer.CreateAPIKey] that is active, not expired and whose
// owner is not deleted ([RevocationServer.DeleteUser]); auth_generation is
// the owner's [RevocationServer.Generation]. Any other key (unknown,
// inactive, deactivated, expired) is answered 200 {"active": false,
// "schema_version": "1"}.
//
// Refusals are recorded in [RevocationServer.ProtocolErrors] (prefixed
// "api-keys/introspect: ") as on the other routes, and
// [RevocationServer.ForceUnauthorized] applies to this route too. The raw
// key never appears in a refusal, a protocol error or a log.
const APIKeyIntrospectionPath = RevocationBasePath + "/api-keys/introspect"

// APIKeyMaxResponseBytes is the answer size a consumer refuses past
// (API_KEY_INTROSPECTION_MAX_RESPONSE_BYTES); [RevocationServer.APIKeyOversized]
// answers more than this.
const APIKeyMaxResponseBytes = 8192

// APIKeyOption configures [RevocationServer.CreateAPIKey].
type APIKeyOption func(*apiKey)

// apiKey is the issuer-side state of one API key.
type apiKey struct {
	owner     string
	role      string
	superuser bool
	readWrite bool
	audience  string
	inactive  bool
	expiresAt *time.Time
}

// APIKeyOwner sets the key owner's user id (default: a new random UUID).
func APIKeyOwner(userID string) APIKeyOption {
	return func(k *apiKey) { k.owner = userID }
}

// APIKeyRole sets the owner's role (default "user").
func APIKeyRole(role string) APIKeyOption {
	return func(k *apiKey) { k.role = role }
}

// APIKeySuperuser makes the owner a superuser: role "superadmin" and
// is_superuser=true, the consistent pair (a later [APIKeyRole] changes the
// role alone).
func APIKeySuperuser() APIKeyOption {
	return func(k *apiKey) { k.role, k.superuser = "superadmin", true }
}

// APIKeyReadOnly makes a key with access_mode "read_only" (the default).
func APIKeyReadOnly() APIKeyOption {
	return func(k *apiKey) { k.readWrite = false }
}

// APIKeyReadWrite makes a key with access_mode "read_write".
func APIKeyReadWrite() APIKeyOption {
	return func(k *apiKey) { k.readWrite = true }
}

// APIKeyAudience sets the key's audience_id (default: the first client
// registered with [RevocationClient], or "test-client" without one). A
// consumer refuses an active answer whose audience is not its
// INTERNAL_CLIENT_ID.
func APIKeyAudience(id string) APIKeyOption {
	return func(k *apiKey) { k.audience = id }
}

// APIKeyInactive makes a key that is answered inactive from the start.
func APIKeyInactive() APIKeyOption {
	return func(k *apiKey) { k.inactive = true }
}

// APIKeyExpiresAt sets the key's expiry: key_expires_at is t (RFC 3339,
// UTC) and the key is answered inactive from t on. Default: no expiry
// (key_expires_at null).
func APIKeyExpiresAt(t time.Time) APIKeyOption {
	return func(k *apiKey) {
		t := t.UTC()
		k.expiresAt = &t
	}
}

// apiKeyFault is a failure the endpoint was told to answer with.
type apiKeyFault int

const (
	apiKeyNormal    apiKeyFault = iota
	apiKeyStatus                // status, {"detail": ...}
	apiKeyRateLimit             // 429, Retry-After
	apiKeyOversized             // the normal answer padded past APIKeyMaxResponseBytes
	apiKeyMalformed             // 200, not JSON
)

// apiKeyState is a RevocationServer's API-key state, guarded by its mu.
type apiKeyState struct {
	keys       map[[sha256.Size]byte]*apiKey // by the SHA-256 of the raw key
	calls      int
	fault      apiKeyFault
	status     int
	retryAfter string
	delay      time.Duration
}

// apiKeys returns s's API-key state (guarded by s.mu).
func (s *RevocationServer) apiKeys() *apiKeyState { return s.apiKeyState }

// APIKeyURL returns the URL of the API-key introspection endpoint
// (API_KEY_INTROSPECTION_URL; a consumer also derives it from
// INTROSPECTION_URL).
func (s *RevocationServer) APIKeyURL() string { return s.srv.URL + APIKeyIntrospectionPath }

// CreateAPIKey registers a new API key and returns its raw value (random,
// "fxk_" and 48 hex digits), to send as X-API-Key. Without options the key
// is active, read_only, never expires, and belongs to a new user of role
// "user" (not a superuser) with the default audience (see [APIKeyAudience]).
func (s *RevocationServer) CreateAPIKey(opts ...APIKeyOption) string {
	k := &apiKey{owner: uuid.NewString(), role: "user", audience: s.cfg.firstClient}
	if k.audience == "" {
		k.audience = "test-client"
	}
	for _, o := range opts {
		o(k)
	}
	raw := "fxk_" + randomHex(24)
	st := s.apiKeys()
	s.set(func() { st.keys[sha256.Sum256([]byte(raw))] = k })
	return raw
}

// DeactivateAPIKey makes the key answered inactive from now on. An unknown
// key fails the test (without showing the key).
func (s *RevocationServer) DeactivateAPIKey(raw string) {
	st := s.apiKeys()
	s.mu.Lock()
	k := st.keys[sha256.Sum256([]byte(raw))]
	if k != nil {
		k.inactive = true
	}
	s.mu.Unlock()
	if k == nil {
		s.t.Errorf("fxtest_helpers: DeactivateAPIKey: not a key made by CreateAPIKey")
	}
}

// The failure controls APIKeyRateLimit, APIKeyStatus, APIKeyOversized and
// APIKeyMalformed set how the API-key endpoint answers the well-formed,
// authorized requests it gets from now on, until the next of them is
// called (APIKeyStatus(http.StatusOK) restores the normal answers).
// Requests it refuses (method, credentials, body) still get their refusal.
// APIKeyDelay combines with any of them.

// APIKeyRateLimit makes the API-key endpoint answer, from now on (see
// [RevocationServer.APIKeyStatus] to stop), 429 {"detail": "Too Many
// Requests"}, with Retry-After: retryAfter unless retryAfter is "".
func (s *RevocationServer) APIKeyRateLimit(retryAfter string) {
	st := s.apiKeys()
	s.set(func() { st.fault, st.retryAfter = apiKeyRateLimit, retryAfter })
}

// APIKeyStatus makes the API-key endpoint answer well-formed, authorized
// requests, from now on, with code and {"detail": <status text>} (e.g.
// 500, 503, 401, 418); a 3xx also carries Location: the endpoint itself,
// so a client that follows redirects calls again. http.StatusOK restores
// the normal answers (it ends any failure control). A code outside
// 200–599 fails the test.
func (s *RevocationServer) APIKeyStatus(code int) {
	if code < 200 || code > 599 {
		s.t.Errorf("fxtest_helpers: APIKeyStatus: %d is not a status code in 200..599", code)
		return
	}
	st := s.apiKeys()
	s.set(func() {
		st.fault, st.status = apiKeyStatus, code
		if code == http.StatusOK {
			st.fault = apiKeyNormal
		}
	})
}

// APIKeyDelay delays every API-key answer from now on, refusals included,
// by d (cut short when the client gives up); 0 answers at once.
func (s *RevocationServer) APIKeyDelay(d time.Duration) {
	st := s.apiKeys()
	s.set(func() { st.delay = d })
}

// APIKeyOversized makes the API-key endpoint answer, from now on (see
// [RevocationServer.APIKeyStatus] to stop), 200 with the normal answer
// followed by spaces: valid JSON of the right shape, but more than
// [APIKeyMaxResponseBytes] bytes, sent without Content-Length (chunked).
func (s *RevocationServer) APIKeyOversized() {
	st := s.apiKeys()
	s.set(func() { st.fault = apiKeyOversized })
}

// APIKeyMalformed makes the API-key endpoint answer, from now on (see
// [RevocationServer.APIKeyStatus] to stop), 200 with a JSON Content-Type and a
// body that is not JSON (a truncated answer).
func (s *RevocationServer) APIKeyMalformed() {
	st := s.apiKeys()
	s.set(func() { st.fault = apiKeyMalformed })
}

// APIKeyCalls returns how many requests reached the API-key endpoint,
// refused ones included.
func (s *RevocationServer) APIKeyCalls() int {
	st := s.apiKeys()
	s.mu.Lock()
	defer s.mu.Unlock()
	return st.calls
}

// apiKeyRequest is the introspection body.
type apiKeyRequest struct {
	APIKey        *string `json:"api_key"`
	SchemaVersion *string `json:"schema_version"`
}

func (s *RevocationServer) serveAPIKeyIntrospection(w http.ResponseWriter, r *http.Request) {
	st := s.apiKeys()
	// Read the body first: only then does net/http notice a client that
	// hangs up (and cancel r.Context()) while the answer is delayed.
	data, readErr := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	s.mu.Lock()
	st.calls++
	delay := st.delay
	s.mu.Unlock()
	if delay > 0 {
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return
		}
	}

	raw, status, problem, record := s.parseAPIKeyRequest(r, data, readErr)
	if status != 0 {
		if record {
			s.problem("api-keys/introspect: " + problem)
		}
		writeJSON(w, status, map[string]any{"detail": problem})
		return
	}

	s.mu.Lock()
	fault, code, retryAfter := st.fault, st.status, st.retryAfter
	answer := s.apiKeyAnswerLocked(st, raw)
	s.mu.Unlock()
	switch fault {
	case apiKeyRateLimit:
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"detail": http.StatusText(http.StatusTooManyRequests)})
	case apiKeyStatus:
		if code >= 300 && code < 400 {
			w.Header().Set("Location", s.APIKeyURL())
		}
		writeJSON(w, code, map[string]any{"detail": http.StatusText(code)})
	case apiKeyOversized:
		b, _ := json.Marshal(answer)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b)
		_, _ = w.Write(bytes.Repeat([]byte(" "), APIKeyMaxResponseBytes+1-len(b)))
	case apiKeyMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"active": true, "schema_version": "1", "principal": {"user_id": `)
	default:
		writeJSON(w, http.StatusOK, answer)
	}
}

// apiKeyAnswerLocked is the 200 answer for raw.
func (s *RevocationServer) apiKeyAnswerLocked(st *apiKeyState, raw string) map[string]any {
	k := st.keys[sha256.Sum256([]byte(raw))]
	if k == nil || k.inactive || (k.expiresAt != nil && !time.Now().Before(*k.expiresAt)) {
		return map[string]any{"active": false, "schema_version": "1"}
	}
	u := s.userLocked(k.owner)
	if u.deleted {
		return map[string]any{"active": false, "schema_version": "1"}
	}
	mode := "read_only"
	if k.readWrite {
		mode = "read_write"
	}
	var expires any // null
	if k.expiresAt != nil {
		expires = k.expiresAt.Format(time.RFC3339)
	}
	return map[string]any{
		"active":         true,
		"schema_version": "1",
		"audience_id":    k.audience,
		"principal": map[string]any{
			"user_id":               k.owner,
			"role":                  k.role,
			"is_superuser":          k.superuser,
			"access_mode":           mode,
			"authentication_method": "api_key",
			"auth_generation":       u.generation,
		},
		"key_expires_at": expires,
	}
}

// parseAPIKeyRequest checks the request like the auth service does and
// returns the raw key. A non-zero status refuses it; record tells whether
// the refusal is a protocol error. No problem text contains the key.
func (s *RevocationServer) parseAPIKeyRequest(r *http.Request, data []byte, readErr error) (string, int, string, bool) {
	if r.Method != http.MethodPost {
		return "", http.StatusMethodNotAllowed, "method must be POST, got " + r.Method, true
	}
	if status, problem, record := s.authorize(r, scopeAPIKeyIntrospection); status != 0 {
		return "", status, problem, record
	}
	if readErr != nil {
		return "", http.StatusBadRequest, "unreadable body", true
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return "", http.StatusUnprocessableEntity, fmt.Sprintf("Content-Type must be application/json, got %q", ct), true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var req apiKeyRequest
	if err := dec.Decode(&req); err != nil {
		return "", http.StatusUnprocessableEntity, `body is not {"api_key": "<key>", "schema_version": "1"}: ` + jsonProblem(err), true
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", http.StatusUnprocessableEntity, "body has data after the JSON object", true
	}
	switch {
	case req.APIKey == nil:
		return "", http.StatusUnprocessableEntity, `body has no "api_key" (or it is null)`, true
	case *req.APIKey == "":
		return "", http.StatusUnprocessableEntity, `"api_key" is empty`, true
	case req.SchemaVersion == nil:
		return "", http.StatusUnprocessableEntity, `body has no "schema_version" (or it is null)`, true
	case *req.SchemaVersion != "1":
		return "", http.StatusUnprocessableEntity, fmt.Sprintf(`"schema_version" must be "1", got %q`, *req.SchemaVersion), true
	}
	return *req.APIKey, 0, "", false
}

// jsonProblem describes a decoding error without quoting the body (which
// holds the key): the kind of error and, for a type error, the field.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return fmt.Sprintf("not a JSON object (got a JSON %s)", typeErr.Value)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("field %q is not a string (got a JSON %s)", typeErr.Field, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("invalid JSON at offset %d", syntaxErr.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "empty or truncated body"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return err.Error() // names the field only
	default:
		return "not a JSON object"
	}
}
