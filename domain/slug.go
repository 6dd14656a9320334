package domain

import (
	"strings"
	"unicode"
)

// Slug makes a slug of a name, the rule every ID derived from a name
// follows: letters lose their accents and are lower-cased ("Soporte
// Técnico" -> "soporte-tecnico", "Ñandú" -> "nandu", "Straße" ->
// "strasse"), ASCII letters and digits are kept, and every other run of
// characters (spaces, punctuation, letters of scripts with no Latin
// base) becomes one dash, none at either end. The result is cut to 64
// bytes, so a non-empty one is a valid slug (ValidSlug). It is "" when the
// name has no Latin letter or digit: the caller decides what to use then.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	put := func(s string) {
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteString(s)
	}
	for _, r := range name {
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			put(string(r))
		case 'A' <= r && r <= 'Z':
			put(string(r + 'a' - 'A'))
		default:
			if base, ok := latinBase[unicode.ToLower(r)]; ok {
				put(base)
			} else {
				dash = true
			}
		}
		if b.Len() >= 64 {
			break
		}
	}
	s := b.String()
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.TrimRight(s, "-")
}

// latinBase maps the lower-case Latin letters with diacritics (Latin-1
// Supplement and Latin Extended-A) and the Latin ligatures to their base
// letters.
var latinBase = func() map[rune]string {
	m := map[rune]string{}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđð", "e": "èéêëēĕėęě",
		"g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķĸ",
		"l": "ĺļľŀł", "n": "ñńņňŉŋ", "o": "òóôõöøōŏő", "r": "ŕŗř",
		"s": "śŝşšſ", "t": "ţťŧ", "u": "ùúûüũūŭůűų", "w": "ŵ",
		"y": "ýÿŷ", "z": "źżž", "ss": "ß", "ae": "æ", "oe": "œ", "th": "þ", "ij": "ĳ",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()
