package cache

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedwire/feedwire/internal/redistest"
)

// writeFile writes body to a new file in a temporary directory.
func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRedisClientCredentialsAndTLS reaches real servers asking for a
// password, an ACL user or TLS, in every mode: URL, one address, Cluster
// and Sentinel.
func TestRedisClientCredentialsAndTLS(t *testing.T) {
	pw := writeFile(t, "password", "s3cret\n") // as `echo s3cret > file` writes it
	userPW := writeFile(t, "user-password", "f33ds")
	wrongPW := writeFile(t, "wrong", "nope")
	plain := redistest.StartWith(t, redistest.Options{Password: "s3cret", Users: map[string]string{"feeds": "f33ds"}})
	secure := redistest.StartWith(t, redistest.Options{Password: "s3cret", TLS: true})
	cluster := redistest.StartClusterWith(t, 3, redistest.Options{Password: "s3cret", TLS: true})
	clusterAddrs := []string{cluster[0].Addr(), cluster[1].Addr(), cluster[2].Addr()}
	sentinel := redistest.StartSentinel(t, secure, "feeds")
	ca, clusterCA := secure.CAFile(), cluster[0].CAFile()
	port := func(s *redistest.Server) string { return s.Addr()[strings.LastIndexByte(s.Addr(), ':'):] }

	tests := []struct {
		name    string
		opts    RedisClientOptions
		wantErr string // from NewRedisClient
		wantCmd string // "" when SET must succeed, else part of its error
	}{
		{name: "url, password file", opts: RedisClientOptions{URL: plain.URL(), PasswordFile: pw}},
		{name: "url, no password", opts: RedisClientOptions{URL: plain.URL()}, wantCmd: "NOAUTH"},
		{name: "url, wrong password", opts: RedisClientOptions{URL: plain.URL(), PasswordFile: wrongPW}, wantCmd: "WRONGPASS"},
		{name: "url, acl user", opts: RedisClientOptions{URL: plain.URL(), Username: "feeds", PasswordFile: userPW}},
		{name: "url with user, password file", opts: RedisClientOptions{URL: "redis://feeds@" + plain.Addr(), PasswordFile: userPW}},
		{name: "url with password, acl user setting", opts: RedisClientOptions{URL: "redis://:f33ds@" + plain.Addr(), Username: "feeds"}},
		{name: "user in URL and setting", opts: RedisClientOptions{URL: "redis://feeds@" + plain.Addr(), Username: "feeds", PasswordFile: userPW}, wantErr: "keep one"},
		{name: "addr, acl user", opts: RedisClientOptions{Addrs: []string{plain.Addr()}, Username: "feeds", PasswordFile: userPW}},
		{name: "addr, acl user, wrong password", opts: RedisClientOptions{Addrs: []string{plain.Addr()}, Username: "feeds", PasswordFile: pw}, wantCmd: "WRONGPASS"},
		{name: "rediss url, CA file", opts: RedisClientOptions{URL: "rediss://localhost" + port(secure), PasswordFile: pw, CAFile: ca}},
		{name: "rediss url, CA file, server name", opts: RedisClientOptions{URL: secure.URL(), PasswordFile: pw, CAFile: ca, TLSServerName: redistest.TLSServerName}},
		{name: "rediss url, unknown CA", opts: RedisClientOptions{URL: "rediss://localhost" + port(secure), PasswordFile: pw}, wantCmd: "certificate"},
		{name: "addr, TLS, server name", opts: RedisClientOptions{Addrs: []string{secure.Addr()}, PasswordFile: pw, CAFile: ca, TLSServerName: redistest.TLSServerName}},
		{name: "addr, TLS, IP not in certificate", opts: RedisClientOptions{Addrs: []string{secure.Addr()}, PasswordFile: pw, CAFile: ca}, wantCmd: "certificate"},
		{name: "addr, plain text to TLS port", opts: RedisClientOptions{Addrs: []string{secure.Addr()}, PasswordFile: pw}, wantCmd: "EOF"},
		{name: "cluster, TLS, password", opts: RedisClientOptions{Addrs: clusterAddrs, PasswordFile: pw, TLS: true, CAFile: clusterCA, TLSServerName: redistest.TLSServerName}},
		{name: "cluster, no password", opts: RedisClientOptions{Addrs: clusterAddrs, CAFile: clusterCA, TLSServerName: redistest.TLSServerName}, wantCmd: "NOAUTH"},
		{name: "sentinel, TLS, password", opts: RedisClientOptions{Addrs: []string{sentinel.Addr()}, MasterName: "feeds", PasswordFile: pw, CAFile: ca, TLSServerName: redistest.TLSServerName}},

		{name: "password file missing", opts: RedisClientOptions{URL: plain.URL(), PasswordFile: filepath.Join(t.TempDir(), "none")}, wantErr: "password file"},
		{name: "password file empty", opts: RedisClientOptions{URL: plain.URL(), PasswordFile: writeFile(t, "empty", "\n")}, wantErr: "is empty"},
		{name: "password in URL and file", opts: RedisClientOptions{URL: "redis://:s3cret@" + plain.Addr(), PasswordFile: pw}, wantErr: "keep one"},
		{name: "TLS with redis url", opts: RedisClientOptions{URL: plain.URL(), TLS: true}, wantErr: "use rediss://"},
		{name: "CA file with redis url", opts: RedisClientOptions{URL: plain.URL(), CAFile: ca}, wantErr: "use rediss://"},
		{name: "CA file missing", opts: RedisClientOptions{Addrs: []string{secure.Addr()}, CAFile: filepath.Join(t.TempDir(), "none")}, wantErr: "CA file"},
		{name: "CA file not PEM", opts: RedisClientOptions{Addrs: []string{secure.Addr()}, CAFile: pw}, wantErr: "no PEM certificate"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Timeout = testTimeout
			c, err := NewRedisClient(tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NewRedisClient: %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewRedisClient: %v", err)
			}
			defer c.Close()
			err = c.Set(ctx, "k", "v", 0).Err()
			switch {
			case tt.wantCmd == "" && err != nil:
				t.Fatalf("SET: %v", err)
			case tt.wantCmd != "" && (err == nil || !strings.Contains(err.Error(), tt.wantCmd)):
				t.Fatalf("SET: %v, want an error containing %q", err, tt.wantCmd)
			}
		})
	}
}

// TestRedisPasswordRotated: a Secret rotated under a running process is
// read for the next connection.
func TestRedisPasswordRotated(t *testing.T) {
	srv := redistest.StartWith(t, redistest.Options{Password: "old"})
	pw := writeFile(t, "password", "old")
	c, err := NewRedisClient(RedisClientOptions{URL: srv.URL(), PasswordFile: pw, Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING with the first password: %v", err)
	}
	if err := c.Do(ctx, "CONFIG", "SET", "requirepass", "new").Err(); err != nil {
		t.Fatalf("CONFIG SET requirepass: %v", err)
	}
	if err := os.WriteFile(pw, []byte("new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "CLIENT", "KILL", "TYPE", "normal").Err(); err != nil {
		t.Fatalf("CLIENT KILL: %v", err)
	}
	// The first command may meet the connection the server closed.
	var last error
	for range 3 {
		if last = c.Ping(ctx).Err(); last == nil {
			return
		}
	}
	t.Fatalf("PING after the password and the file changed: %v", last)
}
