package healthmod

import (
	"context"
	"errors"
	"testing"
)

type ctxKey struct{}

func TestNewCheck(t *testing.T) {
	tests := []struct {
		name       string
		fn         func(ctx context.Context) error
		wantStatus Status
		wantErr    string
	}{
		{"nil error", func(context.Context) error { return nil }, StatusOK, ""},
		{"error", func(context.Context) error { return errors.New("connection refused") }, StatusFail, "connection refused"},
		{"error with DSN is scrubbed",
			func(context.Context) error { return errors.New("dial postgres://app:p%40ss@db:5432/x failed") },
			StatusFail, "dial postgres://***:***@db:5432/x failed"},
		{"nil function", nil, StatusFail, errNoFunc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCheck("db", tt.fn)
			if c.Name() != "db" {
				t.Errorf("Name() = %q", c.Name())
			}
			got := c.Check(context.Background())
			if got.Name != "db" || got.Status != tt.wantStatus || got.Error != tt.wantErr {
				t.Errorf("Check() = %+v, want name db, status %q, error %q", got, tt.wantStatus, tt.wantErr)
			}
		})
	}
}

func TestNewCheckPassesContext(t *testing.T) {
	ctx := context.WithValue(context.Background(), ctxKey{}, "v")
	var seen any
	NewCheck("x", func(ctx context.Context) error { seen = ctx.Value(ctxKey{}); return nil }).Check(ctx)
	if seen != "v" {
		t.Errorf("check saw ctx value %v, want v", seen)
	}
	NewCheckFunc("x", func(ctx context.Context) Result { seen = ctx.Value(ctxKey{}); return Result{} }).Check(context.Background())
	if seen != nil {
		t.Errorf("check saw ctx value %v, want nil", seen)
	}
}

func TestNewCheckFunc(t *testing.T) {
	tests := []struct {
		name string
		fn   func(ctx context.Context) Result
		want Result
	}{
		{"degraded with meta",
			func(context.Context) Result {
				return Result{Status: StatusDegraded, Meta: map[string]any{"lag": 3}}
			},
			Result{Name: "redis", Status: StatusDegraded, Meta: map[string]any{"lag": 3}}},
		{"name is the check's name",
			func(context.Context) Result { return Result{Name: "other", Status: StatusUnknown} },
			Result{Name: "redis", Status: StatusUnknown}},
		{"nil function", nil, Result{Name: "redis", Status: StatusFail, Error: errNoFunc}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCheckFunc("redis", tt.fn)
			if c.Name() != "redis" {
				t.Errorf("Name() = %q", c.Name())
			}
			got := c.Check(context.Background())
			if got.Name != tt.want.Name || got.Status != tt.want.Status || got.Error != tt.want.Error || len(got.Meta) != len(tt.want.Meta) {
				t.Errorf("Check() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
