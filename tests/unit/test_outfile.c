/* test_outfile.c: atomic output files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"

static char dir[] = "/tmp/evm_outfile_XXXXXX";

static size_t count_entries(void)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void read_text(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t k = fread(buf, 1, n - 1, f);
    buf[k] = 0;
    fclose(f);
}

static void test_commit_replaces(void **state)
{
    (void)state;
    char final[256], buf[64];
    snprintf(final, sizeof final, "%s/layer.geojson", dir);
    write_text(final, "old");
    char *tmp = evm_outfile_begin(final);
    assert_non_null(strstr(tmp, "layer.geojson")); /* the extension stays visible */
    assert_non_null(strstr(tmp, dir));
    write_text(tmp, "new");
    read_text(final, buf, sizeof buf);
    assert_string_equal(buf, "old"); /* untouched until commit */
    evm_diag d;
    assert_int_equal(evm_outfile_commit(tmp, final, &d), EVM_OK);
    read_text(final, buf, sizeof buf);
    assert_string_equal(buf, "new");
    assert_int_equal(count_entries(), 1);
}

static void test_abort_and_cleanup(void **state)
{
    (void)state;
    char final[256], buf[64];
    snprintf(final, sizeof final, "%s/map.png", dir);
    write_text(final, "good");
    char *tmp = evm_outfile_begin(final);
    write_text(tmp, "half");
    evm_outfile_abort(tmp);
    read_text(final, buf, sizeof buf);
    assert_string_equal(buf, "good");

    char *t2 = evm_outfile_begin(final);
    write_text(t2, "half");
    evm_outfile_cleanup(); /* what a signal handler does */
    assert_int_equal(access(t2, F_OK), -1);
    free(t2);
    read_text(final, buf, sizeof buf);
    assert_string_equal(buf, "good");
}

static void test_commit_failure(void **state)
{
    (void)state;
    /* Renaming onto a path whose folder does not exist fails and removes the temp file. */
    char final[256], bad[256];
    snprintf(final, sizeof final, "%s/x.json", dir);
    snprintf(bad, sizeof bad, "%s/missing/x.json", dir);
    char *tmp = evm_outfile_begin(final);
    write_text(tmp, "data");
    char *keep = strdup(tmp);
    evm_diag d;
    assert_int_equal(evm_outfile_commit(tmp, bad, &d), EVM_ERR_IO);
    assert_non_null(strstr(d.msg, "missing/x.json"));
    assert_int_equal(access(keep, F_OK), -1);
    free(keep);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_replaces),
        cmocka_unit_test(test_abort_and_cleanup),
        cmocka_unit_test(test_commit_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
