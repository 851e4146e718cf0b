package httpmod

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/m8fx/kit/openapi"
)

// NoInput is the input of a typed route that takes no parameters and no
// body.
type NoInput struct{}

// NoContent is the output of a typed route that answers without a body
// (declare it with Status(http.StatusNoContent)).
type NoContent struct{}

// Route declares a typed route on r: method and path (relative to r, gin
// syntax), the handler, and the route's options (guards, [Doc], [Status],
// [BodyLimit], [Responds], ...). From this one declaration the kit
// registers the gin route, binds and validates the input, runs the guards,
// calls h with the typed, valid input, writes its output as JSON, answers
// HEAD like GET, and documents the operation in the OpenAPI document:
//
//	httpmod.Route(r, http.MethodPost, "/items/", h.create,
//		auth.Require(authmod.AtLeast(authmod.RoleWriter)),
//		httpmod.Status(http.StatusCreated),
//		httpmod.Doc{Summary: "Create an item", Tags: []string{"items"}})
//
//	func (h *handlers) create(ctx context.Context, in *CreateItem) (*Item, error)
//
// # Input
//
// In is a struct whose fields say where they come from:
//
//	type CreateItem struct {
//		Tenant string     `header:"X-Tenant" validate:"max=64"`
//		Dry    bool       `query:"dry" default:"false"`
//		Body   ItemCreate // the JSON body; *ItemCreate makes it optional
//	}
//
// path:"name" fields are the path's parameters (every one of the path's,
// and no other); query:"name" and header:"Name" fields are parameters of
// type string, bool, integer, float, uuid.UUID, time.Time (RFC 3339), an
// encoding.TextUnmarshaler, a pointer to one of those (nil when absent) or
// a slice of them (every value sent). The Body field is the JSON body,
// decoded with encoding/json's field names.
//
// A field is required unless it is a pointer, has a `default:"v"` tag, or
// (in the body) has omitempty or omitzero in its json tag. The rules of its
// `validate` tag are go-playground/validator's, limited to those the
// document can state: min, max, len, gt, gte, lt, lte (string lengths in
// characters, as received), oneof, email, uuid, url, dive (rules of array
// items), omitempty/omitnil, and max_of=name / min_of=name for runtime
// limits ([RouteTableConfig.Limits]). `pattern:"regexp"` requires strings
// to match a regular expression (RE2 syntax, unanchored like JSON Schema's
// pattern). The "required" rule is refused: presence follows from the type.
// Anything else, and any rule that an absent optional field would fail,
// fails the declaration, so that the document never promises what the
// server does not enforce.
//
// # Answers
//
// Invalid input is answered 422 with every problem at once ([ValidationError]).
// A JSON body must be one JSON value, valid UTF-8, without duplicate
// members, sent as application/json (else 415) and at most the body limit
// (else 413). The handler's output is written with the route's [Status]
// (default 200); an error is answered with its [StatusError] (from [Error]),
// or 500 {"detail": "Internal Server Error"} with one ERROR log line.
//
// Declaration errors (a bad tag, an unknown role, a path parameter without a
// field) are collected in the route table and fail the app's start with one
// line.
func Route[In, Out any](r *Router, method, path string, h func(ctx context.Context, in *In) (*Out, error), opts ...RouteOption) {
	method = strings.ToUpper(method)
	full := r.fullPath(path)
	if h == nil {
		r.table.fail(method, full, errors.New("nil handler"))
		return
	}
	cfg := r.config(opts)
	plan, err := compileInput(reflect.TypeFor[In](), ginParams(path), r.table)
	if err != nil {
		r.table.fail(method, full, err)
		return
	}
	var authorizers []InputAuthorizer
	for _, g := range cfg.Guards {
		if a, ok := g.(InputAuthorizer); ok {
			if want := reflect.TypeFor[*In](); a.InputType() != want {
				cfg.Fail(fmt.Errorf("guard for input %s on a route whose input is %s", a.InputType(), want))
				continue
			}
			authorizers = append(authorizers, a)
		}
	}
	if len(cfg.errs) > 0 {
		r.table.fail(method, full, joinErrors(cfg.errs))
		return
	}
	status := cmp.Or(cfg.Status, http.StatusOK)
	limit := cmp.Or(cfg.BodyLimit, r.table.bodyLimit)
	noContent := reflect.TypeFor[Out]() == reflect.TypeFor[NoContent]()
	table := r.table

	handler := func(c *gin.Context) {
		in := new(In)
		if err := plan.bind(c, reflect.ValueOf(in).Elem(), table, limit, cfg.RejectUnknownFields); err != nil {
			writeError(c, table.log, err)
			return
		}
		ctx := c.Request.Context()
		for _, a := range authorizers {
			if err := a.Authorize(ctx, in); err != nil {
				writeError(c, table.log, err)
				return
			}
		}
		out, err := h(ctx, in)
		switch {
		case err != nil:
			writeError(c, table.log, err)
		case noContent:
			c.Status(status)
			c.Writer.WriteHeaderNow()
		case out == nil:
			writeError(c, table.log, errors.New("the handler returned neither an output nor an error"))
		default:
			c.JSON(status, out)
		}
	}

	op := cfg.operation()
	if !plan.empty() {
		op.Input = reflect.TypeFor[In]()
		op.Responses[http.StatusUnprocessableEntity] = openapi.Response{Description: "Validation Error: every problem of the request", Body: ValidationError{}}
	}
	if plan.body != nil {
		op.Responses[http.StatusRequestEntityTooLarge] = openapi.Response{
			Description: "Request body too large (the limit is " + strconv.FormatInt(limit, 10) + " bytes)", Body: ErrorBody{}}
		op.Responses[http.StatusUnsupportedMediaType] = openapi.Response{Description: "The body is not application/json", Body: ErrorBody{}}
	}
	success := openapi.Response{Description: "Successful Response"}
	if !noContent {
		success.Body = reflect.TypeFor[Out]()
	}
	op.Responses[status] = success
	r.declare(method, path, op, cfg, handler)
}

