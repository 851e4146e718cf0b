package authmod

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"

	"github.com/MicahParks/jwkset"
)

// Algorithms the validator accepts (exactly one per validator).
const (
	algRS256 = "RS256"
	algES256 = "ES256"
	algHS256 = "HS256"
)

// Key strength floors.
const (
	minRSABits       = 2048
	minHMACKeyBytes  = 32 // RFC 7518 §3.2: at least the hash output size
	maxRSAPublicExpo = 1<<31 - 1
)

// checkVerificationKey checks that key is a public key of the type and
// strength alg needs: RSA of at least 2048 bits with a sane exponent for
// RS256, ECDSA on P-256 for ES256. A private key is accepted and reduced to
// its public half.
func checkVerificationKey(alg string, key crypto.PublicKey) (crypto.PublicKey, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k == nil {
			return nil, errors.New("nil RSA key")
		}
		key = &k.PublicKey
	case *ecdsa.PrivateKey:
		if k == nil {
			return nil, errors.New("nil ECDSA key")
		}
		key = &k.PublicKey
	}
	switch alg {
	case algRS256:
		k, ok := key.(*rsa.PublicKey)
		if !ok || k == nil || k.N == nil {
			return nil, fmt.Errorf("RS256 needs an RSA public key, got %T", key)
		}
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("RSA key has %d bits, at least %d are required", k.N.BitLen(), minRSABits)
		}
		if k.E < 3 || k.E > maxRSAPublicExpo || k.E%2 == 0 {
			return nil, errors.New("RSA public exponent is out of range")
		}
		return k, nil
	case algES256:
		k, ok := key.(*ecdsa.PublicKey)
		if !ok || k == nil {
			return nil, fmt.Errorf("ES256 needs an ECDSA public key, got %T", key)
		}
		if k.Curve != elliptic.P256() {
			return nil, errors.New("ES256 needs an ECDSA key on curve P-256")
		}
		if err := checkECDSAPoint(k); err != nil {
			return nil, err
		}
		return k, nil
	default:
		return nil, fmt.Errorf("algorithm %q does not use a public key", alg)
	}
}

// checkECDSAPoint rejects a key whose point is missing or not on its curve
// (PublicKey.Bytes validates the point; it panics on nil coordinates).
func checkECDSAPoint(k *ecdsa.PublicKey) (err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("invalid ECDSA public key: missing coordinates")
		}
	}()
	if _, err := k.Bytes(); err != nil {
		return fmt.Errorf("invalid ECDSA public key: %w", err)
	}
	return nil
}

// Why a JWK from the JWKS was not loaded (log fields).
var (
	errJWKSymmetric = errors.New(`symmetric ("oct") keys are never used`)
	errJWKKty       = errors.New("key type (kty) does not match the configured algorithm")
	errJWKAlg       = errors.New("key alg does not match the configured algorithm")
	errJWKCrv       = errors.New("key curve (crv) does not match the configured algorithm")
	errJWKUse       = errors.New(`key use is not "sig"`)
	errJWKOps       = errors.New(`key_ops does not include "verify"`)
	errJWKKID       = errors.New("key kid is longer than 256 characters")
)

// usableJWK decides whether one JWK of the JWKS may verify tokens of alg and
// returns it (public material only). It filters on the JWK's own metadata first (kty,
// alg, crv, use, key_ops: symmetric keys and keys for another algorithm are
// never used, whatever kid a token names), then parses it with jwkset (which
// validates the key material; x5u is never fetched) and applies the same
// strength floor as PEM keys.
func usableJWK(alg string, m jwkset.JWKMarshal) (jwkset.JWK, error) {
	switch m.KTY {
	case jwkset.KtyOct:
		return jwkset.JWK{}, errJWKSymmetric
	case jwkset.KtyRSA:
		if alg != algRS256 {
			return jwkset.JWK{}, errJWKKty
		}
	case jwkset.KtyEC:
		if alg != algES256 {
			return jwkset.JWK{}, errJWKKty
		}
		if m.CRV != jwkset.CrvP256 {
			return jwkset.JWK{}, errJWKCrv
		}
	default:
		return jwkset.JWK{}, errJWKKty
	}
	if m.ALG != "" && string(m.ALG) != alg {
		return jwkset.JWK{}, errJWKAlg
	}
	if m.USE != "" && m.USE != jwkset.UseSig {
		return jwkset.JWK{}, errJWKUse
	}
	if len(m.KEYOPS) > 0 && !slices.Contains(m.KEYOPS, jwkset.KeyOpsVerify) {
		return jwkset.JWK{}, errJWKOps
	}
	if len(m.KID) > maxKIDLength {
		return jwkset.JWK{}, errJWKKID
	}
	// Never take private material from a JWKS, even if one was published.
	pub := m
	pub.D, pub.P, pub.Q, pub.DP, pub.DQ, pub.QI, pub.OTH, pub.K = "", "", "", "", "", "", nil, ""
	jwk, err := jwkset.NewJWKFromMarshal(pub, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
	if err != nil {
		return jwkset.JWK{}, err
	}
	if _, err := checkVerificationKey(alg, jwk.Key()); err != nil {
		return jwkset.JWK{}, err
	}
	return jwk, nil
}

// keySet is an immutable snapshot of the verification keys loaded from the
// JWKS. It is replaced as a whole (atomic pointer) on each successful refresh.
type keySet struct {
	byKID map[string]jwkset.JWK
	// all lists every usable key (those without a kid included), in JWKS order.
	all []jwkset.JWK
}

// size returns the number of usable keys.
func (s *keySet) size() int {
	if s == nil {
		return 0
	}
	return len(s.all)
}

// lookup returns the key for kid. A token without a kid is accepted only when
// the set holds exactly one usable key (an issuer that rotates keys sets kid;
// trying every key would multiply the cost of forged tokens).
func (s *keySet) lookup(kid string) (jwkset.JWK, bool) {
	if s == nil {
		return jwkset.JWK{}, false
	}
	if kid == "" {
		if len(s.all) == 1 {
			return s.all[0], true
		}
		return jwkset.JWK{}, false
	}
	k, ok := s.byKID[kid]
	return k, ok
}

// removedFrom reports whether some key of old is not in s (same kid and
// equal key), i.e. whether a key was withdrawn.
func (s *keySet) removedFrom(old *keySet) bool {
	if old == nil {
		return false
	}
	if len(old.all) > len(s.all) {
		return true
	}
	for _, ok := range old.all {
		found := false
		for _, nk := range s.all {
			if keysEqual(ok.Key(), nk.Key()) {
				found = true
				break
			}
		}
		if !found {
			return true
		}
	}
	for kid, ok := range old.byKID {
		nk, present := s.byKID[kid]
		if !present || !keysEqual(ok.Key(), nk.Key()) {
			return true
		}
	}
	return false
}

func keysEqual(a, b any) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if e, ok := a.(equaler); ok {
		return e.Equal(b)
	}
	return false
}
