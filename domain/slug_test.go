package domain_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/domain"
)

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"accents", "Soporte Técnico", "soporte-tecnico"},
		{"eñe", "Compañía Logística", "compania-logistica"},
		{"diaeresis", "Pingüino", "pinguino"},
		{"cedilla", "Façade Ç", "facade-c"},
		{"upper case accents", "ÁREA DE ATENCIÓN", "area-de-atencion"},
		{"ligatures and sharp s", "Straße Œuvre Æsir", "strasse-oeuvre-aesir"},
		{"stroke letters", "Łódź Øst", "lodz-ost"},
		{"punctuation", "  Back--Office / EU (2) ", "back-office-eu-2"},
		{"spaces and tabs", "Group\t 3", "group-3"},
		{"digits", "Value 1", "value-1"},
		{"non-Latin letters are separators", "IT Отдел 3", "it-3"},
		{"only non-Latin letters", "Отдел", ""},
		{"nothing to keep", "()", ""},
		{"cut to 64 without a trailing dash", strings.Repeat("ab ", 40), strings.TrimRight(strings.Repeat("ab-", 22)[:64], "-")},
		{"cut mid folding", strings.Repeat("ß", 40), strings.Repeat("s", 64)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := domain.Slug(tc.in)
			assert.Equal(t, tc.want, got, "Slug(%q)", tc.in)
			if got != "" {
				assert.True(t, domain.ValidSlug(got), "Slug(%q) = %q is not a valid slug", tc.in, got)
			}
		})
	}
}

func FuzzSlug(f *testing.F) {
	for _, s := range []string{"Soporte Técnico", "ß", "", "--", "Ωmega 9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := domain.Slug(s); got != "" {
			assert.True(t, domain.ValidSlug(got), "Slug(%q) = %q", s, got)
		}
	})
}
