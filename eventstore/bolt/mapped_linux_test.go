package bolt_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// mapping is one line of /proc/self/maps.
type mapping struct {
	start, end uintptr
	perms      string
	path       string
}

// mappingAt returns the mapping of this process that holds addr.
func mappingAt(t *testing.T, addr uintptr) mapping {
	t.Helper()
	f, err := os.Open("/proc/self/maps")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		lo, hi, ok := strings.Cut(fields[0], "-")
		require.True(t, ok, sc.Text())
		start, err := strconv.ParseUint(lo, 16, 64)
		require.NoError(t, err)
		end, err := strconv.ParseUint(hi, 16, 64)
		require.NoError(t, err)
		if uintptr(start) <= addr && addr < uintptr(end) {
			m := mapping{start: uintptr(start), end: uintptr(end), perms: fields[1]}
			if len(fields) >= 6 {
				m.path = fields[5]
			}
			return m
		}
	}
	require.NoError(t, sc.Err())
	t.Fatalf("no mapping holds %#x", addr)
	return mapping{}
}

// TestMappedIsTheFilesReadOnlySharedMapping: the range Mapped gives is the
// start of one read-only shared mapping of the store's own file and lies
// inside it, before and after the file grew past its first mapping (bbolt
// then maps it again, elsewhere), so advice on that range touches nothing
// else of the process.
func TestMappedIsTheFilesReadOnlySharedMapping(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := bolt.Open(path, bolt.Options{})
	require.NoError(t, err)
	defer s.Close()
	check := func(when string) int64 {
		var m mapping
		var addr uintptr
		var size int64
		require.NoError(t, s.Mapped(func(a uintptr, n int64) error {
			addr, size = a, n
			m = mappingAt(t, a) // while the transaction holds the mapping
			return nil
		}))
		assert.Equal(t, m.start, addr, "%s: Mapped starts at the start of a mapping", when)
		assert.LessOrEqual(t, addr+uintptr(size), m.end, "%s: and ends inside it", when)
		assert.Equal(t, "r--s", m.perms, "%s: read-only and shared", when)
		assert.Equal(t, path, m.path, "%s: of the store's file", when)
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.LessOrEqual(t, size, fi.Size(), "%s: within the file", when)
		return size
	}
	first := check("new file")
	pad := strings.Repeat("x", 4000)
	for i := range 200 { // about 800 KB: past the first mappings of 32 KB on
		_, err := s.Append(t.Context(), fmt.Sprintf("s-%d", i%7), eventstore.Any, event(`{"pad":"`+pad+`"}`))
		require.NoError(t, err)
	}
	assert.Greater(t, check("grown"), first)
}
