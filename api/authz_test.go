package api_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/handoffindex"
)

// recordingIndex answers one summary and records the filter it was asked.
type recordingIndex struct{ asked handoffindex.Filter }

func (r *recordingIndex) List(f handoffindex.Filter) ([]handoffindex.Summary, string, error) {
	r.asked = f
	berlin := time.FixedZone("CEST", 2*3600)
	return []handoffindex.Summary{{ID: "h1", RequestedAt: time.Date(2026, 6, 1, 12, 0, 0, 0, berlin),
		UpdatedAt: time.Date(2026, 6, 1, 14, 0, 0, 0, berlin)}}, "next", nil
}

func TestListHandoffsKeepsActorsToTheirDepartment(t *testing.T) {
	tests := []struct {
		name          string
		actor         api.Actor
		asked         handoffindex.Filter
		wantInvolving string
	}{
		{"admin sees every hand-off", admin, handoffindex.Filter{Supplier: "legal"}, ""},
		{"member sees its department's", salesTeam, handoffindex.Filter{}, "sales"},
		{"a member's filter cannot widen it", legalTeam, handoffindex.Filter{Supplier: "hr", Involving: ""}, "legal"},
		{"a member cannot ask for another department", hrTeam, handoffindex.Filter{Involving: "sales"}, "hr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			idx := &recordingIndex{}
			page, next, err := api.ListHandoffs(idx, tc.actor, tc.asked)
			require.NoError(t, err)
			want := tc.asked
			want.Involving = tc.wantInvolving
			assert.Equal(t, want, idx.asked)
			assert.Equal(t, "next", next)
			require.Len(t, page, 1)
			assert.Equal(t, time.UTC, page[0].RequestedAt.Location(), "times are in UTC")
			assert.Equal(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), page[0].UpdatedAt)
		})
	}
}

func TestOnlyAdminsManageDepartments(t *testing.T) {
	assert.NoError(t, admin.MayManageDepartments())
	for _, a := range []api.Actor{salesTeam, salesHead} {
		err := a.MayManageDepartments()
		assert.ErrorIs(t, err, api.ErrForbidden)
		assert.EqualError(t, err, `forbidden: only an admin may manage departments (`+string(a.Role)+` "`+a.Name+`")`)
	}
	f := setup(t)
	_, err := f.svc.PutDepartment(f.ctx, salesHead, none, domain.RegisterDepartment{ID: "it", Name: "IT"})
	assert.ErrorIs(t, err, api.ErrForbidden)
	_, err = f.svc.RetireDepartment(f.ctx, salesTeam, none, domain.RetireDepartment{ID: "hr"})
	assert.ErrorIs(t, err, api.ErrForbidden)
}

// The admins-only rules are decided by the application layer: a batch, a
// backup and calendars. A batch sent by anyone else through the use case
// is refused whole, with nothing appended (as POST /api/v1/batch is).
func TestOnlyAdminsSendBatchesTakeBackupsAndManageCalendars(t *testing.T) {
	for _, may := range []func(api.Actor) error{api.Actor.MaySendBatch, api.Actor.MayTakeBackup, api.Actor.MayManageCalendars} {
		assert.NoError(t, may(admin))
		for _, a := range []api.Actor{salesTeam, salesHead} {
			assert.ErrorIs(t, may(a), api.ErrForbidden)
			assert.Contains(t, may(a).Error(), `(`+string(a.Role)+` "`+a.Name+`")`)
		}
	}
	f := setup(t)
	f.request(t, "h1")
	head, err := f.store.Head(f.ctx)
	require.NoError(t, err)
	for _, a := range []api.Actor{salesTeam, legalTeam, salesHead} {
		res, err := f.svc.Batch(f.ctx, a, []api.Command{{HandoffID: "h1", Handoff: domain.HandoffCommand{Name: domain.Cancel}}})
		assert.ErrorIs(t, err, api.ErrForbidden, "%s sent a batch", a.Name)
		assert.Nil(t, res)
	}
	after, err := f.store.Head(f.ctx)
	require.NoError(t, err)
	assert.Equal(t, head, after, "a refused batch appended")
}

