/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs keygen, public-key and verify dir: (docs/SIGNING.md): thin over
 * src/sign/. keygen writes a cosign-compatible key pair; verify checks
 * cosign signatures offline, for containers/image `dir:` layouts, and hands
 * registry references to sign_registry.c, which calls
 * cli_verify_signatures with what it fetched.
 *
 * Passwords come from $COSIGN_PASSWORD (empty allowed, as in cosign) or a
 * prompt on the controlling terminal with echo off; never from argv.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "cli/cli.h"
#include "sign/cosign.h"
#include "sign/key.h"

#define PASSWORD_MAX 4096

static int prompt_line(int fd, const char *prompt, char **ret, struct cs_error *err)
{
	struct termios old, noecho;
	char *buf = cs_malloc(PASSWORD_MAX + 1);
	size_t len = 0;
	bool restore = false;
	int r = 0;

	if (!buf)
		return -ENOMEM;
	/* echo off before the prompt shows, so nothing typed after it is echoed or lost */
	if (tcgetattr(fd, &old) == 0) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		noecho.c_lflag |= ECHONL;
		restore = tcsetattr(fd, TCSADRAIN, &noecho) == 0;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		if (restore)
			tcsetattr(fd, TCSADRAIN, &old);
		free(buf);
		return cs_error_errno(err, errno, "cannot write to the terminal");
	}
	for (;;) {
		char c;
		ssize_t k = read(fd, &c, 1);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = cs_error_errno(err, errno, "cannot read the password");
			break;
		}
		if (k == 0 || c == '\n')
			break;
		if (len >= PASSWORD_MAX) {
			r = cs_error_set(err, -CS_E_LIMIT, "password is longer than %d bytes",
					 PASSWORD_MAX);
			break;
		}
		buf[len++] = c;
	}
	if (restore)
		tcsetattr(fd, TCSADRAIN, &old);
	buf[len] = '\0';
	if (r < 0) {
		sodium_memzero(buf, len);
		free(buf);
		return r;
	}
	*ret = buf;
	return 0;
}

int cli_get_password(const char *what, bool confirm, char **ret, struct cs_error *err)
{
	const char *env = getenv("COSIGN_PASSWORD");
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *prompt = NULL;
	char *a = NULL, *b = NULL;
	int r;

	if (env) {
		*ret = cs_strdup(env);
		return *ret ? 0 : -ENOMEM;
	}
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || !isatty(STDIN_FILENO))
		return cs_error_set(err, -CS_E_USAGE,
				    "no password for %s: set COSIGN_PASSWORD or run on a terminal",
				    what);
	prompt = cs_asprintf("Enter password for %s: ", what);
	if (!prompt)
		return -ENOMEM;
	r = prompt_line(fd, prompt, &a, err);
	if (r < 0 || !confirm) {
		*ret = a;
		return r;
	}
	free(prompt);
	prompt = cs_asprintf("Enter password for %s again: ", what);
	if (!prompt) {
		free(a);
		return -ENOMEM;
	}
	r = prompt_line(fd, prompt, &b, err);
	if (r >= 0 && strcmp(a, b))
		r = cs_error_set(err, -CS_E_USAGE, "passwords do not match");
	if (b) {
		sodium_memzero(b, strlen(b));
		free(b);
	}
	if (r < 0) {
		sodium_memzero(a, strlen(a));
		free(a);
		return r;
	}
	*ret = a;
	return 0;
}

static void password_free(char *p)
{
	if (p) {
		sodium_memzero(p, strlen(p));
		free(p);
	}
}

int cmd_keygen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output-key-prefix", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_error err = CS_ERROR_INIT;
	const char *prefix = "cosign";
	bool force = false;
	char *password = NULL;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			prefix = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			printf("usage: customs keygen [--output-key-prefix NAME] [--force]\n"
			       "\n"
			       "Generate an ECDSA P-256 key pair in cosign's formats: NAME.key\n"
			       "(encrypted with scrypt + secretbox, mode 0600) and NAME.pub (PEM).\n"
			       "The password comes from $COSIGN_PASSWORD (may be empty) or a prompt\n"
			       "on the terminal.\n"
			       "\n"
			       "  --output-key-prefix NAME  file name prefix (default cosign)\n"
			       "  -f, --force               replace existing key files\n");
			return 0;
		default:
			return cli_usage_error("see 'customs keygen --help'");
		}
	}
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s' (see 'customs keygen --help')",
				       argv[optind]);
	if (!*prefix)
		return cli_usage_error("empty --output-key-prefix");
	r = cli_get_password("private key", true, &password, &err);
	if (r < 0)
		return cli_fail(&err);
	r = cs_keygen_files(prefix, password, force, &err);
	password_free(password);
	if (r < 0)
		return cli_fail(&err);
	if (!cli_quiet)
		fprintf(stderr, "Private key written to %s.key\nPublic key written to %s.pub\n",
			prefix, prefix);
	return 0;
}

