# expect: CS-DF-006,CS-DF-007,CS-DF-008,CS-DF-042,CS-DF-049,CS-DF-055,CS-DF-031
FROM alpine:3.20
ADD https://example.com/tool.tar.gz /opt/
ADD app.conf /etc/app.conf
RUN wget https://example.com/x && curl -sSL https://example.com/install.sh | sh
USER nobody
