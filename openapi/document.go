package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Version is the OpenAPI version of the documents this package writes.
const Version = "3.1.0"

// ErrorSchemaName is the component schema of the kit's error body
// {"detail": "<message>"}.
const ErrorSchemaName = "HTTPError"

// ValidationErrorSchemaName is the component schema of the kit's 422 body
// {"detail": [{"type", "loc", "msg", "ctx"}, ...]} (FastAPI's name), and
// ValidationProblemSchemaName the schema of one problem.
const (
	ValidationErrorSchemaName   = "HTTPValidationError"
	ValidationProblemSchemaName = "ValidationError"
)

// Document is an OpenAPI 3.1 document (the subset this package writes; every
// field is the spec's own). Marshal it with encoding/json.
type Document struct {
	OpenAPI    string              `json:"openapi"`
	Info       Info                `json:"info"`
	Servers    []Server            `json:"servers,omitempty"`
	Paths      map[string]PathItem `json:"paths"`
	Components *Components         `json:"components,omitempty"`
	Security   []SecurityReq       `json:"security,omitempty"`
	Tags       []Tag               `json:"tags,omitempty"`
}

// Info is the document's info object.
type Info struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Summary     string `json:"summary,omitempty"`
	Description string `json:"description,omitempty"`
}

// Server is a server object.
type Server struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// Tag is a tag object: its order in [Document.Tags] is the order in which
// Swagger UI and ReDoc show the groups.
type Tag struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// SecurityReq is a security requirement object: scheme name -> scopes.
type SecurityReq map[string][]string

// PathItem holds the operations of one path. The field order is the order
// in which the operations are written (and shown by the UIs).
type PathItem struct {
	Get     *OperationObject `json:"get,omitempty"`
	Post    *OperationObject `json:"post,omitempty"`
	Put     *OperationObject `json:"put,omitempty"`
	Patch   *OperationObject `json:"patch,omitempty"`
	Delete  *OperationObject `json:"delete,omitempty"`
	Head    *OperationObject `json:"head,omitempty"`
	Options *OperationObject `json:"options,omitempty"`
	Trace   *OperationObject `json:"trace,omitempty"`
}

// Operation returns the operation of an HTTP method (upper case, as gin
// lists it), or nil.
func (p *PathItem) Operation(method string) *OperationObject {
	if f := p.slot(method); f != nil {
		return *f
	}
	return nil
}

// slot returns the field of method, or nil for a method OpenAPI cannot
// describe (e.g. CONNECT or a custom verb).
func (p *PathItem) slot(method string) **OperationObject {
	switch method {
	case "GET":
		return &p.Get
	case "POST":
		return &p.Post
	case "PUT":
		return &p.Put
	case "PATCH":
		return &p.Patch
	case "DELETE":
		return &p.Delete
	case "HEAD":
		return &p.Head
	case "OPTIONS":
		return &p.Options
	case "TRACE":
		return &p.Trace
	}
	return nil
}

// OperationObject is the spec's operation object.
type OperationObject struct {
	Tags        []string                  `json:"tags,omitempty"`
	Summary     string                    `json:"summary,omitempty"`
	Description string                    `json:"description,omitempty"`
	OperationID string                    `json:"operationId,omitempty"`
	Parameters  []Parameter               `json:"parameters,omitempty"`
	RequestBody *RequestBody              `json:"requestBody,omitempty"`
	Responses   map[string]ResponseObject `json:"responses"`
	Deprecated  bool                      `json:"deprecated,omitempty"`
	Security    []SecurityReq             `json:"security,omitempty"`
	// Public writes `"security": []` when Security is empty: the operation
	// needs no credentials even if the document sets a default.
	Public bool `json:"-"`
	// Extensions are written as members of the operation (keys start with
	// "x-").
	Extensions map[string]any `json:"-"`
}

