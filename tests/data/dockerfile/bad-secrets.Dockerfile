# expect: CS-DF-009,CS-DF-040,CS-DF-051,CS-DF-031
FROM alpine:3.20
ARG NPM_TOKEN
ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
COPY id_ed25519 /root/.ssh/id_ed25519
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /root/.npmrc
RUN --mount=type=secret,id=npm,env=NPM_TOKEN echo ok
USER 65534
