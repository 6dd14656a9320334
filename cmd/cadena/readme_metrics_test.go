package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeMetricFamilies reads the families README.md's "Metrics,
// dashboards and alerts" section names in code spans, with the labels it
// gives (nil when it gives none): `name{a,b="x|y"}`, and the shorthand
// `prefix_{one,two}_suffix{labels}` for several families.
func readmeMetricFamilies(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(b), "\n## Metrics, dashboards and alerts\n")
	require.True(t, ok, "README has no metrics section")
	section, _, _ = strings.Cut(section, "**Scrapes are kept.**")
	span := regexp.MustCompile("`(cadena_[a-z_]*(?:\\{[a-z,]+\\}_[a-z_]+)?)(\\{[^}`]*\\})?`")
	out := map[string][]string{}
	for _, m := range span.FindAllStringSubmatch(section, -1) {
		names := []string{m[1]}
		if pre, rest, ok := strings.Cut(m[1], "{"); ok {
			alts, post, _ := strings.Cut(rest, "}")
			names = nil
			for _, a := range strings.Split(alts, ",") {
				names = append(names, pre+a+post)
			}
		}
		var labels []string
		if m[2] != "" {
			for _, l := range strings.Split(strings.Trim(m[2], "{}"), ",") {
				name, _, _ := strings.Cut(l, "=")
				labels = append(labels, name)
			}
			sort.Strings(labels)
		}
		for _, n := range names {
			if _, seen := out[n]; !seen || labels != nil { // a later mention without labels refers back
				out[n] = labels
			}
		}
	}
	return out
}

// scrapedFamilies reads a text exposition: each cadena_ family's type and
// the label names its samples carry (le of histogram buckets left out).
func scrapedFamilies(body []byte) (types map[string]string, labels map[string][]string) {
	types, labels = map[string]string{}, map[string][]string{}
	sample := regexp.MustCompile(`^(cadena_[a-z_]+?)(_bucket|_sum|_count|)(?:\{([^}]*)\})? `)
	label := regexp.MustCompile(`([a-z_]+)="`)
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) == 4 && f[0] == "#" && f[1] == "TYPE" && strings.HasPrefix(f[2], "cadena_") {
			types[f[2]] = f[3]
			continue
		}
		m := sample.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name := m[1]
		if _, ok := types[name]; !ok {
			name += m[2]
		}
		for _, l := range label.FindAllStringSubmatch(m[3], -1) {
			if l[1] != "le" && !slices.Contains(labels[name], l[1]) {
				labels[name] = append(labels[name], l[1])
			}
		}
	}
	for n := range labels {
		sort.Strings(labels[n])
	}
	return types, labels
}

// TestREADMEMetricsAreTheScrape: every family README's metrics section
// names is in a real scrape of the demo with exactly the labels it lists
// (none when it lists none), and every cadena_ family of the scrape is in
// the README.
func TestREADMEMetricsAreTheScrape(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	tokenFile := filepath.Join(root, "deploy", "prometheus", "metrics-token")
	token, err := os.ReadFile(tokenFile)
	require.NoError(t, err)
	base, admin := startDemoServer(t, tokenFile)
	deliverHandoff(t, base, admin, "it", "hr", "laptop") // an append, a commit and requests to observe
	types, labels := scrapedFamilies(httpGet(t, base+"/metrics", strings.TrimSpace(string(token))))
	readme := readmeMetricFamilies(t)
	require.NotEmpty(t, readme)
	for name, want := range readme {
		_, ok := types[name]
		if !assert.True(t, ok, "README names %s, the scrape has no such family", name) {
			continue
		}
		assert.Equal(t, want, labels[name], "%s: the labels README lists", name)
	}
	for name := range types {
		_, ok := readme[name]
		assert.True(t, ok, "the scrape has %s, README's metrics section does not name it", name)
	}
	assert.Equal(t, "histogram", types["cadena_handoff_lead_time_seconds"])
}
