# expect: CS-DF-024,CS-DF-026,CS-DF-027,CS-DF-028,CS-DF-033,CS-DF-034,CS-DF-035,CS-DF-036,CS-DF-041,CS-DF-050,CS-DF-057
FROM --platform=linux/amd64 golang:1.22 AS build
WORKDIR src
COPY --from=build /a /b
COPY --from=later /c /d/
FROM alpine:3.20 AS build
COPY --from=nginx:latest /etc/nginx/nginx.conf /etc/nginx/
COPY a.txt b.txt out
FROM alpine:3.20 AS later
USER 1000
CMD ["a"]
CMD ["b"]
ENTRYPOINT ["a"]
ENTRYPOINT ["b"]
HEALTHCHECK NONE
HEALTHCHECK CMD ["true"]
