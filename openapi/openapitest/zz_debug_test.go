package openapitest

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
)

func TestZZDump(t *testing.T) {
	for _, doc := range []string{widgetsDoc, thingsDoc} {
		rv, _ := NewResponseValidator([]byte(doc))
		dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
		dec.UseNumber()
		var root any
		_ = dec.Decode(&root)
		d := schemas{root: root}
		for _, op := range operations(d) {
			c := &conformance{t: t, rv: rv, d: d, op: op}
			base := c.baseline()
			for _, p := range append([]probe{base}, c.variants(base)...) {
				ok, why := c.documentAccepts(p)
				r := c.request(p)
				b, _ := io.ReadAll(r.Body)
				t.Logf("%d %-5v %s %s | %s %s %s", p.prio, ok, op.method, p.label, r.URL.RequestURI(), b, why[:min(len(why), 120)])
			}
		}
	}
}
