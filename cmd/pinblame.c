/* pinblame.c - global options and the command table. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "pinblame/store.h"

static const struct {
	const char *name;
	pb_cmd_fn fn;
	const char *summary;
} commands[] = {
	{ "import", cmd_import, "read trace files into the store" },
	{ "info", cmd_info, "sources, kernels, time span, counts per event" },
	{ "query", cmd_query, "read-only SQL over the store's views" },
	{ "record", cmd_record, "capture the events and stacks that pinblame needs" },
	{ "failures", cmd_failures, "the failed allocations and migrations, one per line" },
	{ "blame", cmd_blame, "call sites that held the busy pages, ranked" },
	{ "show", cmd_show, "one failure's evidence, down to the source lines" },
	{ "stacks", cmd_stacks, "holder or failure stacks for flame graphs" },
	{ "report", cmd_report, "the failure report: text, Markdown, HTML or JSON" },
	{ "check", cmd_check, "CI gate: exit 1 when the trace breaks the rules" },
	{ "merge", cmd_merge, "combine the stores of many machines into one" },
	{ "export", cmd_export, "normalized rows as JSON Lines for other engines" },
};

static const char usage_text[] =
	"usage: pinblame [-d DB] COMMAND [options]\n"
	"       pinblame --version | --help | help COMMAND\n"
	"\n"
	"Tells who pinned the page that broke a contiguous (CMA) allocation,\n"
	"from captured kernel traces.\n"
	"\n"
	"global options:\n"
	"  -d, --db PATH   store to use (default: $PINBLAME_DB, else ./pinblame.db)\n"
	"  --version       print the version\n"
	"  -h, --help      this help; 'pinblame COMMAND --help' for a command\n"
	"\n"
	"commands:\n";

static void print_usage(FILE *f)
{
	fputs(usage_text, f);
	for (size_t i = 0; i < PB_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\nexit codes: 0 ok, 1 check breached, 2 usage, 3 input error (or no\n"
	      "traces imported), 4 store error, 130/143 interrupted\n", f);
}

int pb_unexpected_operand(const char *arg)
{
	pb_error("unexpected argument '%s'", arg);
	return pb_see_help();
}

int pb_finish_stdout(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return code;
		pb_error("write error on standard output: %s", strerror(errno));
		/* an output file's write error is an input/output error (3), as
		 * for -o FILE; it was called a store error. A breach (1) whose
		 * lines were lost is one too: the gate's reason never reached
		 * the log, and a 1 would say it had */
		return code > PB_EXIT_BREACH ? code : PB_EXIT_INPUT;
	}
	return code;
}

/* A store error no command turned into its exit code still is one: a read
 * loop that stopped at an error must not pass for a complete answer. */
static int store_guard(int code)
{
	/* a damaged store is said once, whatever the command printed */
	if (pb_store_damage()) {
		pb_errors_muted = 0;
		pb_error("%s", pb_store_damage());
		return PB_EXIT_STORE;
	}
	/* a store that is not there holds no traces: an input error, as a
	 * store without traces is for every command (doc/DESIGN.md) */
	if (code == PB_EXIT_STORE && pb_store_was_missing())
		return PB_EXIT_INPUT;
	return pb_store_error_seen() && code <= PB_EXIT_BREACH ? PB_EXIT_STORE : code;
}

/* Standard output goes through a pb_term_stream(): what a command prints
 * comes from the trace, and no byte of it may drive the terminal. record
 * alone prints nothing of the trace, and may write a trace to stdout. */
static int run_command(size_t i, int argc, char **argv, const struct pb_globals *g)
{
	FILE *raw = stdout, *safe;
	int code, failed;

	pb_cmd_name = commands[i].name;
	optind = 1;
	if (commands[i].fn == cmd_record)
		return pb_finish_stdout(store_guard(commands[i].fn(argc, argv, g)));
	stdout = safe = pb_term_stream(raw, 0);
	code = pb_finish_stdout(store_guard(commands[i].fn(argc, argv, g)));
	/* a write error was reported once, through the safe stream */
	failed = ferror(safe);
	stdout = raw;
	fclose(safe);
	if (failed) {
		clearerr(raw);
		return code;
	}
	return pb_finish_stdout(code);
}

