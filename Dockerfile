# Image for partnero-fake: a static binary in an empty (scratch) image.
#
#   docker build -t partnero-fake .              # builds from source (stage "final")
#   docker build --target prebuilt -t partnero-fake DIR
#                                                # DIR holds a static ./partnero-fake;
#                                                # pulls nothing (what .ci/run does)
#
# "prebuilt" must stay the FIRST stage: the classic (non-BuildKit) builder
# runs every stage up to --target, so --target prebuilt never reaches the
# golang base image below. BuildKit runs only the stages the target needs,
# so it skips "prebuilt" on a plain `docker build .`.
#
# The classic builder (DOCKER_BUILDKIT=0, or a docker CLI without buildx,
# such as Debian's docker.io) runs "prebuilt" on a plain `docker build .`
# too, where the context has no binary. Both sources are therefore globs:
# a glob that matches nothing is allowed as long as some source matches,
# and go.mod matches in the repository root. That go.mod lands only in
# this throwaway stage; "final" copies from "build". In .ci/run's context
# only the binary matches.
FROM scratch AS prebuilt
COPY partnero-fak[e] go.mo[d] /
USER 65532:65532
EXPOSE 8080
# The address comes from the environment, not from arguments, so that the
# healthcheck (which reads the same variable) probes the port the server
# listens on: change the port with -e PARTNERO_FAKE_ADDR=:9000.
ENV PARTNERO_FAKE_ADDR=:8080
HEALTHCHECK --interval=5s --timeout=3s --retries=3 CMD ["/partnero-fake", "healthcheck"]
ENTRYPOINT ["/partnero-fake"]

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so this layer is cached until go.mod or go.sum changes.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/partnero-fake ./cmd/partnero-fake

# Default target (last stage). Keep its settings in step with "prebuilt".
FROM scratch AS final
COPY --from=build /out/partnero-fake /partnero-fake
USER 65532:65532
EXPOSE 8080
ENV PARTNERO_FAKE_ADDR=:8080
HEALTHCHECK --interval=5s --timeout=3s --retries=3 CMD ["/partnero-fake", "healthcheck"]
ENTRYPOINT ["/partnero-fake"]
