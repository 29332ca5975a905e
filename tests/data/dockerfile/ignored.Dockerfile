# expect: CS-DF-031
# customs ignore=CS-DF-001
FROM alpine
# hadolint ignore=DL3019,DL3003
RUN cd /tmp && apk add curl
USER 1
