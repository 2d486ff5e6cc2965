/* test_store_aside.c - a new store is built in a file of its own next to
 * it and put in place when its first file commits (lib/store/aside.c). */
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "pinblame/store.h"

struct dir_fixture {
	char dir[64];
	char db[96];
};

static int setup(void **state)
{
	struct dir_fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/pb-unit.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
	*state = f;
	return 0;
}

/* The names in DIR, sorted, each followed by a space. */
static void list_dir(const char *dir, char *out, size_t size)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	assert_true(n >= 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			strncat(out, names[i]->d_name, size - strlen(out) - 2);
			strcat(out, " ");
		}
		free(names[i]);
	}
	free(names);
}

static int teardown(void **state)
{
	struct dir_fixture *f = *state;
	struct dirent **names;
	char path[512];
	int n = scandir(f->dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]->d_name);
		unlink(path);
		free(names[i]);
	}
	free(names);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* A source with no events, named and hashed SHA; returns commit's result. */
static int add_source(struct pb_store *s, const char *sha)
{
	struct pb_source_info info = { .path = sha, .format = "ftrace", .sha256 = sha };
	struct pb_source_totals t = { .sha256 = sha };
	int64_t id;

	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
	return pb_store_source_commit(s, &t);
}

static int64_t sources_at(const char *db)
{
	struct pb_store *s = pb_store_open(db, PB_STORE_READ);
	int64_t n;

	assert_non_null(s);
	n = pb_store_count_sources(s);
	pb_store_close(s);
	return n;
}

static void test_new_store_is_aside_until_its_first_file_commits(void **state)
{
	struct dir_fixture *f = *state;
	struct pb_store *s = pb_store_open_import(f->db, PB_STORE_WRITE);
	char names[256], expect[256];

	assert_non_null(s);
	assert_int_equal(pb_store_in_place(s), 0);
	assert_int_equal(access(f->db, F_OK), -1);
	list_dir(f->dir, names, sizeof(names));
	snprintf(expect, sizeof(expect), "t.db.import-%ld-0.tmp ", (long)getpid());
	assert_string_equal(names, expect);

	assert_int_equal(add_source(s, "aa"), 1);
	assert_int_equal(pb_store_in_place(s), 1);
	list_dir(f->dir, names, sizeof(names));
	assert_string_equal(names, "t.db ");
	/* a second file goes into the store in place */
	assert_int_equal(add_source(s, "bb"), 1);
	pb_store_close(s);
	list_dir(f->dir, names, sizeof(names));
	assert_string_equal(names, "t.db ");
	assert_int_equal(sources_at(f->db), 2);
}

static void test_new_store_closed_before_a_commit_leaves_nothing(void **state)
{
	struct dir_fixture *f = *state;
	struct pb_store *s = pb_store_open_import(f->db, PB_STORE_WRITE_LARGE);
	struct pb_source_info info = { .path = "x", .format = "ftrace", .sha256 = "cc" };
	char names[256];
	int64_t id;

	assert_non_null(s);
	assert_int_equal(pb_store_source_begin(s, &info, &id), 1);
	pb_store_source_rollback(s);
	pb_store_close(s);
	list_dir(f->dir, names, sizeof(names));
	assert_string_equal(names, "");
}

static void test_existing_store_is_imported_in_place(void **state)
{
	struct dir_fixture *f = *state;
	struct pb_store *s = pb_store_open(f->db, PB_STORE_WRITE);

	pb_store_close(s);
	s = pb_store_open_import(f->db, PB_STORE_WRITE);
	assert_non_null(s);
	assert_int_equal(pb_store_in_place(s), 1);
	pb_store_close(s);
}

/* Another import made the store while this one built it aside: this one's
 * file is merged into it, or found there when it is the same file. */
static void test_store_made_meanwhile_gets_the_file_merged(void **state)
{
	struct dir_fixture *f = *state;
	struct pb_store *a = pb_store_open_import(f->db, PB_STORE_WRITE);
	struct pb_store *b = pb_store_open_import(f->db, PB_STORE_WRITE);
	struct pb_store *c = pb_store_open_import(f->db, PB_STORE_WRITE);
	char names[256];

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal(add_source(b, "b1"), 1);
	assert_int_equal(pb_store_in_place(b), 1);
	assert_int_equal(add_source(a, "a1"), 1);
	assert_int_equal(pb_store_in_place(a), 1);
	assert_int_equal(pb_store_find_source(a, "b1") > 0, 1);
	assert_int_equal(pb_store_find_source(a, "a1") > 0, 1);
	/* the same file as b's: "already imported" */
	assert_int_equal(add_source(c, "b1"), 0);
	assert_int_equal(pb_store_in_place(c), 1);
	pb_store_close(a);
	pb_store_close(b);
	pb_store_close(c);
	assert_int_equal(sources_at(f->db), 2);
	list_dir(f->dir, names, sizeof(names));
	assert_string_equal(names, "t.db ");
}

/* An aside file of SECONDS_OLD seconds at NAME in F's folder. */
static int make_aside(const struct dir_fixture *f, const char *name, int seconds_old)
{
	char path[512];
	struct timeval times[2];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fd = open(path, O_RDWR | O_CREAT, 0644);
	assert_true(fd >= 0);
	gettimeofday(&times[0], NULL);
	times[0].tv_sec -= seconds_old;
	times[1] = times[0];
	assert_int_equal(futimes(fd, times), 0);
	return fd;
}

/* A killed import's file is removed; one whose lock is held (a live
 * import's), a brand new one and a file of another store are not. */
static void test_killed_imports_file_is_removed_live_ones_kept(void **state)
{
	struct dir_fixture *f = *state;
	int dead = make_aside(f, "t.db.import-1-0.tmp", 60);
	int live = make_aside(f, "t.db.import-2-0.tmp", 60);
	int young = make_aside(f, "t.db.import-3-0.tmp", 0);
	int other = make_aside(f, "u.db.import-4-0.tmp", 60);
	struct pb_store *s;
	char names[256];

	assert_int_equal(flock(live, LOCK_EX | LOCK_NB), 0);
	s = pb_store_open_import(f->db, PB_STORE_WRITE);
	assert_non_null(s);
	pb_store_close(s);
	list_dir(f->dir, names, sizeof(names));
	assert_string_equal(names, "t.db.import-2-0.tmp t.db.import-3-0.tmp "
			    "u.db.import-4-0.tmp ");
	close(dead);
	close(live);
	close(young);
	close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_store_is_aside_until_its_first_file_commits,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_store_closed_before_a_commit_leaves_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_store_is_imported_in_place, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store_made_meanwhile_gets_the_file_merged,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_imports_file_is_removed_live_ones_kept,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
