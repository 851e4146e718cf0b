// Command m8fx is the kit's developer and container tool.
//
//	m8fx keys  -alg RS256 -out ./keys     write a key pair and the matching JWKS
//	m8fx token -role writer               mint a dev access token from the settings
//	m8fx prestart                         wait until the database answers (container entry point)
//	m8fx dev-issuer                       a development fa-auth-m8 on 127.0.0.1:9000 (see m8fx dev-issuer help)
//
// Settings are read like a service reads them: process environment, then the
// .env file named by ENV_FILE (default ./.env), with NAME_FILE secrets.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/m8fx/kit/settingsmod"
)

const usage = `usage: m8fx <command> [flags]

commands:
  keys    write an RS256 or ES256 key pair and the matching JWKS
  token   mint a development access token from the settings (refused in production)
  prestart wait until the settings' database answers: m8fx prestart && exec <service>
  dev-issuer  serve a development fa-auth-m8 (JWKS, jti-status, service tokens, events, API keys),
              print its consumer settings, and mint, revoke and inject faults against it

Run "m8fx <command> -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		_, _ = io.WriteString(stderr, usage)
		return 2
	}
	switch args[0] {
	case "keys":
		return runKeys(args[1:], stdout, stderr)
	case "token":
		return runToken(args[1:], envSource, stdout, stderr)
	case "prestart":
		return runPrestart(args[1:], envSource, stdout, stderr)
	case "dev-issuer":
		return runDevIssuer(ctx, args[1:], os.Getenv, stdout, stderr)
	case "-h", "-help", "--help", "help":
		_, _ = io.WriteString(stdout, usage)
		return 0
	default:
		_, _ = fmt.Fprintf(stderr, "m8fx: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

// loadSettings reads and validates the settings like a service does.
func loadSettings(source func() (settingsmod.Source, error)) (*settingsmod.Settings, error) {
	src, err := source()
	if err != nil {
		return nil, err
	}
	return settingsmod.Load(src)
}
