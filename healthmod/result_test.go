package healthmod

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestResultOK(t *testing.T) {
	tests := []struct {
		status Status
		want   bool
	}{
		{StatusOK, true},
		{StatusDegraded, false},
		{StatusFail, false},
		{StatusUnknown, false},
		{"", false},
	}
	for _, tt := range tests {
		if got := (Result{Status: tt.status}).OK(); got != tt.want {
			t.Errorf("Result{Status: %q}.OK() = %v, want %v", tt.status, got, tt.want)
		}
	}
}

func TestResultFromBool(t *testing.T) {
	tests := []struct {
		ok   bool
		want Result
	}{
		{true, Result{Name: "db", Status: StatusOK}},
		{false, Result{Name: "db", Status: StatusFail}},
	}
	for _, tt := range tests {
		if got := ResultFromBool("db", tt.ok); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ResultFromBool(db, %v) = %+v, want %+v", tt.ok, got, tt.want)
		}
	}
}

func TestResultMarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   Result
		want string
	}{
		{
			"ok, null error, no meta",
			Result{Name: "database", Status: StatusOK, LatencyMS: 3.2},
			`{"name":"database","status":"ok","latency_ms":3.2,"error":null,"ok":true}`,
		},
		{
			"fail with error",
			Result{Name: "redis", Status: StatusFail, LatencyMS: 1, Error: "boom"},
			`{"name":"redis","status":"fail","latency_ms":1,"error":"boom","ok":false}`,
		},
		{
			"empty meta omitted",
			Result{Name: "x", Status: StatusDegraded, Meta: map[string]any{}},
			`{"name":"x","status":"degraded","latency_ms":0,"error":null,"ok":false}`,
		},
		{
			"meta shown",
			Result{Name: "x", Status: StatusUnknown, Meta: map[string]any{"pool": 3}},
			`{"name":"x","status":"unknown","latency_ms":0,"error":null,"ok":false,"meta":{"pool":3}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestResultUnmarshalJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Result
		wantErr bool
	}{
		{"null error", `{"name":"a","status":"ok","latency_ms":2.5,"error":null,"ok":true}`,
			Result{Name: "a", Status: StatusOK, LatencyMS: 2.5}, false},
		{"error and meta", `{"name":"b","status":"fail","error":"x","ok":false,"meta":{"k":"v"}}`,
			Result{Name: "b", Status: StatusFail, Error: "x", Meta: map[string]any{"k": "v"}}, false},
		{"ok field ignored", `{"name":"c","status":"fail","ok":true}`,
			Result{Name: "c", Status: StatusFail}, false},
		{"not an object", `[1]`, Result{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Result
			err := json.Unmarshal([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
