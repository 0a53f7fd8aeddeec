# syntax=docker/dockerfile:1

# Build stage. go build fetches only the modules the binary is built from; a
# `go mod download` of the whole module graph would also pull the modules only
# tests use (chromedp, gofeed). The module cache and the build cache are
# BuildKit cache mounts rather than a download layer keyed on go.mod and
# go.sum: they outlive source changes, so a rebuild after editing code
# downloads nothing and recompiles only what changed, and a go.mod change
# fetches only the modules that are new.
FROM golang:1.26.8 AS build
WORKDIR /src
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/feedwire ./cmd/feedwire

# Run stage: a static binary on distroless, as an unprivileged user. The
# bundled example site is embedded in the binary, so the image serves feeds
# with no volume mounted.
FROM gcr.io/distroless/static-debian12:nonroot
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
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/feedwire"]
CMD ["serve"]
