/* import.c - pinblame import: read trace files into the store, one
 * transaction per file. */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "pinblame/input.h"
#include "pinblame/parse.h"
#include "pinblame/store.h"

static const struct pb_usage import_usage = {
	.synopsis = "import [options] FILE... | -",
	.about = "Reads trace files (plain, .gz, .xz or .zst; the format is recognised\n"
		 "from the content) into the store: ftrace text, trace-cmd's trace.dat and\n"
		 "report, perf script, kernel logs (dmesg, also --json; journalctl, also\n"
		 "-o json), page_pinner and page_owner dumps, and the ftrace text inside\n"
		 "atrace, systrace HTML and JSON traces. Re-importing a file with the\n"
		 "same content is a no-op. Each file is one transaction: a failed or\n"
		 "interrupted import leaves the store as it was.\n",
	.footer = "Prints per file: format, events, lines not understood, seconds.\n"
		  "Exit: 0 ok, 2 usage, 3 unreadable or unparsable input, 4 store error,\n"
		  "130 or 143 interrupted by SIGINT or SIGTERM (the file being imported\n"
		  "is rolled back). A new store appears when its first file is stored:\n"
		  "an import into a new store that fails or is interrupted leaves none.\n",
};

static void on_interrupt(int sig)
{
	pb_interrupted = sig;
}

struct import_opts {
	enum pb_format format;
	int strict, dry_run, quiet;
};

/* Lines not understood for one reason: how many, and the first. */
struct bad_lines {
	uint64_t count;
	uint64_t first_line;
	char example[201];
};

/* Per-file state shared with the parser's bad-line callback (which runs on
 * the parsing thread: it only counts, the store is written at commit). */
struct import_file {
	const struct import_opts *opts;
	struct pb_store *store;
	const char *name;
	const char *shown;	/* NAME as stdout shows it: escaped, newlines too
				 * (a file name is never more than one line) */
	struct bad_lines bad[PB_BAD_NREASONS];
	uint64_t bad_total;
	enum pb_bad_reason first_bad_reason;
	int64_t source_id;	/* the file's source, new or found; 0 if none */
	struct pb_hash_job *hash;	/* raw file's hash being computed, or NULL */
	char raw_sha256[65];	/* the raw file's hash once known, else "" */
	char sha256[65];	/* the content's (decompressed) once known */
};

