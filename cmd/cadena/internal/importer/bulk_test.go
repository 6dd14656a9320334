package importer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// batchOnly is a service without its bulk load: Import then issues every
// command through api.Service.Batch.
type batchOnly struct{ svc *api.Service }

func (b batchOnly) Department(ctx context.Context, id string) (domain.Department, error) {
	return b.svc.Department(ctx, id)
}

func (b batchOnly) Batch(ctx context.Context, a api.Actor, cmds []api.Command) ([]api.CommandResult, error) {
	return b.svc.Batch(ctx, a, cmds)
}

// stored is what a test compares of a stored event: all but the commit
// time.
type stored struct {
	Stream, ID, Type, Data, Metadata string
	Version, Position                uint64
}

// smallParts makes parts and batches small, so that a log of a few
// thousand events is written in many parts, several in flight.
func smallParts(resolve time.Duration) importer.StreamOptions {
	return importer.StreamOptions{Options: importer.Options{Batch: 2000, ResolveWithin: resolve}}
}

// importFile imports the log at path into the bolt store at db, through
// the bulk load or, with viaBatch, through Batch.
func importFile(t *testing.T, db, path string, viaBatch bool, so importer.StreamOptions) (importer.Summary, []stored, error) {
	return importPrepared(t, db, path, viaBatch, so, nil)
}

// importPrepared is importFile after prepare has run on the store's service.
func importPrepared(t *testing.T, db, path string, viaBatch bool, so importer.StreamOptions, prepare func(*api.Service)) (importer.Summary, []stored, error) {
	t.Helper()
	store, err := bolt.Open(db, importer.BulkStore(bolt.Options{}))
	require.NoError(t, err)
	defer func() { require.NoError(t, store.Close()) }()
	svc := api.New(store, api.Options{SoleWriter: true, BatchPart: 700})
	if prepare != nil {
		prepare(svc)
	}
	var cmds importer.Commands = svc
	if viaBatch {
		cmds = batchOnly{svc}
	}
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sum, err := importer.ImportCSV(context.Background(), cmds, f, importer.ReadOptions{}, so)
	var events []stored
	for ev, err := range store.ReadAll(context.Background(), 0) {
		require.NoError(t, err)
		id := ev.ID
		if !strings.Contains(string(ev.Metadata), `"idempotency_key"`) {
			id = "" // a fresh random ID (a department's registration)
		}
		events = append(events, stored{Stream: ev.StreamID, ID: id, Type: ev.Type, Data: string(ev.Data),
			Metadata: string(ev.Metadata), Version: ev.Version, Position: ev.Position})
	}
	return sum, events, err
}

// TestBulkLoadWritesWhatBatchWrites imports one generated log through the
// bulk load and through Batch, and compares the two logs event by event:
// the same streams, versions, positions, event IDs, payloads and metadata
// (idempotency keys and request hashes). Importing it again through
// either appends nothing.
func TestBulkLoadWritesWhatBatchWrites(t *testing.T) {
	path := generatedFile(t, 12000, 30, 7)
	for _, resolve := range []time.Duration{0, 72 * time.Hour} {
		t.Run(resolve.String(), func(t *testing.T) {
			dir := t.TempDir()
			bulkDB, batchDB := filepath.Join(dir, "bulk.db"), filepath.Join(dir, "batch.db")
			sumBatch, viaBatch, err := importFile(t, batchDB, path, true, smallParts(resolve))
			require.NoError(t, err)
			sumBulk, viaBulk, err := importFile(t, bulkDB, path, false, smallParts(resolve))
			require.NoError(t, err)
			require.NotEmpty(t, viaBatch)
			require.Len(t, viaBulk, len(viaBatch))
			for i := range viaBatch {
				if !assert.Equal(t, viaBatch[i], viaBulk[i], "event %d", i) {
					break
				}
			}
			assert.Equal(t, sumBatch.Commands, sumBulk.Commands)
			assert.Equal(t, sumBatch.Position, sumBulk.Position)
			assert.Equal(t, uint64(len(viaBulk)), sumBulk.Position)

			for _, again := range []bool{false, true} {
				sum, events, err := importFile(t, bulkDB, path, again, smallParts(resolve))
				require.NoError(t, err)
				assert.Equal(t, viaBulk, events, "imported again (through Batch: %v): nothing appended", again)
				assert.Equal(t, sum.Commands, sum.Replayed, "every command answered from the log")
				assert.Positive(t, sum.Replayed)
			}
		})
	}
}

