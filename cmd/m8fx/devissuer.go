package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/m8fx/kit/devissuer"
)

const devIssuerUsage = `usage: m8fx dev-issuer [flags]            serve a development fa-auth-m8 (state in -dir)
       m8fx dev-issuer env [flags]        print the consumer settings (.env) for it
       m8fx dev-issuer <action> [flags]   talk to a running dev issuer (-url):
         mint         mint a token (the flags of m8fx token)
         revoke       revoke a token: -jti, or -token
         revoke-user  revoke every session of a user: -sub, or -token (next auth generation)
         delete-user  delete a user: -sub, or -token
         api-key      create an API key: -owner -role -mode -audience -inactive -expired -expires
         fault        inject a fault: -kind -for -delay -retry-after, or -clear
         rotate       add a new signing key (the old one stays published until the next rotation)
`

// Defaults of the dev issuer's flags.
const (
	defaultDevIssuerAddr = "127.0.0.1:9000"
	defaultDevIssuerDir  = ".m8fx-dev"
	defaultDevIssuerURL  = "http://" + defaultDevIssuerAddr + devissuer.DefaultPrefix
)

// runDevIssuer runs `m8fx dev-issuer`. ctx ends the server (a signal in
// main); getenv reads ENVIRONMENT and STRICT_PRODUCTION_MODE.
func runDevIssuer(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if getenv("ENVIRONMENT") == "production" || strings.EqualFold(getenv("STRICT_PRODUCTION_MODE"), "true") {
		_, _ = fmt.Fprintln(stderr, "m8fx dev-issuer: refusing to run in production (ENVIRONMENT=production or STRICT_PRODUCTION_MODE=true)")
		return 1
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, rest := args[0], args[1:]
		switch name {
		case "env":
			return runDevIssuerEnv(rest, stdout, stderr)
		case "mint", "revoke", "revoke-user", "delete-user", "api-key", "fault", "rotate":
			return runDevIssuerAction(ctx, name, rest, stdout, stderr)
		case "help":
			_, _ = io.WriteString(stdout, devIssuerUsage)
			return 0
		}
		_, _ = fmt.Fprintf(stderr, "m8fx dev-issuer: unknown action %q\n\n%s", name, devIssuerUsage)
		return 2
	}
	return serveDevIssuer(ctx, args, stdout, stderr)
}

// serverFlags are the flags that locate and shape a dev issuer.
type serverFlags struct {
	addr, dir, prefix, alg, issuer, audience, client *string
}

func addServerFlags(fs *flag.FlagSet) *serverFlags {
	return &serverFlags{
		addr:     fs.String("addr", defaultDevIssuerAddr, "listen address (loopback by default)"),
		dir:      fs.String("dir", defaultDevIssuerDir, "state folder: keys, clients, revocations, API keys"),
		prefix:   fs.String("prefix", devissuer.DefaultPrefix, `route prefix, as fa-auth-m8 deployments use ("/" for none)`),
		alg:      fs.String("alg", "", "RS256, ES256 or HS256 (default: the state's, or RS256 for a new state)"),
		issuer:   fs.String("issuer", "", "iss claim (default http://<addr><prefix>)"),
		audience: fs.String("audience", "", `aud claim (default: the state's, or "`+devissuer.DefaultAudience+`")`),
		client:   fs.String("client", devissuer.DefaultClientID, "client id created in a new state folder"),
	}
}

