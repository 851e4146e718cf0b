package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/m8fx/kit/devissuer"
)

// runDevIssuerAction sends one developer action to a running dev issuer
// and prints its answer (the token alone for mint, unless -json).
func runDevIssuerAction(ctx context.Context, name string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dev-issuer "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", defaultDevIssuerURL, "the dev issuer's base URL, prefix included")
	fail := func(err error) int {
		_, _ = fmt.Fprintf(stderr, "m8fx dev-issuer %s: %v\n", name, err)
		return 1
	}
	method, path := http.MethodPost, ""
	var body func() (any, error)
	var tf *tokenFlags
	switch name {
	case "mint":
		tf = addTokenFlags(fs)
		path = "/dev/tokens"
		body = func() (any, error) {
			spec, err := tf.spec()
			if err != nil {
				return nil, err
			}
			return struct {
				devissuer.TokenSpec
				TTLSeconds float64 `json:"ttl_seconds"`
			}{spec, spec.TTL.Seconds()}, nil
		}
	case "revoke":
		jti := fs.String("jti", "", "the token's jti (m8fx dev-issuer mint -json prints it)")
		token := fs.String("token", "", "the token itself (its jti is read from it), instead of -jti")
		path = "/dev/revoke"
		body = func() (any, error) {
			v, err := flagOrClaim("-jti", *jti, *token, "jti")
			return map[string]string{"jti": v}, err
		}
	case "revoke-user", "delete-user":
		sub := fs.String("sub", "", "the user id")
		token := fs.String("token", "", "a token of the user (its sub is read from it), instead of -sub")
		path = "/dev/" + name
		body = func() (any, error) {
			v, err := flagOrClaim("-sub", *sub, *token, "sub")
			return map[string]string{"sub": v}, err
		}
	case "api-key":
		owner := fs.String("owner", "", "owner user id (default: a random one)")
		role := fs.String("role", "writer", "owner role")
		mode := fs.String("mode", devissuer.APIKeyReadOnly, "access mode: read_only or read_write")
		audience := fs.String("audience", "", "client the key is for (default: the issuer's client)")
		superuser := fs.Bool("superuser", false, "owner is_superuser")
		inactive := fs.Bool("inactive", false, "create a revoked key")
		expired := fs.Bool("expired", false, "create an already expired key")
		expires := fs.Duration("expires", 0, "expire the key after this long (0: never)")
		path = "/dev/api-keys"
		body = func() (any, error) {
			spec := devissuer.APIKeySpec{Owner: *owner, Role: *role, AccessMode: *mode, Audience: *audience,
				Superuser: *superuser, Inactive: *inactive, ExpiresIn: *expires}
			if *expired {
				spec.ExpiresIn = -time.Minute
			}
			return struct {
				devissuer.APIKeySpec
				ExpiresInSeconds float64 `json:"expires_in_seconds"`
			}{spec, spec.ExpiresIn.Seconds()}, nil
		}
	case "fault":
		kind := fs.String("kind", "", "jti_status_down, jti_status_error, jti_status_slow, stream_drop, api_key_rate_limit or api_key_error")
		dur := fs.Duration("for", time.Minute, "how long the fault lasts (at most 1h)")
		delay := fs.Duration("delay", 0, "delay of jti_status_slow (default 2s)")
		retryAfter := fs.Int("retry-after", 0, "Retry-After seconds of api_key_rate_limit (default 1)")
		clear := fs.Bool("clear", false, "end every fault instead")
		path = "/dev/faults"
		body = func() (any, error) {
			if *clear {
				method = http.MethodDelete
				return nil, nil
			}
			return map[string]any{"kind": *kind, "seconds": dur.Seconds(), "delay_ms": float64(delay.Milliseconds()),
				"retry_after": *retryAfter}, required("-kind", *kind)
		}
	case "rotate":
		path = "/dev/rotate"
		body = func() (any, error) { return nil, nil }
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	payload, err := body()
	if err != nil {
		return fail(err)
	}
	answer, err := callDevIssuer(ctx, method, strings.TrimSuffix(*url, "/")+path, payload)
	if err != nil {
		return fail(err)
	}
	if tf != nil {
		var m devissuer.Minted
		if err := json.Unmarshal(answer, &m); err != nil {
			return fail(fmt.Errorf("unexpected answer: %v", err))
		}
		if err := tf.print(stdout, m); err != nil {
			return fail(err)
		}
		return 0
	}
	if len(answer) > 0 {
		_, _ = fmt.Fprintln(stdout, strings.TrimSpace(string(answer)))
	}
	return 0
}

// flagOrClaim returns the flag's value, or the claim of token (read
// without verifying it: the issuer decides) when only -token is given.
func flagOrClaim(flagName, v, token, claim string) (string, error) {
	switch {
	case v != "" && token != "":
		return "", fmt.Errorf("give %s or -token, not both", flagName)
	case v != "":
		return v, nil
	case token == "":
		return "", fmt.Errorf("%s (or -token) is required", flagName)
	}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(strings.TrimPrefix(token, "Bearer "), claims); err != nil {
		return "", errors.New("-token is not a JWT")
	}
	c, _ := claims[claim].(string)
	if c == "" {
		return "", fmt.Errorf("-token has no %q claim", claim)
	}
	return c, nil
}

func required(flagName, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s is required", flagName)
	}
	return nil
}

// callDevIssuer sends a developer request and returns a 2xx answer's body;
// another answer is an error with the issuer's detail.
func callDevIssuer(ctx context.Context, method, url string, payload any) ([]byte, error) {
	var rd io.Reader
	if payload != nil {
		data, err := json.Marshal(payload)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(data)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, fmt.Errorf("-url: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("no dev issuer answering at %s (start one with m8fx dev-issuer): %v", url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Detail string `json:"detail"`
		}
		if json.Unmarshal(data, &e) != nil || e.Detail == "" {
			e.Detail = http.StatusText(resp.StatusCode)
		}
		return nil, fmt.Errorf("%d: %s", resp.StatusCode, e.Detail)
	}
	return data, nil
}
