package jsonbody

import "testing"

func TestKindString(t *testing.T) {
	tests := []struct {
		k    Kind
		want string
	}{
		{Any, "any"},
		{Bool, "bool"},
		{Int, "int"},
		{Uint, "uint"},
		{Float, "float"},
		{String, "string"},
		{Object, "object"},
		{Array, "array"},
		{Map, "map"},
		{Kind(42), "Kind(42)"},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("Kind(%d).String() = %q, want %q", tt.k, got, tt.want)
		}
	}
}