static int on_bad_line(void *ctx, uint64_t line, enum pb_bad_reason why,
		       const char *text, size_t len)
{
	struct import_file *f = ctx;
	struct bad_lines *b = &f->bad[why];

	if (!f->bad_total++)
		f->first_bad_reason = why;
	if (!b->count++) {
		b->first_line = line;
		snprintf(b->example, sizeof(b->example), "%.*s", (int)(len > 200 ? 200 : len),
			 text);
	}
	return f->opts->strict;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A progress line on a terminal, at most four times a second. */
static void show_progress(struct pb_parser *p, struct pb_input *in, const char *name,
			  uint64_t events, double *last)
{
	uint64_t size = pb_input_raw_size(in);
	double t = now_seconds();

	if (!pb_stderr_is_tty() || size < (8u << 20) || t - *last < 0.25)
		return;
	*last = t;
	fprintf(stderr, "\rpinblame: import: %s: %3d%%, %llu events", name,
		(int)(100.0 * (double)pb_parser_raw_offset(p) / (double)size),
		(unsigned long long)events);
}

static void clear_progress(double last)
{
	if (last > 0)
		fputs("\r\033[K", stderr);
}

/* What to do about the lines not understood, when their reasons have a
 * remedy: "hint: " before each line of it. */
static void print_hints(const struct import_file *f, enum pb_format format)
{
	for (int i = 0; i < PB_BAD_NREASONS; i++) {
		const char *hint = pb_bad_line_hint(format, (enum pb_bad_reason)i);

		while (f->bad[i].count && hint && *hint) {
			size_t n = strcspn(hint, "\n");

			fprintf(stderr, "hint: %.*s\n", (int)n, hint);
			hint += n + (hint[n] == '\n');
		}
	}
}

/* The lines not understood: the first one and the count of each reason. */
static void report_bad_lines(const struct import_file *f)
{
	const struct bad_lines *first = &f->bad[f->first_bad_reason];

	if (!f->bad_total)
		return;
	pb_warn("%s:%llu: %s: %.100s%s", f->name, (unsigned long long)first->first_line,
		pb_bad_reason_name(f->first_bad_reason), first->example,
		f->bad_total > 1 ? " (first of the lines not understood)" : "");
	for (int i = 0; i < PB_BAD_NREASONS; i++)
		if (f->bad[i].count)
			pb_warn("%s: %llu line%s not understood: %s", f->name,
				(unsigned long long)f->bad[i].count,
				f->bad[i].count == 1 ? "" : "s",
				pb_bad_reason_name((enum pb_bad_reason)i));
}

static int store_bad_lines(const struct import_file *f)
{
	for (int i = 0; i < PB_BAD_NREASONS; i++) {
		const struct bad_lines *b = &f->bad[i];

		if (b->count && pb_store_add_bad_lines(f->store, (enum pb_bad_reason)i, b->count,
						       b->first_line, b->example) < 0)
			return -1;
	}
	return 0;
}

/* The raw file's hash computed while parsing: "" until it is done (or
 * when it failed: the file then cannot be told from another at commit). */
static const char *hash_result(struct import_file *f, int wait)
{
	unsigned char digest[32];
	char err[256];

	if (!f->hash || (!wait && !pb_hash_job_done(f->hash)))
		return f->raw_sha256;
	if (pb_hash_job_finish(f->hash, digest, err, sizeof(err)) == 0)
		pb_sha256_hex(digest, f->raw_sha256);
	else
		pb_warn("%s: cannot hash: %s", f->name, err);
	f->hash = NULL;
	return f->raw_sha256;
}

/* Whether the hash computed while parsing is now known to be of a file in
 * the store: parsing it further would be in vain. */
static int found_while_parsing(struct import_file *f)
{
	int64_t id;

	if (!f->hash || !*hash_result(f, 0))
		return 0;
	id = pb_store_find_source(f->store, f->raw_sha256);
	if (id <= 0 || id == f->source_id)
		return 0;
	f->source_id = id;
	return 1;
}

/* A kernel log that printed no failure records (6.4+ kernels print no
 * migration-failure dumps for __GFP_NOWARN callers) is still a kernel log,
 * not input that was not understood: it imports with its kernel release. */
static int empty_kernel_log(struct pb_parser *p)
{
	return pb_parser_format(p) == PB_FMT_KMSG && pb_parser_meta(p, "kernel_log");
}

/* parse_all(): the file turned out to be in the store already. */
#define IMPORT_KNOWN (-1)

/* Parses every record of IN; stores it unless dry-run. Returns the exit
 * code for this file, or IMPORT_KNOWN. */
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
		if ((++*events & 0xffff) == 0) {
			show_progress(p, in, f->shown, *events, &last);
			if (found_while_parsing(f)) {
				clear_progress(last);
				return IMPORT_KNOWN;
			}
		}
	}
	clear_progress(last);
	if (pb_interrupted) {
		pb_error("%s: interrupted; nothing of this file was stored", f->name);
		return 128 + pb_interrupted;
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
	if (*events == 0 && !empty_kernel_log(p)) {
		report_bad_lines(f);
		pb_error("%s: no events understood in %llu lines", f->name,
			 (unsigned long long)pb_input_lineno(in));
		print_hints(f, pb_parser_format(p));
		return PB_EXIT_INPUT;
	}
	return PB_EXIT_OK;
}

/* The summary line; records understood but not stored (perf's side-band
 * records) are said after it. */
static void print_summary(const struct import_file *f, struct pb_parser *p,
			  uint64_t events, double seconds, const char *note)
{
	const char *sideband = pb_parser_meta(p, "sideband_records");

	if (f->opts->quiet)
		return;
	printf("%s: %s, %llu events, %llu bad lines, %.2f s%s", f->shown,
	       pb_format_name(pb_parser_format(p)), (unsigned long long)events,
	       (unsigned long long)f->bad_total, seconds, note);
	if (sideband)
		printf(" (%s side-band records skipped)", sideband);
	putchar('\n');
}

/* Files this large are hashed on a thread of their own while they are
 * parsed, unless the store holds a source of the same size: then the hash
 * comes first, so that importing the same file again costs only the hash. */
#define HASH_WHILE_PARSING_MIN (64u << 20)

/* Looks for a regular file in the store by the hash of its bytes (the
 * content's hash of a file not compressed, and the raw hash of one that
 * is), or starts hashing it. Returns 1 when it is in the store already. */
