package devissuer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// MaxTokenTTL bounds the lifetime of a minted token.
const MaxTokenTTL = 24 * time.Hour

// DefaultTokenTTL is the lifetime of a minted token when none is given.
const DefaultTokenTTL = 30 * time.Minute

// TokenSpec describes an access token to mint. The zero value is a user
// token for a random subject with role "user".
type TokenSpec struct {
	// Sub is the user id, a UUID (lower-cased; "" → a random one).
	Sub string `json:"sub,omitempty"`
	// Email is the email claim (default dev@example.com).
	Email string `json:"email,omitempty"`
	// FullName is the full_name claim ("" → null).
	FullName string `json:"full_name,omitempty"`
	// Role is the role claim: any role string the service's hierarchy
	// knows (lower-cased; default "user").
	Role string `json:"role,omitempty"`
	// Superuser is the is_superuser claim.
	Superuser bool `json:"is_superuser,omitempty"`
	// Inactive sets is_active=false.
	Inactive bool `json:"inactive,omitempty"`
	// TenantID is the tenant_id claim, a UUID ("" → null).
	TenantID string `json:"tenant_id,omitempty"`
	// TTL is the lifetime (0 → 30 min; at most 24 h). Over JSON it is
	// ttl_seconds.
	TTL time.Duration `json:"-"`
	// Claims are extra claims; they may not replace the claims above or
	// the registered ones (iss, aud, exp, iat, nbf, jti, type).
	Claims map[string]any `json:"claims,omitempty"`
}

// reservedClaims are set from the spec and the issuer, never from Claims.
var reservedClaims = []string{
	"sub", "type", "email", "full_name", "avatar", "is_active", "email_verified", "is_superuser",
	"role", "tenant_id", "exp", "iat", "nbf", "jti", "iss", "aud",
}

// Minted describes a minted token.
type Minted struct {
	Token string    `json:"token"`
	JTI   string    `json:"jti"`
	Sub   string    `json:"sub"`
	Exp   time.Time `json:"exp"`
}

// BuildClaims returns the claims of the token spec describes, as fa-auth-m8
// writes them, issued at now by iss for aud ("" leaves iss or aud out),
// with a new jti. It refuses an invalid spec with an error naming the
// field.
func (spec TokenSpec) BuildClaims(now time.Time, iss, aud string) (map[string]any, error) {
	var problems []string
	sub := strings.ToLower(strings.TrimSpace(spec.Sub))
	if sub == "" {
		sub = uuid.NewString()
	} else if u, err := uuid.Parse(sub); err != nil || u.String() != sub || u == uuid.Nil {
		problems = append(problems, fmt.Sprintf("sub %q is not a UUID", spec.Sub))
	}
	role := strings.ToLower(strings.TrimSpace(spec.Role))
	if role == "" {
		role = "user"
	}
	for _, r := range role {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' || r == ':') {
			problems = append(problems, fmt.Sprintf("role %q: want lower-case letters, digits and _ - . :", spec.Role))
			break
		}
	}
	email := spec.Email
	if email == "" {
		email = "dev@example.com"
	}
	var tenant any // null
	if spec.TenantID != "" {
		if _, err := uuid.Parse(spec.TenantID); err != nil {
			problems = append(problems, fmt.Sprintf("tenant_id %q is not a UUID", spec.TenantID))
		}
		tenant = strings.ToLower(spec.TenantID)
	}
	var fullName any // null
	if spec.FullName != "" {
		fullName = spec.FullName
	}
	ttl := spec.TTL
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	if ttl < time.Second || ttl > MaxTokenTTL {
		problems = append(problems, fmt.Sprintf("ttl %s: want 1s to %s", ttl, MaxTokenTTL))
	}
	for name := range spec.Claims {
		for _, r := range reservedClaims {
			if name == r {
				problems = append(problems, fmt.Sprintf("claim %q is set by the issuer or by its own flag, not as an extra claim", name))
			}
		}
		if name == "" {
			problems = append(problems, "an extra claim has an empty name")
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	claims := make(map[string]any, len(spec.Claims)+16)
	for k, v := range spec.Claims {
		claims[k] = v
	}
	claims["sub"] = sub
	claims["type"] = "access"
	claims["email"] = email
	claims["full_name"] = fullName
	claims["avatar"] = nil
	claims["is_active"] = !spec.Inactive
	claims["email_verified"] = true
	claims["is_superuser"] = spec.Superuser
	claims["role"] = role
	claims["tenant_id"] = tenant
	claims["iat"] = now.Unix()
	claims["nbf"] = now.Unix()
	claims["exp"] = now.Add(ttl).Unix()
	claims["jti"] = uuid.NewString()
	if iss != "" {
		claims["iss"] = iss
	}
	if aud != "" {
		claims["aud"] = aud
	}
	return claims, nil
}

// ParseClaim reads a name=value claim as the -claim flag takes it. The
// value is typed: true/false are booleans, null is null, a number is a
// number, a value starting with { [ or " is JSON; anything else is a
// string (so -claim dept=sales is the string "sales").
func ParseClaim(s string) (string, any, error) {
	name, raw, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return "", nil, fmt.Errorf("claim %q: want name=value", s)
	}
	switch raw {
	case "true":
		return name, true, nil
	case "false":
		return name, false, nil
	case "null":
		return name, nil, nil
	}
	if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
		return name, n, nil
	}
	if f, err := strconv.ParseFloat(raw, 64); err == nil && !strings.ContainsAny(raw, "xXpP_") && !strings.EqualFold(raw, "nan") && !strings.Contains(strings.ToLower(raw), "inf") {
		return name, f, nil
	}
	if t := strings.TrimSpace(raw); t != "" && strings.ContainsRune(`{["`, rune(t[0])) {
		dec := json.NewDecoder(bytes.NewReader([]byte(t)))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil || dec.More() {
			return "", nil, fmt.Errorf("claim %q: the value starts like JSON but is not valid JSON", name)
		}
		return name, v, nil
	}
	return name, raw, nil
}
