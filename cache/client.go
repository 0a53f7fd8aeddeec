package cache

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisTimeout is the dial, read and write timeout used when
// NewRedisClient is given zero, and the per-command bound of Redis.
const DefaultRedisTimeout = 50 * time.Millisecond

// Pool settings of NewRedisClient: a few connections per node suffice for
// small GETs and SETs with short timeouts.
const (
	poolSize        = 16
	maxIdleConns    = 8
	connMaxIdleTime = 5 * time.Minute
)

// RedisClientOptions say where Redis is and how to log in to it.
type RedisClientOptions struct {
	// URL (redis:// or rediss://, user, password and database in the URL)
	// gives a single-node client.
	URL string
	// Addrs, when URL is empty, gives a Redis Cluster client when it holds
	// several addresses, a Sentinel-backed client when MasterName is set,
	// and a single-node client for one address.
	Addrs      []string
	MasterName string
	// Timeout bounds dialling, reading and writing (DefaultRedisTimeout
	// when zero).
	Timeout time.Duration
	// Username is the ACL user (empty: the default user).
	Username string
	// PasswordFile holds the password, as a mounted Kubernetes Secret does
	// (one trailing newline ignored). It is read at start, and again for
	// every new connection, so a rotated Secret takes effect without a
	// restart.
	PasswordFile string
	// TLS turns TLS on for Addrs; a URL asks for it with rediss://.
	TLS bool
	// CAFile is a PEM bundle of the authorities that sign the servers'
	// certificates (empty: the system's). It implies TLS.
	CAFile string
	// TLSServerName is the name the servers' certificates must carry
	// (empty: the host dialled). It implies TLS.
	TLSServerName string
}

// NewRedisClient returns a go-redis client for o. With Sentinel, the
// credentials and TLS settings are used for the Sentinels and the master
// alike (Sentinels read the password once, at start). The client fails
// fast: the timeout bounds dialling, reading and writing, commands are not
// retried and the pool is small. The caller closes the client.
func NewRedisClient(o RedisClientOptions) (redis.UniversalClient, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultRedisTimeout
	}
	if o.PasswordFile != "" {
		if _, err := readPassword(o.PasswordFile); err != nil {
			return nil, err
		}
	}
	tc, err := o.tlsConfig()
	if err != nil {
		return nil, err
	}
	if o.URL != "" {
		return o.urlClient(tc)
	}
	if len(o.Addrs) == 0 {
		return nil, errors.New("cache: redis: no URL and no addresses")
	}
	for _, a := range o.Addrs {
		if a == "" {
			return nil, errors.New("cache: redis: empty address")
		}
	}
	u := &redis.UniversalOptions{Addrs: o.Addrs, MasterName: o.MasterName, TLSConfig: tc, Username: o.Username}
	if o.PasswordFile != "" {
		u.CredentialsProviderContext = passwordFile(o.Username, o.PasswordFile)
	}
	if o.MasterName != "" {
		// go-redis logs in to Sentinels with these, not with the provider.
		u.SentinelUsername = o.Username
		if o.PasswordFile != "" {
			u.SentinelPassword, _ = readPassword(o.PasswordFile) // read above
		}
	}
	failFast(u, o.Timeout)
	return redis.NewUniversalClient(u), nil
}

