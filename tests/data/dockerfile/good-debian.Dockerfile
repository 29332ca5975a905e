# expect:
FROM debian:bookworm-slim@sha256:2424c1850714a4d94666ec928e24d86de958646737b1d113f5b2207be44d37d8
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    curl -fsSL https://example.com/data.json | tee /tmp/data.json >/dev/null
RUN useradd -l -u 1000000 -m app
COPY --chmod=0644 <<EOF /etc/app.conf
listen = 8080
EOF
RUN <<-SCRIPT
	set -eu
	install -d -o app /srv/data
SCRIPT
WORKDIR /home/app
USER app
HEALTHCHECK CMD ["curl", "-fs", "http://localhost:8080/health"]
CMD ["bash"]
