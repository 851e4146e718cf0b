package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/m8fx/kit/dbmod"
)

// errItemNotFound is returned by the store for an id that does not exist.
var errItemNotFound = errors.New("item not found")

// ItemStore reads and writes items through bun.
type ItemStore struct {
	db    *dbmod.DB
	table bun.Ident
}

// NewItemStore returns the store of db's <TABLES_PREFIX>_items table.
func NewItemStore(db *dbmod.DB) *ItemStore {
	return &ItemStore{db: db, table: bun.Ident(db.Table("items"))}
}

// List returns one page of items, newest first, and how many items match;
// a non-empty q keeps the items whose name contains it, ignoring the case
// of ASCII letters (the same on every engine).
func (s *ItemStore) List(ctx context.Context, limit, offset int, q string) ([]Item, int, error) {
	items := []Item{}
	filter := func(sq *bun.SelectQuery) *bun.SelectQuery {
		if q == "" {
			return sq
		}
		// The text is matched literally: LIKE's wildcards are escaped.
		esc := strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`).Replace(q)
		return sq.Where("LOWER(item.name) LIKE LOWER(?) ESCAPE '!'", "%"+esc+"%")
	}
	err := filter(s.db.Bun().NewSelect().Model(&items).ModelTableExpr("? AS item", s.table)).
		OrderExpr("item.created_at DESC, item.id DESC").Limit(int64(limit)).Offset(int64(offset)).Scan(ctx)
	if err != nil {
		return nil, 0, dbError("listing items", err)
	}
	count, err := filter(s.db.Bun().NewSelect().Model((*Item)(nil)).ModelTableExpr("? AS item", s.table)).Count(ctx)
	if err != nil {
		return nil, 0, dbError("counting items", err)
	}
	for i := range items {
		items[i].utc()
	}
	return items, int(count), nil
}

// Create stores a new item owned by owner and returns it with its id.
//
// The insert runs in a transaction bound to ctx (the request's, with its
// deadline): a request that fails, at its deadline or because the database
// stopped answering, never leaves an item behind. Without the transaction,
// an INSERT the network delayed past the deadline would still be executed,
// and committed, when it reaches the server: a client that got an error,
// and retries, would create the item twice.
func (s *ItemStore) Create(ctx context.Context, in ItemCreate, owner uuid.UUID) (*Item, error) {
	// Microseconds: what every engine keeps, so the answer equals a later read.
	now := time.Now().UTC().Truncate(time.Microsecond)
	it := &Item{Name: in.Name, Description: in.Description, OwnerID: owner, CreatedAt: now, UpdatedAt: now}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(it).ModelTableExpr("?", s.table).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, dbError("creating an item", err)
	}
	return it, nil
}

// Get returns the item id, or errItemNotFound.
func (s *ItemStore) Get(ctx context.Context, id int64) (*Item, error) {
	it := new(Item)
	err := s.db.Bun().NewSelect().Model(it).ModelTableExpr("? AS item", s.table).Where("item.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errItemNotFound
	}
	if err != nil {
		return nil, dbError(fmt.Sprintf("reading item %d", id), err)
	}
	it.utc()
	return it, nil
}

// Update changes the fields of id that p sets and returns the item, or
// errItemNotFound.
func (s *ItemStore) Update(ctx context.Context, id int64, p ItemPatch) (*Item, error) {
	it, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Name != nil {
		it.Name = *p.Name
	}
	if p.Description != nil {
		it.Description = *p.Description
	}
	it.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
	res, err := s.db.Bun().NewUpdate().Model(it).ModelTableExpr("?", s.table).
		Column("name", "description", "updated_at").Where("id = ?", id).Exec(ctx)
	if err != nil {
		return nil, dbError(fmt.Sprintf("updating item %d", id), err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return nil, errItemNotFound
	}
	return it, nil
}

// Delete removes the item id, or returns errItemNotFound.
func (s *ItemStore) Delete(ctx context.Context, id int64) error {
	// No table alias: MariaDB refuses DELETE ... AS alias.
	res, err := s.db.Bun().NewDelete().Model((*Item)(nil)).ModelTableExpr("?", s.table).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return dbError(fmt.Sprintf("deleting item %d", id), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbError(fmt.Sprintf("deleting item %d", id), err)
	} else if n == 0 {
		return errItemNotFound
	}
	return nil
}

// Purge removes every item and returns how many there were.
func (s *ItemStore) Purge(ctx context.Context) (int64, error) {
	res, err := s.db.Bun().NewDelete().Model((*Item)(nil)).ModelTableExpr("?", s.table).Where("1 = 1").Exec(ctx)
	if err != nil {
		return 0, dbError("purging items", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, dbError("purging items", err)
	}
	return n, nil
}

// dbError wraps a database error with what the store was doing. An error
// meaning the database is unavailable (dbmod.IsUnavailable: refused or
// broken connection, deadline, exhausted pool) is marked, so that the route
// answers 503 with Retry-After instead of 500.
func dbError(doing string, err error) error {
	return fmt.Errorf("%s: %w", doing, dbmod.MarkUnavailable(err))
}
