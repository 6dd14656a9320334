package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxSkew is how far in the future an occurred_at may lie.
const MaxSkew = 5 * time.Minute

// MinTime is the earliest business time the service records or answers
// for: 1970-01-01T00:00:00Z. With MaxSkew it bounds every business time, so
// no duration between two of them comes near time.Duration's limits.
var MinTime = time.Unix(0, 0).UTC()

// Limits on free text.
const (
	MaxTitleLen   = 200
	MaxNameLen    = 200
	MaxCommentLen = 2000
	MaxReasonLen  = 2000
	// MaxDetailsLen bounds a request's optional details, in characters.
	MaxDetailsLen = 4000
)

// ValidSlug reports whether s is a slug: 1 to 64 lower-case letters, digits
// and dashes.
func ValidSlug(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func checkSlug(field, s string) error {
	if !ValidSlug(s) {
		return invalid(field, "%q is not a slug (1 to 64 lower-case letters, digits and dashes)", s)
	}
	return nil
}

// ForbiddenInText reports whether r is a control character that free
// text may not hold: every one (C0, DEL, C1) but tab and newline.
func ForbiddenInText(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n'
}

// CheckFreeText returns the error free text s gets wherever it is recorded
// (a title, a name, a reason, a holiday read from a file): a
// *ValidationError naming field when s is not valid UTF-8 or holds a
// control character other than tab and newline; nil otherwise. Lengths
// are each field's own and are not checked.
func CheckFreeText(field, s string) error { return checkText(field, s, 0, len(s)) }

func checkText(field, s string, min, max int) error {
	if !utf8.ValidString(s) {
		return invalid(field, "not valid UTF-8")
	}
	if i := strings.IndexFunc(s, ForbiddenInText); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return invalid(field, "holds the control character %U at byte %d: only tab and newline are allowed", r, i)
	}
	n := utf8.RuneCountInString(s)
	if min > 0 && n > 0 && strings.TrimSpace(s) == "" {
		return invalid(field, "is only white space: it needs at least one other character")
	}
	if n < min || n > max {
		if min == 0 {
			return invalid(field, "must be at most %d characters, got %d", max, n)
		}
		return invalid(field, "must be %d to %d characters, got %d", min, max, n)
	}
	return nil
}

// occurredAt resolves a command's business time: zero means now. It must not
// be earlier than MinTime nor than the previous event of the same aggregate
// (last, zero when none), nor later than now plus MaxSkew.
func occurredAt(at, last, now time.Time) (time.Time, error) {
	if at.IsZero() {
		at = now
		if at.Before(last) {
			// The previous event was recorded a little in the future
			// (within MaxSkew): keep the order rather than reject "now".
			at = last
		}
	}
	at = at.UTC()
	if at.Before(MinTime) {
		return time.Time{}, invalid("occurred_at", "%s is before %s", at.Format(time.RFC3339), MinTime.Format(time.RFC3339))
	}
	if at.After(now.Add(MaxSkew)) {
		return time.Time{}, invalid("occurred_at", "%s is more than %s after now", at.Format(time.RFC3339), MaxSkew)
	}
	if at.Before(last) {
		return time.Time{}, invalid("occurred_at", "%s is earlier than the previous event (%s)",
			at.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano))
	}
	return at, nil
}

func notFound(what, id string) error { return fmt.Errorf("%s %q: %w", what, id, ErrNotFound) }
