# expect: CS-DF-016,CS-DF-018,CS-DF-020,CS-DF-022,CS-DF-030,CS-DF-037,CS-DF-038,CS-DF-039,CS-DF-044,CS-DF-045,CS-DF-046,CS-DF-047,CS-DF-048,CS-DF-052,CS-DF-056,CS-DF-058,CS-DF-019,CS-DF-031,CS-DF-059,CS-DF-060
FROM alpine:3.20
SHELL /bin/sh -c
RUN apk upgrade && apk add curl
RUN pip install flask==3.0.0 && npm ci
RUN yum install httpd
RUN dnf install httpd
RUN zypper install httpd && zypper dup
RUN useradd -u 2000000 app && chmod 777 /srv
RUN service nginx restart
RUN ln -sf /bin/bash /bin/sh && ls
EXPOSE 22 99999/tcp
USER app
