package openapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// ConformanceOptions adapt Conformance to a service.
type ConformanceOptions struct {
	// Header returns the headers to send for an operation (e.g. an Authorization bearer token with enough role); nil: none.
	Header func(method, pathTemplate string) http.Header
	// Skip leaves an operation out.
	Skip func(method, pathTemplate string) bool
	// PathValues gives a valid value for a path parameter when the schema cannot derive one that exists (e.g. an existing item id); nil: derived from the schema.
	PathValues func(method, pathTemplate, param string) string
}

const (
	// maxRequests is the most requests Conformance sends for one operation
	// (the baseline included); past it the variants of lower priority are
	// left out, and the test log says how many.
	maxRequests = 60
	// maxReports is the most lines Conformance reports for one operation.
	maxReports = 50
)

// Conformance sends, for every operation of doc that has parameters or a JSON request body, boundary inputs
// derived from the document itself and checks that h accepts exactly what the document accepts.
//
// For each operation it first builds a baseline request the document
// accepts: its path parameters, its required query and header parameters
// and a JSON body with every required property, each value taken from the
// schema's default, examples or enum, else derived from its type, format,
// pattern and bounds. Then each variant changes one thing of the baseline:
// a string at each side of minLength and maxLength (also with a multi-byte
// last character, since lengths count characters), a number at each side of
// its bounds, a required property or parameter left out, each enum member
// and a non-member, a value of the wrong type, null, an array at each side
// of minItems and maxItems, and for parameters the texts "abc" and "1.5"
// where an integer is expected.
//
// The document's verdict on each request comes from libopenapi-validator's
// request validation (security requirements aside: credentials are the
// Header option's business). The server refuses a request when it answers
// 422 and accepts it with any other status (a 404 for an id that does not
// exist is an acceptance); every disagreement is reported with t.Errorf on
// one line, e.g.
//
//	openapitest: POST /items/ body.name: string of 256 characters (maxLength 255): document refuses, server accepted (201)
//
// A 401 or 403 answer means that ConformanceOptions.Header does not give
// the operation the credentials it needs: it is reported once and the rest
// of the operation is left out. Every response is also checked with a
// [ResponseValidator]. An operation gets at most 60 requests and 50 report
// lines.
//
// Requests are sent one after the other with httptest; operations that
// write data are called repeatedly, so h should use a test database.
func Conformance(t testing.TB, h http.Handler, doc []byte, opt ConformanceOptions) {
	t.Helper()
	rv, err := NewResponseValidator(doc)
	if err != nil {
		t.Errorf("%v", err)
		return
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		t.Errorf("openapitest: the document is not JSON: %v", err)
		return
	}
	d := schemas{root: root}
	for _, op := range operations(d) {
		if len(op.params) == 0 && op.body == nil {
			continue
		}
		if opt.Skip != nil && opt.Skip(op.method, op.path) {
			continue
		}
		c := &conformance{t: t, h: h, rv: rv, d: d, op: op, opt: opt, responses: map[string]bool{}}
		c.run()
	}
}

// operation is what Conformance reads of one operation of the document.
type operation struct {
	method, path string // "POST", "/items/{id}"
	params       []parameter
	body         *requestBody // nil: none, or not JSON
}

type parameter struct {
	name, in string // in: path, query or header
	required bool
	schema   any
}

type requestBody struct {
	mediaType string
	schema    any
	required  bool
}

// methods are the operation keys of a path item, in the order operations
// are run.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operations lists the operations of the document, sorted by path. Path
// item parameters apply to every operation of the path unless the
// operation redefines them; cookie parameters and parameters without a
// schema are left out.
func operations(d schemas) []operation {
	doc, _ := d.root.(map[string]any)
	pathItems, _ := doc["paths"].(map[string]any)
	var templates []string
	for p := range pathItems {
		templates = append(templates, p)
	}
	slices.Sort(templates)
	var ops []operation
	for _, p := range templates {
		item := d.deref(pathItems[p])
		for _, m := range methods {
			raw, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			op := operation{method: strings.ToUpper(m), path: p}
			seen := map[string]bool{}
			for _, list := range []any{raw["parameters"], item["parameters"]} {
				arr, _ := list.([]any)
				for _, e := range arr {
					prm := d.deref(e)
					name, _ := prm["name"].(string)
					in, _ := prm["in"].(string)
					if name == "" || seen[in+" "+name] {
						continue
					}
					seen[in+" "+name] = true
					required, _ := prm["required"].(bool)
					if (in == "path" || in == "query" || in == "header") && prm["schema"] != nil {
						op.params = append(op.params, parameter{name: name, in: in, required: required || in == "path", schema: prm["schema"]})
					}
				}
			}
			slices.SortStableFunc(op.params, func(a, b parameter) int { return inOrder(a.in) - inOrder(b.in) })
			if rb := d.deref(raw["requestBody"]); len(rb) > 0 {
				contents, _ := rb["content"].(map[string]any)
				if mt := jsonMediaType(contents); mt != "" {
					media := d.deref(contents[mt])
					required, _ := rb["required"].(bool)
					op.body = &requestBody{mediaType: mt, schema: media["schema"], required: required}
				}
			}
			ops = append(ops, op)
		}
	}
	return ops
}

