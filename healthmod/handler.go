package healthmod

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/internal/version"
	"github.com/m8fx/kit/securitymod"
	"github.com/m8fx/kit/settingsmod"
)

// InternalTokenHeader carries the credential that unlocks the detail body.
const InternalTokenHeader = "X-Internal-Token"

// Bodies of the not-ready answers.
const (
	statusInitializing = "initializing"
	statusDraining     = "draining"
)

// HandlerParams are the dependencies of [NewHandler].
type HandlerParams struct {
	fx.In

	Settings  *settingsmod.Settings
	Config    Config
	Runner    *Runner
	Readiness *Readiness
}

// Handler serves the health endpoints. It implements httpmod.Routes; the
// module mounts it under API_PREFIX.
type Handler struct {
	cfg       Config
	runner    *Runner
	readiness *Readiness
	token     string // expected X-Internal-Token; "" disables the header path
}

// NewHandler builds the handler. A nil Runner runs no checks; a nil
// Readiness never becomes ready; a nil Settings disables the header path.
func NewHandler(p HandlerParams) *Handler {
	h := &Handler{cfg: p.Config, runner: p.Runner, readiness: p.Readiness}
	if h.runner == nil {
		h.runner = NewRunner(p.Config, nil)
	}
	if h.readiness == nil {
		h.readiness = NewReadiness()
	}
	if s := p.Settings; s != nil {
		if s.HealthDetailCredential.IsSet() {
			h.token = s.HealthDetailCredential.Value()
		} else {
			h.token = s.PrivateAPISecret.Value()
		}
	}
	return h
}

// Register mounts GET /health, GET /health/, GET /health/live and
// GET /health/ready on r (paths relative to the API_PREFIX group), each
// documented with its answers. Both /health and /health/ are served, so
// neither redirects; the document lists /health only (the lint rule of
// OpenAPI tools refuses trailing slashes).
func (h *Handler) Register(r *httpmod.Router) {
	tag := httpmod.Doc{Tags: []string{"health"}}
	report := httpmod.Doc{
		Summary: "Health report",
		Description: "The aggregate status of the service's checks: `{\"status\": \"ok\"}`, `degraded`, `unknown` or `fail`. " +
			"Before the service is ready it answers 503 `{\"status\":\"initializing\",\"ready\":false}`. " +
			"Callers with the health detail credential (header `X-Internal-Token`) get every check's result. " +
			"Also served as `/health/`.",
	}
	reportAnswers := []httpmod.RouteOption{
		httpmod.Responds(http.StatusOK, "The service is healthy, degraded or unknown", ReportBody{}),
		httpmod.Responds(http.StatusServiceUnavailable, "The service is initializing, or a check failed", ReportBody{}),
	}
	httpmod.Handle(r, http.MethodGet, "/health", h.serveReport, append([]httpmod.RouteOption{tag, report, httpmod.Alias("/health/")}, reportAnswers...)...)
	httpmod.Handle(r, http.MethodGet, "/health/live", h.serveLive, tag,
		httpmod.Doc{Summary: "Liveness probe", Description: "200 while the process serves requests; never checks dependencies."},
		httpmod.Responds(http.StatusOK, "The process is alive", ReportBody{}))
	httpmod.Handle(r, http.MethodGet, "/health/ready", h.serveReady, tag,
		httpmod.Doc{Summary: "Readiness probe", Description: "503 until the service is ready and while it drains; otherwise like the health report."},
		httpmod.Responds(http.StatusOK, "The service is ready", ReportBody{}),
		httpmod.Responds(http.StatusServiceUnavailable, "Not ready: initializing, draining, or a check failed", ReportBody{}))
}

// ReportBody is the documented shape of every health answer: the status
// alone for the public, ready=false while not ready, and the checks and the
// service's identity for callers allowed the detail.
type ReportBody struct {
	Status  string   `json:"status" enum:"ok,degraded,unknown,fail,initializing,draining"`
	Ready   *bool    `json:"ready,omitempty" doc:"false while the service initializes or drains"`
	Checks  []Result `json:"checks,omitempty"`
	Service string   `json:"service,omitempty"`
	Version string   `json:"version,omitempty"`
	M8fx    string   `json:"m8fx,omitempty" doc:"the m8fx kit version"`
}

// serveReport answers GET /health/: 503 {"status":"initializing","ready":false}
// until the app is first ready, then the report: {"status":"<aggregate>"}
// for the public, the detail body (checks, service, version, m8fx) for
// authorised callers; 503 iff the aggregate is fail. While the app drains at
// stop it keeps answering the report (the service still serves); only
// /health/ready turns 503 then.
func (h *Handler) serveReport(c *gin.Context) {
	if h.readiness.State() == Starting {
		h.write(c, http.StatusServiceUnavailable, gin.H{"status": statusInitializing, "ready": false})
		return
	}
	rep := h.runner.Run(c.Request.Context())
	if !h.detailAllowed(c.Request) {
		h.write(c, statusCode(rep.Status), gin.H{"status": rep.Status})
		return
	}
	checks := rep.Checks
	if checks == nil {
		checks = []Result{}
	}
	h.write(c, statusCode(rep.Status), gin.H{
		"status":  rep.Status,
		"checks":  checks,
		"service": h.cfg.ServiceName,
		"version": h.cfg.ServiceVersion,
		"m8fx":    version.Kit,
	})
}

// serveLive answers GET /health/live: always 200 {"status":"ok"}; it never runs
// the checks.
func (h *Handler) serveLive(c *gin.Context) {
	h.write(c, http.StatusOK, gin.H{"status": StatusOK})
}

// serveReady answers GET /health/ready: 503 {"status":"initializing"|"draining",
// "ready":false} until the app is ready and while it drains, otherwise the
// public health answer ({"status":"<aggregate>"}, 503 iff fail).
func (h *Handler) serveReady(c *gin.Context) {
	if h.notReady(c) {
		return
	}
	rep := h.runner.Run(c.Request.Context())
	h.write(c, statusCode(rep.Status), gin.H{"status": rep.Status})
}

// notReady writes the 503 answer and returns true unless the app is ready.
func (h *Handler) notReady(c *gin.Context) bool {
	switch h.readiness.State() {
	case Ready:
		return false
	case Draining:
		h.write(c, http.StatusServiceUnavailable, gin.H{"status": statusDraining, "ready": false})
	default:
		h.write(c, http.StatusServiceUnavailable, gin.H{"status": statusInitializing, "ready": false})
	}
	return true
}

// detailAllowed applies the detail authorisation: DetailPublic, the custom
// authorizer, or X-Internal-Token matching the configured credential.
func (h *Handler) detailAllowed(req *http.Request) bool {
	if h.cfg.DetailPublic {
		return true
	}
	if h.cfg.DetailAuthorizer != nil && safeAuthorize(h.cfg.DetailAuthorizer, req) {
		return true
	}
	if h.token == "" {
		return false
	}
	return securitymod.CredentialEqual(req.Header.Get(InternalTokenHeader), h.token)
}

// safeAuthorize calls the authorizer; a panic denies.
func safeAuthorize(fn func(*http.Request) bool, req *http.Request) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return fn(req)
}

func (h *Handler) write(c *gin.Context, code int, body any) {
	c.Header("Cache-Control", "no-store")
	c.JSON(code, body)
}

// statusCode maps an aggregate status to the HTTP status: 503 for fail,
// 200 otherwise.
func statusCode(s Status) int {
	if s == StatusFail {
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}
