package api_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

func TestRecogniseIsForTheCustomerAndAdmins(t *testing.T) {
	f := setup(t)
	thanks := domain.Recognise{Supplier: "legal", Customer: "sales", Message: "the review saved the deal"}
	for _, a := range []api.Actor{salesTeam, salesHead, admin} {
		r, err := f.svc.Recognise(f.ctx, a, none, thanks)
		require.NoError(t, err, a.Name)
		assert.Equal(t, domain.PairRecognised{From: "sales", To: "legal", Message: thanks.Message, Author: a.Name, At: now}, r.Recognition)
		assert.Equal(t, f.head(t), r.Position)
	}
	before := f.head(t)
	for _, a := range []api.Actor{legalTeam, hrTeam} {
		_, err := f.svc.Recognise(f.ctx, a, none, thanks)
		assert.ErrorIs(t, err, api.ErrForbidden, a.Name)
	}
	_, err := f.svc.Recognise(f.ctx, salesTeam, none, domain.Recognise{Supplier: "it", Customer: "sales", Message: "x"})
	assert.ErrorIs(t, err, domain.ErrNotFound, "an unknown supplier")
	_, err = f.svc.Recognise(f.ctx, salesTeam, none, domain.Recognise{Supplier: "legal", Customer: "sales"})
	assert.ErrorIs(t, err, domain.ErrInvalid, "an empty message")
	assert.Equal(t, before, f.head(t), "rejected recognitions append nothing")
}

func TestRecogniseIsIdempotent(t *testing.T) {
	f := setup(t)
	key := api.Meta{IdempotencyKey: "thanks-1"}
	thanks := domain.Recognise{Supplier: "legal", Customer: "sales", Message: "thank you"}
	first, err := f.svc.Recognise(f.ctx, salesTeam, key, thanks)
	require.NoError(t, err)
	again, err := f.svc.Recognise(f.ctx, salesTeam, key, thanks)
	require.NoError(t, err)
	assert.True(t, again.Replayed)
	assert.Equal(t, first.Position, again.Position)
	assert.Equal(t, first.Recognition, again.Recognition)
	_, err = f.svc.Recognise(f.ctx, salesTeam, key, domain.Recognise{Supplier: "legal", Customer: "sales", Message: "other"})
	assert.ErrorIs(t, err, domain.ErrConflict)
}
