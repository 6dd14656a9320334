package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
)

// TestImportRefused: only a server's own refusal of the import (a 4xx that
// sending it again would meet again) drops "importing again resumes".
func TestImportRefused(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&importer.RemoteError{Status: 401}, true},
		{&importer.RemoteError{Status: 403}, true},
		{fmt.Errorf("sending batch: %w", &importer.RemoteError{Status: 409}), true},
		{&importer.RemoteError{Status: 408}, false},
		{&importer.RemoteError{Status: 429}, false},
		{&importer.RemoteError{Status: 503}, false},
		{errors.New("connection refused"), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, refused(tt.err), "%v", tt.err)
	}
}