int cmd_public_key(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_privkey_freep) struct cs_privkey *k = NULL;
	_cleanup_(cs_pubkey_freep) struct cs_pubkey *pub = NULL;
	struct cs_buf pem = CS_BUF_INIT(CS_KEY_FILE_MAX);
	const char *keypath = NULL, *output = NULL;
	char *password = NULL;
	struct cli_output out;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keypath = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			printf("usage: customs public-key --key KEY [-o FILE]\n"
			       "\n"
			       "Decrypt a cosign private key (password from $COSIGN_PASSWORD or the\n"
			       "terminal) and print its public key as PEM.\n");
			return 0;
		default:
			return cli_usage_error("see 'customs public-key --help'");
		}
	}
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s' (see 'customs public-key --help')",
				       argv[optind]);
	if (!keypath)
		return cli_usage_error("public-key needs --key KEY");
	r = cli_get_password("private key", false, &password, &err);
	if (r < 0)
		return cli_fail(&err);
	r = cs_privkey_load(keypath, password, &k, &err);
	password_free(password);
	if (r >= 0)
		r = cs_privkey_public(k, &pub, &err);
	if (r >= 0)
		r = cs_pubkey_write_pem(pub, &pem, &err);
	if (r >= 0)
		r = cli_output_open(&out, output, &err);
	if (r < 0) {
		cs_buf_done(&pem);
		return cli_fail(&err);
	}
	if (fwrite(pem.data, 1, pem.len, out.f) != pem.len) {
		cs_buf_done(&pem);
		cli_output_abort(&out);
		cs_error_errno(&err, EIO, "cannot write the output");
		return cli_fail(&err);
	}
	cs_buf_done(&pem);
	if (cli_output_commit(&out, &err) < 0)
		return cli_fail(&err);
	return 0;
}

int cli_verify_signatures(const struct cs_cosign_sig *sigs, size_t n, const char *image_digest,
			  const struct cs_pubkeys *keys, const struct cs_pubkey *rekor_key,
			  const char *output)
{
	_cleanup_free_ struct cs_cosign_result *res = NULL;
	struct cs_buf line = CS_BUF_INIT(4u << 20);
	struct cs_error err = CS_ERROR_INIT;
	struct cli_output out;
	int ok, r = 0;

	if (n == 0) {
		fprintf(stderr, "%s: no signatures found for %s\n", cli_program, image_digest);
		return EXIT_VERIFY_FAILED;
	}
	res = cs_new0(struct cs_cosign_result, n);
	if (!res) {
		cs_error_set(&err, -ENOMEM, "out of memory");
		return cli_fail(&err);
	}
	ok = cs_cosign_verify_all(sigs, n, image_digest, keys, rekor_key, res);
	for (size_t i = 0; i < n; i++) {
		if (res[i].status == 0)
			continue;
		/* the reasons matter most when nothing verified; otherwise they are warnings */
		if (ok == 0 || !cli_quiet) {
			struct cs_error e = res[i].err;

			cs_error_prefix(&e, "%s", sigs[i].name ? sigs[i].name : "signature");
			fprintf(stderr, "%s: %s%s\n", cli_program, ok ? "warning: " : "", e.msg);
		}
	}
	if (ok == 0) {
		fprintf(stderr, "%s: no signature of %s verified\n", cli_program, image_digest);
		cs_cosign_results_done(res, n);
		return EXIT_VERIFY_FAILED;
	}
	r = cli_output_open(&out, output, &err);
	if (r < 0) {
		cs_cosign_results_done(res, n);
		return cli_fail(&err);
	}
	for (size_t i = 0; r >= 0 && i < n; i++) {
		if (res[i].status != 0)
			continue;
		cs_buf_reset(&line);
		r = cs_cosign_verified_json(&sigs[i], &res[i].verified, keys, &line);
		if (r >= 0 && (fwrite(line.data, 1, line.len, out.f) != line.len ||
			       fputc('\n', out.f) == EOF))
			r = -EIO;
	}
	cs_buf_done(&line);
	cs_cosign_results_done(res, n);
	if (r < 0) {
		cli_output_abort(&out);
		cs_error_errno(&err, r, "cannot write the output");
		return cli_fail(&err);
	}
	if (cli_output_commit(&out, &err) < 0)
		return cli_fail(&err);
	if (!cli_quiet)
		fprintf(stderr, "%s: %d of %zu signatures verified for %s\n", cli_program, ok, n,
			image_digest);
	return 0;
}

