// Package deploy holds feedwire's Kubernetes manifests (a kustomize base and
// dev and prod overlays) and the offline tests that check them, the
// Dockerfile and the Makefile against the server's configuration and routes.
// It has no Go code of its own.
package deploy
