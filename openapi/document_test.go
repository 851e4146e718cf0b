package openapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestOperationObjectMarshalJSON(t *testing.T) {
	ok := map[string]ResponseObject{"200": {Description: "OK"}}
	tests := []struct {
		name    string
		op      OperationObject
		want    string
		wantErr string
	}{
		{
			name: "plain",
			op:   OperationObject{Summary: "s", Responses: ok},
			want: `{"summary":"s","responses":{"200":{"description":"OK"}}}`,
		},
		{
			name: "public writes an explicit empty security",
			op:   OperationObject{Responses: ok, Public: true},
			want: `{"responses":{"200":{"description":"OK"}},"security":[]}`,
		},
		{
			name: "public with requirements writes the requirements",
			op:   OperationObject{Responses: ok, Public: true, Security: []SecurityReq{{"bearerAuth": {}}}},
			want: `{"responses":{"200":{"description":"OK"}},"security":[{"bearerAuth":[]}]}`,
		},
		{
			name: "requirements with scopes",
			op:   OperationObject{Responses: ok, Security: []SecurityReq{{"oauth": {"read", "write"}}, {"apiKey": {}}}},
			want: `{"responses":{"200":{"description":"OK"}},"security":[{"oauth":["read","write"]},{"apiKey":[]}]}`,
		},
		{
			name: "extensions in key order",
			op: OperationObject{Responses: ok, Extensions: map[string]any{
				"x-m8fx-required-role": "writer", "x-a": []string{"b", "c"}, "x-owner": true,
			}},
			want: `{"responses":{"200":{"description":"OK"}},"x-a":["b","c"],"x-m8fx-required-role":"writer","x-owner":true}`,
		},
		{
			name: "public and extensions",
			op:   OperationObject{Responses: ok, Public: true, Extensions: map[string]any{"x-n": 1}},
			want: `{"responses":{"200":{"description":"OK"}},"security":[],"x-n":1}`,
		},
		{
			name: "an empty extension map writes nothing",
			op:   OperationObject{Responses: ok, Extensions: map[string]any{}},
			want: `{"responses":{"200":{"description":"OK"}}}`,
		},
		{
			name:    "an extension without the x- prefix",
			op:      OperationObject{Responses: ok, Extensions: map[string]any{"role": "admin"}},
			wantErr: `extension "role" does not start with "x-"`,
		},
		{
			name:    "an extension that cannot be marshalled",
			op:      OperationObject{Responses: ok, Extensions: map[string]any{"x-fn": func() {}}},
			wantErr: "extension x-fn",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.op)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
			// A pointer marshals the same (PathItem holds pointers).
			if viaPtr, err := json.Marshal(&tt.op); err != nil || string(viaPtr) != tt.want {
				t.Errorf("through a pointer: %s %v", viaPtr, err)
			}
		})
	}
}

func TestOperationObjectInADocumentValidates(t *testing.T) {
	doc := &Document{OpenAPI: Version, Info: Info{Title: "T", Version: "1"}, Paths: map[string]PathItem{
		"/a": {Get: &OperationObject{
			OperationID: "a", Public: true, Extensions: map[string]any{"x-m8fx-required-role": "reader"},
			Responses: map[string]ResponseObject{"200": {
				Description: "OK",
				Headers:     map[string]HeaderObject{"X-Total": {Required: true, Schema: &Schema{Type: Types{"integer"}}}},
			}},
		}},
	}}
	m := validDocument(t, doc)
	op := at(t, m, "paths", "/a", "get").(map[string]any)
	if sec, ok := op["security"].([]any); !ok || len(sec) != 0 {
		t.Errorf("security %v", op["security"])
	}
	if op["x-m8fx-required-role"] != "reader" {
		t.Errorf("extension %v", op)
	}
}

func TestPathItemOperation(t *testing.T) {
	var p PathItem
	for _, m := range methodOrder {
		*p.slot(m) = &OperationObject{Summary: m}
	}
	for _, m := range methodOrder {
		if p.Operation(m).Summary != m {
			t.Errorf("%s", m)
		}
	}
	for _, m := range []string{"CONNECT", "PROPFIND", "get"} {
		if p.Operation(m) != nil || p.slot(m) != nil {
			t.Errorf("%s has a slot", m)
		}
	}
}