// TestBulkLoadConsultsAgreementsSetBefore: departments and agreements set
// before the import are consulted by its requests as Batch consults them.
func TestBulkLoadConsultsAgreementsSetBefore(t *testing.T) {
	path := generatedFile(t, 6000, 6, 11)
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	prepare := func(svc *api.Service) {
		ctx := context.Background()
		for i := range 6 {
			_, err := svc.PutDepartment(ctx, importer.Actor, api.Meta{}, domain.RegisterDepartment{
				ID: fmt.Sprintf("group-%d", i), Name: fmt.Sprintf("Group %d", i), At: at})
			require.NoError(t, err)
		}
		for i := range 6 {
			for j := range 6 {
				if i != j && (i+j)%2 == 0 {
					_, err := svc.SetAgreement(ctx, importer.Actor, api.Meta{}, domain.SetAgreement{
						Supplier: fmt.Sprintf("group-%d", i), Customer: fmt.Sprintf("group-%d", j),
						ResolveWithin: 48 * time.Hour, At: at.Add(time.Hour)})
					require.NoError(t, err)
				}
			}
		}
	}
	dir := t.TempDir()
	_, viaBatch, err := importPrepared(t, filepath.Join(dir, "batch.db"), path, true, smallParts(0), prepare)
	require.NoError(t, err)
	_, viaBulk, err := importPrepared(t, filepath.Join(dir, "bulk.db"), path, false, smallParts(0), prepare)
	require.NoError(t, err)
	withTerms := 0
	for _, e := range viaBulk {
		if strings.Contains(e.Data, `"resolve_within_s":172800`) && e.Type != "agreement.set.v1" {
			withTerms++
		}
	}
	assert.Positive(t, withTerms, "requests that recorded an agreement set before")
	assert.Equal(t, viaBatch, viaBulk)
}

// TestBulkLoadCaseSeenTwice: a case that reappears after the horizon is
// planned again with the same hand-off IDs; the bulk load refuses it as
// Batch does, with the same error, having written the same events.
func TestBulkLoadCaseSeenTwice(t *testing.T) {
	var b strings.Builder
	b.WriteString("case:concept:name,concept:name,org:group,time:timestamp\n")
	b.WriteString("c1,a,G1,2024-01-01T10:00:00Z\nc1,b,G2,2024-01-02T10:00:00Z\n")
	b.WriteString("c2,a,G1,2024-01-03T10:00:00Z\nc2,b,G3,2024-01-04T10:00:00Z\n")
	b.WriteString("c3,a,G1,2024-05-01T10:00:00Z\nc4,a,G1,2024-05-02T10:00:00Z\n") // c1 and c2 end: idle past the horizon
	b.WriteString("c1,a,G1,2024-06-01T10:00:00Z\nc1,b,G2,2024-06-02T10:00:00Z\n")
	path := filepath.Join(t.TempDir(), "twice.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	dir := t.TempDir()
	so := importer.StreamOptions{Window: 1, Options: importer.Options{Batch: 1}}
	_, viaBatch, errBatch := importFile(t, filepath.Join(dir, "batch.db"), path, true, so)
	_, viaBulk, errBulk := importFile(t, filepath.Join(dir, "bulk.db"), path, false, so)
	require.Error(t, errBatch)
	require.ErrorIs(t, errBulk, domain.ErrConflict)
	assert.Equal(t, errBatch.Error(), errBulk.Error())
	assert.Equal(t, viaBatch, viaBulk)
}

// TestBulkLoadOnlyForTheSoleWriter: a service that is not its store's sole
// writer offers no bulk load.
func TestBulkLoadOnlyForTheSoleWriter(t *testing.T) {
	store := memory.New(memory.Options{})
	t.Cleanup(func() { store.Close() })
	_, ok := api.New(store, api.Options{}).BulkLoad(context.Background(), importer.Actor)
	assert.False(t, ok)
	load, ok := api.New(store, api.Options{SoleWriter: true}).BulkLoad(context.Background(), importer.Actor)
	require.True(t, ok)
	pos, err := load.Close()
	require.NoError(t, err)
	assert.Zero(t, pos)
}
