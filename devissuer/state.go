package devissuer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// stateFile is the name of the state file inside Config.Dir.
const stateFile = "state.json"

// stateVersion is the layout version of the state file.
const stateVersion = 1

// state is everything the dev issuer keeps across restarts.
type state struct {
	Version  int    `json:"version"`
	Alg      string `json:"alg"`
	Audience string `json:"audience"`
	// Keys are the signing keys, current first; a rotation keeps the
	// previous one (published for an overlap) and drops the one before.
	Keys []storedKey `json:"keys"`
	// ServiceTokenKey signs the service tokens (HS256), hex.
	ServiceTokenKey string `json:"service_token_key"`
	// EventSigningKey signs the event stream's envelopes.
	EventSigningKey string `json:"event_signing_key"`
	// Clients are the consumers allowed on the private routes.
	Clients []client `json:"clients"`
	// Users holds the auth generation and deletion of every user seen.
	Users map[string]*user `json:"users"`
	// Tokens are the access tokens minted here, by jti.
	Tokens map[string]*mintedToken `json:"tokens"`
	// Revoked are the revoked jtis, with the token's expiry (unix s) so
	// that they can be forgotten once expired.
	Revoked map[string]int64 `json:"revoked"`
	// APIKeys are the API keys, by the hex SHA-256 of the raw key.
	APIKeys map[string]*apiKey `json:"api_keys"`
}

// storedKey is one signing key.
type storedKey struct {
	KID string `json:"kid"`
	// Private is the PKCS#8 PEM of an RS256/ES256 key, or the hex secret
	// of an HS256 key.
	Private string    `json:"private"`
	Created time.Time `json:"created"`
}

type client struct {
	ID     string   `json:"id"`
	Secret string   `json:"secret"`
	Scopes []string `json:"scopes"`
}

type user struct {
	Generation int64 `json:"generation"`
	Deleted    bool  `json:"deleted,omitempty"`
}

type mintedToken struct {
	Sub        string `json:"sub"`
	Generation int64  `json:"generation"`
	Exp        int64  `json:"exp"`
}

type apiKey struct {
	ID         string     `json:"id"`
	Owner      string     `json:"owner"`
	Role       string     `json:"role"`
	Superuser  bool       `json:"superuser,omitempty"`
	AccessMode string     `json:"access_mode"`
	Audience   string     `json:"audience"`
	Inactive   bool       `json:"inactive,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
}

// loadState reads dir's state file; a missing file is (nil, nil).
func loadState(dir string) (*state, error) {
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("devissuer: reading the state: %w", err)
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("devissuer: %s is not a dev-issuer state file: %w", filepath.Join(dir, stateFile), err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("devissuer: %s has layout version %d, this build reads %d: use another -dir or remove it",
			filepath.Join(dir, stateFile), st.Version, stateVersion)
	}
	if len(st.Keys) == 0 || st.ServiceTokenKey == "" || st.EventSigningKey == "" || len(st.Clients) == 0 {
		return nil, fmt.Errorf("devissuer: %s is incomplete (no keys or no client): remove it to start afresh", filepath.Join(dir, stateFile))
	}
	st.init()
	return &st, nil
}

// init makes the maps of a state read from a file that had none.
func (st *state) init() {
	if st.Users == nil {
		st.Users = map[string]*user{}
	}
	if st.Tokens == nil {
		st.Tokens = map[string]*mintedToken{}
	}
	if st.Revoked == nil {
		st.Revoked = map[string]int64{}
	}
	if st.APIKeys == nil {
		st.APIKeys = map[string]*apiKey{}
	}
}

// prune forgets the minted and revoked tokens that have expired.
func (st *state) prune(now time.Time) {
	for jti, t := range st.Tokens {
		if t.Exp < now.Unix() {
			delete(st.Tokens, jti)
		}
	}
	for jti, exp := range st.Revoked {
		if exp < now.Unix() {
			delete(st.Revoked, jti)
		}
	}
}

// save writes the state atomically (a temporary file renamed over the old
// one), readable by its owner only.
func (st *state) save(dir string) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("devissuer: encoding the state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, stateFile+".*")
	if err != nil {
		return fmt.Errorf("devissuer: writing the state: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename: nothing there
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("devissuer: writing the state: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("devissuer: writing the state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("devissuer: writing the state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("devissuer: writing the state: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, stateFile)); err != nil {
		return fmt.Errorf("devissuer: writing the state: %w", err)
	}
	return nil
}

// user returns the user sub, creating it at generation 1.
func (st *state) user(sub string) *user {
	u := st.Users[sub]
	if u == nil {
		u = &user{Generation: 1}
		st.Users[sub] = u
	}
	return u
}