static int hash_first(struct import_file *f, const char *path)
{
	unsigned char digest[32];
	char err[256];
	struct stat sb;

	/* Only a store needs the content hash (--dry-run has none); stdin is
	 * hashed as it is read. */
	if (!f->store || !strcmp(path, "-") || stat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
		return 0;
	if ((uint64_t)sb.st_size >= HASH_WHILE_PARSING_MIN &&
	    !pb_store_has_source_bytes(f->store, (uint64_t)sb.st_size) &&
	    (f->hash = pb_file_sha256_start(path)))
		return 0;
	if (pb_file_sha256(path, digest, err, sizeof(err)) < 0)
		return 0;	/* pb_input_open reports it */
	pb_sha256_hex(digest, f->raw_sha256);
	f->source_id = pb_store_find_source(f->store, f->raw_sha256);
	return f->source_id > 0;
}

/* The hashes of what was imported: the raw file's, computed first, while
 * parsing, or (stdin) from the bytes read; the content's, of a compressed
 * file from the bytes decompressed, else the raw one. 0, or -1 when they
 * could not be computed (said). */
static int final_hashes(struct import_file *f, struct pb_input *in)
{
	int compressed = pb_input_compression(in) != PB_COMP_NONE;
	unsigned char digest[32];
	char sink[4096];
	ssize_t got;

	if (f->hash && !*hash_result(f, 1))
		return -1;
	if (!*f->raw_sha256 || compressed) {
		/* every byte counts: read what the parser left unread */
		while ((got = pb_input_read(in, sink, sizeof(sink))) > 0)
			;
		if (got < 0) {
			pb_error("%s: cannot hash it: %s", f->name, pb_input_strerror(in));
			return -1;
		}
	}
	if (!*f->raw_sha256) {
		pb_input_sha256(in, digest);
		pb_sha256_hex(digest, f->raw_sha256);
	}
	if (compressed) {
		pb_input_content_sha256(in, digest);
		pb_sha256_hex(digest, f->sha256);
	} else {
		memcpy(f->sha256, f->raw_sha256, sizeof(f->sha256));
	}
	return 0;
}

/* PUNCT and "the same content as PATH" of source ID into BUF, when its
 * path is not the file's own; "" otherwise. */
static const char *same_as(const struct import_file *f, int64_t id, const char *punct,
			   char *buf, size_t len)
{
	struct pb_buf shown = { 0 };
	char path[1024];

	buf[0] = '\0';
	if (id <= 0)
		return buf;
	pb_store_source_path(f->store, id, path, sizeof(path));
	if (*path && strcmp(path, f->name))
		snprintf(buf, len, "%sthe same content as %s", punct, pb_term_str(&shown, path));
	pb_buf_free(&shown);
	return buf;
}

/* A source the file's events duplicate, imported from another file (a
 * trace.dat and its trace-cmd report): both are kept, said at import. */
static void warn_same_capture(const struct import_file *f)
{
	int64_t other = pb_store_same_capture(f->store, f->source_id);
	char path[1024];

	if (other <= 0)
		return;
	pb_store_source_path(f->store, other, path, sizeof(path));
	pb_warn("%s: the same capture as %s, in another format? As many events, the first "
		"and the last at the same times: each failure in them is now counted twice "
		"(import one of the two into a store)", f->name, path);
}

/* The file's hashes, once it was read whole; a compressed file's content
 * (and a pipe's) is known only now: when the store holds it already (compressed
 * otherwise, or not at all), the file adds nothing, and its lines not
 * understood are not worth a word. PB_EXIT_OK, IMPORT_KNOWN (the other
 * source in f->source_id), or an exit code after saying why. */
static int content_known(struct import_file *f, struct pb_input *in)
{
	int64_t id;

	if (final_hashes(f, in) < 0)
		return PB_EXIT_INPUT;
	/* a file not compressed was looked for before parsing, but on a pipe */
	id = pb_store_find_source(f->store, f->sha256);
	if (id < 0)
		return PB_EXIT_STORE;
	if (id == 0 || id == f->source_id)
		return PB_EXIT_OK;
	f->source_id = id;
	return IMPORT_KNOWN;
}

/* Events lost that no line of the source marks, as the parser found them
 * stated (ftrace's header: those overwritten before the trace was read). */
static uint64_t overwritten(struct pb_parser *p)
{
	const char *n = pb_parser_meta(p, "overwritten");
	uint64_t v;

	return n && pb_parse_u64(n, strlen(n), &v) == 0 ? v : 0;
}

static int commit_file(struct import_file *f, struct pb_parser *p, struct pb_input *in,
		       uint64_t events, double seconds)
{
	struct pb_source_totals t = {
		.events = events,
		.bad_lines = f->bad_total,
		.lines = pb_input_lineno(in),
		.bytes = pb_input_offset(in),
		.seconds = seconds,
		.kernel = pb_parser_meta(p, "kernel"),
		.arch = pb_parser_meta(p, "arch"),
		.page_size = pb_parser_meta(p, "page_size"),
		.clock = pb_parser_meta(p, "clock"),
		.sha256 = f->sha256,
		.raw_sha256 = f->raw_sha256,
		.overwritten = overwritten(p),
	};
	char note[1200], other[1100];
	uint64_t lost;
	int rc;

	if (store_bad_lines(f) < 0) {
		pb_store_source_rollback(f->store);
		return PB_EXIT_STORE;
	}
	lost = pb_store_source_lost(f->store, &t);	/* commit starts the next count */
	rc = pb_store_source_commit(f->store, &t);
	if (rc < 0)
		return PB_EXIT_STORE;
	/* also when committed: a new store's first file may have been merged
	 * into one another import made meanwhile, under another id */
	f->source_id = pb_store_find_source(f->store, t.sha256);
	if (rc == 1)
		warn_same_capture(f);
	if (rc == 1 && lost > 0)
		pb_warn("%s: %" PRIu64 " event%s lost before the trace was read (ring buffer full "
			"or overwritten): holders in them cannot be named", f->name, lost,
			lost == 1 ? " was" : "s were");
	if (rc == 0)
		snprintf(note, sizeof(note), " (already imported; nothing added%s)",
			 same_as(f, f->source_id, ": ", other, sizeof(other)));
	print_summary(f, p, events, seconds,
		      rc == 0 ? note : events ? "" : " (a kernel log with no failure records)");
	return PB_EXIT_OK;
}

static int already_imported(const struct import_file *f)
{
	char other[1100];

	if (!f->opts->quiet)
		printf("%s: already imported; nothing added%s\n", f->shown,
		       same_as(f, f->source_id, ": ", other, sizeof(other)));
	return PB_EXIT_OK;
}

/* Parses the file into the store (or only parses, with --dry-run). */
static int import_parsed(struct import_file *f, struct pb_parser *p, struct pb_input *in,
			 double t0)
{
	struct pb_source_info info = {
		.path = f->name,	/* what show and report cite the lines of */
		.format = pb_format_name(pb_parser_format(p)),
		/* a compressed file's content hash is known at its end */
		.sha256 = *f->raw_sha256 && pb_input_compression(in) == PB_COMP_NONE
			  ? f->raw_sha256 : NULL,
		.raw_sha256 = *f->raw_sha256 ? f->raw_sha256 : NULL,
	};
	uint64_t events;
	int rc;

	if (!f->store) {
		rc = parse_all(f, p, in, &events);
		if (rc == PB_EXIT_OK) {
			report_bad_lines(f);
			print_hints(f, pb_parser_format(p));
			print_summary(f, p, events, now_seconds() - t0,
				      " (dry run: nothing stored)");
		}
		return rc;
	}
	rc = pb_store_source_begin(f->store, &info, &f->source_id);
	if (rc <= 0)
		return rc < 0 ? PB_EXIT_STORE : already_imported(f);
	/* The store's half of each record is worked out on the parsing thread,
	 * SQLite gets this one to itself. Without a thread it all runs here. */
	pb_parser_run_ahead(p, pb_store_prep_record, f->store);
	rc = parse_all(f, p, in, &events);
	if (rc == PB_EXIT_OK)
		rc = content_known(f, in);
	if (rc == PB_EXIT_OK) {
		report_bad_lines(f);
		print_hints(f, pb_parser_format(p));
		return commit_file(f, p, in, events, now_seconds() - t0);
	}
	pb_store_source_rollback(f->store);
	return rc == IMPORT_KNOWN ? already_imported(f) : rc;
}

/* Imports PATH; *SOURCE_ID is its source in the store afterwards (0 when
 * none). Returns the exit code for this file. */
static int import_one(const struct import_opts *o, struct pb_store *store, const char *path,
		      int64_t *source_id)
{
	struct import_file f = { .opts = o, .store = store };
	struct pb_buf shown = { 0 };
	struct pb_input *in;
	struct pb_parser *p = NULL;
	char err[512];
	double t0 = now_seconds();
	int rc;

	f.name = !strcmp(path, "-") ? "<stdin>" : path;
	f.shown = pb_term_str(&shown, f.name);
	if (hash_first(&f, path)) {
		*source_id = f.source_id;
		rc = already_imported(&f);
		pb_buf_free(&shown);
		return rc;
	}
	in = pb_input_open(path, err, sizeof(err));
	if (!in) {
		pb_error("%s: %s", f.name, err);
		rc = PB_EXIT_INPUT;
		goto out;
	}
	p = pb_parser_new(in, o->format, on_bad_line, &f, err, sizeof(err));
	if (p) {
		rc = import_parsed(&f, p, in, t0);
	} else {
		/* Detection reads ahead: a signal may stop it. */
		rc = pb_interrupted ? 128 + pb_interrupted : PB_EXIT_INPUT;
		pb_error("%s: %s", f.name, pb_interrupted ? "interrupted" : err);
	}
	pb_parser_free(p);
	pb_input_close(in);
out:
	if (f.hash)
		pb_hash_job_finish(f.hash, NULL, NULL, 0);
	*source_id = rc == PB_EXIT_OK ? f.source_id : 0;
	pb_buf_free(&shown);
	return rc;
}

/* How to open the store: with large pages when the files given are large
 * (a new store only; sizes of regular files, a pipe counts as small). */
static enum pb_store_mode store_mode(char **paths, int npaths)
{
	uint64_t bytes = 0;
	struct stat sb;

	for (int i = 0; i < npaths; i++)
		if (strcmp(paths[i], "-") && !stat(paths[i], &sb) && S_ISREG(sb.st_mode))
			bytes += (uint64_t)sb.st_size;
	return bytes >= PB_STORE_LARGE ? PB_STORE_WRITE_LARGE : PB_STORE_WRITE;
}

/* Every file is tried; the exit code is the first failure's. */
static int import_paths(const struct import_opts *o, const char *db_path,
			char **paths, int npaths)
{
	struct pb_store *store = NULL;
	int64_t *ids = pb_calloc((size_t)npaths, sizeof(*ids));
	size_t nids = 0;
	int rc, tried, worst = PB_EXIT_OK;

	/* a new store is made aside and leaves nothing when it fails */
	if (!o->dry_run && !(store = pb_store_open_import(db_path, store_mode(paths, npaths)))) {
		free(ids);
		return PB_EXIT_STORE;
	}
	for (tried = 0; tried < npaths && !pb_interrupted; tried++) {
		rc = import_one(o, store, paths[tried], &ids[nids]);
		if (ids[nids] > 0)
			nids++;
		if (rc != PB_EXIT_OK && worst == PB_EXIT_OK)
			worst = rc;
		if (rc == PB_EXIT_STORE)
			break;
	}
	/* a signal between files (or while the store opened): the rest untried */
	if (pb_interrupted && worst == PB_EXIT_OK && tried < npaths) {
		pb_error("interrupted; %s and the files after it were not imported",
			 paths[tried]);
		worst = 128 + pb_interrupted;
	}
	/* Files given together are one capture: a trace and its kernel log.
	 * (The analysis runs when a command first reads it.) */
	if (store && worst != PB_EXIT_STORE && pb_store_link_boot(store, ids, nids) < 0)
		worst = PB_EXIT_STORE;
	/* a new store none of whose files went in was never put in place */
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

static int take_format(const struct pb_option *opt, const char *arg)
{
	enum pb_format *format = opt->value;

	*format = pb_format_from_name(arg);
	if (*format == PB_FMT_UNKNOWN) {
		pb_error("unknown format '%s'", arg);
		return -1;
	}
	return 0;
}

/* Standard input can be read once: a second "-" would find it at its
 * end and be called an empty input. Whether PATHS name it twice (said). */
static int stdin_twice(char **paths, int npaths)
{
	int seen = 0;

	for (int i = 0; i < npaths; i++)
		seen += !strcmp(paths[i], "-");
	if (seen > 1)
		pb_error("- (standard input) is given %d times; it can be read once", seen);
	return seen > 1;
}

int cmd_import(int argc, char **argv, const struct pb_globals *g)
{
	struct import_opts o = { .format = PB_FMT_UNKNOWN };
	const struct pb_option options[] = {
		PB_OPT_CALLBACK('f', "format", &o.format, "NAME",
				"force the input format: ftrace, trace-cmd-report,\n"
				"trace.dat, perf-script, kmsg, page_pinner, page_owner",
				take_format),
		PB_OPT_BOOL('s', "strict", &o.strict, "stop with exit 3 at the first line not understood"),
		PB_OPT_BOOL('n', "dry-run", &o.dry_run, "parse only: count events, store nothing"),
		PB_OPT_BOOL('q', "quiet", &o.quiet, "no per-file summary"),
		PB_OPT_END(),
	};
	int rc = PB_EXIT_OK, at = pb_parse_options(argc, argv, options, &import_usage, &rc);
	struct sigaction sa = { .sa_handler = on_interrupt };

	if (at < 0)
		return rc;
	if (at == argc) {
		pb_error("no input files (use - for standard input)");
		return pb_see_help();
	}
	if (stdin_twice(argv + at, argc - at))
		return pb_see_help();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return import_paths(&o, g->db_path, argv + at, argc - at);
}
