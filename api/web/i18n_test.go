package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// catalogue reads a message catalogue, messages-{lang}.js: a JSON object
// after "export default". A message is a string or plural forms.
func catalogue(t *testing.T, lang string) map[string]any {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("static", "assets", "messages-"+lang+".js"))
	require.NoError(t, err)
	s := string(src)
	i := strings.Index(s, "export default {")
	j := strings.LastIndex(s, "}")
	require.True(t, i >= 0 && j > i, "messages-%s.js: no `export default {...}`", lang)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s[i+len("export default "):j+1]), &m), "messages-%s.js is not JSON between its braces", lang)
	return m
}

var placeholderRE = regexp.MustCompile(`\{(\w+)\}`)

// placeholders lists the {name}s of a message, over all its forms.
func placeholders(msg any) []string {
	var texts []string
	switch m := msg.(type) {
	case string:
		texts = []string{m}
	case map[string]any:
		for _, v := range m {
			if s, ok := v.(string); ok {
				texts = append(texts, s)
			}
		}
	}
	seen := map[string]bool{}
	for _, s := range texts {
		for _, p := range placeholderRE.FindAllStringSubmatch(s, -1) {
			seen[p[1]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Both catalogues have exactly the same keys, each message the same
// placeholders, plural forms where the other has them ("one" and "other"
// at least), and no empty message.
func TestCataloguesHaveTheSameKeys(t *testing.T) {
	en, es := catalogue(t, "en"), catalogue(t, "es")
	require.NotEmpty(t, en)
	for k := range en {
		_, ok := es[k]
		assert.True(t, ok, "key %q is in messages-en.js but not in messages-es.js", k)
	}
	for k := range es {
		_, ok := en[k]
		assert.True(t, ok, "key %q is in messages-es.js but not in messages-en.js", k)
	}
	for k, e := range en {
		s, ok := es[k]
		if !ok {
			continue
		}
		assert.Equal(t, placeholders(e), placeholders(s), "placeholders of %q", k)
		for lang, msg := range map[string]any{"en": e, "es": s} {
			switch m := msg.(type) {
			case string:
				assert.NotEmpty(t, strings.TrimSpace(m), "%s: %q is empty", lang, k)
			case map[string]any:
				assert.Contains(t, m, "one", "%s: %q has plural forms without one", lang, k)
				assert.Contains(t, m, "other", "%s: %q has plural forms without other", lang, k)
				assert.Contains(t, placeholders(m), "count", "%s: %q has plural forms without {count}", lang, k)
			default:
				t.Errorf("%s: %q is neither a string nor plural forms", lang, k)
			}
		}
		_, ePlural := e.(map[string]any)
		_, sPlural := s.(map[string]any)
		assert.Equal(t, ePlural, sPlural, "%q has plural forms in one catalogue only", k)
	}
}

// scripts returns the page's JavaScript modules but the catalogues, by name.
func scripts(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("static", "assets", "*.js"))
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "messages-") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		out[filepath.Base(f)] = string(src)
	}
	require.NotEmpty(t, out)
	return out
}

// Every key the page looks up, t("key") in the scripts and data-i18n* in
// index.html, is in the catalogue (keys built at run time, t(`a.${x}`),
// are checked by their prefix).
func TestKeysUsedAreInTheCatalogue(t *testing.T) {
	en := catalogue(t, "en")
	html, err := os.ReadFile(filepath.Join("static", "index.html"))
	require.NoError(t, err)
	used := map[string]string{}
	for _, m := range regexp.MustCompile(`data-i18n(?:-[a-z-]+)?="([^"]+)"`).FindAllStringSubmatch(string(html), -1) {
		used[m[1]] = "index.html"
	}
	prefixes := map[string]string{}
	for name, src := range scripts(t) {
		for _, m := range regexp.MustCompile(`\bt\("([^"]+)"`).FindAllStringSubmatch(src, -1) {
			used[m[1]] = name
		}
		for _, m := range regexp.MustCompile("\\bt\\(`([^`$]+)\\$\\{").FindAllStringSubmatch(src, -1) {
			prefixes[m[1]] = name
		}
	}
	require.NotEmpty(t, used)
	for k, file := range used {
		_, ok := en[k]
		assert.True(t, ok, "%s looks up %q, which the catalogue lacks", file, k)
	}
	for p, file := range prefixes {
		found := false
		for k := range en {
			found = found || strings.HasPrefix(k, p)
		}
		assert.True(t, found, "%s looks up keys %q..., none of which the catalogue has", file, p)
	}
}

// No script writes user-visible English outside the catalogue: no string
// literal that reads as prose (a capital letter, then words), and no
// literal text set as an element's text, title, aria-label or placeholder.
func TestNoEnglishOutsideTheCatalogue(t *testing.T) {
	literal := regexp.MustCompile("\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*'|`(?:[^`\\\\]|\\\\.)*`")
	prose := regexp.MustCompile(`^[A-Z][a-z]+[ ,:][a-z]+`)
	word := regexp.MustCompile(`[A-Za-z]{3,}`)
	// Literals that are not shown: protocol words and the HTTP headers.
	allowed := regexp.MustCompile(`^(Bearer \$\{t\}|Content-Type|Idempotency-Key|Accept|Authorization)$`)
	assigned := regexp.MustCompile("(?:textContent|innerText|title)\\s*=\\s*([\"'`][^\"'`]*[\"'`])|\"?(?:title|aria-label|placeholder|alt)\"?\\s*:\\s*([\"'`][^\"'`]*[\"'`])")
	comment := regexp.MustCompile(`(?m)^\s*//.*$|\s//\s.*$`)
	for name, src := range scripts(t) {
		code := comment.ReplaceAllString(src, "")
		for _, lit := range literal.FindAllString(code, -1) {
			text := lit[1 : len(lit)-1]
			text = regexp.MustCompile(`\$\{[^}]*\}`).ReplaceAllString(text, "")
			if prose.MatchString(strings.TrimSpace(text)) && !allowed.MatchString(lit[1:len(lit)-1]) {
				t.Errorf("%s: %s reads as English prose; put it in the catalogue and use t()", name, lit)
			}
		}
		for _, m := range assigned.FindAllStringSubmatch(code, -1) {
			lit := m[1] + m[2]
			text := regexp.MustCompile(`\$\{[^}]*\}|Cadena`).ReplaceAllString(lit[1:len(lit)-1], "")         // the brand is a name
			if word.MatchString(text) && !regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`).MatchString(text) { // not an element id
				t.Errorf("%s: %q sets literal text; use t()", name, m[0])
			}
		}
	}
}

// The markup's visible text is translated: every element holding text of
// its own in index.html carries data-i18n (the noscript note, in both
// languages, the brand name and the switch's EN and ES aside).
func TestMarkupTextIsInTheCatalogue(t *testing.T) {
	html, err := os.ReadFile(filepath.Join("static", "index.html"))
	require.NoError(t, err)
	body := string(html)
	body = regexp.MustCompile(`(?s)<noscript>.*?</noscript>|<!--.*?-->`).ReplaceAllString(body, "")
	// An opening tag, then text of its own up to the next tag.
	for _, m := range regexp.MustCompile(`<([a-z0-9]+)([^>]*)>([^<]*)`).FindAllStringSubmatch(body, -1) {
		text := strings.TrimSpace(m[3])
		if !regexp.MustCompile(`[A-Za-z]{2,}`).MatchString(text) || text == "Cadena" || strings.Contains(m[2], "data-lang=") {
			continue
		}
		assert.Contains(t, m[2], "data-i18n=", "<%s%s> holds %q without data-i18n", m[1], m[2], text)
	}
	for _, m := range regexp.MustCompile(`\s(title|aria-label|placeholder)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		if m[2] == "English" || m[2] == "Español" {
			continue // each language's name in itself
		}
		assert.Contains(t, body, `data-i18n-`+m[1]+`=`, "attribute %s=%q untranslated", m[1], m[2])
	}
}

// TestStatusTitlesInTheCatalogues: the page shows a problem's title from the
// catalogue (status.{code}), since the API's is the English status text.
// Each error status the API answers has one; the English is that text, so
// the English page reads as before, and the Spanish differs from it.
func TestStatusTitlesInTheCatalogues(t *testing.T) {
	en, es := catalogue(t, "en"), catalogue(t, "es")
	for _, status := range []int{400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 429, 500, 501, 502, 503} {
		assert.Contains(t, en, "status."+strconv.Itoa(status), "no title for %d", status)
	}
	for k, v := range en {
		code, ok := strings.CutPrefix(k, "status.")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(code)
		require.NoError(t, err, k)
		assert.Equal(t, http.StatusText(n), v, "%s: the API's title", k)
		assert.NotEqual(t, v, es[k], "%s: the Spanish title", k)
	}
}
