package openapi

import (
	"reflect"
	"testing"
)

func TestOperationMerge(t *testing.T) {
	bearer := SecurityReq{"bearerAuth": {}}
	apiKey := SecurityReq{"apiKey": {}}
	tests := []struct {
		name       string
		base, next Operation
		check      func(t *testing.T, got Operation)
	}{
		{
			name: "non-empty strings replace, empty ones keep",
			base: Operation{Summary: "A", Description: "a", OperationID: "id_a", BodyDescription: "body a"},
			next: Operation{Description: "b", BodyDescription: "body b"},
			check: func(t *testing.T, got Operation) {
				if got.Summary != "A" || got.Description != "b" || got.OperationID != "id_a" || got.BodyDescription != "body b" {
					t.Errorf("strings %+v", got)
				}
			},
		},
		{
			name: "tags replace when set",
			base: Operation{Tags: []string{"x"}},
			next: Operation{Tags: []string{"y", "z"}},
			check: func(t *testing.T, got Operation) {
				if !reflect.DeepEqual(got.Tags, []string{"y", "z"}) {
					t.Errorf("tags %v", got.Tags)
				}
			},
		},
		{
			name: "nil tags keep",
			base: Operation{Tags: []string{"x"}},
			next: Operation{Summary: "s"},
			check: func(t *testing.T, got Operation) {
				if !reflect.DeepEqual(got.Tags, []string{"x"}) {
					t.Errorf("tags %v", got.Tags)
				}
			},
		},
		{
			name: "flags accumulate",
			base: Operation{Deprecated: true},
			next: Operation{Hidden: true, Public: true},
			check: func(t *testing.T, got Operation) {
				if !got.Deprecated || !got.Hidden || !got.Public {
					t.Errorf("flags %+v", got)
				}
			},
		},
		{
			name: "a later false does not clear a flag",
			base: Operation{Deprecated: true, Hidden: true, Public: true},
			next: Operation{},
			check: func(t *testing.T, got Operation) {
				if !got.Deprecated || !got.Hidden || !got.Public {
					t.Errorf("flags %+v", got)
				}
			},
		},
		{
			name: "types replace when set",
			base: Operation{Input: 1, PathParams: 2, Query: 3, Body: 4},
			next: Operation{Input: "in", Body: "body"},
			check: func(t *testing.T, got Operation) {
				if got.Input != "in" || got.PathParams != 2 || got.Query != 3 || got.Body != "body" {
					t.Errorf("types %+v", got)
				}
			},
		},
		{
			name: "security requirements append",
			base: Operation{Security: []SecurityReq{bearer}},
			next: Operation{Security: []SecurityReq{apiKey}},
			check: func(t *testing.T, got Operation) {
				if !reflect.DeepEqual(got.Security, []SecurityReq{bearer, apiKey}) {
					t.Errorf("security %v", got.Security)
				}
			},
		},
		{
			name: "responses, schemes and extensions merge by key, next wins",
			base: Operation{
				Responses:       map[int]Response{200: {Description: "ok"}, 404: {Description: "missing"}},
				SecuritySchemes: map[string]SecurityScheme{"bearerAuth": {Type: "http", Scheme: "bearer"}},
				Extensions:      map[string]any{"x-a": 1, "x-b": 2},
			},
			next: Operation{
				Responses:       map[int]Response{200: {Description: "better"}, 401: {Description: "who"}},
				SecuritySchemes: map[string]SecurityScheme{"apiKey": {Type: "apiKey", In: "header", Name: "X-API-Key"}},
				Extensions:      map[string]any{"x-b": 3},
			},
			check: func(t *testing.T, got Operation) {
				if len(got.Responses) != 3 || got.Responses[200].Description != "better" || got.Responses[404].Description != "missing" ||
					got.Responses[401].Description != "who" {
					t.Errorf("responses %v", got.Responses)
				}
				if len(got.SecuritySchemes) != 2 || got.SecuritySchemes["apiKey"].Name != "X-API-Key" {
					t.Errorf("schemes %v", got.SecuritySchemes)
				}
				if !reflect.DeepEqual(got.Extensions, map[string]any{"x-a": 1, "x-b": 3}) {
					t.Errorf("extensions %v", got.Extensions)
				}
			},
		},
		{
			name: "merging into the zero operation",
			base: Operation{},
			next: Operation{Summary: "s", Responses: map[int]Response{204: {}}, Extensions: map[string]any{"x-a": true}},
			check: func(t *testing.T, got Operation) {
				if got.Summary != "s" || len(got.Responses) != 1 || got.Extensions["x-a"] != true {
					t.Errorf("%+v", got)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, tt.base.Merge(tt.next))
		})
	}
}

func TestOperationMergeLeavesItsOperandsAlone(t *testing.T) {
	a := Operation{
		Tags:            []string{"x"},
		Security:        make([]SecurityReq, 1, 4), // room to append in place
		Responses:       map[int]Response{200: {Description: "ok"}},
		SecuritySchemes: map[string]SecurityScheme{"a": {Type: "http"}},
		Extensions:      map[string]any{"x-a": 1},
	}
	a.Security[0] = SecurityReq{"a": {}}
	b := Operation{
		Tags:            []string{"y"},
		Security:        []SecurityReq{{"b": {}}},
		Responses:       map[int]Response{200: {Description: "better"}, 404: {}},
		SecuritySchemes: map[string]SecurityScheme{"b": {Type: "apiKey"}},
		Extensions:      map[string]any{"x-b": 2},
	}
	got := a.Merge(b)
	got.Tags[0] = "changed"
	got.Security = append(got.Security, SecurityReq{"c": {}})

	if len(a.Security) != 1 || len(a.Security[:cap(a.Security)][1]) != 0 {
		t.Errorf("the receiver's security changed: %v", a.Security[:cap(a.Security)])
	}
	if len(a.Responses) != 1 || a.Responses[200].Description != "ok" || len(a.SecuritySchemes) != 1 || len(a.Extensions) != 1 {
		t.Errorf("the receiver's maps changed: %+v", a)
	}
	if b.Tags[0] != "y" || len(b.Security) != 1 || len(b.Responses) != 2 || len(b.SecuritySchemes) != 1 || len(b.Extensions) != 1 {
		t.Errorf("the argument changed: %+v", b)
	}
}
