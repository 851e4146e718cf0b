package authevent

import (
	"math"
	"testing"
)

func TestCanonicalJSON(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"sorted keys, no spaces", `{ "b" : 1 , "a" : [ 1 , 2 ] }`, `{"a":[1,2],"b":1}`},
		{"duplicate keys keep the last", `{"a":1,"a":2}`, `{"a":2}`},
		{"html not escaped", `"<>&/"`, `"<>&/"`},
		{"non-ascii escaped", `"é"`, `"\u00e9"`},
		{"astral surrogate pair", `"😀"`, `"\ud83d\ude00"`},
		{"escaped input decoded then re-escaped", `"\u00E9\/"`, `"\u00e9/"`},
		{"DEL escaped", "\"\x7f\"", `"\u007f"`},
		{"control chars", `"\u0000\u001f"`, `"\u0000\u001f"`},
		{"negative zero integer", `-0`, `0`},
		{"big integer", `123456789012345678901234567890`, `123456789012345678901234567890`},
		{"float keeps .0", `100.0`, `100.0`},
		{"exponent float integer value", `1E2`, `100.0`},
		{"float trailing zeros", `1.50`, `1.5`},
		{"small float", `0.00001`, `1e-05`},
		{"large float", `1e16`, `1e+16`},
		{"bool and null", `[true,false,null]`, `[true,false,null]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CanonicalJSON([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCanonicalJSONErrors(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":1} {"b":2}`, `1e400`, "\"\xff\"", `{"a":}`} {
		if _, err := CanonicalJSON([]byte(in)); err == nil {
			t.Errorf("CanonicalJSON(%q) accepted", in)
		}
	}
}

func TestPythonFloatRepr(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {1, "1.0"}, {-2.75, "-2.75"}, {0.1, "0.1"},
		{1e-4, "0.0001"}, {1e-5, "1e-05"}, {1.5e-7, "1.5e-07"}, {1e15, "1000000000000000.0"},
		{1e16, "1e+16"}, {1.2345e100, "1.2345e+100"}, {123456789.125, "123456789.125"},
		{5e-324, "5e-324"}, {math.MaxFloat64, "1.7976931348623157e+308"},
	}
	for _, tt := range tests {
		if got := pythonFloatRepr(tt.f); got != tt.want {
			t.Errorf("pythonFloatRepr(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}