// config is the devissuer.Config of the flags, for a server reachable at
// baseHost:port.
func (f *serverFlags) config(log *zap.Logger) (devissuer.Config, error) {
	host, port, err := net.SplitHostPort(*f.addr)
	if err != nil {
		return devissuer.Config{}, fmt.Errorf("-addr %q: %v", *f.addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1" // consumers on this machine reach it there
	}
	return devissuer.Config{
		Dir: *f.dir, BaseURL: "http://" + net.JoinHostPort(host, port), Prefix: *f.prefix, Algorithm: *f.alg,
		Issuer: *f.issuer, Audience: *f.audience, ClientID: *f.client, Logger: log,
	}, nil
}

func serveDevIssuer(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dev-issuer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { _, _ = io.WriteString(stderr, devIssuerUsage+"\nflags:\n"); fs.PrintDefaults() }
	sf := addServerFlags(fs)
	rotate := fs.Bool("rotate", false, "add a new signing key at start (the previous one stays in the JWKS; the one before is removed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		_, _ = fmt.Fprintf(stderr, "m8fx dev-issuer: %v\n", err)
		return 1
	}
	log := consoleLogger(stderr)
	defer func() { _ = log.Sync() }()
	ln, err := net.Listen("tcp", *sf.addr)
	if err != nil {
		return fail(err)
	}
	defer ln.Close()
	// The listener's real port (for -addr host:0).
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	host, _, _ := net.SplitHostPort(*sf.addr)
	*sf.addr = net.JoinHostPort(host, port)
	cfg, err := sf.config(log)
	if err != nil {
		return fail(err)
	}
	srv, err := devissuer.Open(cfg)
	if err != nil {
		return fail(err)
	}
	defer srv.Close()
	if *rotate {
		if _, err := srv.Rotate(); errors.Is(err, devissuer.ErrSharedSecret) {
			return fail(fmt.Errorf("-rotate %w", devissuer.ErrSharedSecret))
		} else if err != nil {
			return fail(err)
		}
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Warn("listening beyond loopback: the private routes need the client credentials, the developer endpoints still answer loopback callers only")
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	_, _ = fmt.Fprintf(stdout, "m8fx dev-issuer: serving %s (kid %s, state %s); `m8fx dev-issuer env` prints the consumer settings\n",
		srv.URL(""), strings.Join(srv.KeyIDs(), ", "), *sf.dir)
	select {
	case err := <-served:
		return fail(err)
	case <-ctx.Done():
	}
	_ = srv.Close() // ends the event streams, so that the shutdown does not wait for them
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fail(fmt.Errorf("shutdown: %w", err))
	}
	log.Info("dev issuer stopped")
	return 0
}

// serviceBasics are the settings of a local consumer besides the auth
// ones, so that the printed .env boots a service (itemsvc) on its own.
var serviceBasics = []devissuer.EnvVar{
	{Name: "ENVIRONMENT", Value: "local"},
	{Name: "DOMAIN", Value: "localhost"},
	{Name: "PROJECT_NAME", Value: "Dev Service"},
	{Name: "STACK_NAME", Value: "dev-service"},
	{Name: "API_PREFIX", Value: "/api"},
	{Name: "BACKEND_HOST", Value: "http://localhost:8000"},
	{Name: "FRONTEND_HOST", Value: "http://localhost:3000"},
	{Name: "HTTP_ADDR", Value: "127.0.0.1:8000"},
	{Name: "SELECTED_DB", Value: "Sqlite"},
	{Name: "DB_DATABASE", Value: "dev-service.db"},
}

func runDevIssuerEnv(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dev-issuer env", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addServerFlags(fs)
	service := fs.Bool("service", true, "also print the basic settings of a local service (ENVIRONMENT=local, HTTP_ADDR, SQLite, ...)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		_, _ = fmt.Fprintf(stderr, "m8fx dev-issuer env: %v\n", err)
		return 1
	}
	cfg, err := sf.config(zap.NewNop())
	if err != nil {
		return fail(err)
	}
	srv, err := devissuer.Open(cfg)
	if err != nil {
		return fail(err)
	}
	defer srv.Close()
	_, _ = fmt.Fprintf(stdout, "# m8fx dev-issuer at %s (state %s). DEV-ONLY secrets: keep this file out of version control.\n", srv.URL(""), *sf.dir)
	vars := srv.ConsumerEnv()
	if *service {
		vars = append(append([]devissuer.EnvVar(nil), serviceBasics...), vars...)
	}
	if err := devissuer.WriteEnv(stdout, vars); err != nil {
		return fail(err)
	}
	return 0
}

func consoleLogger(w io.Writer) *zap.Logger {
	enc := zap.NewDevelopmentEncoderConfig()
	enc.EncodeTime = zapcore.TimeEncoderOfLayout(time.TimeOnly)
	return zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.AddSync(w), zapcore.InfoLevel))
}
