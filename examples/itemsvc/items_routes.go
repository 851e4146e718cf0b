package main

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/httpmod"
)

// NewItemRoutes mounts the item catalogue under API_PREFIX:
//
//	GET    /items/       any user      a page of items, newest first (?limit=1..100&offset=0..)
//	POST   /items/       writer+       201 with the new item; 422 naming the invalid field
//	GET    /items/:id    any user      the item; 404 when absent
//	DELETE /items/:id    admin+        200 {"deleted": id}; 404 when absent
//	POST   /items/purge  superuser     200 {"deleted": count}
//
// Guards answer first (401 without a valid token, 403 for a role too low),
// then the input is checked (422).
func NewItemRoutes(db *dbmod.DB, auth *authmod.Authenticator, log *zap.Logger) httpmod.Routes {
	h := &itemHandlers{store: NewItemStore(db), log: log.Named("items")}
	return httpmod.RoutesFunc(func(r gin.IRouter) {
		// Handle puts the guard in front of the handler and writes the
		// route's security into the OpenAPI document.
		g := r.Group("/items")
		auth.Handle(g, http.MethodGet, "/", authmod.AnyUser(), h.list)
		auth.Handle(g, http.MethodPost, "/", authmod.AtLeast(authmod.RoleWriter), h.create)
		auth.Handle(g, http.MethodPost, "/purge", authmod.Superuser(), h.purge)
		auth.Handle(g, http.MethodGet, "/:id", authmod.AnyUser(), h.get)
		auth.Handle(g, http.MethodDelete, "/:id", authmod.AtLeast(authmod.RoleAdmin), h.delete)
	})
}

type itemHandlers struct {
	store *ItemStore
	log   *zap.Logger
}

func (h *itemHandlers) list(c *gin.Context) {
	p, errs := paging(c)
	if errs != nil {
		abortInvalid(c, errs...)
		return
	}
	items, count, err := h.store.List(c, p.Limit, p.Offset)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ItemsPage{Data: items, Count: count})
}

func (h *itemHandlers) create(c *gin.Context) {
	in, errs := decodeItemCreate(c.Request, c.Writer)
	if errs != nil {
		abortInvalid(c, errs...)
		return
	}
	it, err := h.store.Create(c, in, authmod.MustCurrentUser(c).ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, it)
}

func (h *itemHandlers) get(c *gin.Context) {
	id, errs := itemID(c)
	if errs != nil {
		abortInvalid(c, errs...)
		return
	}
	it, err := h.store.Get(c, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, it)
}

func (h *itemHandlers) delete(c *gin.Context) {
	id, errs := itemID(c)
	if errs != nil {
		abortInvalid(c, errs...)
		return
	}
	if err := h.store.Delete(c, id); err != nil {
		h.fail(c, err)
		return
	}
	httpmod.Logger(c, h.log).Info("item deleted", zap.Int64("id", id), zap.Stringer("by", authmod.MustCurrentUser(c).ID))
	c.JSON(http.StatusOK, Deleted{Deleted: id})
}

func (h *itemHandlers) purge(c *gin.Context) {
	n, err := h.store.Purge(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	httpmod.Logger(c, h.log).Warn("items purged", zap.Int64("count", n), zap.Stringer("by", authmod.MustCurrentUser(c).ID))
	c.JSON(http.StatusOK, Deleted{Deleted: n})
}

// fail answers 404 for a missing item and 500 (logged, without details in
// the body) for anything else.
func (h *itemHandlers) fail(c *gin.Context, err error) {
	if errors.Is(err, errItemNotFound) {
		httpmod.AbortWithDetail(c, http.StatusNotFound, "Item not found")
		return
	}
	httpmod.Logger(c, h.log).Error("items request failed", zap.String("path", c.FullPath()), zap.Error(err))
	httpmod.AbortWithDetail(c, http.StatusInternalServerError, "Internal Server Error")
}
