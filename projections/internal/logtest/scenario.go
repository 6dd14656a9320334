package logtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// Scenario is the log the read models' scenario tests fold. It runs in
// Berlin in February 2026 (CET, UTC+1). The main window is W = [Mon 2 Feb,
// Mon 9 Feb) local, i.e. [1 Feb 23:00 UTC, 8 Feb 23:00 UTC).
//
// it -> finance. Agreement v1 (resolve 8h, respond 1h) until 4 Feb, then v2
// (resolve 48h, no respond target); each hand-off keeps the terms it was
// requested under.
//
//	a0  v1  req 30 Jan 10:00; delivered 10 Feb 10:00 (after W)
//	a1  v1  req 2 Feb 00:00 (exactly W's start: inside); accept 00:30;
//	        pause 02:00; resume 10:00; deliver 14:00 -> owned 2h+4h = 6h <= 8h met,
//	        lead 14h = 50400s; rated 4 at 15:00, re-rated 2 on 3 Feb 09:00
//	a2  v1  req 3 Feb 09:00; deliver 19:00 (first response, 10h = 36000s > 1h:
//	        response breached); rated 1 at 20:00; returned 4 Feb 08:00;
//	        delivered again 12:00 -> owned 10h+4h = 14h > 8h breached,
//	        lead 27h = 97200s; delivery 2 rated 5 at 13:00
//	a3  v2  req 5 Feb 10:00; escalated 6 Feb 10:00; accepted 11:00 (response
//	        25h = 90000s); open at W's end with 86h owned > 48h: open_breached
//	a4  v2  req 6 Feb 08:00; escalated 08:30; cancelled 09:00
//	a5  v2  req 7 Feb 12:00; open at W's end with 36h owned = exactly 75% of
//	        48h: at_risk
//	a6  v2  req 8 Feb 20:00; delivered 9 Feb 00:00 (exactly W's end: outside),
//	        so open at W's end with 4h owned
//	a7  v2  req 9 Feb 00:00 (exactly W's end: outside)
//	a8  v2  req 5 Feb 08:00; delivered 12:00 (lead and response 4h = 14400s,
//	        met); rated 4 at 13:00
//	a9  --  req 5 Feb 08:00 without agreement; delivered 18:00 (lead and
//	        response 10h = 36000s); rated 3 on 6 Feb 09:00
//
// hr -> finance, no agreement: b1..b4 requested 3 Feb 10:00, delivered
// 11:00 (3600s), rated 5, 5, 4, 1 at 12:00: four ratings, under anonymity.
func Scenario(tb testing.TB) (*History, *time.Location) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(tb, err)
	at := func(day, hour, min int) time.Time { return time.Date(2026, 2, day, hour, min, 0, 0, berlin) }
	jan30 := time.Date(2026, 1, 30, 10, 0, 0, 0, berlin)
	v1 := Terms(1, 8*time.Hour, time.Hour)
	v2 := Terms(2, 48*time.Hour, 0)
	b := New(tb)
	b.Other(domain.AgreementSet{Supplier: "it", Customer: "finance", ResolveWithinS: 8 * 3600, RespondWithinS: 3600, At: jan30.Add(-time.Hour)})
	b.Request("a0", "it", "finance", jan30, v1)
	b.Request("a1", "it", "finance", at(2, 0, 0), v1)
	b.Do("a1", domain.HandoffCommand{Name: domain.Accept, At: at(2, 0, 30)})
	b.Do("a1", domain.HandoffCommand{Name: domain.Pause, Reason: "which cost centre?", At: at(2, 2, 0)})
	b.Do("a1", domain.HandoffCommand{Name: domain.Resume, At: at(2, 10, 0)})
	b.Do("a1", domain.HandoffCommand{Name: domain.Deliver, At: at(2, 14, 0)})
	b.Do("a1", domain.HandoffCommand{Name: domain.Rate, Score: 4, At: at(2, 15, 0)})
	b.Request("a2", "it", "finance", at(3, 9, 0), v1)
	b.Do("a1", domain.HandoffCommand{Name: domain.Rate, Score: 2, At: at(3, 9, 0)})
	b.Do("a2", domain.HandoffCommand{Name: domain.Deliver, At: at(3, 19, 0)})
	b.Do("a2", domain.HandoffCommand{Name: domain.Rate, Score: 1, At: at(3, 20, 0)})
	for _, id := range []string{"b1", "b2", "b3", "b4"} {
		b.Request(id, "hr", "finance", at(3, 10, 0), nil)
		b.Do(id, domain.HandoffCommand{Name: domain.Deliver, At: at(3, 11, 0)})
	}
	for i, s := range []int{5, 5, 4, 1} {
		b.Do([]string{"b1", "b2", "b3", "b4"}[i], domain.HandoffCommand{Name: domain.Rate, Score: s, At: at(3, 12, 0)})
	}
	b.Do("a2", domain.HandoffCommand{Name: domain.Return, Reason: "totals wrong", At: at(4, 8, 0)})
	b.Other(domain.AgreementSet{Supplier: "it", Customer: "finance", ResolveWithinS: 48 * 3600, At: at(4, 9, 0)})
	b.Do("a2", domain.HandoffCommand{Name: domain.Deliver, At: at(4, 12, 0)})
	b.Do("a2", domain.HandoffCommand{Name: domain.Rate, Score: 5, At: at(4, 13, 0)})
	b.Request("a8", "it", "finance", at(5, 8, 0), v2)
	b.Request("a9", "it", "finance", at(5, 8, 0), nil)
	b.Request("a3", "it", "finance", at(5, 10, 0), v2)
	b.Do("a8", domain.HandoffCommand{Name: domain.Deliver, At: at(5, 12, 0)})
	b.Do("a8", domain.HandoffCommand{Name: domain.Rate, Score: 4, At: at(5, 13, 0)})
	b.Do("a9", domain.HandoffCommand{Name: domain.Deliver, At: at(5, 18, 0)})
	b.Request("a4", "it", "finance", at(6, 8, 0), v2)
	b.Do("a4", domain.HandoffCommand{Name: domain.Escalate, At: at(6, 8, 30)})
	b.Do("a4", domain.HandoffCommand{Name: domain.Cancel, At: at(6, 9, 0)})
	b.Do("a9", domain.HandoffCommand{Name: domain.Rate, Score: 3, At: at(6, 9, 0)})
	b.Do("a3", domain.HandoffCommand{Name: domain.Escalate, Reason: "nobody answers", At: at(6, 10, 0)})
	b.Do("a3", domain.HandoffCommand{Name: domain.Accept, At: at(6, 11, 0)})
	b.Request("a5", "it", "finance", at(7, 12, 0), v2)
	b.Request("a6", "it", "finance", at(8, 20, 0), v2)
	b.Do("a6", domain.HandoffCommand{Name: domain.Deliver, At: at(9, 0, 0)})
	b.Request("a7", "it", "finance", at(9, 0, 0), v2)
	b.Do("a0", domain.HandoffCommand{Name: domain.Deliver, At: at(10, 10, 0)})
	return b, berlin
}
