package authevent_test

import (
	"errors"
	"fmt"

	"github.com/m8fx/kit/authevent"
)

// Keys are sorted, spacing removed and non-ASCII characters escaped, as
// Python's json.dumps(sort_keys=True, separators=(",", ":")) writes them.
func ExampleCanonicalJSON() {
	canon, err := authevent.CanonicalJSON([]byte(`{ "user_id": "42", "event": "user.created", "name": "Zoë", "score": 1.50 }`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(canon))
	// Output:
	// {"event":"user.created","name":"Zo\u00eb","score":1.5,"user_id":"42"}
}

// A receiver verifies the signature of an event as it was transmitted: the
// spacing and key order of the payload do not matter, its content does.
func ExampleSigner_VerifyJSON() {
	signer, err := authevent.NewSigner([]byte("example-only-event-key-0123456789abcdef"))
	if err != nil {
		fmt.Println(err)
		return
	}
	sig, err := signer.Sign(map[string]any{"event": "user.deactivated", "user_id": "42"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(signer.VerifyJSON([]byte(`{"user_id": "42", "event": "user.deactivated"}`), sig))
	err = signer.VerifyJSON([]byte(`{"user_id": "43", "event": "user.deactivated"}`), sig)
	fmt.Println(errors.Is(err, authevent.ErrBadSignature))
	// Output:
	// <nil>
	// true
}
