package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/postgres"
	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

// TestCommitNeverScansTheLog: the look-ups of a commit (the streams'
// versions, the batch's event IDs) are index probes, also when the server
// planned them on a new, nearly empty table: a plan that scans the table
// costs every commit time in proportion to the log.
func TestCommitNeverScansTheLog(t *testing.T) {
	u := pgtest.URL(t)
	schema := pgtest.Schema(t, u)
	s := mustOpen(t, u, postgres.Options{Schema: schema})
	ctx := context.Background()
	const appends, perAppend = 40, 50
	for i := range appends {
		evs := make([]eventstore.EventData, perAppend)
		for j := range evs {
			evs[j] = eventstore.EventData{ID: eventstore.NewID(), Type: "plan.tested.v1", Data: []byte(`{}`)}
		}
		_, err := s.Append(ctx, fmt.Sprintf("plan-%d", i%4), eventstore.Any, evs...)
		require.NoError(t, err)
	}

	require.NoError(t, s.Close()) // its sessions end and publish their counters

	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	// Building the indexes of the new table scanned it, empty: count the
	// rows read by scans, not the scans.
	var seqRead, idxScans int64
	require.Eventually(t, func() bool {
		err := conn.QueryRow(ctx, `SELECT coalesce(seq_tup_read, 0), coalesce(idx_scan, 0) FROM pg_stat_user_tables
			WHERE schemaname = $1 AND relname = 'events'`, schema).Scan(&seqRead, &idxScans)
		require.NoError(t, err)
		return idxScans >= 2*appends
	}, 30*time.Second, 50*time.Millisecond, "the commits' index scans were never counted")
	assert.Zero(t, seqRead, "rows read by sequential scans of the events table in %d commits", appends)
}
