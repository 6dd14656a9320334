package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

func TestDecideRecognise(t *testing.T) {
	retired := dept("sales")
	retired.Retired = true
	ok := domain.Recognise{Supplier: "legal", Customer: "sales", Message: "thank you", Author: "sales-head"}
	with := func(f func(*domain.Recognise)) domain.Recognise { c := ok; f(&c); return c }
	cases := []struct {
		name      string
		state     domain.Recognitions
		sup, cus  domain.Department
		cmd       domain.Recognise
		wantErr   error
		wantField string
	}{
		{"recorded now", domain.Recognitions{}, dept("legal"), dept("sales"), ok, nil, ""},
		{"at a past time", domain.Recognitions{}, dept("legal"), dept("sales"),
			with(func(c *domain.Recognise) { c.At = t0.Add(-time.Hour) }), nil, ""},
		{"empty message", domain.Recognitions{}, dept("legal"), dept("sales"),
			with(func(c *domain.Recognise) { c.Message = "" }), domain.ErrInvalid, "message"},
		{"message too long", domain.Recognitions{}, dept("legal"), dept("sales"),
			with(func(c *domain.Recognise) { c.Message = strings.Repeat("é", domain.MaxRecognitionLen+1) }), domain.ErrInvalid, "message"},
		{"control character", domain.Recognitions{}, dept("legal"), dept("sales"),
			with(func(c *domain.Recognise) { c.Message = "thanks\x00" }), domain.ErrInvalid, "message"},
		{"self recognition", domain.Recognitions{}, dept("sales"), dept("sales"),
			with(func(c *domain.Recognise) { c.Supplier = "sales" }), domain.ErrInvalid, "customer"},
		{"unknown supplier", domain.Recognitions{}, domain.Department{}, dept("sales"), ok, domain.ErrNotFound, ""},
		{"retired customer", domain.Recognitions{}, dept("legal"), retired, ok, domain.ErrInvalid, "customer"},
		{"before the previous one", domain.Recognitions{Count: 1, LastAt: t0}, dept("legal"), dept("sales"),
			with(func(c *domain.Recognise) { c.At = t0.Add(-time.Minute) }), domain.ErrInvalid, "occurred_at"},
		{"too far ahead", domain.Recognitions{}, dept("legal"), dept("sales"),
			with(func(c *domain.Recognise) { c.At = t0.Add(time.Hour) }), domain.ErrInvalid, "occurred_at"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := domain.DecideRecognise(tc.state, tc.sup, tc.cus, tc.cmd, t0)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Empty(t, evs)
				if tc.wantField != "" {
					var ve *domain.ValidationError
					require.ErrorAs(t, err, &ve)
					assert.Equal(t, tc.wantField, ve.Field)
				}
				return
			}
			require.NoError(t, err)
			require.Len(t, evs, 1)
			at := tc.cmd.At
			if at.IsZero() {
				at = t0
			}
			want := domain.PairRecognised{From: "sales", To: "legal", Message: tc.cmd.Message, Author: "sales-head", At: at.UTC()}
			assert.Equal(t, want, evs[0])
			st := domain.EvolveRecognitions(tc.state, evs[0])
			assert.Equal(t, domain.Recognitions{Count: tc.state.Count + 1, LastAt: at.UTC(), Last: want}, st)
		})
	}
}
