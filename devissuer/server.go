package devissuer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"

	"github.com/m8fx/kit/authevent"
	"github.com/m8fx/kit/internal/ssefeed"
)

// Every scope a consumer may be granted.
const (
	ScopeIntrospection       = "introspection"
	ScopeEventStream         = "event-stream"
	ScopeAPIKeyIntrospection = "api-key-introspection"
)

// Server is a dev issuer: its state, and the handler serving it.
type Server struct {
	cfg      Config
	signer   *authevent.Signer
	tokenKey []byte // the service tokens' HS256 key (state.ServiceTokenKey, decoded)
	hub      *ssefeed.Hub

	mu     sync.Mutex
	st     *state
	keys   []signingKey // decoded st.Keys, current first
	jwks   []byte
	etag   string
	faults faults
}

// Open opens (or creates) the state in cfg.Dir and returns the server. A
// new state folder gets a signing key, a service-token key, an event
// signing key and one client (Config.ClientID) with every scope.
func Open(cfg Config) (*Server, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("devissuer: state folder: %w", err)
	}
	st, err := loadState(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if st == nil {
		if cfg.Algorithm == "" {
			cfg.Algorithm = DefaultAlgorithm
		}
		if cfg.Audience == "" {
			cfg.Audience = DefaultAudience
		}
		if st, err = newState(cfg); err != nil {
			return nil, err
		}
		if err := st.save(cfg.Dir); err != nil {
			return nil, err
		}
	} else {
		if cfg.Algorithm == "" {
			cfg.Algorithm = st.Alg
		}
		if st.Alg != cfg.Algorithm {
			return nil, fmt.Errorf("devissuer: the state in %s signs with %s, not %s: use another -dir, or -alg %s",
				cfg.Dir, st.Alg, cfg.Algorithm, st.Alg)
		}
		if cfg.Audience == "" {
			cfg.Audience = st.Audience
		}
		if cfg.Audience != st.Audience {
			st.Audience = cfg.Audience
			if err := st.save(cfg.Dir); err != nil {
				return nil, err
			}
		}
	}
	signer, err := authevent.NewSigner([]byte(st.EventSigningKey))
	if err != nil {
		return nil, fmt.Errorf("devissuer: event signing key: %w", err)
	}
	tokenKey, err := hex.DecodeString(st.ServiceTokenKey)
	if err != nil || len(tokenKey) < 32 {
		return nil, fmt.Errorf("devissuer: %s: the service-token key is not a 32-byte hex string", cfg.Dir)
	}
	s := &Server{cfg: cfg, signer: signer, tokenKey: tokenKey, st: st, hub: ssefeed.NewHub(cfg.Now())}
	if err := s.loadKeysLocked(); err != nil {
		return nil, err
	}
	return s, nil
}

func newState(cfg Config) (*state, error) {
	k, err := newKey(cfg.Algorithm, cfg.Now())
	if err != nil {
		return nil, err
	}
	st := &state{
		Version:         stateVersion,
		Alg:             cfg.Algorithm,
		Audience:        cfg.Audience,
		Keys:            []storedKey{k},
		ServiceTokenKey: randomHex(32),
		EventSigningKey: randomHex(32),
		Clients: []client{{
			ID: cfg.ClientID, Secret: randomHex(24),
			Scopes: []string{ScopeIntrospection, ScopeEventStream, ScopeAPIKeyIntrospection},
		}},
	}
	st.init()
	return st, nil
}

// loadKeysLocked decodes the stored keys and renders the JWKS.
func (s *Server) loadKeysLocked() error {
	keys := make([]signingKey, 0, len(s.st.Keys))
	for _, k := range s.st.Keys {
		d, err := k.decode(s.st.Alg)
		if err != nil {
			return err
		}
		keys = append(keys, d)
	}
	jwks, err := renderJWKS(s.st.Alg, keys)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(jwks)
	s.keys, s.jwks, s.etag = keys, jwks, `"`+hex.EncodeToString(sum[:])+`"`
	return nil
}

// ErrSharedSecret is the error of [Server.Rotate] on an HS256 issuer: its
// secret is shared with the consumers (ACCESS_SECRET_KEY), not published,
// so a new one would lock them out.
var ErrSharedSecret = errors.New("needs RS256 or ES256 (an HS256 secret is shared with the consumers, not published)")

// Rotate makes a new current signing key. The previous one stays in the
// JWKS (tokens it signed keep verifying for the overlap); the one before
// it is removed. It returns the new kid, or [ErrSharedSecret] for HS256.
func (s *Server) Rotate() (string, error) {
	if s.st.Alg == "HS256" {
		return "", fmt.Errorf("devissuer: rotation %w", ErrSharedSecret)
	}
	k, err := newKey(s.st.Alg, s.cfg.Now())
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.st.Keys
	s.st.Keys = append([]storedKey{k}, old[:1]...)
	if err := s.loadKeysLocked(); err != nil {
		s.st.Keys = old
		return "", err
	}
	if err := s.saveLocked(); err != nil {
		s.st.Keys = old
		_ = s.loadKeysLocked()
		return "", err
	}
	s.cfg.Logger.Info("signing key rotated")
	return k.KID, nil
}

// KeyIDs returns the published key ids, current first.
func (s *Server) KeyIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, len(s.keys))
	for i, k := range s.keys {
		ids[i] = k.kid
	}
	return ids
}

// saveLocked prunes and writes the state.
func (s *Server) saveLocked() error {
	s.st.prune(s.cfg.Now())
	return s.st.save(s.cfg.Dir)
}

// Close ends the open event streams. It does not close a listener: the
// caller owns the http.Server.
func (s *Server) Close() error {
	s.hub.Close()
	return nil
}

// URL returns the absolute URL of a route path under the prefix.
func (s *Server) URL(path string) string { return s.cfg.BaseURL + s.cfg.Prefix + path }

// Route paths under the prefix.
const (
	PathJWKS         = "/.well-known/jwks.json"
	PathJTIStatus    = "/private/v1/jti-status"
	PathServiceToken = "/private/v1/service-token"
	PathEventStream  = "/private/v1/events/stream"
	PathAPIKeys      = "/private/v1/api-keys/introspect"
	PathDev          = "/dev" // the developer routes: PathDev + "/tokens", ...
)

// Handler returns the issuer's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	p := s.cfg.Prefix
	mux.HandleFunc("GET "+p+PathJWKS, s.serveJWKS)
	mux.HandleFunc("POST "+p+PathJTIStatus, s.serveJTIStatus)
	mux.HandleFunc("POST "+p+PathServiceToken, s.serveServiceToken)
	mux.HandleFunc("GET "+p+PathEventStream, s.serveEventStream)
	mux.HandleFunc("POST "+p+PathAPIKeys, s.serveAPIKeyIntrospection)
	s.devRoutes(mux, p+PathDev)
	return mux
}