// A command's result carries the rating only to those who may see it: the
// customer department and admins, not the supplier that acts on it.
func TestCommandResultsCarryRatingsOnlyToThoseWhoMaySeeThem(t *testing.T) {
	f := setup(t)
	f.request(t, "h1")
	_, err := f.svc.Execute(f.ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Deliver, Note: "done", At: now.Add(-20 * time.Hour)})
	require.NoError(t, err)
	rated, err := f.svc.Execute(f.ctx, salesTeam, none, "h1", domain.HandoffCommand{Name: domain.Rate, Score: 2, Comment: "late", At: now.Add(-19 * time.Hour)})
	require.NoError(t, err)
	require.NotNil(t, rated.Handoff.Rating, "the rating customer sees its rating")
	assert.Equal(t, 2, rated.Handoff.Rating.Score)

	returned, err := f.svc.Execute(f.ctx, salesTeam, none, "h1", domain.HandoffCommand{Name: domain.Return, Reason: "redo", At: now.Add(-18 * time.Hour)})
	require.NoError(t, err)
	assert.NotNil(t, returned.Handoff.Rating, "the customer still sees the rating of the earlier delivery")
	accepted, err := f.svc.Execute(f.ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Accept, At: now.Add(-17 * time.Hour)})
	require.NoError(t, err)
	assert.Nil(t, accepted.Handoff.Rating, "the supplier's result carries the customer's rating")

	for _, tc := range []struct {
		actor api.Actor
		shown bool
	}{{admin, true}, {salesTeam, true}, {legalTeam, false}} {
		v, err := f.svc.Handoff(f.ctx, tc.actor, "h1", time.Time{})
		require.NoError(t, err)
		assert.Equal(t, tc.shown, v.RatingsShown, tc.actor.Name)
		assert.Equal(t, tc.shown, v.Handoff.Rating != nil, tc.actor.Name)
		for _, e := range v.Timeline {
			if r, ok := e.Event.(domain.HandoffRated); ok {
				assert.Equal(t, tc.shown, r.Score != 0, "%s: the timeline's score", tc.actor.Name)
				assert.Equal(t, tc.shown, r.Comment != "", "%s: the timeline's comment", tc.actor.Name)
			}
		}
	}
}

// A backup is the application layer's decision too: TakeBackup copies the
// store for admins only, and refuses anyone else before the store is read.
func TestTakeBackupIsForAdmins(t *testing.T) {
	calls := 0
	backup := func(_ context.Context, w io.Writer, size func(int64)) (int64, error) {
		calls++
		size(4)
		n, err := w.Write([]byte("bolt"))
		return int64(n), err
	}
	ctx := context.Background()
	for _, a := range []api.Actor{salesTeam, salesHead, legalTeam} {
		var out bytes.Buffer
		_, err := api.TakeBackup(ctx, a, backup, &out, func(int64) {})
		assert.ErrorIs(t, err, api.ErrForbidden, "%s took a backup", a.Name)
		_, err = api.TakeBackup(ctx, a, nil, &out, func(int64) {})
		assert.ErrorIs(t, err, api.ErrForbidden, "%s: refused before the store is asked", a.Name)
		assert.Empty(t, out.String())
	}
	assert.Zero(t, calls, "the store was read for a refused backup")
	_, err := api.TakeBackup(ctx, admin, nil, io.Discard, func(int64) {})
	assert.ErrorIs(t, err, api.ErrBackupUnsupported)
	var out bytes.Buffer
	n, err := api.TakeBackup(ctx, admin, backup, &out, func(int64) {})
	require.NoError(t, err)
	assert.Equal(t, int64(4), n)
	assert.Equal(t, "bolt", out.String())
}
