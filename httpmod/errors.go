package httpmod

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// ErrorBody is the JSON shape of every error the kit answers: {"detail": "..."}.
type ErrorBody struct {
	Detail string `json:"detail"`
}

// AbortWithDetail aborts the request with status and the JSON body
// {"detail": detail}.
func AbortWithDetail(c *gin.Context, status int, detail string) {
	c.AbortWithStatusJSON(status, ErrorBody{Detail: detail})
}

func notFound(c *gin.Context) { AbortWithDetail(c, http.StatusNotFound, "Not Found") }

func methodNotAllowed(c *gin.Context) {
	AbortWithDetail(c, http.StatusMethodNotAllowed, "Method Not Allowed")
}
