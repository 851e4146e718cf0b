package httpmod

import (
	"slices"
	"time"

	"github.com/m8fx/kit/openapi"
)

// RouteOption configures one route declared with [Route] or [Handle] (or,
// given to [Router.Group], every route of the group). The kit's options are
// [Doc], [Status], [BodyLimit], [RejectUnknownFields], [Responds] and the
// guards of authmod; another package may write its own by implementing
// ConfigureRoute.
type RouteOption interface {
	ConfigureRoute(c *RouteConfig)
}

// RouteConfig is the configuration that a route's options build.
type RouteConfig struct {
	// Doc is the route's documentation.
	Doc Doc
	// Status is the status of a successful answer (0: 200).
	Status int
	// BodyLimit is the largest request body read, in bytes (0: the table's
	// default).
	BodyLimit int64
	// RejectUnknownFields refuses body members that match no field (422
	// extra_forbidden) instead of ignoring them.
	RejectUnknownFields bool
	// Guards run in order before the input is bound.
	Guards []Guard
	// Responses documents the statuses the handler itself answers with
	// [Error] (404, 409, ...).
	Responses map[int]openapi.Response
	// Aliases are other paths (relative, like the route's) that serve the
	// same route and are not listed in the document.
	Aliases []string
	// Timeout is the deadline of the request's context ([Timeout]; 0: the
	// table's default, [RouteTableConfig.RequestTimeout]).
	Timeout time.Duration

	errs []error
}

// Fail records a declaration error: the app then fails at start with it.
func (c *RouteConfig) Fail(err error) { c.errs = append(c.errs, err) }

// Doc is a route's documentation in the OpenAPI document.
type Doc struct {
	Summary     string
	Description string
	// Tags group operations in the UIs; a group's tags and a route's add up.
	Tags        []string
	OperationID string
	Deprecated  bool
	// Hidden serves the route but leaves it out of the document.
	Hidden bool
}

// ConfigureRoute merges d into the route's documentation.
func (d Doc) ConfigureRoute(c *RouteConfig) {
	if d.Summary != "" {
		c.Doc.Summary = d.Summary
	}
	if d.Description != "" {
		c.Doc.Description = d.Description
	}
	if d.OperationID != "" {
		c.Doc.OperationID = d.OperationID
	}
	for _, t := range d.Tags {
		if !slices.Contains(c.Doc.Tags, t) {
			c.Doc.Tags = append(c.Doc.Tags, t)
		}
	}
	c.Doc.Deprecated = c.Doc.Deprecated || d.Deprecated
	c.Doc.Hidden = c.Doc.Hidden || d.Hidden
}

// optionFunc adapts a function to RouteOption.
type optionFunc func(*RouteConfig)

func (f optionFunc) ConfigureRoute(c *RouteConfig) { f(c) }

// Status sets the status of a successful answer (e.g. 201 for a create,
// 204 for an answer without a body).
func Status(code int) RouteOption { return optionFunc(func(c *RouteConfig) { c.Status = code }) }

// BodyLimit sets the largest request body the route reads; a larger one is
// answered 413 {"detail": "Request body too large"}.
func BodyLimit(bytes int64) RouteOption {
	return optionFunc(func(c *RouteConfig) { c.BodyLimit = bytes })
}

// RejectUnknownFields makes the route refuse body members that match no
// field (422 extra_forbidden); by default they are ignored, as FastAPI does.
func RejectUnknownFields() RouteOption {
	return optionFunc(func(c *RouteConfig) { c.RejectUnknownFields = true })
}

// Responds documents a status that the handler answers itself (with
// [Error]): its description and its JSON body (nil means the kit's error
// body {"detail": "..."}).
//
//	httpmod.Responds(http.StatusNotFound, "No item with this id", nil)
func Responds(status int, description string, body any) RouteOption {
	return optionFunc(func(c *RouteConfig) {
		if body == nil {
			body = openapi.ErrorBody()
		}
		if c.Responses == nil {
			c.Responses = map[int]openapi.Response{}
		}
		c.Responses[status] = openapi.Response{Description: description, Body: body}
	})
}

// Alias serves the route on another path too (relative to the router, like
// the route's own), without listing it in the document: e.g. "/items/"
// beside "/items", since the engine does not redirect trailing slashes.
func Alias(path string) RouteOption {
	return optionFunc(func(c *RouteConfig) { c.Aliases = append(c.Aliases, path) })
}
