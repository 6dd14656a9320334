package api

// SetMaxPending sets the appends a batch holds before it writes them, for
// tests of batches written in parts, and returns a function restoring it.
func SetMaxPending(n int) func() {
	old := maxPending
	maxPending = n
	return func() { maxPending = old }
}
