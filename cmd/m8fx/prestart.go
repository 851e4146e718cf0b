package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/settingsmod"
)

// Defaults of the prestart flags: fastapi-m8-prestart's 300 tries 5 seconds
// apart.
const (
	defaultPrestartAttempts = 300
	defaultPrestartInterval = 5 * time.Second
)

// runPrestart waits until the database named by the settings answers SELECT
// 1, like fastapi-m8-prestart, for container entry points:
//
//	m8fx prestart && exec itemsvc
//
// Settings are loaded and validated exactly as the service does (all of them,
// plus the DB_* rules). Exit 0 once the database answers; 1 with a one-line
// reason on stderr when the settings are invalid or the wait ends (attempts
// exhausted, -deadline passed, SIGINT/SIGTERM); 2 for bad flags. Each failed
// attempt is logged on stderr in the service's log format.
func runPrestart(args []string, source func() (settingsmod.Source, error), stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("prestart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	attempts := fs.Int("attempts", defaultPrestartAttempts, "maximum attempts; 0 for no limit (then set -deadline)")
	interval := fs.Duration("interval", defaultPrestartInterval, "pause after a failed attempt")
	maxInterval := fs.Duration("max-interval", 0, "backoff cap: the pause doubles after each failure up to this (0: constant pause)")
	timeout := fs.Duration("timeout", 0, "timeout of each attempt (0: DB_CONNECT_TIMEOUT_SECONDS)")
	deadline := fs.Duration("deadline", 0, "overall deadline (0: none beyond -attempts)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *attempts < 0 || *interval < 0 || *maxInterval < 0 || *timeout < 0 || *deadline < 0 {
		_, _ = fmt.Fprintln(stderr, "m8fx prestart: flags take no arguments and no negative values")
		return 2
	}
	if *attempts == 0 && *deadline == 0 {
		_, _ = fmt.Fprintln(stderr, "m8fx prestart: -attempts 0 needs a -deadline")
		return 2
	}
	fail := func(err error) int {
		_, _ = fmt.Fprintf(stderr, "m8fx prestart: %s\n", oneLineError(err))
		return 1
	}

	s, err := loadSettings(source)
	if err != nil {
		return fail(err)
	}
	cfg, err := dbmod.ConfigFromSettings(s)
	if err != nil {
		return fail(err)
	}
	log, err := prestartLogger(s, stderr)
	if err != nil {
		return fail(err)
	}
	db, err := dbmod.New(cfg, log)
	if err != nil {
		return fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	perAttempt := *timeout
	if perAttempt == 0 {
		perAttempt = cfg.ConnectTimeout
	}
	err = db.WaitReady(ctx, dbmod.WaitPolicy{
		Attempts:          *attempts,
		Interval:          *interval,
		MaxInterval:       *maxInterval,
		PerAttemptTimeout: perAttempt,
		Deadline:          *deadline,
	})
	_ = db.Close() // before the verdict, so that it is the last line
	if err != nil {
		return fail(err)
	}
	_, _ = fmt.Fprintf(stdout, "m8fx prestart: database %s (%s) is ready\n", cfg.Target, cfg.Kind)
	return 0
}

// oneLineError flattens a settings error (one problem a line) into one line.
func oneLineError(err error) string {
	var ve *settingsmod.ValidationError
	if errors.As(err, &ve) {
		parts := make([]string, len(ve.Problems))
		for i, p := range ve.Problems {
			parts[i] = p.String()
		}
		return "invalid settings: " + strings.Join(parts, "; ")
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// prestartLogger logs like the service (LOG_LEVEL, LOG_FORMAT: console in
// local, JSON elsewhere) to w.
func prestartLogger(s *settingsmod.Settings, w io.Writer) (*zap.Logger, error) {
	level, err := zapcore.ParseLevel(s.LogLevel)
	if err != nil {
		return nil, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	var enc zapcore.Encoder
	if s.EffectiveLogFormat() == "console" {
		enc = zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig())
	} else {
		cfg := zap.NewProductionEncoderConfig()
		cfg.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(cfg)
	}
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), level)).Named("prestart").With(
		zap.String("service", s.ProjectName), zap.String("environment", s.Environment)), nil
}
