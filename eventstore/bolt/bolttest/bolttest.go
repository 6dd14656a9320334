// Package bolttest helps the tests of code that keeps its store in a bolt
// file: a small file system to fill, to see what a full disk does.
package bolttest

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// SmallFS mounts a tmpfs of size bytes on a temporary directory for the
// rest of the test and returns the directory. Where mounting is refused
// (not root, or a container without the capability) it skips the test,
// saying why.
func SmallFS(t testing.TB, size int) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (run as root to test a full disk): %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}
