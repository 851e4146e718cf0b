package authmod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/MicahParks/jwkset"
)

// errStorageReadOnly is the answer of the write methods of jwksStorage.
var errStorageReadOnly = errors.New("authmod: the JWKS key storage is read-only: keys come only from the JWKS URL")

// jwksStorage is the jwkset.Storage that keyfunc reads: the usable keys of
// the jwksSource's current snapshot. Every JWKS behaviour of the kit lives
// in the source (algorithm filtering, size cap, rate-limited on-demand
// refresh that never waits on the limiter, single flight, last good keys on
// failure, purge of the verified-token cache when a key is withdrawn, first
// fetch bounded and outside the constructor); keyfunc only finds the key of
// a token. The storage is read-only, and its JSON and Marshal methods
// describe the snapshot, which never holds private material.
type jwksStorage struct {
	src *jwksSource
}

var _ jwkset.Storage = (*jwksStorage)(nil)

// KeyRead returns the key with keyID, refreshing the set on demand when it
// is unknown. Errors are invalid-token (unknown kid) or keys-unavailable
// errors.
func (s *jwksStorage) KeyRead(ctx context.Context, keyID string) (jwkset.JWK, error) {
	return s.src.read(ctx, keyID)
}

// KeyReadAll returns the keys of the snapshot, refreshing it on demand when
// it is empty.
func (s *jwksStorage) KeyReadAll(ctx context.Context) ([]jwkset.JWK, error) {
	if set := s.src.keys.Load(); set.size() > 0 {
		return set.all, nil
	}
	refreshErr := s.src.refreshOnDemand(ctx)
	set := s.src.keys.Load()
	if set.size() == 0 {
		return nil, keysUnavailable(errors.Join(errNoKeysLoaded, refreshErr))
	}
	return set.all, nil
}

// KeyDelete fails: the storage is read-only.
func (s *jwksStorage) KeyDelete(context.Context, string) (bool, error) {
	return false, errStorageReadOnly
}

// KeyReplaceAll fails: the storage is read-only.
func (s *jwksStorage) KeyReplaceAll(context.Context, []jwkset.JWK) error {
	return errStorageReadOnly
}

// KeyWrite fails: the storage is read-only.
func (s *jwksStorage) KeyWrite(context.Context, jwkset.JWK) error {
	return errStorageReadOnly
}

// JSON is the JWK Set of the snapshot.
func (s *jwksStorage) JSON(ctx context.Context) (json.RawMessage, error) {
	m, err := s.Marshal(ctx)
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// JSONPublic is [jwksStorage.JSON]: the snapshot holds public keys only.
func (s *jwksStorage) JSONPublic(ctx context.Context) (json.RawMessage, error) {
	return s.JSON(ctx)
}

// JSONPrivate is [jwksStorage.JSON]: private material is never loaded.
func (s *jwksStorage) JSONPrivate(ctx context.Context) (json.RawMessage, error) {
	return s.JSON(ctx)
}

// JSONWithOptions is the JWK Set of the snapshot marshalled with options.
func (s *jwksStorage) JSONWithOptions(ctx context.Context, mo jwkset.JWKMarshalOptions, vo jwkset.JWKValidateOptions) (json.RawMessage, error) {
	m, err := s.MarshalWithOptions(ctx, mo, vo)
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// Marshal returns the snapshot as a JWK Set value (no refresh).
func (s *jwksStorage) Marshal(context.Context) (jwkset.JWKSMarshal, error) {
	set := s.src.keys.Load()
	out := jwkset.JWKSMarshal{Keys: make([]jwkset.JWKMarshal, 0, set.size())}
	if set != nil {
		for _, k := range set.all {
			out.Keys = append(out.Keys, k.Marshal())
		}
	}
	return out, nil
}

// MarshalWithOptions returns the snapshot as a JWK Set value, each key
// marshalled again with the options (its kid, alg, use and key_ops kept).
func (s *jwksStorage) MarshalWithOptions(_ context.Context, mo jwkset.JWKMarshalOptions, vo jwkset.JWKValidateOptions) (jwkset.JWKSMarshal, error) {
	set := s.src.keys.Load()
	out := jwkset.JWKSMarshal{Keys: make([]jwkset.JWKMarshal, 0, set.size())}
	if set == nil {
		return out, nil
	}
	for _, k := range set.all {
		m := k.Marshal()
		jwk, err := jwkset.NewJWKFromKey(k.Key(), jwkset.JWKOptions{
			Marshal:  mo,
			Validate: vo,
			Metadata: jwkset.JWKMetadataOptions{ALG: m.ALG, KID: m.KID, KEYOPS: m.KEYOPS, USE: m.USE},
		})
		if err != nil {
			return jwkset.JWKSMarshal{}, fmt.Errorf("authmod: marshal JWK %q: %w", m.KID, err)
		}
		out.Keys = append(out.Keys, jwk.Marshal())
	}
	return out, nil
}
