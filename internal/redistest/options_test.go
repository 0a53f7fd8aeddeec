package redistest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestStartWith(t *testing.T) {
	ctx := context.Background()
	pw := StartWith(t, Options{Password: "s3cret"})
	acl := StartWith(t, Options{Password: "adm1n", Users: map[string]string{"feeds": "f33ds"}})
	tlsSrv := StartWith(t, Options{TLS: true, Password: "s3cret"})
	tests := []struct {
		name    string
		opts    *redis.Options
		wantErr string // "" when PING must answer
	}{
		{"password", &redis.Options{Addr: pw.Addr(), Password: "s3cret"}, ""},
		{"no password", &redis.Options{Addr: pw.Addr()}, "NOAUTH"},
		{"wrong password", &redis.Options{Addr: pw.Addr(), Password: "nope"}, "WRONGPASS"},
		{"acl user", &redis.Options{Addr: acl.Addr(), Username: "feeds", Password: "f33ds"}, ""},
		{"acl user, wrong password", &redis.Options{Addr: acl.Addr(), Username: "feeds", Password: "adm1n"}, "WRONGPASS"},
		{"tls", &redis.Options{Addr: tlsSrv.Addr(), Password: "s3cret", TLSConfig: tlsSrv.TLSConfig()}, ""},
		{"tls refused in plain text", &redis.Options{Addr: tlsSrv.Addr(), Password: "s3cret"}, "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.MaxRetries = -1
			c := redis.NewClient(tt.opts)
			defer c.Close()
			err := c.Set(ctx, "k", "v", 0).Err()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("SET: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("SET: %v, want an error containing %s", err, tt.wantErr)
			}
		})
	}
	if !strings.HasPrefix(tlsSrv.URL(), "rediss://") || tlsSrv.CAFile() == "" {
		t.Errorf("TLS server: URL %q, CA file %q", tlsSrv.URL(), tlsSrv.CAFile())
	}
	if got, err := tlsSrv.Client().Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Errorf("Client() of the TLS server: GET k = %q, %v", got, err)
	}
	tlsSrv.Restart()
	if err := tlsSrv.Client().Ping(ctx).Err(); err != nil {
		t.Errorf("PING after restarting the TLS server: %v", err)
	}
}

func TestStartClusterWithTLSAndPassword(t *testing.T) {
	servers := StartClusterWith(t, 3, Options{TLS: true, Password: "s3cret"})
	addrs := make([]string, len(servers))
	for i, s := range servers {
		addrs[i] = s.Addr()
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: addrs, Password: "s3cret", TLSConfig: servers[0].TLSConfig(),
	})
	defer c.Close()
	ctx := context.Background()
	for i := range 30 {
		k := fmt.Sprintf("key-%d", i)
		if err := c.Set(ctx, k, k, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
	}
}

func TestStartSentinelOfTLSMaster(t *testing.T) {
	master := StartWith(t, Options{TLS: true, Password: "s3cret"})
	sentinel := StartSentinel(t, master, "feeds")
	c := redis.NewFailoverClient(&redis.FailoverOptions{
		MasterName: "feeds", SentinelAddrs: []string{sentinel.Addr()},
		SentinelPassword: "s3cret", Password: "s3cret", TLSConfig: master.TLSConfig(), MaxRetries: -1,
	})
	defer c.Close()
	if err := c.Set(context.Background(), "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET through the Sentinel: %v", err)
	}
}
