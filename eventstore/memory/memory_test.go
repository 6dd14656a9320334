package memory_test

import (
	"testing"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/memory"
	"github.com/cadena-project/cadena/eventstore/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) eventstore.Store { return memory.New(memory.Options{}) },
	})
}
