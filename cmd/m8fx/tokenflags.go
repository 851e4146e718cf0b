package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/m8fx/kit/devissuer"
)

// tokenFlags are the token-describing flags shared by `m8fx token` and
// `m8fx dev-issuer mint`.
type tokenFlags struct {
	sub, email, name, role, tenant *string
	superuser, inactive, asJSON    *bool
	ttl                            *time.Duration
	claims                         claimFlag
}

func addTokenFlags(fs *flag.FlagSet) *tokenFlags {
	f := &tokenFlags{
		sub:       fs.String("sub", "", "user id (UUID; default: a random one)"),
		email:     fs.String("email", "dev@example.com", "email claim"),
		name:      fs.String("name", "Dev User", "full_name claim (\"\" for null)"),
		role:      fs.String("role", "user", "role claim: any role of the service's hierarchy (user, reader, writer, admin, superadmin by default, or your own)"),
		tenant:    fs.String("tenant", "", "tenant_id claim (UUID; default null)"),
		superuser: fs.Bool("superuser", false, "is_superuser claim (the superuser guard also needs -role superadmin)"),
		inactive:  fs.Bool("inactive", false, "is_active=false"),
		ttl:       fs.Duration("ttl", devissuer.DefaultTokenTTL, "lifetime (at most 24h)"),
		asJSON:    fs.Bool("json", false, `print {"token","jti","sub","exp"} instead of the token alone`),
	}
	fs.Var(&f.claims, "claim", "extra claim name=value, repeatable; typed: 3, 0.5, true, null, JSON ({...}, [...], \"...\"), else a string")
	return f
}

// spec is the token the flags describe.
func (f *tokenFlags) spec() (devissuer.TokenSpec, error) {
	if *f.ttl <= 0 || *f.ttl > devissuer.MaxTokenTTL {
		return devissuer.TokenSpec{}, fmt.Errorf("-ttl %s: want a positive duration of at most %s", *f.ttl, devissuer.MaxTokenTTL)
	}
	return devissuer.TokenSpec{
		Sub: *f.sub, Email: *f.email, FullName: *f.name, Role: *f.role, TenantID: *f.tenant,
		Superuser: *f.superuser, Inactive: *f.inactive, TTL: *f.ttl, Claims: f.claims.m,
	}, nil
}

// print writes the minted token as the flags ask.
func (f *tokenFlags) print(w io.Writer, m devissuer.Minted) error {
	if !*f.asJSON {
		_, err := fmt.Fprintln(w, m.Token)
		return err
	}
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(data))
	return err
}

// claimFlag collects -claim name=value flags.
type claimFlag struct {
	m     map[string]any
	names []string
}

func (c *claimFlag) String() string { return strings.Join(c.names, ",") }

func (c *claimFlag) Set(s string) error {
	name, value, err := devissuer.ParseClaim(s)
	if err != nil {
		return err
	}
	if _, dup := c.m[name]; dup {
		return fmt.Errorf("claim %q given twice", name)
	}
	if c.m == nil {
		c.m = map[string]any{}
	}
	c.m[name] = value
	c.names = append(c.names, name)
	return nil
}
