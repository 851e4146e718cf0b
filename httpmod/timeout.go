package httpmod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
)

// StatusClientClosedRequest is nginx's 499 "client closed request": the
// status the access log (at info) and the metrics record for a request whose
// client went away (its context was cancelled) before an answer was written.
// Nothing is sent for it, there is nobody to read it; it is never logged as
// a failure.
const StatusClientClosedRequest = 499

// UnavailableRetryAfter is the Retry-After, in seconds, of the 503
// {"detail":"Service temporarily unavailable"} that answers a request past
// its deadline or whose dependency is unavailable.
const UnavailableRetryAfter = 5

// DetailUnavailable is the detail of that 503.
const DetailUnavailable = "Service temporarily unavailable"

// Unavailable is the mark of an error that means "a dependency of the
// request is temporarily unavailable, try again later": a typed [Route]
// whose handler (or input authorizer) returns an error with such a mark in
// its chain (errors.As) answers 503 {"detail":"Service temporarily
// unavailable"} with Retry-After ([UnavailableRetryAfter]) instead of 500.
//
// httpmod knows no database, so the hook goes the other way: the packages
// that know their failures mark their errors with it. dbmod does
// (dbmod.IsUnavailable classifies refused and broken connections, timeouts
// and exhausted pools of every driver; dbmod.MarkUnavailable wraps such an
// error in a *dbmod.UnavailableError, and dbmod.DB.RunInTx marks its errors
// itself), so a store that wraps its errors with %w keeps the mark:
//
//	if err != nil {
//		return fmt.Errorf("creating an item: %w", dbmod.MarkUnavailable(err))
//	}
//
// An error of any package can carry the mark by implementing it. Without a
// mark, an error that is or wraps context.DeadlineExceeded, or any error
// returned after the request's deadline ([Timeout]) passed, gets the same
// 503: the deadline is what made it fail.
type Unavailable interface {
	error
	// Unavailable reports whether the error means unavailability.
	Unavailable() bool
}

// Timeout sets the deadline of the route's request context to d, instead of
// the table's default ([RouteTableConfig.RequestTimeout], which the module
// sets from REQUEST_TIMEOUT_SECONDS). It applies to typed routes and plain
// [Handle] routes, and, given to [Router.Group], to every route of the
// group. d must be positive (else the declaration fails) and, to be
// answered, shorter than HTTP_WRITE_TIMEOUT_SECONDS.
//
// The deadline is the context the guards and the handler receive: what
// honours it (bun and database/sql queries, pool waits, HTTP clients) fails
// with context.DeadlineExceeded once it passes: a query is cancelled, its
// transaction rolled back, and the route answers 503 with Retry-After (see
// [Unavailable]) while the client still waits. It is cooperative: a handler
// that ignores its context runs on until the server's write timeout.
//
//	httpmod.Route(g, http.MethodPost, "/reports", h.build, httpmod.Timeout(10*time.Second))
func Timeout(d time.Duration) RouteOption {
	return optionFunc(func(c *RouteConfig) {
		if d <= 0 {
			c.Fail(fmt.Errorf("httpmod.Timeout(%s): the request deadline must be positive", d))
			return
		}
		c.Timeout = d
	})
}

// deadlineHandler runs the rest of the chain with the request's context
// bounded by d. It is the first handler of a declared route's chain (see
// Router.declare). The request is restored afterwards, so that the outer
// middleware (access log, metrics) sees the server's own context, which
// this handler's cancel does not touch.
func deadlineHandler(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		req := c.Request
		ctx, cancel := withDeadline(req.Context(), d)
		c.Request = req.WithContext(ctx)
		defer func() {
			c.Request = req
			cancel()
		}()
		c.Next()
	}
}

// clientGone reports whether the client of the request went away: the
// server cancelled the request's context (it does when the connection
// closes). A deadline is not a cancellation.
func clientGone(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// answerCancelled answers the request of a client that went away, whatever
// err is: nothing is written, the status is [StatusClientClosedRequest] for
// the access log and the metrics, and the cause is logged at debug only. It
// reports whether the client was gone.
func answerCancelled(c *gin.Context, log *zap.Logger, err error) bool {
	ctx := c.Request.Context()
	if !clientGone(ctx) {
		return false
	}
	Logger(ctx, log).Debug("request cancelled by the client",
		zap.String("method", c.Request.Method),
		zap.String("route", c.FullPath()),
		zap.Int("status", StatusClientClosedRequest),
		zap.Error(err))
	c.Abort()
	c.Status(StatusClientClosedRequest)
	return true
}

// unavailable reports whether err, returned while serving a request with
// context ctx, is answered 503: it carries the [Unavailable] mark, it is or
// wraps context.DeadlineExceeded, or the request's deadline has passed.
func unavailable(ctx context.Context, err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return true
	}
	var u Unavailable
	return errors.As(err, &u) && u.Unavailable()
}

// answerUnavailable answers 503 {"detail":"Service temporarily
// unavailable"} with Retry-After when err means unavailability (see
// [Unavailable]), logging the cause at warn, and reports whether it did.
func answerUnavailable(c *gin.Context, log *zap.Logger, err error) bool {
	ctx := c.Request.Context()
	if !unavailable(ctx, err) {
		return false
	}
	Logger(ctx, log).Warn("request failed: service unavailable",
		zap.String("method", c.Request.Method),
		zap.String("route", c.FullPath()),
		zap.Int("status", http.StatusServiceUnavailable),
		zap.Bool("deadline_exceeded", errors.Is(ctx.Err(), context.DeadlineExceeded)),
		zap.Error(err))
	c.Header("Retry-After", strconv.Itoa(UnavailableRetryAfter))
	AbortWithDetail(c, http.StatusServiceUnavailable, DetailUnavailable)
	return true
}