static const char verify_help[] =
	"usage: customs verify dir:DIR --key PUB [--key PUB]... [--rekor-key PUB]\n"
	"                      [--signature FILE]... [-o FILE]\n"
	"       customs verify REF ...   (an image in a registry: customs verify REF --help)\n"
	"\n"
	"Verify cosign signatures offline. DIR is a containers/image dir: layout\n"
	"(skopeo copy ... dir:DIR): the image digest is the sha256 of\n"
	"DIR/manifest.json and the signatures are DIR/signature-N sigstore files.\n"
	"Each verified signature is printed as one JSON line.\n"
	"\n"
	"  --key PUB            a cosign public key (PEM); any of them may verify\n"
	"  --rekor-key PUB      require a Rekor bundle whose SignedEntryTimestamp\n"
	"                       verifies with this key and whose entry matches\n"
	"  --signature FILE     verify these sigstore signature files instead of\n"
	"                       DIR/signature-N\n"
	"  -o, --output FILE    write the verified payloads to FILE\n"
	"\n"
	"Exit status: 0 at least one signature verified, 1 none verified,\n"
	"2 bad input or usage, 3 internal failure.\n";

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "rekor-key", required_argument, NULL, 'r' },
		{ "signature", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_pubkeys keys;
	_cleanup_(cs_pubkey_freep) struct cs_pubkey *rekor = NULL;
	struct cs_cosign_sig *sigs = NULL;
	size_t nsigs = 0, other = 0, nsigfiles = 0;
	const char *output = NULL, *ref;
	_cleanup_free_ const char **sigfiles = NULL;
	char digest[CS_DIGEST_STR_MAX];
	int c, r, status;

	/* registry references are the registry side's (sign_registry.c) */
	/* Notary Project signatures: a trust store instead of keys */
	if (cli_verify_is_notation(argc, argv))
		return cli_verify_notation(argc, argv);
	if (cli_verify_is_registry(argc, argv))
		return cli_verify_registry(argc, argv);
	sigfiles = cs_new0(const char *, (size_t)argc + 1);
	if (!sigfiles)
		return EXIT_INTERNAL;
	cs_pubkeys_init(&keys);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': {
			struct cs_pubkey *k = NULL;

			r = cs_pubkey_load(optarg, &k, &err);
			if (r >= 0)
				r = cs_pubkeys_add(&keys, k);
			if (r < 0) {
				status = cli_fail(&err);
				goto out;
			}
			break;
		}
		case 'r':
			if (rekor) {
				status = cli_usage_error("--rekor-key given twice");
				goto out;
			}
			r = cs_pubkey_load(optarg, &rekor, &err);
			if (r < 0) {
				status = cli_fail(&err);
				goto out;
			}
			break;
		case 's':
			sigfiles[nsigfiles++] = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(verify_help, stdout);
			status = 0;
			goto out;
		default:
			status = cli_usage_error("see 'customs verify --help'");
			goto out;
		}
	}
	if (optind + 1 != argc) {
		status = cli_usage_error("verify needs one image reference (see 'customs verify "
					 "--help')");
		goto out;
	}
	ref = argv[optind];
	if (strncmp(ref, "dir:", 4) || !ref[4]) {
		status = cli_usage_error("cannot verify '%s': only dir:DIR references are "
					 "supported (a containers/image dir: layout)",
					 ref);
		goto out;
	}
	if (keys.n == 0) {
		status = cli_usage_error("verify needs --key PUB");
		goto out;
	}
	r = cs_cosign_dir_read(ref + 4, digest, &sigs, &nsigs, &other, &err);
	if (r < 0) {
		status = cli_fail(&err);
		goto out;
	}
	if (nsigfiles) {
		cs_cosign_sigs_free(sigs, nsigs);
		nsigs = 0;
		sigs = cs_new0(struct cs_cosign_sig, nsigfiles);
		if (!sigs) {
			status = EXIT_INTERNAL;
			goto out;
		}
		for (; nsigs < nsigfiles; nsigs++) {
			r = cs_cosign_sig_file_read(sigfiles[nsigs], &sigs[nsigs], &err);
			if (r < 0) {
				status = cli_fail(&err);
				goto out;
			}
		}
	} else if (other && !cli_quiet) {
		fprintf(stderr,
			"%s: warning: %zu signature file(s) in '%s' are not sigstore "
			"signatures (skipped)\n",
			cli_program, other, ref + 4);
	}
	status = cli_verify_signatures(sigs, nsigs, digest, &keys, rekor, output);
out:
	cs_cosign_sigs_free(sigs, nsigs);
	cs_pubkeys_done(&keys);
	return status;
}
