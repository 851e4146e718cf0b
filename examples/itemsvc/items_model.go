package main

import (
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// Item is one catalogue item, stored in <TABLES_PREFIX>_items (see the
// migrations package for the schema).
type Item struct {
	bun.BaseModel `bun:"table:items,alias:item"`

	ID          int64     `bun:"id,pk,autoincrement" json:"id"`
	Name        string    `bun:"name,notnull" json:"name"`
	Description string    `bun:"description,notnull" json:"description"`
	OwnerID     uuid.UUID `bun:"owner_id,notnull" json:"owner_id"` // the creating user (token sub)
	CreatedAt   time.Time `bun:"created_at,notnull" json:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at,notnull" json:"updated_at"`
}

// utc puts the timestamps in UTC (drivers may scan them in the local zone).
func (it *Item) utc() {
	it.CreatedAt = it.CreatedAt.UTC()
	it.UpdatedAt = it.UpdatedAt.UTC()
}

// ItemCreate is the body of POST {API_PREFIX}/items/.
type ItemCreate struct {
	Name        string `json:"name" validate:"required,min=1,max=255" doc:"The item's name (surrounding spaces are removed)."`
	Description string `json:"description,omitempty" validate:"max=2000" doc:"A free text description."`
}

// ItemsPage is the answer of GET {API_PREFIX}/items/: one page of items,
// newest first, and the total number of items.
type ItemsPage struct {
	Data  []Item `json:"data"`
	Count int    `json:"count"`
}

// Deleted is the answer of the delete routes: the deleted item's id, or the
// number of items purged.
type Deleted struct {
	Deleted int64 `json:"deleted"`
}

// Paging is the query of GET {API_PREFIX}/items/.
type Paging struct {
	Limit  int `form:"limit" validate:"min=1,max=100" doc:"Page size, 1 to 100 (default 100)."`
	Offset int `form:"offset" validate:"min=0" doc:"Items to skip (default 0)."`
}

// ItemID is the path parameter of the single-item routes.
type ItemID struct {
	ID int64 `uri:"id" validate:"min=1" doc:"The item's id."`
}
