# syntax=docker/dockerfile:1
# antwort as a container: a static binary on an empty base, run as a
# non-root user, with its state (model store, knowledge base, journal) in
# the volume /data. See docs/deploy.md.
#
#   docker build -t antwort --build-arg VERSION=v0.2.0 .
#   docker run --rm antwort demo
#   docker run -d -p 8080:8080 -v antwort-data:/data -e ANTWORT_TOKEN_FILE=/run/secrets/tokens antwort
#
# podman and buildah take the same arguments, plus --format docker: the
# OCI image format they default to has no HEALTHCHECK.

ARG GO_IMAGE=golang:1.26-bookworm

FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
ARG COMMIT=""
ARG DATE=""
# CGO off: a static binary that needs no libc in the image. The version
# comes from -ldflags (the build context has no .git).
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/antwort-dev/antwort/internal/buildinfo.version=${VERSION:-(devel)} -X github.com/antwort-dev/antwort/internal/buildinfo.commit=${COMMIT} -X github.com/antwort-dev/antwort/internal/buildinfo.date=${DATE}" \
      -o /out/usr/local/bin/antwort ./cmd/antwort \
 && mkdir -p /out/etc/ssl/certs /out/data /out/tmp \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ \
 && echo 'antwort:x:10001:10001:antwort:/data:/nonexistent' > /out/etc/passwd \
 && echo 'antwort:x:10001:' > /out/etc/group \
 && chown 10001:10001 /out/data \
 && chmod 1777 /out/tmp

# The runtime stage: nothing but the binary, CA certificates (SMTP over
# TLS), a passwd entry for the user and the data directory.
FROM scratch AS runtime
COPY --from=build /out/ /
USER 10001:10001
WORKDIR /data
ENV ANTWORT_DB=/data/antwort.db \
    ANTWORT_KB=/data/kb \
    ANTWORT_JOURNAL=/data/antwort.journal \
    ANTWORT_ADDR=0.0.0.0:8080 \
    ANTWORT_WORKER_LISTEN=0.0.0.0:9464 \
    ANTWORT_LOG_FORMAT=json \
    ANTWORT_LOG_LEVEL=info
VOLUME ["/data"]
EXPOSE 8080 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/antwort", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/antwort"]
CMD ["serve"]
