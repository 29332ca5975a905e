# expect-error: malformed.Dockerfile:4: unterminated heredoc 'EOF'
FROM alpine:3.20
# the heredoc below never ends
RUN <<EOF
echo hello
