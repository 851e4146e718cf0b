package devissuer

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"time"

	"github.com/MicahParks/jwkset"
)

// signingKey is a stored key, decoded.
type signingKey struct {
	kid    string
	signer any // *rsa.PrivateKey, *ecdsa.PrivateKey or []byte (HS256)
}

// newKey makes a signing key for alg. The kid of an RS256/ES256 key is the
// first 16 lower-case hex characters of the SHA-256 of its public key's
// SPKI DER, as fa-auth-m8 derives it; an HS256 key gets a random kid.
func newKey(alg string, now time.Time) (storedKey, error) {
	var priv crypto.Signer
	switch alg {
	case "RS256":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return storedKey{}, err
		}
		priv = k
	case "ES256":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return storedKey{}, err
		}
		priv = k
	case "HS256":
		return storedKey{KID: randomHex(8), Private: randomHex(32), Created: now.UTC()}, nil
	default:
		return storedKey{}, fmt.Errorf("devissuer: no key for algorithm %q", alg)
	}
	kid, err := keyID(priv.Public())
	if err != nil {
		return storedKey{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return storedKey{}, err
	}
	return storedKey{KID: kid, Private: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), Created: now.UTC()}, nil
}

// keyID derives the kid of a public key.
func keyID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])[:16], nil
}

// decode reads a stored key of algorithm alg.
func (k storedKey) decode(alg string) (signingKey, error) {
	if alg == "HS256" {
		secret, err := hex.DecodeString(k.Private)
		if err != nil || len(secret) < 32 {
			return signingKey{}, fmt.Errorf("devissuer: key %s: not a 32-byte hex secret", k.KID)
		}
		return signingKey{kid: k.KID, signer: secret}, nil
	}
	block, _ := pem.Decode([]byte(k.Private))
	if block == nil {
		return signingKey{}, fmt.Errorf("devissuer: key %s: no PEM block", k.KID)
	}
	priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return signingKey{}, fmt.Errorf("devissuer: key %s: %w", k.KID, err)
	}
	switch priv.(type) {
	case *rsa.PrivateKey:
		if alg != "RS256" {
			return signingKey{}, fmt.Errorf("devissuer: key %s is RSA, the state says %s", k.KID, alg)
		}
	case *ecdsa.PrivateKey:
		if alg != "ES256" {
			return signingKey{}, fmt.Errorf("devissuer: key %s is ECDSA, the state says %s", k.KID, alg)
		}
	default:
		return signingKey{}, fmt.Errorf("devissuer: key %s: unsupported key type %T", k.KID, priv)
	}
	return signingKey{kid: k.KID, signer: priv}, nil
}

// renderJWKS is the published key set of keys: compact JSON, current key
// first. An HS256 state publishes an empty set (a shared secret is never
// published).
func renderJWKS(alg string, keys []signingKey) ([]byte, error) {
	set := jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{}}
	for _, k := range keys {
		s, ok := k.signer.(crypto.Signer)
		if !ok {
			continue
		}
		jwk, err := jwkset.NewJWKFromKey(s.Public(), jwkset.JWKOptions{
			Metadata: jwkset.JWKMetadataOptions{KID: k.kid, ALG: jwkset.ALG(alg), USE: jwkset.UseSig},
		})
		if err != nil {
			return nil, fmt.Errorf("devissuer: encoding the JWK of %s: %w", k.kid, err)
		}
		set.Keys = append(set.Keys, jwk.Marshal())
	}
	return json.Marshal(set)
}

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}
