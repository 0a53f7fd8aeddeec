# syntax=docker/dockerfile:1

# Build stage: the module download layer comes first so that it is reused
# until go.mod or go.sum change.
FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/feedwire ./cmd/feedwire

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
