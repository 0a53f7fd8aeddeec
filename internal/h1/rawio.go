package h1

import (
	"syscall"
	"unsafe"
)

// The socket is non-blocking (the Go poller sets it so), so its reads and
// writes return at once: they are made as raw system calls, without
// telling the scheduler, which would prepare to hand the processor to
// another thread in case they blocked.

// rawRead reads from the non-blocking descriptor fd into p.
func rawRead(fd int, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// rawWrite writes head and then body to the non-blocking descriptor fd in
// one system call, and returns how many bytes went out: fewer than all
// when the socket buffer is full, none on EAGAIN or an error.
func rawWrite(fd int, head, body []byte) (int, error) {
	var iov [2]syscall.Iovec
	n := 0
	for _, b := range [2][]byte{head, body} {
		if len(b) > 0 {
			iov[n].Base = &b[0]
			iov[n].SetLen(len(b))
			n++
		}
	}
	if n == 0 {
		return 0, nil
	}
	w, _, errno := syscall.RawSyscall(syscall.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(n))
	if errno != 0 {
		return 0, errno
	}
	return int(w), nil
}
