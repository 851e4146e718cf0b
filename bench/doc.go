// Package bench holds whole-stack benchmarks of the kit: a request through
// the real gin engine with the kit's guards, measured against a bare gin
// handler in the same run. Run them with
//
//	go test -run '^$' -bench . -benchmem ./bench/
//
// Results are recorded in docs/BENCHMARKS.md.
package bench
