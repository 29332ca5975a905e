#!/usr/bin/env bash
# Install the Debian packages customs needs to build and test, when missing.
# Quiet and quick when everything is already there.
set -euo pipefail

pkgs=(
	# build
	meson ninja-build pkg-config gcc clang clang-format
	libarchive-dev zlib1g-dev libisal-dev libzstd-dev libssl-dev
	libcurl4-openssl-dev libjansson-dev libcmocka-dev
	libyaml-dev libsqlite3-dev libxml2-dev
	# secret rules: Vectorscan (Hyperscan's portable fork) prefilter + PCRE2 confirm
	libvectorscan-dev libpcre2-dev
	# malware rules
	libyara-dev
	# cosign key files (scrypt + secretbox)
	libsodium-dev
	# the admission webhook's HTTPS server (GnuTLS inside)
	libmicrohttpd-dev
	# the runtime sensor: eBPF programs, skeletons and their loader
	libbpf-dev bpftool libelf-dev
	# fuzzing (libFuzzer runtime) and sanitizers
	libclang-rt-14-dev
	# real components used by the tests
	podman skopeo runc docker-registry mmdebstrap apache2-utils
	uidmap fuse-overlayfs zstd isal gzip openssl curl ca-certificates
	python3 procps time bc rpm ruby
	# independent references for the OSV/rubysec importer tests
	python3-yaml python3-packaging ruby-cvss-suite
	# binary and archive catalogers: go version -m, objcopy, unzip
	golang-go binutils unzip
	# SBOM schema validation (tests/sbom-validate: npm ci; npm comes with nodejs here)
	nodejs
	# the HTML report rendered headless (tests/e2e/report.sh)
	chromium
	# audit netpol's DOT output rendered by Graphviz (tests/e2e/audit-netpol.sh)
	graphviz
	# load generator for the admission webhook benchmark
	wrk
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
# Debian's nodejs comes without npm (the NodeSource build here bundles it)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