// Handle declares a plain gin handler on r with the route's options:
// guards run before h, and the options' documentation ([Doc], [Responds],
// the guards' answers) describes the route in the OpenAPI document. GET
// routes answer HEAD too. Use it for what a typed [Route] cannot express
// (streams, files, redirects).
func Handle(r *Router, method, path string, h gin.HandlerFunc, opts ...RouteOption) {
	method = strings.ToUpper(method)
	if h == nil {
		r.table.fail(method, r.fullPath(path), errors.New("nil handler"))
		return
	}
	cfg := r.config(opts)
	if len(cfg.errs) > 0 {
		r.table.fail(method, r.fullPath(path), joinErrors(cfg.errs))
		return
	}
	r.declare(method, path, cfg.operation(), cfg, h)
}

// config applies the group's options, then the route's.
func (r *Router) config(opts []RouteOption) *RouteConfig {
	cfg := &RouteConfig{}
	for _, o := range append(slices.Clone(r.opts), opts...) {
		if o != nil {
			o.ConfigureRoute(cfg)
		}
	}
	return cfg
}

// operation is the documentation of the configuration: the Doc, the
// handler's documented answers, the guards' security and answers (a route
// without a guard is public: `security: []`), and the kit's 500.
func (cfg *RouteConfig) operation() openapi.Operation {
	op := openapi.Operation{
		Summary:     cfg.Doc.Summary,
		Description: cfg.Doc.Description,
		Tags:        slices.Clone(cfg.Doc.Tags),
		OperationID: cfg.Doc.OperationID,
		Deprecated:  cfg.Doc.Deprecated,
		Hidden:      cfg.Doc.Hidden,
		Responses: map[int]openapi.Response{
			http.StatusInternalServerError: {Description: "Internal Server Error", Body: ErrorBody{}},
			// Every declared route runs under the request deadline.
			http.StatusServiceUnavailable: {
				Description: "Service temporarily unavailable: the request deadline passed or a dependency (the database) is down",
				Body:        ErrorBody{},
				Headers: map[string]openapi.Header{"Retry-After": {
					Description: "Seconds to wait before retrying.", Required: true,
					Schema: &openapi.Schema{Type: openapi.Types{"integer"}},
				}},
			},
		},
	}
	for _, g := range cfg.Guards {
		gd := g.GuardDoc()
		desc := op.Description
		op = op.Merge(openapi.Operation{Security: gd.Security, SecuritySchemes: gd.SecuritySchemes, Extensions: gd.Extensions, Responses: gd.Responses})
		if gd.Description != "" {
			if desc != "" {
				desc += "\n\n"
			}
			desc += gd.Description
		}
		op.Description = desc
	}
	if len(cfg.Guards) == 0 {
		op.Public = true
	}
	for status, resp := range cfg.Responses {
		op.Responses[status] = resp
	}
	return op
}

