package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is one child process: a feedwire replica or a redis-server.
type proc struct {
	name string
	addr string // host:port it listens on
	bin  string
	args []string
	env  []string
	logs string // file collecting its stdout and stderr

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd has been reaped
	err    error         // its exit status, once exited
}

// procs remembers every child so that all can be killed on the way out.
type procs struct {
	dir string
	mu  sync.Mutex
	all []*proc
}

// killAll stops every child still running.
func (ps *procs) killAll() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, p := range ps.all {
		p.kill()
	}
}

// freeAddr returns a loopback address with a port nobody listened on just now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// feedwire starts bin serving dir on a free loopback port with the given
// extra FEEDWIRE_ variables, and waits until it is ready.
func (ps *procs) feedwire(ctx context.Context, bin, name, dir string, env ...string) (*proc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p := &proc{name: name, addr: addr, bin: bin, args: []string{"serve"},
		env: append([]string{
			"FEEDWIRE_POSTS_DIR=" + dir, "FEEDWIRE_ADDR=" + addr,
			"FEEDWIRE_LOG_LEVEL=warn", "FEEDWIRE_LOG_FORMAT=text",
		}, env...),
		logs: filepath.Join(ps.dir, name+".log")}
	ps.mu.Lock()
	ps.all = append(ps.all, p)
	ps.mu.Unlock()
	if err := p.start(); err != nil {
		return nil, err
	}
	return p, p.waitReady(ctx, 5*time.Minute)
}

// redis starts a redis-server without persistence on a free loopback port.
func (ps *procs) redis(ctx context.Context) (*proc, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server not found (apt-get install redis-server): %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	rdir := filepath.Join(ps.dir, "redis-"+port)
	if err := os.MkdirAll(rdir, 0o755); err != nil {
		return nil, err
	}
	p := &proc{name: "redis", addr: addr, bin: bin,
		args: []string{"--save", "", "--appendonly", "no", "--port", port, "--bind", "127.0.0.1", "--dir", rdir},
		logs: filepath.Join(ps.dir, "redis-"+port+".log")}
	ps.mu.Lock()
	ps.all = append(ps.all, p)
	ps.mu.Unlock()
	if err := p.start(); err != nil {
		return nil, err
	}
	return p, p.waitRedis(ctx, 10*time.Second)
}

// start launches the process; it must not be running.
func (p *proc) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, err := os.OpenFile(p.logs, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	exited := make(chan struct{})
	p.cmd, p.exited = cmd, exited
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(exited)
	}()
	return nil
}

// pid returns the process id, 0 when not running.
func (p *proc) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// kill sends SIGKILL and waits for the exit; a stopped process is left alone.
func (p *proc) kill() {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-exited
	p.mu.Lock()
	p.cmd = nil
	p.mu.Unlock()
}

// terminate sends SIGTERM and waits up to timeout for the exit; it returns
// the exit status.
func (p *proc) terminate(timeout time.Duration) error {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return errors.New("not running")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-exited:
	case <-time.After(timeout):
		p.kill()
		return fmt.Errorf("%s still running %s after SIGTERM", p.name, timeout)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cmd = nil
	return p.err
}

// base returns the process's http:// base URL.
func (p *proc) base() string { return "http://" + p.addr }

// waitReady polls /readyz until it answers 200.
func (p *proc) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := c.Get(p.base() + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		p.mu.Lock()
		exited := p.exited
		p.mu.Unlock()
		select {
		case <-exited:
			return fmt.Errorf("%s exited before ready; see %s", p.name, p.logs)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s; see %s", p.name, timeout, p.logs)
		}
	}
}

// waitRedis waits until the server answers PING.
func (p *proc) waitRedis(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if c, err := net.DialTimeout("tcp", p.addr, time.Second); err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			_, err = c.Write([]byte("PING\r\n"))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err == nil && strings.HasPrefix(line, "+PONG") {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis on %s not answering after %s", p.addr, timeout)
		}
	}
}

// memory reads VmRSS and VmHWM of a process, in bytes.
func memory(pid int) (rss, hwm int64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, err
		}
		if k == "VmRSS" {
			rss = n << 10
		} else {
			hwm = n << 10
		}
	}
	return rss, hwm, nil
}

// metrics is one scrape of /metrics: series (name with labels) to value.
type metrics map[string]float64

// scrape reads /metrics of a replica.
func scrape(base string) (metrics, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("metrics: %s", resp.Status)
	}
	m := metrics{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		m[line[:i]] = v
	}
	return m, sc.Err()
}

// sum adds every series of the metric name whose labels contain all of the
// given label pairs (like `tier="redis"`).
func (m metrics) sum(name string, labels ...string) float64 {
	var total float64
	for k, v := range m {
		n, rest, _ := strings.Cut(k, "{")
		if n != name {
			continue
		}
		ok := true
		for _, l := range labels {
			if !strings.Contains(rest, l) {
				ok = false
			}
		}
		if ok {
			total += v
		}
	}
	return total
}
