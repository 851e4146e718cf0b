package authmod

import (
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/m8fx/kit/internal/strictjson"
)

// The introspection answer is read by hand rather than with encoding/json:
// its shape is fixed, and the decoder is a third of the guard's CPU per
// request otherwise (docs/BENCHMARKS.md). The rules are stricter than
// encoding/json's: member names are matched exactly (no case folding, no
// escaped spellings), a known member may not appear twice, and every value
// of an unknown member must still be valid JSON.

// errAnswerShape stops the member walk; the caller reports one malformed
// answer whatever the member.
var errAnswerShape = errors.New("answer shape")

// apiKeyAnswer holds the raw values of the members the client reads (nil:
// absent).
type apiKeyAnswer struct {
	active, schemaVersion, audienceID, principal, keyExpiresAt []byte
}

// apiKeyAnswerPrincipal holds the raw values of the principal's members.
type apiKeyAnswerPrincipal struct {
	userID, role, isSuperuser, accessMode, method, authGeneration []byte
}

// setRaw stores v in *dst, refusing a second occurrence.
func setRaw(dst *[]byte, v []byte) error {
	if *dst != nil {
		return errAnswerShape
	}
	*dst = v
	return nil
}

// skipUnknown checks the value of a member the client does not read.
func skipUnknown(v []byte) error {
	if !strictjson.Valid(v) {
		return errAnswerShape
	}
	return nil
}

func scanAPIKeyAnswer(data []byte) (apiKeyAnswer, error) {
	var a apiKeyAnswer
	err := strictjson.Members(data, func(name, v []byte) error {
		switch string(name) {
		case "active":
			return setRaw(&a.active, v)
		case "schema_version":
			return setRaw(&a.schemaVersion, v)
		case "audience_id":
			return setRaw(&a.audienceID, v)
		case "principal":
			return setRaw(&a.principal, v)
		case "key_expires_at":
			return setRaw(&a.keyExpiresAt, v)
		}
		return skipUnknown(v)
	})
	return a, err
}

func scanAPIKeyPrincipal(data []byte) (apiKeyAnswerPrincipal, error) {
	var p apiKeyAnswerPrincipal
	err := strictjson.Members(data, func(name, v []byte) error {
		switch string(name) {
		case "user_id":
			return setRaw(&p.userID, v)
		case "role":
			return setRaw(&p.role, v)
		case "is_superuser":
			return setRaw(&p.isSuperuser, v)
		case "access_mode":
			return setRaw(&p.accessMode, v)
		case "authentication_method":
			return setRaw(&p.method, v)
		case "auth_generation":
			return setRaw(&p.authGeneration, v)
		}
		return skipUnknown(v)
	})
	return p, err
}

// parseAPIKeyAnswer reads a 200 answer strictly; see [APIKeyClient].
func parseAPIKeyAnswer(data []byte) (*APIKeyPrincipal, error) {
	malformed := func(msg string) (*APIKeyPrincipal, error) {
		return nil, apiKeyFail(APIKeyReasonMalformedResponse, "%s", msg)
	}
	a, err := scanAPIKeyAnswer(data)
	if err != nil {
		return malformed("answer is not a JSON object of the expected members (each once)")
	}
	if sv, ok := jsonString(a.schemaVersion); !ok || sv != apiKeySchemaVersion {
		return malformed(`answer "schema_version" is not "1"`)
	}
	active, ok := jsonBool(a.active)
	if !ok {
		return malformed(`answer has no boolean "active"`)
	}
	if !active {
		return nil, ErrAPIKeyInactive
	}
	p := &APIKeyPrincipal{}
	if p.AudienceID, ok = jsonString(a.audienceID); !ok || p.AudienceID == "" {
		return malformed(`active answer has no string "audience_id"`)
	}
	if len(a.principal) == 0 || a.principal[0] != '{' {
		return malformed(`active answer has no object "principal"`)
	}
	pr, err := scanAPIKeyPrincipal(a.principal)
	if err != nil {
		return malformed(`answer "principal" is not an object of the expected members (each once)`)
	}
	userID, ok := jsonString(pr.userID)
	if !ok {
		return malformed(`principal has no string "user_id"`)
	}
	if p.UserID, ok = parseUUID(userID); !ok {
		return malformed(`principal "user_id" is not a UUID`)
	}
	role, ok := jsonString(pr.role)
	if !ok || role == "" {
		return malformed(`principal has no string "role"`)
	}
	p.Role = Role(role)
	if p.IsSuperuser, ok = jsonBool(pr.isSuperuser); !ok {
		return malformed(`principal has no boolean "is_superuser"`)
	}
	if p.AccessMode, ok = jsonString(pr.accessMode); !ok || (p.AccessMode != APIKeyReadOnly && p.AccessMode != APIKeyReadWrite) {
		return malformed(`principal "access_mode" is not "read_only" or "read_write"`)
	}
	if method, ok := jsonString(pr.method); !ok || method != "api_key" {
		return malformed(`principal "authentication_method" is not "api_key"`)
	}
	if p.AuthGeneration, ok = jsonInt(pr.authGeneration); !ok || p.AuthGeneration < 1 {
		return malformed(`principal has no integer "auth_generation" >= 1`)
	}
	if a.keyExpiresAt != nil && !isNull(a.keyExpiresAt) { // absent or null: never expires
		s, ok := jsonString(a.keyExpiresAt)
		if !ok {
			return malformed(`answer "key_expires_at" is not an RFC 3339 datetime`)
		}
		t, ok := parseAPIKeyTime(s)
		if !ok {
			return malformed(`answer "key_expires_at" is not an RFC 3339 datetime`)
		}
		p.KeyExpiresAt = &t
	}
	return p, nil
}

// parseUUID accepts the 36-character form only.
func parseUUID(s string) (uuid.UUID, bool) {
	if len(s) != 36 {
		return uuid.UUID{}, false
	}
	u, err := uuid.Parse(s)
	return u, err == nil
}

// parseAPIKeyTime reads an RFC 3339 datetime, or one without a zone
// (taken as UTC, as Python writes naive datetimes).
func parseAPIKeyTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC); err == nil {
		return t, true
	}
	return time.Time{}, false
}
