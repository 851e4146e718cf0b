package dbmod

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// NewStatsCollector returns a Prometheus collector of the pool statistics
// (client_golang's DBStatsCollector: go_sql_open_connections,
// go_sql_in_use_connections, go_sql_wait_count_total, ... labelled
// db_name=<Config.Name>). The module registers it with httpmod.AsCollector,
// so it is served at /metrics when METRICS_ENABLED=true.
//
// The pool opens in OnStart, after the collector is registered: until then it
// reports nothing (it is an unchecked collector, with no fixed descriptors).
func NewStatsCollector(db *DB) prometheus.Collector { return &statsCollector{db: db} }

type statsCollector struct {
	db *DB

	once  sync.Once
	inner prometheus.Collector
}

// Describe sends nothing: the registry then treats the collector as unchecked.
func (*statsCollector) Describe(chan<- *prometheus.Desc) {}

func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	sqldb := c.db.sqlOrNil()
	if sqldb == nil {
		return
	}
	c.once.Do(func() { c.inner = collectors.NewDBStatsCollector(sqldb, c.db.cfg.Name) })
	c.inner.Collect(ch)
}
