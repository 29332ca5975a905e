# syntax=docker/dockerfile:1
# expect:
# A small, well-behaved image: pinned base, no cache, unprivileged user,
# exec-form CMD and a HEALTHCHECK. tests/e2e/lint-dockerfile.sh builds it.
ARG BASE=localhost/customs-alpine:3.20
FROM ${BASE} AS build
WORKDIR /src
RUN printf '#!/bin/sh\necho "hello from customs"\n' > /src/hello.sh \
    && chmod 0755 /src/hello.sh

FROM ${BASE}
LABEL org.opencontainers.image.title="hello" \
      org.opencontainers.image.authors="customs tests"
RUN addgroup -S app \
    && adduser -S -G app -u 10001 app
WORKDIR /app
COPY --from=build --chown=10001:10001 /src/hello.sh /app/hello.sh
ENV APP_MODE=production
EXPOSE 8080/tcp
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["/bin/sh", "-c", "test -x /app/hello.sh"]
ENTRYPOINT ["/app/hello.sh"]
