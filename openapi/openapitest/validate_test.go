package openapitest

import (
	"strings"
	"testing"
)

func TestValidateAcceptsAValidDocument(t *testing.T) {
	doc := `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a/{id}":{"get":{
		"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string","format":"uuid"}}],
		"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}}}},
		"components":{"schemas":{"A":{"type":"object","properties":{"n":{"type":["integer","null"]}}}}}}`
	if err := Validate([]byte(doc)); err != nil {
		t.Fatal(err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	doc := `{"openapi":"3.0.0","info":{"title":"t"},"paths":{"/a/{id}":{"get":{
		"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Missing"}}}}}}}},
		"components":{"schemas":{"B":{"type":"strin"}}}}`
	err := Validate([]byte(doc))
	if err == nil {
		t.Fatal("an invalid document passed")
	}
	for _, want := range []string{
		"document:", "/openapi", "missing property 'version'",
		"components.schemas.B", "path parameter {id} is not declared", "unresolved $ref #/components/schemas/Missing",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
	if err := Validate([]byte(`{`)); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("not JSON: %v", err)
	}
}

func TestResolves(t *testing.T) {
	doc := map[string]any{"a": map[string]any{"b/c": map[string]any{"~d": 1}}}
	for ref, want := range map[string]bool{
		"#": true, "#/a": true, "#/a/b~1c": true, "#/a/b~1c/~0d": true, "#/a/x": false, "#/a/b~1c/~0d/e": false, "#anchor": false,
	} {
		if got := resolves(doc, ref); got != want {
			t.Errorf("resolves(%q) = %v", ref, got)
		}
	}
}