/* As git does: the command the user probably meant, if one is close. */
static int unknown_command(const char *name)
{
	const char *names[PB_ARRAY_SIZE(commands)], *near;

	for (size_t i = 0; i < PB_ARRAY_SIZE(commands); i++)
		names[i] = commands[i].name;
	near = pb_did_you_mean(name, names, PB_ARRAY_SIZE(commands));
	if (near)
		pb_error("'%s' is not a pinblame command; did you mean '%s'?", name, near);
	else
		pb_error("'%s' is not a pinblame command; see 'pinblame --help'", name);
	return PB_EXIT_USAGE;
}

/* An option before the command that pinblame does not have: a short
 * error that stays on the screen, with the option probably meant. */
static int unknown_global_option(const char *arg)
{
	static const char *const names[] = { "db", "version", "help" };
	const char *near = NULL;

	if (!strncmp(arg, "--", 2))
		near = pb_did_you_mean(arg + 2, names, PB_ARRAY_SIZE(names));
	if (near)
		pb_error("unknown option '%s'; did you mean --%s?", arg, near);
	else
		pb_error("unknown option '%s'", arg);
	fputs("see 'pinblame --help'\n", stderr);
	return PB_EXIT_USAGE;
}

static int missing_db_path(const char *opt)
{
	pb_error("option %s needs the path of a store", opt);
	fputs("see 'pinblame --help'\n", stderr);
	return PB_EXIT_USAGE;
}

static int find_command(const char *name)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return (int)i;
	return -1;
}

int main(int argc, char **argv)
{
	struct pb_globals g = { .db_path = pb_store_default_path() };
	int i = 1, c;

	/* A closed pipe (| head) ends output quietly, as with other tools. */
	signal(SIGPIPE, SIG_IGN);
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-d") || !strcmp(a, "--db")) {
			if (++i == argc)
				return missing_db_path(a);
			g.db_path = argv[i];
		} else if (!strncmp(a, "--db=", 5)) {
			g.db_path = a + 5;
		} else if (!strcmp(a, "--version")) {
			printf("pinblame %s\n", PB_VERSION);
			return pb_finish_stdout(PB_EXIT_OK);
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_usage(stdout);
			return pb_finish_stdout(PB_EXIT_OK);
		} else {
			return unknown_global_option(a);
		}
	}
	/* SQLite takes "" for a temporary store, gone at exit: an import
	 * into it would report success and keep nothing ("-d $DB" with DB
	 * unset in a script) */
	if (!*g.db_path)
		return missing_db_path("-d");
	if (i == argc) {
		print_usage(stderr);
		return PB_EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 == argc) {
			print_usage(stdout);
			return pb_finish_stdout(PB_EXIT_OK);
		}
		/* "help help", as git takes it: the help of help is this one */
		if (!strcmp(argv[i + 1], "help")) {
			print_usage(stdout);
			return pb_finish_stdout(PB_EXIT_OK);
		}
		c = find_command(argv[i + 1]);
		if (c < 0)
			return unknown_command(argv[i + 1]);
		char *help_argv[] = { argv[i + 1], "--help", NULL };
		return run_command((size_t)c, 2, help_argv, &g);
	}
	/* the words of the shell completion (contrib/completion/), not in
	 * --help; "__complete" is the name completion scripts of 0.1.0 call */
	if (!strcmp(argv[i], "complete") || !strcmp(argv[i], "__complete")) {
		pb_cmd_name = "complete";
		return pb_finish_stdout(cmd_complete(argc - i, argv + i, &g));
	}
	c = find_command(argv[i]);
	if (c < 0)
		return unknown_command(argv[i]);
	return run_command((size_t)c, argc - i, argv + i, &g);
}