// urlClient is the single-node client of o.URL.
func (o RedisClientOptions) urlClient(tc *tls.Config) (redis.UniversalClient, error) {
	if len(o.Addrs) > 0 {
		return nil, errors.New("cache: redis: set a URL or addresses, not both")
	}
	if o.TLS && !strings.HasPrefix(o.URL, "rediss://") {
		return nil, errors.New("cache: redis: TLS asked for with a redis:// URL: use rediss://")
	}
	opt, err := redis.ParseURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("cache: redis: parse URL: %w", err)
	}
	if (o.PasswordFile != "" && opt.Password != "") || (o.Username != "" && opt.Username != "") {
		return nil, errors.New("cache: redis: credentials both in the URL and in settings: keep one")
	}
	if o.Username != "" {
		opt.Username = o.Username
	}
	if o.PasswordFile != "" {
		opt.CredentialsProviderContext = passwordFile(opt.Username, o.PasswordFile)
	}
	if tc != nil {
		if opt.TLSConfig == nil {
			return nil, errors.New("cache: redis: a CA file or TLS server name with a redis:// URL: use rediss://")
		}
		if tc.ServerName == "" {
			tc.ServerName = opt.TLSConfig.ServerName
		}
		tc.InsecureSkipVerify = opt.TLSConfig.InsecureSkipVerify // ?skip_verify=true
		opt.TLSConfig = tc
	}
	opt.DialTimeout = dialTimeout(o.Timeout)
	opt.ReadTimeout = o.Timeout
	opt.WriteTimeout = o.Timeout
	opt.PoolTimeout = o.Timeout
	opt.ContextTimeoutEnabled = true
	opt.MaxRetries = -1 // no retries: the breaker and local rendering cover failures
	opt.DialerRetries = 1
	opt.PoolSize = poolSize
	opt.MaxIdleConns = maxIdleConns
	opt.ConnMaxIdleTime = connMaxIdleTime
	return redis.NewClient(opt), nil
}

// passwordFile returns the credentials of user with the password in file,
// read for every new connection.
func passwordFile(user, file string) func(context.Context) (string, string, error) {
	return func(context.Context) (string, string, error) {
		pw, err := readPassword(file)
		return user, pw, err
	}
}

// readPassword reads a password file, without one trailing newline.
func readPassword(name string) (string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("cache: redis: password file: %w", err)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if pw == "" {
		return "", fmt.Errorf("cache: redis: password file %s is empty", name)
	}
	return pw, nil
}

// tlsConfig returns the TLS settings of o: nil when TLS is off (a
// rediss:// URL then brings its own).
func (o RedisClientOptions) tlsConfig() (*tls.Config, error) {
	if !o.TLS && o.CAFile == "" && o.TLSServerName == "" {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: o.TLSServerName}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("cache: redis: CA file: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("cache: redis: CA file %s holds no PEM certificate", o.CAFile)
		}
	}
	return tc, nil
}

// dialTimeout bounds dialling. Commands carry their own deadline (the
// command timeout, longer for the breaker's probe), which bounds the dial
// they wait for too; this outer bound only lets a probe's dial take as
// long as the probe may.
func dialTimeout(timeout time.Duration) time.Duration {
	return max(probeTimeoutFactor*timeout, minProbeTimeout)
}

// failFast sets the timeouts and pool settings of an accelerator that is
// never worth waiting for.
func failFast(u *redis.UniversalOptions, timeout time.Duration) {
	u.DialTimeout = dialTimeout(timeout)
	u.ReadTimeout = timeout
	u.WriteTimeout = timeout
	u.PoolTimeout = timeout
	u.ContextTimeoutEnabled = true
	u.MaxRetries = -1
	u.DialerRetries = 1
	u.PoolSize = poolSize
	u.MaxIdleConns = maxIdleConns
	u.ConnMaxIdleTime = connMaxIdleTime
	if len(u.Addrs) > 1 && u.MasterName == "" {
		u.MaxRedirects = 3
	}
}

// String describes where Redis is and how feedwire logs in to it, without
// any password: for the start-up log.
func (o RedisClientOptions) String() string {
	where := "addrs=" + strings.Join(o.Addrs, ",")
	if o.URL != "" {
		where = "(unparsable URL)"
		if opt, err := redis.ParseURL(o.URL); err == nil {
			where = opt.Addr
		}
	}
	tls := strings.HasPrefix(o.URL, "rediss://") || o.TLS || o.CAFile != "" || o.TLSServerName != ""
	return fmt.Sprintf("%s tls=%t user=%q password_file=%q", where, tls, o.Username, o.PasswordFile)
}
