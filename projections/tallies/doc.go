// Package tallies is the read model behind the business metrics: the
// all-time counts of every supplier -> customer pair, the lead time observed
// at every delivery as a histogram, the ratings per score, and the clocks of
// the hand-offs open now.
//
// # Basics
//
// A Model is a projections.Handler fed by the runner like the other read
// models. Totals and LeadTimeHistogram hold what Prometheus counters and
// histograms need: tallies that only grow (every delivery observes its lead
// time and SLA outcome, every rating event its score), next to the counts
// that follow the current state (the latest rating of each delivery, which
// domain.Policy.ShowsSatisfaction compares with the anonymity minimum).
// OpenClocks evaluates the clocks of the open hand-offs as of a time, in the
// calendar their agreement names.
//
// # Caveats
//
// Lead times are kept in the bins of a DDSketch mapping (1% relative
// accuracy), so a lead time within 1% of a histogram bound may be counted on
// either side of it. A clock counts in the calendar definition the model
// holds when it evaluates it: a calendar.set event changes running clocks
// and later deliveries, never an outcome already counted.
package tallies
