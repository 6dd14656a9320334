package rest_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
	"github.com/cadena-project/cadena/domain"
)

func TestMe(t *testing.T) {
	h := newHarness(t)
	h.seed()
	policy := map[string]any{"anonymity_min": 2.0, "min_volume": 5.0, "at_risk_ratio": 0.75, "time_zone": "UTC"}
	tests := []struct {
		name  string
		token string
		want  map[string]any
	}{
		{"member", tokSales, map[string]any{"name": "sales-team", "role": "member", "department": "sales", "department_name": "SALES", "policy": policy}},
		{"head", tokITHead, map[string]any{"name": "it-head", "role": "head", "department": "it", "department_name": "IT", "policy": policy}},
		{"admin without a department", tokAdmin, map[string]any{"name": "ops", "role": "admin", "department": nil, "department_name": nil, "policy": policy}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := h.json(req{method: "GET", path: "/api/v1/me?min_position=" + strconv.FormatUint(h.head(), 10), token: tc.token}, 200)
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("without a token", func(t *testing.T) {
		rec := h.do(req{method: "GET", path: "/api/v1/me"})
		assert.Equal(t, 401, rec.Code)
	})
	t.Run("with an unknown token", func(t *testing.T) {
		rec := h.do(req{method: "GET", path: "/api/v1/me", token: "cdn_nobody"})
		assert.Equal(t, 401, rec.Code)
	})
}

// A department the token names but nobody registered has no name yet.
func TestMeBeforeTheDepartmentIsRegistered(t *testing.T) {
	h := newHarness(t)
	got := h.json(req{method: "GET", path: "/api/v1/me", token: tokLegal}, 200)
	assert.Equal(t, "legal", got["department"])
	assert.Nil(t, got["department_name"])
}

// /me serves the policy the server was given, whatever it is.
func TestMeServesThePolicy(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	p := domain.Policy{AnonymityMin: 7, MinVolume: 3, AtRiskRatio: 0.8, Location: berlin}
	h := newHarness(t, func(c *rest.Config) { c.Policy = p })
	rec := h.do(req{method: "GET", path: "/api/v1/me", token: tokIT})
	require.Equal(t, 200, rec.Code, rec.Body.String())
	var got struct {
		Policy json.RawMessage `json:"policy"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	assert.JSONEq(t, `{"anonymity_min":7,"min_volume":3,"at_risk_ratio":0.8,"time_zone":"Europe/Berlin"}`, string(got.Policy))
}
