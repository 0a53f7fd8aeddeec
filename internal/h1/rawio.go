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

// write sends head and body: straight to the descriptor while the socket
// takes them, through the connection, which waits for room under the
// write deadline, for whatever it does not.
func (c *conn) write(head, body []byte) error {
	if c.raw != nil && c.fd >= 0 {
		n, err := rawWrite(c.fd, head, body)
		if err != nil && err != syscall.EAGAIN && err != syscall.EINTR {
			return err
		}
		if n >= len(head) {
			n -= len(head)
			head, body = nil, body[n:]
		} else {
			head = head[n:]
		}
		if len(head) == 0 && len(body) == 0 {
			return nil
		}
	}
	if len(body) == 0 {
		_, err := c.nc.Write(head)
		return err
	}
	c.iov = append(c.iov[:0], head, body)
	_, err := c.iov.WriteTo(c.nc)
	return err
}
