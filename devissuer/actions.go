package devissuer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"go.uber.org/zap"
)

// ErrNotFound is returned for a jti or user this issuer does not know.
var ErrNotFound = errors.New("not found")

// Mint signs an access token for spec with the current key and records
// its jti (for jti-status) at its user's current generation.
func (s *Server) Mint(spec TokenSpec) (Minted, error) {
	now := s.cfg.Now()
	claims, err := spec.BuildClaims(now, s.cfg.Issuer, s.cfg.Audience)
	if err != nil {
		return Minted{}, err
	}
	sub, jti := claims["sub"].(string), claims["jti"].(string)
	exp := claims["exp"].(int64)
	s.mu.Lock()
	defer s.mu.Unlock()
	key := s.keys[0]
	tok := jwt.NewWithClaims(jwt.GetSigningMethod(s.st.Alg), jwt.MapClaims(claims))
	if s.st.Alg != "HS256" {
		tok.Header["kid"] = key.kid
	}
	signed, err := tok.SignedString(key.signer)
	if err != nil {
		return Minted{}, fmt.Errorf("signing with %s: %w", s.st.Alg, err)
	}
	s.st.Tokens[jti] = &mintedToken{Sub: sub, Generation: s.st.user(sub).Generation, Exp: exp}
	if err := s.saveLocked(); err != nil {
		return Minted{}, err
	}
	s.cfg.Logger.Info("token minted", zap.String("sub", sub), zap.String("jti", jti), zap.Any("role", claims["role"]))
	return Minted{Token: signed, JTI: jti, Sub: sub, Exp: time.Unix(exp, 0).UTC()}, nil
}

// Revoked is the outcome of a revocation.
type Revoked struct {
	Sub            string `json:"sub"`
	JTI            string `json:"jti,omitempty"`
	AuthGeneration int64  `json:"auth_generation"`
	EventID        string `json:"event_id"`
}

// RevokeJTI revokes one token minted here and emits a session.revoked v2
// event for it.
func (s *Server) RevokeJTI(jti string) (Revoked, error) {
	s.mu.Lock()
	t := s.st.Tokens[jti]
	if t == nil {
		s.mu.Unlock()
		return Revoked{}, fmt.Errorf("jti %q: %w (only tokens minted by this dev issuer can be revoked)", jti, ErrNotFound)
	}
	s.st.Revoked[jti] = t.Exp
	gen := s.st.user(t.Sub).Generation
	err := s.saveLocked()
	s.mu.Unlock()
	if err != nil {
		return Revoked{}, err
	}
	id := s.emit("session-revoked", map[string]any{
		"event_type": "session.revoked", "version": "v2", "user_id": t.Sub, "jti": jti,
		"auth_generation": gen, "event_id": fmt.Sprintf("%s:%d:revoke:%s", t.Sub, gen, jti),
	})
	s.cfg.Logger.Info("jti revoked", zap.String("jti", jti), zap.String("event_id", id))
	return Revoked{Sub: t.Sub, JTI: jti, AuthGeneration: gen, EventID: id}, nil
}

// RevokeUser revokes every session of user sub: its generation moves on
// (tokens minted before are inactive) and a session.revoked v2 event with
// jti null and the new generation is emitted.
func (s *Server) RevokeUser(sub string) (Revoked, error) {
	sub, err := canonicalSub(sub)
	if err != nil {
		return Revoked{}, err
	}
	s.mu.Lock()
	u := s.st.user(sub)
	u.Generation++
	gen := u.Generation
	err = s.saveLocked()
	s.mu.Unlock()
	if err != nil {
		return Revoked{}, err
	}
	id := s.emit("session-revoked", map[string]any{
		"event_type": "session.revoked", "version": "v2", "user_id": sub, "jti": nil,
		"auth_generation": gen, "event_id": fmt.Sprintf("%s:%d:revoke:all", sub, gen),
	})
	s.cfg.Logger.Info("user revoked", zap.String("sub", sub), zap.Int64("auth_generation", gen), zap.String("event_id", id))
	return Revoked{Sub: sub, AuthGeneration: gen, EventID: id}, nil
}

// DeleteUser deletes user sub (every token of it inactive from now on)
// and emits a user.deleted v1 event.
func (s *Server) DeleteUser(sub string) (Revoked, error) {
	sub, err := canonicalSub(sub)
	if err != nil {
		return Revoked{}, err
	}
	s.mu.Lock()
	u := s.st.user(sub)
	u.Deleted = true
	gen := u.Generation
	err = s.saveLocked()
	s.mu.Unlock()
	if err != nil {
		return Revoked{}, err
	}
	id := s.emit("user-deleted", map[string]any{"event_type": "user.deleted", "version": "v1", "user_id": sub})
	s.cfg.Logger.Info("user deleted", zap.String("sub", sub), zap.String("event_id", id))
	return Revoked{Sub: sub, AuthGeneration: gen, EventID: id}, nil
}

// canonicalSub checks a user id.
func canonicalSub(sub string) (string, error) {
	sub = strings.ToLower(strings.TrimSpace(sub))
	u, err := uuid.Parse(sub)
	if err != nil || u.String() != sub || u == uuid.Nil {
		return "", fmt.Errorf("user id %q is not a UUID", sub)
	}
	return sub, nil
}
