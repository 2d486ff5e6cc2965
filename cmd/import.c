/* import.c - pinblame import: read trace files into the store, one
 * transaction per file. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd.h"
#include "pinblame/input.h"
#include "pinblame/parse.h"
#include "pinblame/store.h"

static const char import_usage[] =
	"usage: pinblame [-d DB] import [options] FILE... | -\n"
	"\n"
	"Reads trace files (plain, .gz, .xz or .zst; the format is recognised\n"
	"from the content) into the store. Re-importing a file with the same\n"
	"content is a no-op. Each file is one transaction: a failed or\n"
	"interrupted import leaves the store as it was.\n"
	"\n"
	"options:\n"
	"  -f, --format NAME  force the input format: ftrace, trace-cmd-report,\n"
	"                     trace.dat, perf-script, kmsg, page_pinner, page_owner\n"
	"  -s, --strict       stop with exit 3 at the first line not understood\n"
	"  -n, --dry-run      parse only: count events, store nothing\n"
	"  -q, --quiet        no per-file summary\n"
	"  -h, --help         this help\n"
	"\n"
	"Prints per file: format, events, lines not understood, seconds.\n"
	"Exit: 0 ok, 2 usage, 3 unreadable or unparsable input, 4 store error,\n"
	"130 interrupted (the file being imported is rolled back).\n";

static void on_interrupt(int sig)
{
	pb_interrupted = sig;
}

struct import_opts {
	enum pb_format format;
	int strict, dry_run, quiet;
};

/* Per-file state shared with the parser's bad-line callback. */
struct import_file {
	const struct import_opts *opts;
	struct pb_store *store;
	const char *name;
	uint64_t bad[PB_BAD_NREASONS];
	uint64_t bad_total;
	uint64_t first_bad_line;
	char first_bad_text[120];
	enum pb_bad_reason first_bad_reason;
	int64_t source_id;	/* the file's source, new or found; 0 if none */
};

