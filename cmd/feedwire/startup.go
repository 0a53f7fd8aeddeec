package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/feedwire/feedwire/example"
	"github.com/feedwire/feedwire/internal/config"
	"github.com/feedwire/feedwire/internal/reload"
)

// preflight logs the settings in effect and checks, before anything is
// served, what can never work: a posts folder that is a file or cannot
// be read, a _config.yml whose url, permalink or timezone is bad. A posts
// folder that does not exist yet (a git-sync sidecar has not cloned it)
// is waited for by the reload loop. It warns when every link would point
// at the listen address.
func preflight(cfg config.Config, log *slog.Logger) error {
	settings := cfg.Effective()
	attrs := make([]any, len(settings))
	for i, s := range settings {
		attrs[i] = slog.String(s.Name, s.Value)
	}
	log.Info("settings", attrs...)

	fsys, dir := example.FS(), "the bundled example site"
	if cfg.PostsDir != "" {
		root, err := reload.Root(cfg.PostsDir)
		if errors.Is(err, fs.ErrNotExist) {
			log.Warn("posts folder does not exist yet; waiting for it", "dir", cfg.PostsDir)
			return nil
		}
		if err != nil {
			return err
		}
		fsys, dir = os.DirFS(root), cfg.PostsDir
	}
	warnings, err := cfg.SiteWarnings(fsys)
	if err != nil {
		return fmt.Errorf("site settings of %s: %w", dir, err)
	}
	for _, w := range warnings {
		log.Warn(w)
	}
	return nil
}
