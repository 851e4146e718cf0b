package docsmod

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
)

// docsAssetFiles are the UI assets, embedded in the binary: the vendored
// swagger-ui-dist and redoc bundles with their licence files (see
// docsassets/README.md) and the kit's own Swagger UI start-up script.
//
//go:embed docsassets/swagger-ui docsassets/redoc docsassets/swagger-init.js
var docsAssetFiles embed.FS

// docsAssetsCacheControl lets browsers and proxies keep an asset for a day;
// the pages reference assets with a ?v=<content hash> query, so a kit
// upgrade is fetched at once.
const docsAssetsCacheControl = "public, max-age=86400"

// docsAsset is one embedded file with what serving it needs.
type docsAsset struct {
	body        []byte
	contentType string
	etag        string // strong, quoted
	version     string // short content hash for ?v=

	gzipOnce sync.Once
	gzipped  []byte // nil when compression does not pay
}

// loadDocsAssets indexes the embedded files by their path under docsassets/
// (e.g. "swagger-ui/swagger-ui-bundle.js").
var loadDocsAssets = sync.OnceValue(func() map[string]*docsAsset {
	out := map[string]*docsAsset{}
	err := fs.WalkDir(docsAssetFiles, "docsassets", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		body, err := docsAssetFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])
		out[strings.TrimPrefix(p, "docsassets/")] = &docsAsset{
			body:        body,
			contentType: assetContentType(p),
			etag:        `"` + h[:32] + `"`,
			version:     h[:12],
		}
		return nil
	})
	if err != nil {
		panic("docsmod: reading the embedded docs assets: " + err.Error()) // cannot happen with go:embed
	}
	return out
})

func assetContentType(p string) string {
	switch path.Ext(p) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".png":
		return "image/png"
	}
	return "text/plain; charset=utf-8" // LICENSE, NOTICE, *.LICENSE.txt
}

// gzipBody returns the gzip-compressed body, compressed on first use.
func (a *docsAsset) gzipBody() []byte {
	a.gzipOnce.Do(func() {
		if a.contentType == "image/png" || len(a.body) < 1024 {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.body)
		_ = zw.Close()
		if buf.Len() < len(a.body) {
			a.gzipped = buf.Bytes()
		}
	})
	return a.gzipped
}

// serveDocsAsset answers GET {API_PREFIX}/docs/assets/*file for the files
// that allowed admits: correct content type, ETag (If-None-Match answers
// 304), Cache-Control, nosniff, and gzip when the client accepts it.
func serveDocsAsset(allowed func(name string) bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		name := strings.TrimPrefix(c.Param("file"), "/")
		a, ok := loadDocsAssets()[name]
		if !ok || !allowed(name) {
			httpmod.AbortWithDetail(c, http.StatusNotFound, "Not Found")
			return
		}
		h := c.Writer.Header()
		h.Set("Cache-Control", docsAssetsCacheControl)
		h.Set("ETag", a.etag)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Vary", "Accept-Encoding")
		if etagMatches(c.GetHeader("If-None-Match"), a.etag) {
			c.Status(http.StatusNotModified)
			return
		}
		body := a.body
		if acceptsGzip(c.GetHeader("Accept-Encoding")) {
			if gz := a.gzipBody(); gz != nil {
				h.Set("Content-Encoding", "gzip")
				body = gz
			}
		}
		c.Data(http.StatusOK, a.contentType, body)
	}
}

func etagMatches(ifNoneMatch, etag string) bool {
	for t := range strings.SplitSeq(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

func acceptsGzip(acceptEncoding string) bool {
	for part := range strings.SplitSeq(acceptEncoding, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
