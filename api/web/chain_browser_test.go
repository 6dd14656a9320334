package web_test

import (
	"encoding/json"
	"html"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// No edge of the chain passes through a node it does not start or end at:
// a driver samples every drawn stroke and arrowhead in Chromium (the
// browser's own path geometry) against the other nodes' boxes. The crowded
// chain (fourteen departments, neighbours and next-but-one neighbours
// linked both ways) is the layout where bent edges used to cut through the
// node between their ends.
func TestBrowserChainEdgesGoAroundNodes(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	for _, tc := range []struct {
		name, token string
		edges       int
	}{
		{"six departments", fakeToken, 7},
		{"fourteen departments", fakeMemberToken, 52},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dom := dumpDOM(t, bin, api.URL+"/?driver=chain_driver#token="+tc.token+"&view=chain")
			require.Contains(t, dom, `data-driver="done"`, "the driver did not see the chain")
			edges, err := strconv.Atoi(attr(t, dom, "data-edges"))
			require.NoError(t, err)
			assert.Equal(t, tc.edges, edges, "every pair is drawn")
			var through []string
			require.NoError(t, json.Unmarshal([]byte(attr(t, dom, "data-through")), &through))
			assert.Empty(t, through, "edges drawn through a node they do not touch")
		})
	}
}

// attr is the unescaped value of the body's attribute name in a dumped DOM.
func attr(t *testing.T, dom, name string) string {
	t.Helper()
	m := regexp.MustCompile(name + `="([^"]*)"`).FindStringSubmatch(dom)
	require.NotNil(t, m, "no %s in the page", name)
	return html.UnescapeString(m[1])
}
