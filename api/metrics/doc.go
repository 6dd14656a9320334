// Package metrics exports cadena to Prometheus: the business figures of the
// projections as const metrics computed at scrape time (so counters are the
// all-time totals of the log and survive restarts), and the operational
// figures of the HTTP server, the event store and the projection runner.
//
// # Scrapes
//
// The business series are kept between scrapes with the figures they were
// made from, and made again only when those change (the open clocks are
// evaluated as of now at every scrape); concurrent scrapes share one
// computation. Handler serves them beside a registry with each series
// written in the text format once and each family compressed once, so a
// scrape encodes only the registry's own families.
//
// # Cardinality
//
// Business series carry only supplier and customer labels (plus a small,
// fixed label such as outcome, clock or score), so their number grows with
// the active supplier -> customer pairs, never with hand-offs, users or free
// text: at most 37 series per pair. Options.TopPairs bounds it further by
// exporting the N busiest pairs and folding the rest into
// supplier="_other", customer="_other". HTTP series are labelled by route
// template, never by raw path.
package metrics