// declare registers the handler chain for method and path (and its HEAD
// twin for GET, and its aliases) and records the route in the table.
func (r *Router) declare(method, path string, op openapi.Operation, cfg *RouteConfig, h gin.HandlerFunc) {
	full := r.fullPath(path)
	chain := make([]gin.HandlerFunc, 0, len(cfg.Guards)+2)
	if d := cmp.Or(cfg.Timeout, r.table.timeout); d > 0 {
		chain = append(chain, deadlineHandler(d)) // first: the guards run under the deadline too
	}
	for _, g := range cfg.Guards {
		chain = append(chain, g.GuardHandler())
	}
	chain = append(chain, h)
	for i, p := range append([]string{path}, cfg.Aliases...) {
		route := DeclaredRoute{Method: method, Path: r.fullPath(p), Operation: op}
		if i > 0 {
			if strings.Join(ginParams(p), ",") != strings.Join(ginParams(path), ",") {
				r.table.fail(method, full, fmt.Errorf("alias %s has other path parameters than the route", p))
				return
			}
			route.AliasOf = full
		}
		if err := r.table.add(route); err != nil {
			if method == http.MethodHead && r.table.declared(http.MethodGet, route.Path) {
				err = errors.New("its GET route answers HEAD already (declare the HEAD before the GET to replace that)")
			}
			r.table.fail(method, route.Path, err)
			return
		}
		r.group.Handle(method, p, chain...)
		if method == http.MethodGet && !r.table.declared(http.MethodHead, route.Path) {
			twin := route
			twin.Method, twin.HEADOf = http.MethodHead, true
			if err := r.table.add(twin); err == nil {
				r.group.Handle(http.MethodHead, p, append([]gin.HandlerFunc{headAsGet}, chain...)...)
			}
		}
	}
}

// ginParams lists the :name and *name parameters of a gin path.
func ginParams(path string) []string {
	var out []string
	for seg := range strings.SplitSeq(path, "/") {
		if len(seg) > 1 && (seg[0] == ':' || seg[0] == '*') {
			out = append(out, seg[1:])
		}
	}
	return out
}

// bind fills in from the request: parameters, then the body, then the
// rules; every problem is collected into one 422.
func (p *inputPlan) bind(c *gin.Context, in reflect.Value, table *RouteTable, limit int64, rejectUnknown bool) error {
	if p.empty() {
		return nil
	}
	var problems []Problem
	problems = p.bindParams(c, in, problems)
	paramProblems := len(problems)
	if p.body != nil {
		var err error
		if problems, err = p.bindBody(c, in, limit, rejectUnknown, problems); err != nil {
			return err
		}
	}
	bodyProblems := len(problems) > paramProblems
	if p.validate || len(p.patterns) > 0 {
		// Rules need a value: leave out the fields whose value did not
		// parse (and the whole body when it did not decode).
		unparsed := problems
		skip := func(loc []any) bool {
			if bodyProblems && len(loc) > 0 && loc[0] == "body" {
				return true
			}
			for _, pr := range unparsed {
				if len(pr.Loc) >= 2 && len(loc) >= 2 && pr.Loc[0] == loc[0] && pr.Loc[1] == loc[1] {
					return true
				}
			}
			return false
		}
		if p.validate {
			if err := table.validate.Struct(in.Interface()); err != nil {
				problems = p.ruleProblems(err, table.limits, skip, problems)
			}
		}
		for _, pr := range p.patternProblems(in, nil, nil) {
			if !skip(pr.Loc) {
				problems = append(problems, pr)
			}
		}
	}
	if len(problems) > 0 {
		return &validationFailure{problems: problems}
	}
	return nil
}

// validationFailure is the 422 of a request's problems.
type validationFailure struct{ problems []Problem }

func (v *validationFailure) Error() string {
	return strconv.Itoa(len(v.problems)) + " validation problem(s)"
}

// writeError answers err: a request whose client went away with nothing
// (499 in the access log and the metrics, see [StatusClientClosedRequest]),
// the 422 of invalid input, a [StatusError] as it says, a request past its
// deadline or whose dependency is unavailable ([Unavailable]) with a 503
// and Retry-After (see [Timeout]), and anything else as a logged 500.
func writeError(c *gin.Context, log *zap.Logger, err error) {
	if answerCancelled(c, log, err) {
		return
	}
	var vf *validationFailure
	if errors.As(err, &vf) {
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, ValidationError{Detail: vf.problems})
		return
	}
	if se, ok := asStatusError(err); ok {
		if se.RetryAfter > 0 {
			c.Header("Retry-After", strconv.Itoa(se.RetryAfter))
		}
		if se.Status >= 500 {
			logFailure(c, log, se.Status, err)
		}
		AbortWithDetail(c, se.Status, se.Detail)
		return
	}
	if answerUnavailable(c, log, err) {
		return
	}
	logFailure(c, log, http.StatusInternalServerError, err)
	AbortWithDetail(c, http.StatusInternalServerError, "Internal Server Error")
}

func logFailure(c *gin.Context, log *zap.Logger, status int, err error) {
	Logger(c.Request.Context(), log).Error("request failed",
		zap.String("method", c.Request.Method),
		zap.String("route", c.FullPath()),
		zap.Int("status", status),
		zap.Error(err))
}
