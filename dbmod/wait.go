package dbmod

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// Querier is what [WaitReady] needs: *sql.DB, *sql.Conn, *bun.DB and bun.Conn
// all have it.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// WaitPolicy says how [WaitReady] retries. At least one of Attempts,
// Deadline or a deadline on the context must bound the wait.
type WaitPolicy struct {
	// Attempts is the maximum number of SELECT 1 tries; 0 means no limit.
	Attempts int
	// Interval is the pause after the first failed attempt (default 1s).
	Interval time.Duration
	// MaxInterval caps the backoff: the pause doubles after each failure up
	// to MaxInterval. 0 (or a value below Interval) keeps the pause constant.
	MaxInterval time.Duration
	// PerAttemptTimeout bounds each attempt (dial + query); 0 means only the
	// overall deadline does.
	PerAttemptTimeout time.Duration
	// Deadline bounds the whole wait, counted from the call; 0 means none
	// beyond the context's.
	Deadline time.Duration
	// Target names the database in logs and errors ("db:5432/app"). It must
	// not hold credentials; [DB.WaitReady] fills it in.
	Target string
	// Logger receives one entry per failed attempt (info) and one on success;
	// nil logs nothing.
	Logger *zap.Logger
}

// defaultInterval is the pause of a WaitPolicy without Interval.
const defaultInterval = time.Second

// ErrNotReady is matched (errors.Is) by the error of [WaitReady] when the
// database did not answer in time.
var ErrNotReady = errors.New("database not ready")

// NotReadyError is the error of [WaitReady] when the wait ends without an
// answer. Its text is one line naming the target, the attempts made, the time
// spent, why the wait stopped and the last driver error, scrubbed of
// credentials.
type NotReadyError struct {
	Target   string
	Attempts int
	Elapsed  time.Duration
	// Reason is why waiting stopped: "deadline 5s passed", "attempt limit 3
	// reached" or "canceled".
	Reason string
	// Last is the last attempt's error message, without credentials.
	Last string
}

func (e *NotReadyError) Error() string {
	target := e.Target
	if target == "" {
		target = "(unnamed)"
	}
	return fmt.Sprintf("dbmod: database %s not ready after %d attempt(s) in %s (%s): %s",
		target, e.Attempts, e.Elapsed.Round(time.Millisecond), e.Reason, e.Last)
}

// Is makes errors.Is(err, ErrNotReady) true.
func (e *NotReadyError) Is(target error) bool { return target == ErrNotReady }

// WaitReady runs SELECT 1 on db until it succeeds, retrying with a capped
// exponential backoff, each attempt under PerAttemptTimeout, the whole under
// Deadline, Attempts and ctx. It logs every failed attempt. It returns nil as
// soon as the database answers, else a *[NotReadyError] (errors.Is
// [ErrNotReady]).
//
// Errors and log entries pass through [healthmod.Scrub]; [DB.WaitReady] also
// removes the configured password, so prefer it when you have a [DB].
func WaitReady(ctx context.Context, db Querier, p WaitPolicy) error {
	return waitReady(ctx, db, p, redactor{})
}

func waitReady(ctx context.Context, db Querier, p WaitPolicy, redact redactor) error {
	if _, hasDeadline := ctx.Deadline(); p.Attempts <= 0 && p.Deadline <= 0 && !hasDeadline {
		return errors.New("dbmod: WaitReady needs WaitPolicy.Attempts, WaitPolicy.Deadline or a context deadline")
	}
	log := p.Logger
	if log == nil {
		log = zap.NewNop()
	}
	start := time.Now()
	if p.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.Deadline)
		defer cancel()
	}
	pause := p.Interval
	if pause <= 0 {
		pause = defaultInterval
	}
	notReady := func(attempts int, reason, last string) error {
		return &NotReadyError{Target: p.Target, Attempts: attempts, Elapsed: time.Since(start), Reason: reason, Last: last}
	}
	for attempt := 1; ; attempt++ {
		err := selectOne(ctx, db, p.PerAttemptTimeout)
		if err == nil {
			log.Info("database ready", zap.String("target", p.Target), zap.Int("attempt", attempt),
				zap.Duration("elapsed", time.Since(start)))
			return nil
		}
		last := redact.String(err.Error())
		if p.Attempts > 0 && attempt >= p.Attempts {
			return notReady(attempt, fmt.Sprintf("attempt limit %d reached", p.Attempts), last)
		}
		if ctx.Err() != nil {
			return notReady(attempt, stopReason(ctx, p), last)
		}
		log.Info("database not ready, retrying", zap.String("target", p.Target), zap.Int("attempt", attempt),
			zap.String("error", last), zap.Duration("retry_in", pause))
		timer := time.NewTimer(pause)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return notReady(attempt, stopReason(ctx, p), last)
		}
		if p.MaxInterval > pause {
			pause = min(2*pause, p.MaxInterval)
		}
	}
}

// selectOne runs one SELECT 1 under its own timeout.
func selectOne(ctx context.Context, db Querier, timeout time.Duration) error {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var one int
	return db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// stopReason says why ctx ended the wait.
func stopReason(ctx context.Context, p WaitPolicy) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		if p.Deadline > 0 {
			return fmt.Sprintf("deadline %s passed", p.Deadline)
		}
		return "deadline passed"
	}
	return "canceled"
}
