// Package redistest runs real redis-server processes for tests: a single
// server that can be killed and restarted mid-test, with a password, ACL
// users or TLS if asked, a small Redis Cluster and a Sentinel. Tests skip when redis-server is not installed, and fail instead
// when the environment variable CI is non-empty.
package redistest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTimeout bounds how long a server may take to answer PING.
const startTimeout = 10 * time.Second

// Server is one redis-server process listening on 127.0.0.1.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	pre  []string // arguments before the defaults (a config file)
	args []string // arguments after them

	password string    // the default user's password, if any
	tls      *tlsFiles // nil: plain TCP

	mu     sync.Mutex
	proc   *os.Process   // nil when not running
	exited chan struct{} // closed when proc has exited and been reaped
}

// Start runs a redis-server without persistence on a free loopback port
// in a temporary directory, waits until it answers PING, and stops it when
// the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return startServer(t, false, nil, nil, Options{})
}

// startServer starts a Server with extra arguments before (pre) and after
// (args) the defaults, and the password, users and TLS of o; with bus set
// the port's cluster bus port (port+10000) is free too.
func startServer(t testing.TB, bus bool, pre, args []string, o Options) *Server {
	t.Helper()
	bin := lookPath(t, "redis-server")
	s := &Server{t: t, bin: bin, dir: t.TempDir(), pre: pre, password: o.Password}
	s.args = append(o.authArgs(), args...)
	if o.TLS {
		s.tls = o.files
		if s.tls == nil {
			s.tls = makeTLS(t)
		}
	}
	t.Cleanup(s.Kill)
	var err error
	for range 3 { // a free port can be taken between probe and bind
		s.port, err = freePort(bus)
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		if err = s.start(); err == nil {
			return s
		}
	}
	t.Fatalf("redistest: %v", err)
	return nil
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// URL returns the server's URL, without credentials: redis://, or
// rediss:// with TLS.
func (s *Server) URL() string { return s.scheme() + "://" + s.Addr() }

// Client returns a new client of the server as its default user (with the
// password and TLS settings it needs), closed when the test ends.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(s.options())
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// Kill stops the server with SIGKILL and waits for it to exit. Killing a
// stopped server does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	_ = s.proc.Kill()
	<-s.exited
	s.proc, s.exited = nil, nil
}

// Restart kills the server if it runs and starts it again, empty, on the
// same port.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

// start launches redis-server on s.port and waits for PING.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	args := append(slices.Clone(s.pre),
		"--save", "", "--appendonly", "no",
		"--bind", "127.0.0.1", "--dir", s.dir)
	args = append(args, s.portArgs()...)
	args = append(args, s.args...)
	logPath := filepath.Join(s.dir, "redis.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	defer logFile.Close()
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	err = waitPing(s.Addr(), s.TLSConfig(), exited)
	if err != nil {
		_ = cmd.Process.Kill()
		<-exited
		out, _ := os.ReadFile(logPath)
		return fmt.Errorf("redis-server on port %d: %w (exit: %v)\n%s", s.port, err, waitErr, tail(out, 2000))
	}
	s.proc, s.exited = cmd.Process, exited
	return nil
}