func TestTypesJSON(t *testing.T) {
	for _, tc := range []struct {
		in   Types
		json string
	}{
		{Types{"string"}, `"string"`},
		{Types{"string", "null"}, `["string","null"]`},
	} {
		if got := toJSON(t, tc.in); got != tc.json {
			t.Errorf("marshal %v = %s", tc.in, got)
		}
		var back Types
		if err := json.Unmarshal([]byte(tc.json), &back); err != nil || !reflect.DeepEqual(back, tc.in) {
			t.Errorf("unmarshal %s = %v (%v)", tc.json, back, err)
		}
	}
	var bad Types
	if err := json.Unmarshal([]byte(`3`), &bad); err == nil {
		t.Error("a number unmarshalled as Types")
	}
}

func TestRefTo(t *testing.T) {
	for name, want := range map[string]string{
		"Item":                    "#/components/schemas/Item",
		ErrorSchemaName:           "#/components/schemas/HTTPError",
		ValidationErrorSchemaName: "#/components/schemas/HTTPValidationError",
	} {
		if got := RefTo(name).Ref; got != want {
			t.Errorf("RefTo(%q) = %q", name, got)
		}
	}
	if ErrorBody().Ref != RefTo(ErrorSchemaName).Ref || ValidationErrorBody().Ref != RefTo(ValidationErrorSchemaName).Ref {
		t.Error("ErrorBody / ValidationErrorBody")
	}
}

func TestOperationObjectUnmarshalJSON(t *testing.T) {
	for _, tc := range []struct {
		name       string
		in         string
		public     bool
		security   []SecurityReq
		extensions map[string]any
		wantErr    bool
	}{
		{"plain", `{"responses":{}}`, false, nil, nil, false},
		{"explicit empty security is public", `{"responses":{},"security":[]}`, true, []SecurityReq{}, nil, false},
		{"requirements", `{"responses":{},"security":[{"bearerAuth":[]}]}`, false, []SecurityReq{{"bearerAuth": {}}}, nil, false},
		{"extensions", `{"responses":{},"x-m8fx-required-role":"admin","x-n":2,"x-list":["a"]}`, false, nil,
			map[string]any{"x-m8fx-required-role": "admin", "x-n": 2.0, "x-list": []any{"a"}}, false},
		{"not an object", `[]`, false, nil, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o OperationObject
			err := json.Unmarshal([]byte(tc.in), &o)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("no error for %s", tc.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Public != tc.public || len(o.Security) != len(tc.security) ||
				(len(tc.security) > 0 && !reflect.DeepEqual(o.Security, tc.security)) {
				t.Errorf("public %v security %v", o.Public, o.Security)
			}
			if len(o.Extensions) != len(tc.extensions) || (len(tc.extensions) > 0 && !reflect.DeepEqual(o.Extensions, tc.extensions)) {
				t.Errorf("extensions %v", o.Extensions)
			}
		})
	}
}

func TestOperationObjectRoundTrip(t *testing.T) {
	for _, op := range []OperationObject{
		{OperationID: "a", Responses: map[string]ResponseObject{"200": {Description: "OK"}}},
		{OperationID: "b", Public: true, Responses: map[string]ResponseObject{}},
		{OperationID: "c", Security: []SecurityReq{{"bearerAuth": {}}}, Extensions: map[string]any{"x-m8fx-owner": true},
			Responses: map[string]ResponseObject{"401": {Description: "Unauthorized"}}},
	} {
		raw, err := json.Marshal(op)
		if err != nil {
			t.Fatal(err)
		}
		var back OperationObject
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(raw) || back.Public != op.Public {
			t.Errorf("%s: round trip\n got %s\nwant %s", op.OperationID, again, raw)
		}
	}
	// Through a document: PathItem holds *OperationObject.
	var doc Document
	if err := json.Unmarshal([]byte(`{"openapi":"3.1.0","info":{"title":"T","version":"1"},"paths":{"/a":{"get":{"responses":{},"security":[],"x-k":"v"}}}}`), &doc); err != nil {
		t.Fatal(err)
	}
	if op := doc.Paths["/a"].Get; op == nil || !op.Public || op.Extensions["x-k"] != "v" {
		t.Errorf("document operation %+v", op)
	}
}
