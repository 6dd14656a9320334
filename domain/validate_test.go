package domain_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// TestCheckFreeText: the free-text rule every title, name and reason
// follows, for text read from elsewhere (a holiday's SUMMARY).
func TestCheckFreeText(t *testing.T) {
	tests := []struct {
		text string
		msg  string // "" when allowed
	}{
		{"", ""},
		{"Día de la Constitución\tline\nnext", ""},
		{strings.Repeat("ñ", 5000), ""}, // lengths are the field's own
		{"bad\xff", "not valid UTF-8"},
		{"bell\a", "holds the control character U+0007 at byte 4: only tab and newline are allowed"},
		{"cr\r", "holds the control character U+000D at byte 2: only tab and newline are allowed"},
		{"del\x7f", "holds the control character U+007F at byte 3: only tab and newline are allowed"},
		{"c1\u0085", "holds the control character U+0085 at byte 2: only tab and newline are allowed"},
	}
	for _, tt := range tests {
		err := domain.CheckFreeText("summary", tt.text)
		if tt.msg == "" {
			assert.NoError(t, err, "%q", tt.text)
			continue
		}
		var ve *domain.ValidationError
		require.ErrorAs(t, err, &ve, "%q", tt.text)
		assert.Equal(t, domain.ValidationError{Field: "summary", Msg: tt.msg}, *ve)
	}
}
