package httpmod

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// headAsGet runs a GET route's chain for a HEAD request (RFC 9110 §9.3.2):
// same status and headers, Content-Length of the body GET would send, no
// body.
//
// When the chain panics before it answered, nothing is sent: the recovery
// middleware then answers 500 on the real writer, as it does for GET.
func headAsGet(c *gin.Context) {
	orig := c.Writer
	hw := &headWriter{ResponseWriter: orig, status: http.StatusOK}
	c.Writer = hw
	done := false
	defer func() {
		c.Writer = orig
		if done || hw.answered {
			hw.commit()
		}
	}()
	c.Next()
	done = true
}

// headWriter counts the body instead of sending it, and holds the header
// back until the handler is done, so that Content-Length can be set.
type headWriter struct {
	gin.ResponseWriter
	status    int
	size      int
	answered  bool // the chain wrote a header or a body (GET would have sent it)
	committed bool
}

func (w *headWriter) WriteHeader(code int) {
	if code > 0 && !w.committed {
		w.status = code
	}
}

func (w *headWriter) WriteHeaderNow() { w.answered = true }

func (w *headWriter) Write(b []byte) (int, error) {
	w.size += len(b)
	w.answered = true
	return len(b), nil
}

func (w *headWriter) WriteString(s string) (int, error) {
	w.size += len(s)
	w.answered = true
	return len(s), nil
}

func (w *headWriter) Status() int { return w.status }

func (w *headWriter) Size() int { return w.size }

func (w *headWriter) Written() bool { return w.committed || w.answered }

// Flush sends the header at once (a streaming GET has no known length).
func (w *headWriter) Flush() {
	w.send(false)
	w.ResponseWriter.Flush()
}

func (w *headWriter) commit() { w.send(true) }

func (w *headWriter) send(withLength bool) {
	if w.committed {
		return
	}
	w.committed = true
	h := w.ResponseWriter.Header()
	if withLength && w.size > 0 && h.Get("Content-Length") == "" && w.status != http.StatusNoContent && w.status != http.StatusNotModified {
		h.Set("Content-Length", strconv.Itoa(w.size))
	}
	w.ResponseWriter.WriteHeader(w.status)
	w.ResponseWriter.WriteHeaderNow()
}
