# expect: CS-DF-001,CS-DF-004,CS-DF-029,CS-DF-031,CS-DF-032
FROM ubuntu
MAINTAINER someone@example.com
USER root
CMD /usr/bin/start
