# syntax=docker/dockerfile:1

# Build stage. go build fetches only the modules the binary is built from; a
# `go mod download` of the whole module graph would also pull the modules only
# tests use (chromedp, gofeed). The module cache and the build cache are
# BuildKit cache mounts rather than a download layer keyed on go.mod and
# go.sum: they outlive source changes, so a rebuild after editing code
# downloads nothing and recompiles only what changed, and a go.mod change
# fetches only the modules that are new.
#
# Base images are pinned by digest, the tag in a comment, so that a rebuild
# of the same commit uses the same bytes. To move to a newer tag:
#   crane digest golang:1.26.8-bookworm
#   crane digest gcr.io/distroless/static-debian12:nonroot
# golang:1.26.8-bookworm
FROM golang:1.26.8-bookworm@sha256:dc9ad6c05acc7a88e5b71bde60a5fe3bd4b9f0db209011711b464107438a8107 AS build
WORKDIR /src
COPY . .
ARG VERSION=dev
ARG REVISION=unknown
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${REVISION}" -o /out/feedwire ./cmd/feedwire

# Run stage: a static binary on distroless, as an unprivileged user. The
# bundled example site is embedded in the binary, so the image serves feeds
# with no volume mounted.
# gcr.io/distroless/static-debian12:nonroot
FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="feedwire" \
      org.opencontainers.image.description="Publishes a Jekyll posts directory as RSS, Atom and JSON Feed documents" \
      org.opencontainers.image.source="https://github.com/feedwire/feedwire" \
      org.opencontainers.image.url="https://github.com/feedwire/feedwire" \
      org.opencontainers.image.documentation="https://github.com/feedwire/feedwire#readme" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="gcr.io/distroless/static-debian12:nonroot"
COPY --from=build /out/feedwire /usr/local/bin/feedwire
ENV FEEDWIRE_ADDR=:8080
EXPOSE 8080
# Numeric, so that Kubernetes' runAsNonRoot can check it is not root
# (65532 is distroless's nonroot).
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/feedwire"]
CMD ["serve"]
