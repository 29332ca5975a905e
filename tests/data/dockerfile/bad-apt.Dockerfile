# expect: CS-DF-005,CS-DF-010,CS-DF-011,CS-DF-012,CS-DF-013,CS-DF-014,CS-DF-023,CS-DF-025,CS-DF-031,CS-DF-043
FROM debian:bookworm
RUN apt-get update
RUN apt-get update && apt-get upgrade -y
RUN apt-get install curl
RUN cd /tmp && sudo apt install -y git
