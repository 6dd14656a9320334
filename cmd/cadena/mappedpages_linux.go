package main

import "syscall"

// canDropMapped says whether dontNeed drops pages on this system.
const canDropMapped = true

// dontNeed advises the kernel that the n bytes of a file mapping from
// addr (page-aligned) are not needed: it unmaps them from the process; for
// a shared file mapping they stay in the page cache.
func dontNeed(addr uintptr, n int64) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(n), syscall.MADV_DONTNEED); errno != 0 {
		return errno
	}
	return nil
}
