//go:build !linux

package main

// canDropMapped says whether dontNeed drops pages on this system: only
// Linux's MADV_DONTNEED is known to leave a shared file mapping's pages in
// the page cache, so elsewhere they are left to the kernel.
const canDropMapped = false

func dontNeed(uintptr, int64) error { return nil }
