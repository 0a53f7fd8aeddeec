package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/feedwire/feedwire/internal/config"
)

// hooks lets tests follow the server's life, and main print where to
// browse in a terminal.
type hooks struct {
	listening func(addr string) // called once the listener is bound
	loaded    func()            // called after each snapshot swap
}

// serve runs the HTTP server until ctx is done, then shuts it down within
// cfg.ShutdownTimeout. Posts load in the background: the server is live at
// once and ready when the first snapshot is in.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, h *hooks) error {
	if h == nil {
		h = &hooks{}
	}
	if err := preflight(cfg, log); err != nil {
		return err
	}
	deps, err := newDeps(ctx, cfg, log, h.loaded)
	if err != nil {
		return err
	}
	defer deps.close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	servers := []*http.Server{newHTTPServer(deps.server.Handler(), log)}
	listeners := []net.Listener{ln}
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen %s: %w", cfg.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", deps.metricsHandler)
		if deps.stats != nil {
			mux.Handle("GET /stats.json", deps.stats)
		}
		servers = append(servers, newHTTPServer(mux, log))
		listeners = append(listeners, mln)
	}
	errc := make(chan error, len(servers))
	for i, s := range servers {
		go func() {
			if err := s.Serve(listeners[i]); !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	log.Info("listening", "addr", ln.Addr().String(), "url", config.LocalURL(ln.Addr().String())+"/", "version", version)
	if h.listening != nil {
		h.listening(ln.Addr().String())
	}

	loadCtx, stopLoading := context.WithCancel(ctx)
	defer stopLoading()
	go deps.loop.Run(loadCtx)
	go deps.watchRedis(loadCtx)
	if deps.hub != nil {
		go deps.hub.Run(loadCtx)
	}
	if deps.builtinHub != nil {
		deps.waitHub = deps.builtinHub.Start(loadCtx)
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	}
	stopLoading()
	log.Info("shutting down", slog.Duration("timeout", cfg.ShutdownTimeout))
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	var errs []error
	for _, s := range servers {
		if err := s.Shutdown(shutdownCtx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
	}
	return errors.Join(errs...)
}

// newHTTPServer bounds every part of a connection's life.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
