package docsmod

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

func TestAcceptsGzip(t *testing.T) {
	for in, want := range map[string]bool{
		"":                         false,
		"gzip":                     true,
		"GZIP":                     true,
		"br, gzip;q=0.5":           true,
		"deflate, br":              false,
		"gzip;q=0":                 false,
		"gzip; q=0.000":            false,
		"identity, gzip ; q=1.0":   true,
		"x-gzip":                   false,
		"gzip;q=0.001, deflate":    true,
		"deflate;q=0.5, gzip;q=0 ": false,
	} {
		if got := acceptsGzip(in); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestETagMatches(t *testing.T) {
	const etag = `"abc"`
	for in, want := range map[string]bool{
		`"abc"`:          true,
		`W/"abc"`:        true,
		`"x", "abc"`:     true,
		`*`:              true,
		`"abcd"`:         false,
		``:               false,
		`abc`:            false,
		`"x",W/"y" ,"z"`: false,
	} {
		if got := etagMatches(in, etag); got != want {
			t.Errorf("etagMatches(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestAssetContentType(t *testing.T) {
	for in, want := range map[string]string{
		"docsassets/a.js":           "text/javascript; charset=utf-8",
		"docsassets/a.css":          "text/css; charset=utf-8",
		"docsassets/logo.png":       "image/png",
		"docsassets/LICENSE":        "text/plain; charset=utf-8",
		"docsassets/a.LICENSE.txt":  "text/plain; charset=utf-8",
		"docsassets/redoc/NOTICE":   "text/plain; charset=utf-8",
		"docsassets/unknown.woff2x": "text/plain; charset=utf-8",
	} {
		if got := assetContentType(in); got != want {
			t.Errorf("assetContentType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDocsAssetsAreIndexed(t *testing.T) {
	assets := loadDocsAssets()
	for _, name := range []string{
		"swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "swagger-init.js", "redoc/redoc.standalone.js",
		"swagger-ui/LICENSE", "swagger-ui/NOTICE", "redoc/LICENSE",
	} {
		a, ok := assets[name]
		if !ok || len(a.body) == 0 || len(a.version) != 12 || len(a.etag) != 34 || !strings.HasPrefix(a.etag, `"`+a.version) {
			t.Errorf("asset %s: %v", name, ok)
		}
	}
	if _, ok := assets["README.md"]; ok {
		t.Error("the vendoring notes are embedded")
	}
}

func TestDocsAssetGzipBody(t *testing.T) {
	big := bytes.Repeat([]byte("swagger "), 1024)
	for _, tc := range []struct {
		name  string
		asset *docsAsset
		want  bool
	}{
		{"tiny: not worth it", &docsAsset{body: []byte("tiny"), contentType: "text/plain; charset=utf-8"}, false},
		{"compressible", &docsAsset{body: big, contentType: "text/javascript; charset=utf-8"}, true},
		{"an image is never compressed", &docsAsset{body: big, contentType: "image/png"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gz := tc.asset.gzipBody()
			if (gz != nil) != tc.want {
				t.Fatalf("gzipped %v, want %v", gz != nil, tc.want)
			}
			if gz == nil {
				return
			}
			if len(gz) >= len(tc.asset.body) {
				t.Errorf("%d bytes compressed to %d", len(tc.asset.body), len(gz))
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(plain, tc.asset.body) {
				t.Errorf("the body does not decompress to the asset (%v)", err)
			}
			if again := tc.asset.gzipBody(); &again[0] != &gz[0] {
				t.Error("compressed twice")
			}
		})
	}
}