func inOrder(in string) int { return strings.Index("path query header", in) }

// jsonMediaType is application/json when the content map has it, else the
// first (sorted) JSON media type, else "".
func jsonMediaType(contents map[string]any) string {
	if _, ok := contents["application/json"]; ok {
		return "application/json"
	}
	var keys []string
	for k := range contents {
		mt := strings.ToLower(strings.TrimSpace(strings.Split(k, ";")[0]))
		if strings.HasSuffix(mt, "/json") || strings.HasSuffix(mt, "+json") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

// probe is one request of an operation.
type probe struct {
	label  string // "body.name: string of 11 characters (maxLength 10)"
	prio   int
	path   map[string]string
	query  url.Values
	header http.Header
	body   any
	noBody bool // send no body at all
}

func (p probe) clone() probe {
	c := p
	c.path = make(map[string]string, len(p.path))
	for k, v := range p.path {
		c.path[k] = v
	}
	c.query = url.Values{}
	for k, v := range p.query {
		c.query[k] = slices.Clone(v)
	}
	c.header = p.header.Clone()
	c.body = clone(p.body)
	return c
}

// conformance runs the requests of one operation.
type conformance struct {
	t         testing.TB
	h         http.Handler
	rv        *ResponseValidator
	d         schemas
	op        operation
	opt       ConformanceOptions
	reports   int
	responses map[string]bool // response problems already reported
}

func (c *conformance) errorf(format string, args ...any) {
	c.t.Helper()
	c.reports++
	switch {
	case c.reports <= maxReports:
		c.t.Errorf("openapitest: %s %s "+format, append([]any{c.op.method, c.op.path}, args...)...)
	case c.reports == maxReports+1:
		c.t.Errorf("openapitest: %s %s: more disagreements are not shown", c.op.method, c.op.path)
	}
}

func (c *conformance) run() {
	c.t.Helper()
	base := c.baseline()
	if ok, why := c.documentAccepts(base); !ok {
		c.errorf("baseline request: cannot derive a request the document accepts (%s); give the value with ConformanceOptions.PathValues or leave the operation out with Skip", why)
		return
	}
	variants := c.variants(base)
	slices.SortStableFunc(variants, func(a, b probe) int { return a.prio - b.prio })
	if len(variants) > maxRequests-1 {
		c.t.Logf("openapitest: %s %s: %d of %d variants left out (at most %d requests an operation)",
			c.op.method, c.op.path, len(variants)-(maxRequests-1), len(variants), maxRequests)
		variants = variants[:maxRequests-1]
	}
	sent := map[string]bool{}
	for _, p := range append([]probe{base}, variants...) {
		if key := c.key(p); !sent[key] { // e.g. a string at minLength 1 is the baseline's "a"
			sent[key] = true
			if !c.send(p) {
				return
			}
		}
	}
}

// baseline builds the request every variant changes one thing of.
func (c *conformance) baseline() probe {
	p := probe{label: "baseline request", path: map[string]string{}, query: url.Values{}, header: http.Header{}}
	for _, prm := range c.op.params {
		if !prm.required {
			continue
		}
		value := c.d.sample(prm.schema)
		switch prm.in {
		case "path":
			text := textOf(value)
			if c.opt.PathValues != nil {
				if v := c.opt.PathValues(c.op.method, c.op.path, prm.name); v != "" {
					text = v
				}
			}
			p.path[prm.name] = text
		case "query":
			p.query[prm.name] = queryTexts(value)
		case "header":
			p.header.Set(prm.name, textOf(value))
		}
	}
	if c.op.body != nil {
		p.body = c.d.sample(c.op.body.schema)
	}
	return p
}

// queryTexts are the values of a query parameter (form style, exploded:
// one value per array item).
func queryTexts(v any) []string {
	if arr, ok := v.([]any); ok {
		out := make([]string, len(arr))
		for i, e := range arr {
			out[i] = textOf(e)
		}
		return out
	}
	return []string{textOf(v)}
}

// variants lists the requests that each change one thing of base.
func (c *conformance) variants(base probe) []probe {
	var out []probe
	for _, prm := range c.op.params {
		s := c.d.flat(prm.schema)
		if s == nil {
			continue
		}
		where := map[string]textual{"path": inPath, "query": inQuery, "header": inHeader}[prm.in]
		loc := prm.in + "." + prm.name
		if prm.required && prm.in != "path" {
			p := base.clone()
			p.label, p.prio = loc+": missing (required)", prioBoundary
			p.query.Del(prm.name)
			p.header.Del(prm.name)
			out = append(out, p)
		}
		current := c.d.sample(prm.schema)
		switch prm.in {
		case "path":
			current = base.path[prm.name]
		case "query":
			if v, ok := base.query[prm.name]; ok && len(v) > 0 {
				current = v[0]
			}
		}
		if kind(s) == "array" { // the mutations of one item
			s = c.d.flat(items(s))
			if arr, ok := current.([]any); ok && len(arr) > 0 {
				current = arr[0]
			}
			if s == nil {
				continue
			}
		}
		for _, m := range mutations(s, current, where) {
			p := base.clone()
			p.label, p.prio = loc+": "+m.desc, m.prio
			text := textOf(m.value)
			switch prm.in {
			case "path":
				p.path[prm.name] = text
			case "query":
				p.query.Set(prm.name, text)
			case "header":
				p.header.Set(prm.name, text)
			}
			out = append(out, p)
		}
	}
	if c.op.body != nil {
		p := base.clone()
		p.label, p.prio, p.noBody = "body: empty", prioBoundary, true
		out = append(out, p)
		for _, v := range c.d.bodyVariants(c.op.body.schema, base.body) {
			p := base.clone()
			p.label, p.prio = location("body", v.at)+": "+v.m.desc, v.m.prio
			p.body = v.apply(base.body)
			out = append(out, p)
		}
	}
	return out
}

// request builds the HTTP request of p.
func (c *conformance) request(p probe) *http.Request {
	target := c.op.path
	for name, v := range p.path {
		target = strings.ReplaceAll(target, "{"+name+"}", url.PathEscape(v))
	}
	if q := p.query.Encode(); q != "" {
		target += "?" + q
	}
	var body []byte
	if c.op.body != nil && !p.noBody {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(p.body) // decoded JSON values always encode
		body = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	req := httptest.NewRequest(c.op.method, target, bytes.NewReader(body))
	if c.opt.Header != nil {
		for k, v := range c.opt.Header(c.op.method, c.op.path) {
			req.Header[http.CanonicalHeaderKey(k)] = slices.Clone(v)
		}
	}
	for k, v := range p.header {
		req.Header[k] = slices.Clone(v)
	}
	if c.op.body != nil {
		req.Header.Set("Content-Type", c.op.body.mediaType)
	}
	return req
}

// key identifies the request of p.
func (c *conformance) key(p probe) string {
	r := c.request(p)
	body, _ := io.ReadAll(r.Body)
	var b strings.Builder
	b.WriteString(r.URL.RequestURI())
	_ = r.Header.Write(&b)
	b.Write(body)
	return b.String()
}

// documentAccepts is the document's verdict on p, and why it refuses.
func (c *conformance) documentAccepts(p probe) (bool, string) {
	ok, errs := c.rv.v.ValidateHttpRequestSync(c.request(p))
	if ok {
		return true, ""
	}
	why := make([]string, 0, len(errs))
	for _, e := range errs {
		why = append(why, describeError(e))
	}
	return false, strings.Join(why, "; ")
}

// send sends p to the handler and reports a disagreement with the
// document; false means the operation cannot go on (401/403).
func (c *conformance) send(p probe) bool {
	c.t.Helper()
	accepts, _ := c.documentAccepts(p)
	req := c.request(p)
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	res := rec.Result()
	status := res.StatusCode
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		c.errorf("%s: the server answered %d: the helper's setup is wrong, not the server: ConformanceOptions.Header must give this operation credentials with enough rights (or Skip must leave it out); the operation was not checked",
			p.label, status)
		return false
	}
	refused := status == http.StatusUnprocessableEntity
	switch {
	case accepts && refused:
		c.errorf("%s: document accepts, server refused (%d): %s", p.label, status, excerpt(rec.Body.Bytes(), 200))
	case !accepts && !refused && status/100 == 2:
		c.errorf("%s: document refuses, server accepted (%d)", p.label, status)
	case !accepts && !refused:
		c.errorf("%s: document refuses, server answered %d, not 422", p.label, status)
	}
	if problems := c.rv.problems(req, status, res.Header, rec.Body.Bytes()); len(problems) > 0 {
		key := fmt.Sprint(status, problems)
		if !c.responses[key] {
			c.responses[key] = true
			c.errorf("%s: the %d response does not match the document: %s; body: %s",
				p.label, status, strings.Join(problems, "; "), excerpt(rec.Body.Bytes(), bodyExcerpt))
		}
	}
	return true
}

// excerpt is the first n bytes of b, on one line.
func excerpt(b []byte, n int) string {
	more := ""
	if len(b) > n {
		b, more = b[:n], "…"
	}
	return strings.Join(strings.Fields(string(b)), " ") + more
}
