package redistest

import (
	"crypto/tls"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Options are what a Server asks of its clients.
type Options struct {
	// Password is the default user's password (requirepass); empty: none.
	Password string
	// Users are ACL users created at start, by name to password, each
	// allowed every key, channel and command.
	Users map[string]string
	// TLS serves TLS only, with a server certificate for the names
	// TLSServerName and "localhost" (not for the IP address) signed by a
	// certificate authority made for the test: see CAFile and TLSConfig.
	TLS bool

	files *tlsFiles // with TLS, certificates shared by several servers
}

// TLSServerName is a name the certificate of a TLS Server is valid for.
const TLSServerName = "redis.test"

// StartWith is Start with the password, ACL users or TLS of o.
func StartWith(t testing.TB, o Options) *Server {
	t.Helper()
	return startServer(t, false, nil, nil, o)
}

// authArgs returns the redis-server arguments of o's password and users.
func (o Options) authArgs() []string {
	var args []string
	if o.Password != "" {
		args = append(args, "--requirepass", o.Password)
	}
	for name, pw := range o.Users {
		args = append(args, "--user", name, "on", ">"+pw, "~*", "&*", "+@all")
	}
	return args
}

// CAFile returns the path of the PEM certificate of the authority that
// signed a TLS Server's certificate; empty for a Server without TLS.
func (s *Server) CAFile() string {
	if s.tls == nil {
		return ""
	}
	return s.tls.caFile
}

// TLSConfig returns a client configuration trusting the Server's
// certificate authority and naming TLSServerName; nil without TLS.
func (s *Server) TLSConfig() *tls.Config {
	if s.tls == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.tls.pool, ServerName: TLSServerName, MinVersion: tls.VersionTLS12}
}

// options returns go-redis options reaching the server as its default
// user, with its password and TLS settings.
func (s *Server) options() *redis.Options {
	return &redis.Options{Addr: s.Addr(), Password: s.password, TLSConfig: s.TLSConfig()}
}

// scheme returns the URL scheme of the server: rediss with TLS.
func (s *Server) scheme() string {
	if s.tls != nil {
		return "rediss"
	}
	return "redis"
}

// Port returns the port the server listens on (TLS only, with TLS).
func (s *Server) Port() int { return s.port }

// portArgs returns the listening arguments of the server.
func (s *Server) portArgs() []string {
	if s.tls == nil {
		return []string{"--port", strconv.Itoa(s.port)}
	}
	return []string{
		"--port", "0", "--tls-port", strconv.Itoa(s.port),
		"--tls-cert-file", s.tls.certFile, "--tls-key-file", s.tls.keyFile,
		"--tls-ca-cert-file", s.tls.caFile, "--tls-auth-clients", "no",
	}
}
