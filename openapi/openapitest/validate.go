package openapitest

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schemas/*.json
var schemaFiles embed.FS

const (
	documentSchemaID = "https://spec.openapis.org/oas/3.1/schema/2021-04-15"
	dialectSchemaID  = "https://spec.openapis.org/oas/3.1/dialect/base"
)

var compiled = sync.OnceValues(func() ([2]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	for _, name := range []string{"schema.json", "dialect-base.schema.json", "meta-base.schema.json"} {
		raw, err := schemaFiles.ReadFile("schemas/" + name)
		if err != nil {
			return [2]*jsonschema.Schema{}, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return [2]*jsonschema.Schema{}, fmt.Errorf("%s: %w", name, err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			return [2]*jsonschema.Schema{}, err
		}
	}
	docSchema, err := c.Compile(documentSchemaID)
	if err != nil {
		return [2]*jsonschema.Schema{}, err
	}
	dialect, err := c.Compile(dialectSchemaID)
	if err != nil {
		return [2]*jsonschema.Schema{}, err
	}
	return [2]*jsonschema.Schema{docSchema, dialect}, nil
})

// Validate returns nil when doc (JSON) is a valid OpenAPI 3.1 document:
// it validates against the official OpenAPI 3.1 schema, every schema object
// in it (component schemas, parameter, request and response schemas)
// validates against the OpenAPI 3.1 schema dialect (JSON Schema 2020-12),
// every local "$ref" resolves, and every operation declares each {param}
// of its path as a required path parameter. The error lists every problem.
func Validate(doc []byte) error {
	schemas, err := compiled()
	if err != nil {
		return fmt.Errorf("openapitest: compiling the OpenAPI 3.1 schemas: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("openapitest: the document is not JSON: %w", err)
	}
	var problems []string
	if err := schemas[0].Validate(inst); err != nil {
		problems = append(problems, "document: "+err.Error())
	}
	var d struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name     string          `json:"name"`
				In       string          `json:"in"`
				Required bool            `json:"required"`
				Schema   json.RawMessage `json:"schema"`
			} `json:"parameters"`
			RequestBody struct {
				Content map[string]struct {
					Schema json.RawMessage `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
			Responses map[string]struct {
				Content map[string]struct {
					Schema json.RawMessage `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		problems = append(problems, "document shape: "+err.Error())
	}
	checkSchema := func(where string, raw json.RawMessage) {
		if len(raw) == 0 {
			return
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err == nil {
			err = schemas[1].Validate(v)
		}
		if err != nil {
			problems = append(problems, where+": "+err.Error())
		}
	}
	for _, name := range sortedKeys(d.Components.Schemas) {
		checkSchema("components.schemas."+name, d.Components.Schemas[name])
	}
	for _, p := range sortedKeys(d.Paths) {
		for _, m := range sortedKeys(d.Paths[p]) {
			op := d.Paths[p][m]
			where := m + " " + p
			declared := map[string]bool{}
			for _, prm := range op.Parameters {
				checkSchema(where+" parameter "+prm.Name, prm.Schema)
				if prm.In == "path" && prm.Required {
					declared[prm.Name] = true
				}
			}
			for _, seg := range strings.Split(p, "/") {
				if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && !declared[seg[1:len(seg)-1]] {
					problems = append(problems, where+": path parameter "+seg+" is not declared as a required path parameter")
				}
			}
			for ct, c := range op.RequestBody.Content {
				checkSchema(where+" request body "+ct, c.Schema)
			}
			for status, r := range op.Responses {
				for ct, c := range r.Content {
					checkSchema(where+" response "+status+" "+ct, c.Schema)
				}
			}
		}
	}
	for _, ref := range localRefs(inst) {
		if !resolves(inst, ref) {
			problems = append(problems, "unresolved $ref "+ref)
		}
	}
	if len(problems) > 0 {
		return errors.New("openapitest: invalid OpenAPI 3.1 document:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}

// localRefs lists the distinct "$ref" values of v that start with "#".
func localRefs(v any) []string {
	seen := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "$ref" && strings.HasPrefix(s, "#") {
					seen[s] = true
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return sortedKeys(seen)
}

// resolves reports whether the local reference ref ("#/a/b") points into
// doc.
func resolves(doc any, ref string) bool {
	ptr := strings.TrimPrefix(ref, "#")
	if ptr == "" {
		return true
	}
	if !strings.HasPrefix(ptr, "/") {
		return false // a plain-name anchor: not written by the generator
	}
	cur := doc
	for tok := range strings.SplitSeq(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[tok]; !ok {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
