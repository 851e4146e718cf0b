package devissuer

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
)

type jtiAnswer struct {
	SchemaVersion  string `json:"schema_version"`
	Active         bool   `json:"active"`
	UserID         string `json:"user_id"`
	AuthGeneration int64  `json:"auth_generation"`
}

func (ti *testIssuer) jtiStatus(t *testing.T, m Minted) (int, jtiAnswer) {
	t.Helper()
	code, _, data := ti.do(t, http.MethodPost, PathJTIStatus,
		map[string]any{"jti": m.JTI, "expected_user_id": m.Sub, "schema_version": "2"}, ti.bootstrap()...)
	var a jtiAnswer
	if code == http.StatusOK {
		if err := json.Unmarshal(data, &a); err != nil || a.SchemaVersion != "2" {
			t.Fatalf("answer %s", data)
		}
	}
	return code, a
}

func TestJTIStatus(t *testing.T) {
	ti := startIssuer(t, "", nil)
	mint := func(sub string) Minted {
		m, err := ti.Mint(TokenSpec{Sub: sub})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	alice := uuid.NewString()
	a1, a2 := mint(alice), mint(alice)
	if _, a := ti.jtiStatus(t, a1); !a.Active || a.UserID != alice || a.AuthGeneration != 1 {
		t.Fatalf("fresh token: %+v", a)
	}
	if _, err := ti.RevokeJTI(a1.JTI); err != nil {
		t.Fatal(err)
	}
	if _, a := ti.jtiStatus(t, a1); a.Active {
		t.Error("revoked jti still active")
	}
	if _, a := ti.jtiStatus(t, a2); !a.Active {
		t.Error("revoking one jti revoked another")
	}
	if _, err := ti.RevokeUser(alice); err != nil {
		t.Fatal(err)
	}
	if _, a := ti.jtiStatus(t, a2); a.Active {
		t.Error("a token minted before the user revocation is still active")
	}
	if _, a := ti.jtiStatus(t, mint(alice)); !a.Active || a.AuthGeneration != 2 {
		t.Errorf("a token minted after the user revocation: %+v, want active at generation 2", a)
	}
	b := mint("")
	if _, err := ti.DeleteUser(b.Sub); err != nil {
		t.Fatal(err)
	}
	if _, a := ti.jtiStatus(t, b); a.Active {
		t.Error("token of a deleted user still active")
	}
	if _, a := ti.jtiStatus(t, Minted{JTI: uuid.NewString(), Sub: alice}); a.Active {
		t.Error("a jti never minted here is active")
	}
	if _, a := ti.jtiStatus(t, Minted{JTI: mint(alice).JTI, Sub: uuid.NewString()}); a.Active {
		t.Error("a jti checked for another user is active")
	}
	if _, err := ti.RevokeJTI(uuid.NewString()); err == nil {
		t.Error("revoking an unknown jti succeeded")
	}
	if code, _, _ := ti.do(t, http.MethodPost, PathJTIStatus, map[string]any{"jti": "x"}, ti.bootstrap()...); code != http.StatusUnprocessableEntity {
		t.Errorf("no expected_user_id: %d, want 422", code)
	}
}

func TestJTIStatusFaults(t *testing.T) {
	ti := startIssuer(t, "", nil)
	m, err := ti.Mint(TokenSpec{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ti.InjectFault(Fault{Kind: FaultJTIStatusError}); err != nil {
		t.Fatal(err)
	}
	if code, _ := ti.jtiStatus(t, m); code != http.StatusInternalServerError {
		t.Errorf("error fault: %d", code)
	}
	ti.ClearFaults()
	if _, err := ti.InjectFault(Fault{Kind: FaultJTIStatusDown}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, ti.URL(PathJTIStatus), nil)
	bs := ti.bootstrap()
	req.Header.Set(bs[0], bs[1])
	req.Header.Set(bs[2], bs[3])
	if resp, err := ti.http.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("down fault answered %d, want a dropped connection", resp.StatusCode)
	}
	ti.ClearFaults()
	if _, err := ti.InjectFault(Fault{Kind: FaultJTIStatusSlow, Delay: 300 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code, a := ti.jtiStatus(t, m); code != http.StatusOK || !a.Active || time.Since(start) < 300*time.Millisecond {
		t.Errorf("slow fault: %d %+v after %v", code, a, time.Since(start))
	}
	if _, err := ti.InjectFault(Fault{Kind: FaultJTIStatusError, For: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(80 * time.Millisecond)
	ti.ClearFaults()
	if code, _ := ti.jtiStatus(t, m); code != http.StatusOK {
		t.Errorf("after the faults ended: %d", code)
	}
	for _, bad := range []Fault{{Kind: "meteor"}, {Kind: FaultJTIStatusDown, For: 2 * time.Hour}, {Kind: FaultJTIStatusSlow, Delay: -1}} {
		if _, err := ti.InjectFault(bad); err == nil {
			t.Errorf("fault %+v accepted", bad)
		}
	}
}
