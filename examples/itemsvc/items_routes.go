package main

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/httpmod"
)

// NewItemRoutes declares the item catalogue under API_PREFIX:
//
//	GET    /items        any user          a page of items, newest first (?limit=1..100&offset=0..&q=)
//	POST   /items        writer+           201 with the new item
//	GET    /items/:id    any user          the item; 404 when absent
//	PATCH  /items/:id    owner or admin+   the changed item; 404 when absent
//	DELETE /items/:id    admin+            200 {"deleted": id}; 404 when absent
//	POST   /items/purge  superuser         200 {"deleted": count}
//
// /items/ serves the same as /items. Each route is one declaration: its guard answers first (401, 403, 503),
// then its input is bound and validated (422 with every problem), then the
// handler runs with a valid, typed input.
func NewItemRoutes(db *dbmod.DB, auth *authmod.Authenticator, log *zap.Logger) httpmod.Routes {
	h := &itemHandlers{store: NewItemStore(db), log: log.Named("items")}
	notFound := httpmod.Responds(http.StatusNotFound, "No item with this id", nil)
	// Reading and creating take a bearer token or, when API-key
	// introspection is on, an X-API-Key (reader to read, a read_write
	// writer key to create); changing, deleting and purging stay
	// bearer-only.
	read, write := auth.Require(authmod.AnyUser()), auth.Require(authmod.AtLeast(authmod.RoleWriter))
	if auth.TakesAPIKeys() {
		read = auth.RequireBearerOrAPIKey(authmod.AnyUser(), authmod.RoleReader)
		write = auth.RequireBearerOrAPIKey(authmod.AtLeast(authmod.RoleWriter), authmod.RoleWriter)
	}
	return httpmod.RoutesFunc(func(r *httpmod.Router) {
		g := r.Group("/items", httpmod.Doc{Tags: []string{"items"}})
		// /items and /items/ serve the same routes; the document lists /items.
		httpmod.Route(g, http.MethodGet, "", h.list, read, httpmod.Alias("/"),
			httpmod.Doc{Summary: "List items", Description: "A page of items, newest first, and how many items match."})
		httpmod.Route(g, http.MethodPost, "", h.create, write, httpmod.Alias("/"),
			httpmod.Status(http.StatusCreated), httpmod.BodyLimit(64<<10),
			httpmod.Doc{Summary: "Create an item", Description: "The item is owned by the caller (the token's subject, or the API key's owner)."})
		httpmod.Route(g, http.MethodPost, "/purge", h.purge, auth.Require(authmod.Superuser()),
			httpmod.Doc{Summary: "Delete every item"})
		httpmod.Route(g, http.MethodGet, "/:id", h.get, read, notFound,
			httpmod.Doc{Summary: "Read an item"})
		httpmod.Route(g, http.MethodPatch, "/:id", h.patch, auth.Require(authmod.OwnerOr(h.owner, authmod.RoleAdmin)), notFound,
			httpmod.BodyLimit(64<<10), httpmod.Doc{Summary: "Change an item", Description: "The fields sent are changed; the others keep their value."})
		httpmod.Route(g, http.MethodDelete, "/:id", h.delete, auth.Require(authmod.AtLeast(authmod.RoleAdmin)), notFound,
			httpmod.Doc{Summary: "Delete an item"})
	})
}

type itemHandlers struct {
	store *ItemStore
	log   *zap.Logger
}

func (h *itemHandlers) list(ctx context.Context, in *ListItems) (*ItemsPage, error) {
	q := ""
	if in.Q != nil {
		q = *in.Q
	}
	items, count, err := h.store.List(ctx, in.Limit, in.Offset, q)
	if err != nil {
		return nil, err
	}
	return &ItemsPage{Data: items, Count: count}, nil
}

func (h *itemHandlers) create(ctx context.Context, in *CreateItem) (*Item, error) {
	if key, ok := authmod.APIKeyPrincipalFromContext(ctx); ok {
		return h.store.Create(ctx, in.Body, key.UserID)
	}
	u, _ := authmod.UserFromContext(ctx)
	return h.store.Create(ctx, in.Body, u.ID)
}

func (h *itemHandlers) get(ctx context.Context, in *ItemRef) (*Item, error) {
	return notFound(h.store.Get(ctx, in.ID))
}

// owner is the owner of the item a PATCH names (the guard admits them).
func (h *itemHandlers) owner(ctx context.Context, in *PatchItem) (uuid.UUID, error) {
	it, err := notFound(h.store.Get(ctx, in.ID))
	if err != nil {
		return uuid.Nil, err
	}
	return it.OwnerID, nil
}

func (h *itemHandlers) patch(ctx context.Context, in *PatchItem) (*Item, error) {
	return notFound(h.store.Update(ctx, in.ID, in.Body))
}

func (h *itemHandlers) delete(ctx context.Context, in *ItemRef) (*Deleted, error) {
	if _, err := notFound(in, h.store.Delete(ctx, in.ID)); err != nil {
		return nil, err
	}
	u, _ := authmod.UserFromContext(ctx)
	httpmod.Logger(ctx, h.log).Info("item deleted", zap.Int64("id", in.ID), zap.Stringer("by", u.ID))
	return &Deleted{Deleted: in.ID}, nil
}

func (h *itemHandlers) purge(ctx context.Context, _ *httpmod.NoInput) (*Deleted, error) {
	n, err := h.store.Purge(ctx)
	if err != nil {
		return nil, err
	}
	u, _ := authmod.UserFromContext(ctx)
	httpmod.Logger(ctx, h.log).Warn("items purged", zap.Int64("count", n), zap.Stringer("by", u.ID))
	return &Deleted{Deleted: n}, nil
}

// notFound turns the store's errItemNotFound into the route's 404.
func notFound[T any](v T, err error) (T, error) {
	if errors.Is(err, errItemNotFound) {
		return v, httpmod.Error(http.StatusNotFound, "Item not found")
	}
	return v, err
}
