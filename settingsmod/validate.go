package settingsmod

import (
	"slices"
	"strings"
	"unicode"
)

// Allowed values of the enum settings.
var (
	environments      = []string{envLocal, "development", "staging", envProduction}
	tokenModes        = []string{modeStateless, modeHybrid, modeStateful}
	algorithms        = []string{algRS256, algES256, algHS256}
	databases         = []string{dbMysql, dbPostgres, dbSqlite}
	metricsGroups     = []string{"traffic", "performance", "reliability", "health", "auth", metricsAll}
	logLevels         = []string{"debug", "info", "warn", "error"}
	logFormats        = []string{logJSON, logConsole}
	revocationFailure = []string{"fail_closed", "fail_open"}
)

const (
	envLocal      = "local"
	envProduction = "production"
	modeStateless = "stateless"
	modeHybrid    = "hybrid"
	modeStateful  = "stateful"
	algRS256      = "RS256"
	algES256      = "ES256"
	algHS256      = "HS256"
	dbMysql       = "Mysql"
	dbPostgres    = "Postgres"
	dbSqlite      = "Sqlite"
	metricsAll    = "all"
	logJSON       = "json"
	logConsole    = "console"
	roleConsumer  = "consumer"
)

// Bounds of the numeric rules; secret lengths are in bytes.
const (
	minSigningKeyBytes   = 32
	minPrivateAPISecret  = 16
	maxTokenLeewaySecs   = 60
	maxShutdownDrainSecs = 60
	minHeaderBytes       = 4096
	maxHeaderBytes       = 1 << 20
)

// validateKit checks the kit's rules on s, except the database ones (see
// [Settings.ValidateDatabase]).
func validateKit(s *Settings) []Problem {
	var ps problems
	ps.checkCore(s)
	ps.checkTokens(s)
	ps.checkObservability(s)
	ps.checkOTel(s)
	ps.checkHTTPServer(s)
	if s.IsProduction() {
		ps.checkProduction(s)
	}
	return ps
}

// required records a problem when v is blank and reports whether v is set.
// hint says what a good value looks like.
func (ps *problems) required(env, v, hint string) bool {
	if strings.TrimSpace(v) != "" {
		return true
	}
	ps.add(env, "is required (%s)", hint)
	return false
}

// oneOf records a problem when v is not one of allowed.
func (ps *problems) oneOf(env, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		ps.add(env, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
	}
}

// atLeast records a problem when v < lo.
func (ps *problems) atLeast(env string, v, lo int) {
	if v < lo {
		ps.add(env, "must be at least %d, got %d", lo, v)
	}
}

// between records a problem when v is outside lo..hi.
func (ps *problems) between(env string, v, lo, hi int) {
	if v < lo || v > hi {
		ps.add(env, "must be between %d and %d, got %d", lo, hi, v)
	}
}

// secretLength records a problem when s is shorter than lo bytes. It never
// shows the secret or its length.
func (ps *problems) secretLength(env string, s Secret, lo int) {
	if len(s.Value()) < lo {
		ps.add(env, "must be at least %d bytes long; generate one with: openssl rand -hex %d", lo, lo)
	}
}

// httpURL records a problem when raw is not an absolute http(s) URL.
func (ps *problems) httpURL(env, raw string) {
	if _, err := parseHTTPURL(raw); err != nil {
		ps.add(env, "%v", err)
	}
}

// urlPrefix records a problem when v is not a route prefix like "/api".
func (ps *problems) urlPrefix(env, v string) {
	if len(v) < 2 || v[0] != '/' || strings.HasSuffix(v, "/") || strings.ContainsAny(v, "?#") || strings.ContainsFunc(v, unicode.IsSpace) {
		ps.add(env, `must start with "/" and not end with "/", without spaces, "?" or "#" (e.g. "/api"), got %q`, v)
	}
}