static int on_bad_line(void *ctx, uint64_t line, enum pb_bad_reason why,
		       const char *text, size_t len)
{
	struct import_file *f = ctx;

	if (!f->bad_total++) {
		f->first_bad_line = line;
		f->first_bad_reason = why;
		snprintf(f->first_bad_text, sizeof(f->first_bad_text), "%.*s",
			 (int)(len > 100 ? 100 : len), text);
	}
	f->bad[why]++;
	if (f->store)
		pb_store_add_bad_line(f->store, why, line, text, len);
	return f->opts->strict;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A progress line on a terminal, at most four times a second. */
static void show_progress(struct pb_input *in, const char *name, uint64_t events,
			  double *last)
{
	uint64_t size = pb_input_raw_size(in);
	double t = now_seconds();

	if (!pb_stderr_is_tty() || size < (8u << 20) || t - *last < 0.25)
		return;
	*last = t;
	fprintf(stderr, "\rpinblame: import: %s: %3d%%, %llu events", name,
		(int)(100.0 * (double)pb_input_raw_offset(in) / (double)size),
		(unsigned long long)events);
}

static void clear_progress(double last)
{
	if (last > 0)
		fputs("\r\033[K", stderr);
}

static void report_bad_lines(const struct import_file *f)
{
	if (!f->bad_total)
		return;
	pb_warn("%s:%llu: %s: %s%s", f->name, (unsigned long long)f->first_bad_line,
		pb_bad_reason_name(f->first_bad_reason), f->first_bad_text,
		f->bad_total > 1 ? " (first of the lines not understood)" : "");
	for (int i = 0; i < PB_BAD_NREASONS; i++)
		if (f->bad[i])
			pb_warn("%s: %llu line%s not understood: %s", f->name,
				(unsigned long long)f->bad[i], f->bad[i] == 1 ? "" : "s",
				pb_bad_reason_name((enum pb_bad_reason)i));
}

/* Parses every record of IN; stores it unless dry-run. Returns the exit
 * code for this file. */
static int parse_all(struct import_file *f, struct pb_parser *p, struct pb_input *in,
		     uint64_t *events)
{
	struct pb_record *rec;
	double last = 0;
	int rc;

	*events = 0;
	while (!pb_interrupted && (rc = pb_parser_next(p, &rec)) == 1) {
		if (f->store && pb_store_add_record(f->store, rec) < 0)
			return PB_EXIT_STORE;
		if ((++*events & 0xffff) == 0)
			show_progress(in, f->name, *events, &last);
	}
	clear_progress(last);
	if (pb_interrupted) {
		pb_error("%s: interrupted; nothing of this file was stored", f->name);
		return 128 + SIGINT;
	}
	if (rc < 0) {
		uint64_t line = pb_parser_error_line(p);

		if (line)
			pb_error("%s:%llu: %s", f->name, (unsigned long long)line,
				 pb_parser_strerror(p));
		else
			pb_error("%s: %s", f->name, pb_parser_strerror(p));
		return PB_EXIT_INPUT;
	}
	if (*events == 0) {
		report_bad_lines(f);
		pb_error("%s: no events understood in %llu lines", f->name,
			 (unsigned long long)pb_input_lineno(in));
		return PB_EXIT_INPUT;
	}
	return PB_EXIT_OK;
}

static void print_summary(const struct import_file *f, enum pb_format format,
			  uint64_t events, double seconds, const char *note)
{
	if (f->opts->quiet)
		return;
	printf("%s: %s, %llu events, %llu bad lines, %.2f s%s\n", f->name,
	       pb_format_name(format), (unsigned long long)events,
	       (unsigned long long)f->bad_total, seconds, note);
}

static int already_imported(struct import_file *f, const char *path, char *hex)
{
	unsigned char digest[32];
	char err[256];
	struct stat sb;

	/* Only a store needs the content hash (--dry-run has none). */
	if (!f->store || !strcmp(path, "-") || stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
		return 0;
	if (pb_file_sha256(path, digest, err, sizeof(err)) < 0)
		return 0;	/* pb_input_open reports it */
	pb_sha256_hex(digest, hex);
	f->source_id = pb_store_find_source(f->store, hex);
	return f->source_id > 0;
}

/* KNOWN_SHA is the hash computed before parsing (regular files), NULL
 * when it must come from the bytes read (stdin). */
static int commit_file(struct import_file *f, struct pb_parser *p, struct pb_input *in,
		       uint64_t events, double seconds, const char *known_sha)
{
	unsigned char digest[32];
	char hex[65], sink[4096];
	struct pb_source_totals t = {
		.events = events,
		.bad_lines = f->bad_total,
		.lines = pb_input_lineno(in),
		.bytes = pb_input_offset(in),
		.seconds = seconds,
		.kernel = pb_parser_meta(p, "kernel"),
		.arch = pb_parser_meta(p, "arch"),
		.sha256 = known_sha,
	};
	int rc;

	if (!known_sha) {
		/* Hash of every raw byte: read what the parser left unread. */
		while (pb_input_read(in, sink, sizeof(sink)) > 0)
			;
		pb_input_sha256(in, digest);
		pb_sha256_hex(digest, hex);
		t.sha256 = hex;
	}
	rc = pb_store_source_commit(f->store, &t);
	if (rc < 0)
		return PB_EXIT_STORE;
	if (rc == 0)
		f->source_id = pb_store_find_source(f->store, t.sha256);
	print_summary(f, pb_parser_format(p), events, seconds,
		      rc == 0 ? " (already imported; nothing added)" : "");
	return PB_EXIT_OK;
}

/* Imports PATH; *SOURCE_ID is its source in the store afterwards (0 when
 * none). Returns the exit code for this file. */
static int import_one(const struct import_opts *o, struct pb_store *store, const char *path,
		      int64_t *source_id)
{
	struct import_file f = { .opts = o, .store = store };
	struct pb_source_info info = { 0 };
	struct pb_input *in;
	struct pb_parser *p = NULL;
	char err[512], hex[65] = "";
	uint64_t events;
	double t0 = now_seconds();
	int rc;

	f.name = !strcmp(path, "-") ? "<stdin>" : path;
	info.path = f.name;	/* what show and report cite the lines of */
	if (already_imported(&f, path, hex)) {
		if (!o->quiet)
			printf("%s: already imported; nothing added\n", f.name);
		*source_id = f.source_id;
		return PB_EXIT_OK;
	}
	in = pb_input_open(path, err, sizeof(err));
	if (!in) {
		pb_error("%s: %s", f.name, err);
		return PB_EXIT_INPUT;
	}
	p = pb_parser_new(in, o->format, on_bad_line, &f, err, sizeof(err));
	if (!p) {
		/* Detection reads ahead: a signal may stop it. */
		rc = pb_interrupted ? 128 + SIGINT : PB_EXIT_INPUT;
		pb_error("%s: %s", f.name, pb_interrupted ? "interrupted" : err);
		goto out;
	}
	if (store) {
		info.format = pb_format_name(pb_parser_format(p));
		info.sha256 = hex[0] ? hex : NULL;
		rc = pb_store_source_begin(store, &info, &f.source_id);
		if (rc <= 0) {
			rc = rc < 0 ? PB_EXIT_STORE : PB_EXIT_OK;
			goto out;
		}
	}
	rc = parse_all(&f, p, in, &events);
	if (rc == PB_EXIT_OK && store) {
		report_bad_lines(&f);
		rc = commit_file(&f, p, in, events, now_seconds() - t0, info.sha256);
	} else if (store) {
		pb_store_source_rollback(store);
	} else if (rc == PB_EXIT_OK) {
		report_bad_lines(&f);
		print_summary(&f, pb_parser_format(p), events, now_seconds() - t0, "");
	}
out:
	pb_parser_free(p);
	pb_input_close(in);
	*source_id = rc == PB_EXIT_OK ? f.source_id : 0;
	return rc;
}

/* Every file is tried; the exit code is the first failure's. */
static int import_paths(const struct import_opts *o, const char *db_path,
			char **paths, int npaths)
{
	struct pb_store *store = NULL;
	int64_t *ids = pb_calloc((size_t)npaths, sizeof(*ids));
	size_t nids = 0;
	int rc, worst = PB_EXIT_OK;

	if (!o->dry_run && !(store = pb_store_open(db_path, PB_STORE_WRITE))) {
		free(ids);
		return PB_EXIT_STORE;
	}
	for (int i = 0; i < npaths && !pb_interrupted; i++) {
		rc = import_one(o, store, paths[i], &ids[nids]);
		if (ids[nids] > 0)
			nids++;
		if (rc != PB_EXIT_OK && worst == PB_EXIT_OK)
			worst = rc;
		if (rc == PB_EXIT_STORE)
			break;
	}
	/* Files given together are one capture: a trace and its kernel log.
	 * (The analysis runs when a command first reads it.) */
	if (store && worst != PB_EXIT_STORE && pb_store_link_boot(store, ids, nids) < 0)
		worst = PB_EXIT_STORE;
	pb_store_close(store);
	free(ids);
	return worst;
}

int pb_import_files(const char *db_path, char **paths, int npaths, const char *format)
{
	struct import_opts o = { .format = PB_FMT_UNKNOWN };

	if (format && (o.format = pb_format_from_name(format)) == PB_FMT_UNKNOWN) {
		pb_error("unknown format '%s'", format);
		return PB_EXIT_USAGE;
	}
	return import_paths(&o, db_path, paths, npaths);
}

int cmd_import(int argc, char **argv, const struct pb_globals *g)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, 's' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_opts o = { .format = PB_FMT_UNKNOWN };
	int c, help = 0;
	struct sigaction sa = { .sa_handler = on_interrupt };

	while ((c = pb_getopt(argc, argv, "f:snqh", longopts, import_usage, &help)) != -1) {
		switch (c) {
		case 'f':
			o.format = pb_format_from_name(optarg);
			if (o.format == PB_FMT_UNKNOWN) {
				pb_error("unknown format '%s'", optarg);
				return pb_usage(import_usage, PB_EXIT_USAGE);
			}
			break;
		case 's': o.strict = 1; break;
		case 'n': o.dry_run = 1; break;
		case 'q': o.quiet = 1; break;
		case 'h': return pb_usage(import_usage, PB_EXIT_OK);
		default: return PB_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		pb_error("no input files (use - for standard input)");
		return pb_usage(import_usage, PB_EXIT_USAGE);
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return import_paths(&o, g->db_path, argv + optind, argc - optind);
}
