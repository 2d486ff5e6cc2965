/* merge.c - pinblame merge: combine the stores of many machines. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "pinblame/store.h"

static const struct pb_usage merge_usage = {
	.synopsis = "merge OUT.db IN.db...",
	.no_db = 1,
	.about = "Copies the sources of each IN store, with their events, stacks and\n"
		 "typed rows, into OUT (created when missing), so that blame, report and\n"
		 "check rank call sites across a fleet ('blame --by source|kernel' groups\n"
		 "them). A source already in OUT (same content hash) is skipped, so\n"
		 "merging the same store twice changes nothing. Each IN is merged in one\n"
		 "transaction; the analysis is recomputed on the next command that reads\n"
		 "failures. The global -d option is not used: OUT is named explicitly.\n",
	.footer = "Exit: 0 ok, 2 usage, 4 store error, 130 or 143 interrupted by SIGINT\n"
		  "or SIGTERM (OUT keeps the stores merged before; the one being merged\n"
		  "is rolled back).\n",
};

/* SIGINT and SIGTERM stop the SQL running (SQLite's own shell does the
 * same from its handler): the store being merged is rolled back, those
 * merged before stay, and the exit code says which signal. */
static sqlite3 *merging;

static void on_interrupt(int sig)
{
	pb_interrupted = sig;
	/* SQLite's "interrupted" is not the news: interrupted() says it */
	pb_errors_muted = 1;
	if (merging)
		sqlite3_interrupt(merging);
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* PATH: the store being merged when the signal came (NULL: between two). */
static int interrupted(const char *path)
{
	pb_errors_muted = 0;
	if (path)
		pb_error("%s: interrupted; nothing of this store was merged, the "
			 "stores before it were", path);
	else
		pb_error("interrupted; the stores named before were merged");
	return 128 + pb_interrupted;
}

/* Whether PATH can be an input store: a readable SQLite file. Checked
 * for every input before the output is opened, so that a mistyped name
 * leaves no output store behind, and a file that is no database is not
 * called a damaged store. Returns 0 or an exit code, having said why. */
static int check_input(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char head[sizeof(magic)];
	struct stat sb;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb) < 0) {
		pb_error("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return PB_EXIT_STORE;
	}
	n = S_ISDIR(sb.st_mode) ? -1 : read(fd, head, sizeof(head));
	close(fd);
	if (S_ISDIR(sb.st_mode)) {
		pb_error("%s: is a directory, not a store", path);
		return PB_EXIT_STORE;
	}
	if (n != (ssize_t)sizeof(head) || memcmp(head, magic, sizeof(magic))) {
		pb_error("%s: not a pinblame store (not an SQLite database)", path);
		return PB_EXIT_STORE;
	}
	return PB_EXIT_OK;
}

static int check_args(int argc, char **argv)
{
	if (argc - optind < 2) {
		pb_error(argc == optind ? "no output store given" : "no input store given");
		return pb_see_help();
	}
	/* SQLite takes "" for a temporary store, gone at exit */
	if (!*argv[optind]) {
		pb_error("the output store's name is empty");
		return pb_see_help();
	}
	for (int i = optind + 1; i < argc; i++) {
		int rc;

		if (same_file(argv[optind], argv[i])) {
			pb_error("%s: the output store cannot also be an input", argv[i]);
			return PB_EXIT_USAGE;
		}
		if ((rc = check_input(argv[i])) != PB_EXIT_OK)
			return rc;
	}
	return PB_EXIT_OK;
}

int cmd_merge(int argc, char **argv, const struct pb_globals *g)
{
	const struct pb_option options[] = { PB_OPT_END() };
	struct pb_merge_stats st;
	struct sigaction sa = { .sa_handler = on_interrupt };
	struct pb_store *out;
	int rc = PB_EXIT_OK, at = pb_parse_options(argc, argv, options, &merge_usage, &rc);

	if (at < 0)
		return rc;
	rc = check_args(argc, argv);
	if (rc != PB_EXIT_OK)
		return rc;
	out = pb_store_open(argv[optind], PB_STORE_WRITE);
	if (!out)
		return PB_EXIT_STORE;
	merging = pb_store_db(out);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (int i = optind + 1; i < argc && !pb_interrupted; i++) {
		if (pb_store_merge(out, argv[i], &st) < 0) {
			rc = pb_interrupted ? interrupted(argv[i]) : PB_EXIT_STORE;
			break;
		}
		printf("%s: %llu sources merged (%llu events), %llu already present\n",
		       argv[i], (unsigned long long)st.sources,
		       (unsigned long long)st.events, (unsigned long long)st.duplicates);
	}
	if (pb_interrupted && rc == PB_EXIT_OK)
		rc = interrupted(NULL);
	merging = NULL;
	pb_store_close(out);
	return rc;
}