// MarshalJSON writes the operation with its explicit empty security and its
// extensions.
func (o OperationObject) MarshalJSON() ([]byte, error) {
	type plain OperationObject
	b, err := json.Marshal(plain(o))
	if err != nil {
		return nil, err
	}
	if (!o.Public || len(o.Security) > 0) && len(o.Extensions) == 0 {
		return b, nil
	}
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	if o.Public && len(o.Security) == 0 {
		buf.WriteString(`,"security":[]`)
	}
	keys := make([]string, 0, len(o.Extensions))
	for k := range o.Extensions {
		if !strings.HasPrefix(k, "x-") {
			return nil, fmt.Errorf("openapi: extension %q does not start with \"x-\"", k)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.Extensions[k])
		if err != nil {
			return nil, fmt.Errorf("openapi: extension %s: %w", k, err)
		}
		buf.WriteByte(',')
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Parameter is a parameter object (in: path, query or header).
type Parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Description string  `json:"description,omitempty"`
	Required    bool    `json:"required,omitempty"`
	Deprecated  bool    `json:"deprecated,omitempty"`
	Schema      *Schema `json:"schema,omitempty"`
}

// RequestBody is a request body object.
type RequestBody struct {
	Description string               `json:"description,omitempty"`
	Required    bool                 `json:"required,omitempty"`
	Content     map[string]MediaType `json:"content"`
}

// UnmarshalJSON reads the operation with its extensions and an explicit
// empty security.
func (o *OperationObject) UnmarshalJSON(b []byte) error {
	type plain OperationObject
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return err
	}
	*o = OperationObject(p)
	for k, raw := range members {
		switch {
		case k == "security":
			o.Public = len(o.Security) == 0
		case strings.HasPrefix(k, "x-"):
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return fmt.Errorf("openapi: extension %s: %w", k, err)
			}
			if o.Extensions == nil {
				o.Extensions = map[string]any{}
			}
			o.Extensions[k] = v
		}
	}
	return nil
}

// ResponseObject is a response object.
type ResponseObject struct {
	Description string                  `json:"description"`
	Headers     map[string]HeaderObject `json:"headers,omitempty"`
	Content     map[string]MediaType    `json:"content,omitempty"`
}

// HeaderObject is a header object of a response.
type HeaderObject struct {
	Description string  `json:"description,omitempty"`
	Required    bool    `json:"required,omitempty"`
	Schema      *Schema `json:"schema"`
}

// MediaType is a media type object.
type MediaType struct {
	Schema *Schema `json:"schema,omitempty"`
}

// Components holds the reusable schemas and the security schemes.
type Components struct {
	Schemas         map[string]*Schema        `json:"schemas,omitempty"`
	SecuritySchemes map[string]SecurityScheme `json:"securitySchemes,omitempty"`
}

// SecurityScheme is a security scheme object.
type SecurityScheme struct {
	Type         string `json:"type"`
	Scheme       string `json:"scheme,omitempty"`
	BearerFormat string `json:"bearerFormat,omitempty"`
	// In and Name locate an apiKey scheme's credential (e.g. header X-API-Key).
	In          string `json:"in,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// Types is the JSON Schema "type" keyword: written as a string when it has
// one entry, as an array otherwise (e.g. ["string", "null"]).
type Types []string

// MarshalJSON writes one type as a string, several as an array.
func (t Types) MarshalJSON() ([]byte, error) {
	if len(t) == 1 {
		return json.Marshal(t[0])
	}
	return json.Marshal([]string(t))
}

// UnmarshalJSON reads a string or an array of strings.
func (t *Types) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*t = Types{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*t = many
	return nil
}

// Schema is a JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it): the
// keywords the schema builder writes, plus a few for hand-written schemas.
type Schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	Type                 Types              `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Title                string             `json:"title,omitempty"`
	Description          string             `json:"description,omitempty"`
	Enum                 []any              `json:"enum,omitempty"`
	Default              any                `json:"default,omitempty"`
	Examples             []any              `json:"examples,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	AdditionalProperties *Schema            `json:"additionalProperties,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	AnyOf                []*Schema          `json:"anyOf,omitempty"`
	OneOf                []*Schema          `json:"oneOf,omitempty"`
	AllOf                []*Schema          `json:"allOf,omitempty"`
	MinLength            *int               `json:"minLength,omitempty"`
	MaxLength            *int               `json:"maxLength,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	Minimum              *float64           `json:"minimum,omitempty"`
	Maximum              *float64           `json:"maximum,omitempty"`
	ExclusiveMinimum     *float64           `json:"exclusiveMinimum,omitempty"`
	ExclusiveMaximum     *float64           `json:"exclusiveMaximum,omitempty"`
	Const                any                `json:"const,omitempty"`
	MinItems             *int               `json:"minItems,omitempty"`
	MaxItems             *int               `json:"maxItems,omitempty"`
	ContentEncoding      string             `json:"contentEncoding,omitempty"`
	ReadOnly             bool               `json:"readOnly,omitempty"`
	WriteOnly            bool               `json:"writeOnly,omitempty"`
	Deprecated           bool               `json:"deprecated,omitempty"`
}

// RefTo returns a schema that references the component schema name.
func RefTo(name string) *Schema { return &Schema{Ref: "#/components/schemas/" + name} }
