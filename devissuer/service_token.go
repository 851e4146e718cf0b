package devissuer

import (
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"go.uber.org/zap"
)

// serveServiceToken exchanges a bootstrap credential for a service token
// carrying the requested scopes (each must be granted to the client).
func (s *Server) serveServiceToken(w http.ResponseWriter, r *http.Request) {
	cl, ref := s.bootstrap(r)
	if ref != nil {
		ref.why = "service-token: " + ref.why
		s.refuse(w, r, ref)
		return
	}
	var req struct {
		Scopes []string `json:"scopes"`
	}
	data, err := readBody(r)
	if err != nil || decodeStrict(data, &req) != nil || len(req.Scopes) == 0 || slices.Contains(req.Scopes, "") {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": `body must be {"scopes": ["<scope>", ...]}`})
		return
	}
	var scopes []string
	for _, sc := range req.Scopes {
		if !slices.Contains(cl.Scopes, sc) {
			s.refuse(w, r, &refusal{http.StatusForbidden, "Forbidden", "service-token: client " + cl.ID + " is not granted scope " + strconvQuote(sc)})
			return
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	now := s.cfg.Now()
	ttl := s.cfg.ServiceTokenTTL
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, serviceClaims{
		Type: "service", Scope: strings.Join(scopes, " "),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: cl.ID, Issuer: s.cfg.Issuer, ID: uuid.NewString(),
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}).SignedString(s.tokenKey)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"detail": "Internal Server Error"})
		return
	}
	s.cfg.Logger.Info("service token issued", zap.String("client", cl.ID), zap.Strings("scopes", scopes), zap.Duration("expires_in", ttl))
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "bearer",
		"expires_in": int64(math.Ceil(ttl.Seconds())), "scope": strings.Join(scopes, " "),
	})
}
