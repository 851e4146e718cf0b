package settingsmod

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
)

// minRSABits is the smallest RSA modulus accepted for RS256.
const minRSABits = 2048

// ParsePublicKeyPEM parses the first PEM block of data as a public key for
// alg and checks that it is strong enough: RS256 needs an RSA key of at least
// 2048 bits, ES256 an ECDSA key on P-256. Accepted blocks are "PUBLIC KEY"
// (PKIX), "RSA PUBLIC KEY" (PKCS #1) and "CERTIFICATE" (X.509, its key is
// used). The auth module uses it so that boot and runtime agree.
func ParsePublicKeyPEM(data []byte, alg string) (crypto.PublicKey, error) {
	if alg != algRS256 && alg != algES256 {
		return nil, fmt.Errorf("algorithm %q does not use a public key (expected RS256 or ES256)", alg)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found: expected a -----BEGIN PUBLIC KEY----- block")
	}
	key, err := parsePEMBlock(block)
	if err != nil {
		return nil, err
	}
	if err := checkKeyForAlg(key, alg); err != nil {
		return nil, err
	}
	return key, nil
}

// parsePEMBlock decodes a public key, or the public key of a certificate.
func parsePEMBlock(block *pem.Block) (crypto.PublicKey, error) {
	switch block.Type {
	case "PUBLIC KEY":
		key, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKIX public key: %w", err)
		}
		return key, nil
	case "RSA PUBLIC KEY":
		key, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse PKCS #1 RSA public key: %w", err)
		}
		return key, nil
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse X.509 certificate: %w", err)
		}
		return cert.PublicKey, nil
	}
	if strings.Contains(block.Type, "PRIVATE KEY") {
		return nil, fmt.Errorf("found a %q block: give the public key, never the private key", block.Type)
	}
	return nil, fmt.Errorf(`unsupported PEM block %q: expected "PUBLIC KEY", "RSA PUBLIC KEY" or "CERTIFICATE"`, block.Type)
}

// checkKeyForAlg checks that key has the type and strength alg needs.
func checkKeyForAlg(key crypto.PublicKey, alg string) error {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if alg == algRS256 {
			if bits := k.N.BitLen(); bits < minRSABits {
				return fmt.Errorf("got a %d-bit RSA key, but RS256 needs at least %d bits", bits, minRSABits)
			}
			return nil
		}
	case *ecdsa.PublicKey:
		if alg == algES256 {
			if k.Curve != elliptic.P256() {
				return fmt.Errorf("got an ECDSA key on %s, but ES256 needs P-256", k.Curve.Params().Name)
			}
			return nil
		}
	}
	return fmt.Errorf("got %s, but %s needs %s", describeKey(key), alg, keyKindFor(alg))
}

// describeKey names the kind of key.
func describeKey(key crypto.PublicKey) string {
	switch key.(type) {
	case *rsa.PublicKey:
		return "an RSA key"
	case *ecdsa.PublicKey:
		return "an ECDSA key"
	case ed25519.PublicKey:
		return "an Ed25519 key"
	}
	return fmt.Sprintf("a key of type %T", key)
}

// keyKindFor names the key alg needs.
func keyKindFor(alg string) string {
	if alg == algES256 {
		return "an ECDSA P-256 key"
	}
	return "an RSA key of at least 2048 bits"
}

// checkPublicKeyFile reads and checks the PEM public key file at path.
func checkPublicKeyFile(path, alg string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read the public key file: %w", err)
	}
	if _, err := ParsePublicKeyPEM(data, alg); err != nil {
		return fmt.Errorf("public key file %s: %w", path, err)
	}
	return nil
}
