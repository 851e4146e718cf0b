package healthmod

import (
	"encoding/json"

	"github.com/m8fx/kit/openapi"
)

// Result is the outcome of one health check.
//
// Its JSON form is
//
//	{"name": "database", "status": "ok", "latency_ms": 3.2, "error": null, "ok": true, "meta": {...}}
//
// where "error" is null when Error is empty and "meta" is omitted when Meta is
// empty. The [Runner] overwrites Name with the check's Name(), measures
// LatencyMS itself and scrubs Error and Meta (see [Scrub] and [ScrubMeta]), so
// a check only needs to fill in Status and, optionally, Error and Meta.
type Result struct {
	// Name identifies the check ("database", "redis").
	Name string
	// Status is the outcome.
	Status Status
	// LatencyMS is how long the check took, in milliseconds.
	LatencyMS float64
	// Error explains a non-ok status; empty when there is nothing to say.
	Error string
	// Meta carries arbitrary extra data (pool sizes, versions, ...).
	Meta map[string]any
}

// OK reports whether the status is [StatusOK].
func (r Result) OK() bool { return r.Status == StatusOK }

// ResultFromBool returns an ok result when ok is true and a fail result
// otherwise.
func ResultFromBool(name string, ok bool) Result {
	if ok {
		return Result{Name: name, Status: StatusOK}
	}
	return Result{Name: name, Status: StatusFail}
}

// resultJSON is the wire form of Result.
type resultJSON struct {
	Name      string         `json:"name"`
	Status    Status         `json:"status"`
	LatencyMS float64        `json:"latency_ms"`
	Error     *string        `json:"error"`
	OK        bool           `json:"ok"`
	Meta      map[string]any `json:"meta,omitempty"`
}

// MarshalJSON encodes r in its wire form (see [Result]).
func (r Result) MarshalJSON() ([]byte, error) {
	w := resultJSON{
		Name:      r.Name,
		Status:    r.Status,
		LatencyMS: r.LatencyMS,
		OK:        r.OK(),
		Meta:      r.Meta,
	}
	if r.Error != "" {
		msg := r.Error
		w.Error = &msg
	}
	if len(w.Meta) == 0 {
		w.Meta = nil
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the wire form; the "ok" field is ignored because it
// is derived from "status".
func (r *Result) UnmarshalJSON(data []byte) error {
	var w resultJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = Result{Name: w.Name, Status: w.Status, LatencyMS: w.LatencyMS, Meta: w.Meta}
	if w.Error != nil {
		r.Error = *w.Error
	}
	return nil
}

// OpenAPISchema documents the wire form of a Result.
func (Result) OpenAPISchema() *openapi.Schema {
	str := func(desc string) *openapi.Schema {
		return &openapi.Schema{Type: openapi.Types{"string"}, Description: desc}
	}
	return &openapi.Schema{
		Type:        openapi.Types{"object"},
		Description: "The outcome of one health check.",
		Properties: map[string]*openapi.Schema{
			"name":       str("The check's name."),
			"status":     {Type: openapi.Types{"string"}, Enum: []any{"ok", "degraded", "unknown", "fail"}},
			"latency_ms": {Type: openapi.Types{"number"}, Description: "How long the check took."},
			"error":      {Type: openapi.Types{"string", "null"}, Description: "Why the status is not ok (scrubbed of secrets)."},
			"ok":         {Type: openapi.Types{"boolean"}},
			"meta":       {Type: openapi.Types{"object"}, Description: "Extra data of the check."},
		},
		Required: []string{"name", "status", "latency_ms", "error", "ok"},
	}
}
