// Package pairstats is the read model of internal-SLA figures per pair of
// departments (supplier -> customer): volumes, rework, escalations, lead
// and response times, SLA compliance, satisfaction and a friction score,
// over any window of whole days.
//
// # Definitions
//
// Windows are whole days [from, to) in the organisation's time zone
// (Options.Policy.Location); "as of the window's end" means at to 00:00. Per pair,
// each figure is attributed to the window by the business time
// (occurred_at) of the event that produces it; an event at exactly to 00:00
// is outside, one at from 00:00 inside.
//
//   - requested: hand-offs requested in the window. delivered: delivery
//     events in the window. returned: return events in the window.
//     rework_rate = returned / delivered (0 when nothing was delivered).
//   - escalated: escalation events in the window. escalation_rate =
//     escalated / requested, at most 1 (0 when nothing was requested).
//     cancelled: cancellations in the window.
//   - completed: hand-offs whose current state is delivered and whose latest
//     delivery falls in the window. "Current" means as folded now: a return
//     received later takes a hand-off out of completed for every window,
//     and a new delivery puts it back on the new delivery's day.
//   - lead_time_s: over completed hand-offs, wall-clock seconds from the
//     request to the latest delivery: p50, p90, p95, p99 (DDSketch, relative
//     error at most 1%) and the exact mean. Null when count is 0.
//   - response_time_s: over hand-offs whose first response (the first
//     acceptance or delivery, domain.Handoff.FirstResponseAt) falls in the
//     window: wall-clock seconds from the request, p50, p90 and exact mean.
//   - sla: the resolve target of the agreement recorded on each hand-off
//     when it was requested (a later agreement does not change it);
//     hand-offs without an agreement are not evaluated. met / breached:
//     completed hand-offs whose resolve-elapsed time (supplier-owned time
//     up to the latest delivery, domain.Handoff.ResolveElapsed, measured
//     in the working time of the calendar recorded with the agreement, or
//     with Options.Calendar when it names none) is within (<=) / over the
//     target. Lead and response times stay wall-clock seconds.
//     open_breached: hand-offs open as of the window's end whose
//     supplier-owned time by then exceeds the target. at_risk: hand-offs
//     open as of the window's end, not breached, whose supplier-owned time
//     is at least the policy's at-risk share of the target
//     (domain.Policy.AtRiskRatio, default 75%, rounded up to the
//     nanosecond). compliance = met / (met + breached +
//     open_breached), null when that sum is 0.
//   - response_sla: for agreements with respond_within_s > 0, over
//     hand-offs whose first response falls in the window: met / breached
//     by domain.Handoff.RespondElapsed against the respond target;
//     compliance = met / (met + breached), null when that sum is 0.
//   - open: hand-offs requested before the window's end and, as of the
//     window's end, neither delivered nor cancelled. The state as of a past
//     instant is the state after the events that occurred before it, so a
//     hand-off delivered after the window's end was open at it.
//   - satisfaction: over the latest rating of each delivery, attributed by
//     the rating's time: ratings (count), mean, csat (share of scores 4 and
//     5), dissatisfied (share of 1 and 2), distribution (count per score).
//     A re-rating of a delivery replaces its earlier rating, which leaves
//     the window it fell in. When ratings < the policy's anonymity minimum
//     (domain.Policy.AnonymityMin, default 5) every figure but ratings is null.
//   - friction: the drivers are breach = 100 * 0.35 * (1 - compliance, 0
//     when compliance is null), rework = 100 * 0.25 * rework_rate,
//     dissatisfaction = 100 * 0.25 * dissatisfied (0 when hidden),
//     escalation = 100 * 0.15 * escalation_rate; score is their sum
//     (100 * the weighted sum); top_driver names the largest ("breach",
//     "rework", "dissatisfaction", "escalation", the first of them on a
//     tie), "none" when the score is 0. Nothing is rounded.
//   - Hotspots: pairs with requested >= min_volume (default: the policy's
//     MinVolume) in the
//     window, by friction score (highest first), then supplier, then
//     customer; limit caps the list.
//   - Scorecard: the same figures over all pairs where the department is
//     the supplier, and separately where it is the customer: counts summed,
//     quantiles read from the merged sketches (never averaged), rates and
//     scores computed from the sums; satisfaction hidden while one of the
//     pairs has ratings in the window but fewer than the anonymity minimum
//     (the sum less the pairs shown would give them away).
//   - Chain: departments as nodes, pairs as directed edges with volume
//     (requested in the window), friction score and compliance.
//
// A pair is listed (Pairs, Hotspots, Chain) when any of its counts is
// non-zero for the window, open hand-offs as of its end included.
//
// # Basics
//
// The model folds hand-off events (domain.EvolveHandoff) and keeps, per pair
// and per day of the organisation's calendar, counters and sparse DDSketch
// bins (relative accuracy 0.01), plus the same sums per month and for all
// time. A window query adds at most one bucket per day or month per pair and
// never reads events again. Figures that a later event takes back
// (completed and its lead time and SLA outcome, a replaced rating) are
// subtracted from the bucket they were added to, so a live fold and a
// rebuild from the log give the same figures.
//
// Open, open_breached and at_risk are levels as of a midnight. For every
// hand-off the model records the changes of these levels on the day before
// the midnight they take effect, including the midnights at which a running
// clock will reach the at-risk share of the target and exceed it; the level as of a
// window's end is the sum of the changes before it.
//
// # Caveats
//
// Apply skips events at or below the position already applied. Queries
// take a read lock and may run concurrently with Apply. The answers of
// Pairs, Hotspots, Chain, Scorecard, Scores and PairsJSON are kept for the
// position they were computed at and dropped when the next event is
// applied; concurrent callers of one question share one computation.
// Hotspots, Chain and Scores read counters only (no sketch bins), and the
// hotspots' full figures are computed for the pairs they return. Counters per day
// and per pair are 32-bit. A business-hours calendar (domain.WorkCalendar)
// tells the instant a threshold is crossed directly; with another Calendar
// than domain.WallClock the midnight is searched up to 4096 days after the
// hand-off's latest event, and beyond that it counts as never. A calendar's
// new definition (calendar.set) re-evaluates the open hand-offs that count
// in it from the day of the change on; what was settled before stays.
package pairstats
