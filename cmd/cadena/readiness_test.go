package main

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/eventstore"
)

type progress struct{ caughtUp bool }

func (p progress) WaitFor(context.Context, uint64) error { return nil }
func (p progress) CaughtUp() bool                        { return p.caughtUp }

func TestReadinessNeedsProjectionsAndAReachableStore(t *testing.T) {
	down := func(context.Context) error { return errors.New("no leader") }
	up := func(context.Context) error { return nil }
	tests := []struct {
		name     string
		caughtUp bool
		store    func(context.Context) error
		want     bool
	}{
		{"embedded store, caught up", true, nil, true},
		{"embedded store, catching up", false, nil, false},
		{"cluster reachable", true, up, true},
		{"cluster unreachable", true, down, false},
	}
	for _, tt := range tests {
		if got := (readiness{progress{tt.caughtUp}, tt.store}).CaughtUp(); got != tt.want {
			t.Errorf("%s: ready = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestReadinessSaysWhy: Ready tells the projections behind from a store
// that cannot write.
func TestReadinessSaysWhy(t *testing.T) {
	full := func(context.Context) error {
		return fmt.Errorf("bolt: %w: trial write: no space", eventstore.ErrUnavailable)
	}
	assert.NoError(t, readiness{progress{true}, nil}.Ready(context.Background()))
	assert.Error(t, readiness{progress{false}, nil}.Ready(context.Background()))
	assert.ErrorIs(t, readiness{progress{true}, full}.Ready(context.Background()), eventstore.ErrUnavailable)
}
