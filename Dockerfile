# syntax=docker/dockerfile:1
#
# itemsvc, the m8fx example service, with the kit's m8fx tool (the
# wait-for-database init container runs "m8fx prestart").
#
#   docker build -t itemsvc .
#
# Build stage: static binaries (CGO_ENABLED=0; the SQLite driver is
# modernc.org/sqlite, pure Go), no paths or symbol tables in them.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ENV CGO_ENABLED=0 GOOS=linux
RUN go build -trimpath -ldflags "-s -w" -o /out/itemsvc ./examples/itemsvc \
 && go build -trimpath -ldflags "-s -w" -o /out/m8fx ./cmd/m8fx

# Run stage: distroless static (CA certificates and tzdata, no shell, no
# package manager), as the numeric non-root user 65532 so that Kubernetes'
# runAsNonRoot can verify it without reading /etc/passwd.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/itemsvc /usr/local/bin/itemsvc
COPY --from=build /out/m8fx /usr/local/bin/m8fx
USER 65532:65532
EXPOSE 8000
# A deployment always sets ENVIRONMENT (see deploy/kubernetes/configmap.yaml):
# without it itemsvc falls back to its committed dev-only settings.
ENTRYPOINT ["/usr/local/bin/itemsvc"]
