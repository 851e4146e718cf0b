package devissuer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
)

// API-key access modes.
const (
	APIKeyReadOnly  = "read_only"
	APIKeyReadWrite = "read_write"
)

// APIKeySpec describes an API key to create.
type APIKeySpec struct {
	// Owner is the owning user's id ("" → a random one).
	Owner string `json:"owner,omitempty"`
	// Role is the owner's role (default "writer").
	Role string `json:"role,omitempty"`
	// Superuser is the owner's is_superuser.
	Superuser bool `json:"is_superuser,omitempty"`
	// AccessMode is read_only (default) or read_write.
	AccessMode string `json:"access_mode,omitempty"`
	// Audience is the client the key is for (default: the issuer's first
	// client, the one ConsumerEnv names).
	Audience string `json:"audience,omitempty"`
	// Inactive creates a revoked key (introspection answers inactive).
	Inactive bool `json:"inactive,omitempty"`
	// ExpiresIn sets an expiry (0: never; negative: already expired). Over
	// JSON it is expires_in_seconds.
	ExpiresIn time.Duration `json:"-"`
}

// CreatedAPIKey is a new key. Key is shown once: the issuer keeps only its
// SHA-256.
type CreatedAPIKey struct {
	Key        string     `json:"api_key"`
	ID         string     `json:"id"`
	Owner      string     `json:"owner"`
	Role       string     `json:"role"`
	AccessMode string     `json:"access_mode"`
	Audience   string     `json:"audience"`
	Inactive   bool       `json:"inactive"`
	ExpiresAt  *time.Time `json:"expires_at"`
}

// CreateAPIKey creates an API key.
func (s *Server) CreateAPIKey(spec APIKeySpec) (CreatedAPIKey, error) {
	owner := spec.Owner
	if owner == "" {
		owner = uuid.NewString()
	}
	owner, err := canonicalSub(owner)
	if err != nil {
		return CreatedAPIKey{}, fmt.Errorf("owner: %w", err)
	}
	role := strings.ToLower(strings.TrimSpace(spec.Role))
	if role == "" {
		role = "writer"
	}
	mode := spec.AccessMode
	if mode == "" {
		mode = APIKeyReadOnly
	}
	if mode != APIKeyReadOnly && mode != APIKeyReadWrite {
		return CreatedAPIKey{}, fmt.Errorf("access_mode %q: want %s or %s", mode, APIKeyReadOnly, APIKeyReadWrite)
	}
	raw := "m8dev_" + randomHex(24)
	k := &apiKey{ID: randomHex(6), Owner: owner, Role: role, Superuser: spec.Superuser, AccessMode: mode,
		Audience: spec.Audience, Inactive: spec.Inactive}
	if spec.ExpiresIn != 0 {
		t := s.cfg.Now().Add(spec.ExpiresIn).UTC().Truncate(time.Second)
		k.ExpiresAt = &t
	}
	s.mu.Lock()
	if k.Audience == "" {
		k.Audience = s.st.Clients[0].ID
	}
	s.st.APIKeys[keyHash(raw)] = k
	s.st.user(owner)
	err = s.saveLocked()
	s.mu.Unlock()
	if err != nil {
		return CreatedAPIKey{}, err
	}
	s.cfg.Logger.Info("API key created", zap.String("id", k.ID), zap.String("owner", owner), zap.String("access_mode", mode))
	return CreatedAPIKey{Key: raw, ID: k.ID, Owner: owner, Role: role, AccessMode: mode, Audience: k.Audience,
		Inactive: k.Inactive, ExpiresAt: k.ExpiresAt}, nil
}

func keyHash(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// serveAPIKeyIntrospection answers an API-key introspection (schema 1).
func (s *Server) serveAPIKeyIntrospection(w http.ResponseWriter, r *http.Request) {
	data, readErr := readBody(r)
	if _, ref := s.authorize(r, ScopeAPIKeyIntrospection); ref != nil {
		s.refuse(w, r, ref)
		return
	}
	if f, ok := s.fault(FaultAPIKeyRateLimit); ok {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"detail": "Too Many Requests"})
		return
	}
	if _, ok := s.fault(FaultAPIKeyError); ok {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"detail": "Internal Server Error"})
		return
	}
	var req struct {
		APIKey        *string `json:"api_key"`
		SchemaVersion *string `json:"schema_version"`
	}
	if readErr != nil || decodeStrict(data, &req) != nil || req.APIKey == nil || *req.APIKey == "" ||
		req.SchemaVersion == nil || *req.SchemaVersion != "1" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": `body must be {"api_key": "<key>", "schema_version": "1"}`})
		return
	}
	s.mu.Lock()
	answer := s.st.introspect(*req.APIKey, s.cfg.Now())
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, answer)
}

// introspect is the answer for a raw key.
func (st *state) introspect(raw string, now time.Time) map[string]any {
	inactive := map[string]any{"active": false, "schema_version": "1"}
	k := st.APIKeys[keyHash(raw)]
	if k == nil || k.Inactive || (k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)) {
		return inactive
	}
	u := st.user(k.Owner)
	if u.Deleted {
		return inactive
	}
	var expires any // null
	if k.ExpiresAt != nil {
		expires = k.ExpiresAt.Format(time.RFC3339)
	}
	return map[string]any{
		"active": true, "schema_version": "1", "audience_id": k.Audience,
		"principal": map[string]any{
			"user_id": k.Owner, "role": k.Role, "is_superuser": k.Superuser, "access_mode": k.AccessMode,
			"authentication_method": "api_key", "auth_generation": u.Generation,
		},
		"key_expires_at": expires,
	}
}
