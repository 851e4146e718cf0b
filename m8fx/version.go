package m8fx

import "github.com/m8fx/kit/internal/version"

// Version is the m8fx release. It is reported by the health detail body.
const Version = version.Kit

// Capabilities lists what this build of the kit provides, for feature checks
// at runtime (the Go counterpart of fastapi-m8's CAPABILITIES).
func Capabilities() map[string]bool {
	return map[string]bool{
		"settings":           true,
		"secret_files":       true,
		"health":             true,
		"readiness":          true,
		"startup_validators": true,
		"lifecycle_phases":   true,
		"typed_routes":       true,
		"graceful_drain":     true,
		"request_id":         true,
		"jwt_validation":     true,
		"jwks":               true,
		"revocation":         true,
		"event_signing":      true,
		"metrics":            true,
		"cors":               true,
		"trusted_hosts":      true,
		"security_headers":   true,
		"openapi_docs":       true,
		"db_optional":        true,
		"async":              false,
	}
}
