/* cmd.h - the commands of pinblame, one file each in cmd/, and the helpers
 * they share for options and output. */
#ifndef PINBLAME_CMD_H
#define PINBLAME_CMD_H

#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "pinblame/core.h"
#include "pinblame/options.h"

/* Options that come before the command name. */
struct pb_globals {
	const char *db_path;	/* -d PATH, else $PINBLAME_DB, else ./pinblame.db */
};

typedef int (*pb_cmd_fn)(int argc, char **argv, const struct pb_globals *g);

int cmd_import(int argc, char **argv, const struct pb_globals *g);
int cmd_info(int argc, char **argv, const struct pb_globals *g);
int cmd_query(int argc, char **argv, const struct pb_globals *g);
int cmd_record(int argc, char **argv, const struct pb_globals *g);
int cmd_merge(int argc, char **argv, const struct pb_globals *g);
int cmd_report(int argc, char **argv, const struct pb_globals *g);
int cmd_check(int argc, char **argv, const struct pb_globals *g);
int cmd_export(int argc, char **argv, const struct pb_globals *g);
int cmd_failures(int argc, char **argv, const struct pb_globals *g);
int cmd_blame(int argc, char **argv, const struct pb_globals *g);
int cmd_show(int argc, char **argv, const struct pb_globals *g);
int cmd_stacks(int argc, char **argv, const struct pb_globals *g);
/* 'pinblame complete failures|formats' (cmd/complete.c), for the shell
 * completion; not in the command table, so not in --help. */
int cmd_complete(int argc, char **argv, const struct pb_globals *g);

/* Imports PATHS into the store at DB_PATH (FORMAT NULL: detect); the
 * exit code of the first failure. Used by import and record --import. */
int pb_import_files(const char *db_path, char **paths, int npaths, const char *format);

/* An operand ARG where the command takes none: the error and "see
 * 'pinblame CMD --help'"; returns PB_EXIT_USAGE. */
int pb_unexpected_operand(const char *arg);

/* Flushes stdout and reports a write error (ENOSPC, EIO) as an error; a
 * closed pipe (EPIPE) is not an error. Returns the exit code to use. */
int pb_finish_stdout(int code);

/* --- shared by the commands that read the analysis (cmd/report.c) --- */

struct pb_store;
struct pb_analyze_opts;

/* Long options of the analysis: --since S, --until S (trace seconds),
 * --noise FILE, --no-default-noise. Put PB_ANALYZE_LONGOPTS in the option
 * table and hand the option characters to pb_analyze_option(). */
enum {
	PB_OPT_SINCE = 0x100,
	PB_OPT_UNTIL,
	PB_OPT_NOISE,
	PB_OPT_NO_DEFAULT_NOISE,
};
#define PB_ANALYZE_LONGOPTS \
	{ "since", required_argument, NULL, PB_OPT_SINCE }, \
	{ "until", required_argument, NULL, PB_OPT_UNTIL }, \
	{ "noise", required_argument, NULL, PB_OPT_NOISE }, \
	{ "no-default-noise", no_argument, NULL, PB_OPT_NO_DEFAULT_NOISE }
/* Applies option C with ARG to O; -1 after printing a usage error. */
int pb_analyze_option(int c, const char *arg, struct pb_analyze_opts *o);

/* The same options for a table of pb_parse_options(), on the struct
 * pb_analyze_opts at O; the callback takes --since and --until. */
int pb_opt_window(const struct pb_option *opt, const char *arg);
#define PB_OPTS_ANALYSIS(o) \
	PB_OPT_CALLBACK(0, "since", (o), "S", "only failures from S seconds of trace time on", \
			pb_opt_window), \
	PB_OPT_CALLBACK(0, "until", (o), "S", "only failures up to S seconds of trace time", \
			pb_opt_window), \
	PB_OPT_STRING(0, "noise", &(o)->noise_file, "FILE", \
		      "more frames that are not call sites: 'GLOB' or\n'skip GLOB' walks " \
		      "through a frame, 'common GLOB'\nmarks a common path that is never " \
		      "blamed"), \
	PB_OPT_BOOL(0, "no-default-noise", &(o)->no_default_noise, \
		    "only the frames of --noise, not the built-in list")

/* The store at DB_PATH with its analysis up to date, after checking O (the
 * --noise file); NULL with *CODE the exit code (PB_EXIT_INPUT for O,
 * PB_EXIT_STORE for the store) after printing why. */
struct pb_store *pb_open_analysis(const char *db_path, const struct pb_analyze_opts *o,
				  int *code);

/* PB_EXIT_INPUT when S holds no source, after saying so (PB_EXIT_STORE
 * when it cannot tell), else PB_EXIT_OK: a command that judges the traces
 * must not pass on an empty store. */
int pb_no_traces(struct pb_store *s);

/* Says so when the --noise file of O left no call site in BLAME (a
 * pinblame.blame/1 object); 1 when it did, 0 otherwise. */
int pb_noise_note(const struct pb_analyze_opts *o, const json_t *blame);

/* -o FILE: opens PATH for writing (stdout when NULL); NULL after printing
 * the error. pb_close_output() closes it and turns a write error into an
 * error message and exit code PB_EXIT_INPUT; it returns CODE otherwise. */
FILE *pb_open_output(const char *path);
int pb_close_output(FILE *f, const char *path, int code);

#endif
