package devissuer_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/m8fx/kit/devissuer"
)

// A dev issuer behind an httptest server: mint a token, check it through
// jti-status with the client credentials of its consumer env, revoke it.
func Example() {
	dir, _ := os.MkdirTemp("", "devissuer")
	defer os.RemoveAll(dir)
	hs := httptest.NewUnstartedServer(nil)
	srv, err := devissuer.Open(devissuer.Config{Dir: dir, BaseURL: "http://" + hs.Listener.Addr().String(), Algorithm: "ES256"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	hs.Config.Handler = srv.Handler()
	hs.Start()
	defer hs.Close()

	env := map[string]string{}
	for _, v := range srv.ConsumerEnv() {
		env[v.Name] = v.Value
	}
	m, _ := srv.Mint(devissuer.TokenSpec{Role: "editor"})
	status := func() string {
		req, _ := http.NewRequest(http.MethodPost, env["INTROSPECTION_URL"],
			strings.NewReader(`{"jti":"`+m.JTI+`","expected_user_id":"`+m.Sub+`","schema_version":"2"}`))
		req.Header.Set("X-Internal-Client", env["INTERNAL_CLIENT_ID"])
		req.Header.Set("X-Internal-Token", env["PRIVATE_API_SECRET"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return fmt.Sprint(resp.StatusCode, " ", strings.Replace(string(body), m.Sub, "<sub>", 1))
	}
	fmt.Println(env["TOKEN_MODE"], env["ACCESS_TOKEN_ALGORITHM"])
	fmt.Println(status())
	_, _ = srv.RevokeJTI(m.JTI)
	fmt.Println(status())
	// Output:
	// stateful ES256
	// 200 {"active":true,"auth_generation":1,"schema_version":"2","user_id":"<sub>"}
	// 200 {"active":false,"schema_version":"2"}
}
