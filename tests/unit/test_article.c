/* test_article.c: plain text and JSONL article reading, files, stdin-like streams, dirs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "article.h"
#include "when.h"

static char tmpdir[] = "/tmp/evm_article_XXXXXX";

static char *write_file(const char *name, const char *data, size_t n)
{
    char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
    sprintf(path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(data, 1, n, f);
    fclose(f);
    return path;
}

static void test_header_and_dateline(void **state)
{
    (void)state;
    const char *t = "  date 2025-04-17 Leaders meet in Paris\n\nPARIS\n\nThe talks began.\n";
    evm_doc *doc;
    evm_diag d;
    assert_int_equal(evm_article_parse_text(t, strlen(t), "a", NULL, &doc, &d), EVM_OK);
    assert_int_equal(doc->published.year, 2025);
    assert_int_equal(doc->published.month, 4);
    assert_int_equal(doc->published.day, 17);
    assert_string_equal(doc->title, "Leaders meet in Paris");
    assert_string_equal(doc->dateline, "PARIS");
    assert_string_equal(doc->text + doc->body, "The talks began.\n");
    evm_doc_free(doc);
}

static void test_no_header(void **state)
{
    (void)state;
    const char *t = "The talks began in Kyiv.\nThey ended late.";
    evm_doc *doc;
    evm_diag d;
    assert_int_equal(evm_article_parse_text(t, strlen(t), "b", NULL, &doc, &d), EVM_OK);
    assert_int_equal(doc->published.precision, EVM_DATE_UNKNOWN);
    assert_string_equal(doc->title, "");
    assert_null(doc->dateline);
    assert_int_equal(doc->body, 0);
    evm_doc_free(doc);
}

static void test_date_option(void **state)
{
    (void)state;
    const char *t = "date 2025-04-17 Headline\nKYIV\nBody text here.";
    evm_read_opts o = {0};
    assert_true(evm_when_parse_iso("2024-02-29", 10, &o.date));
    evm_doc *doc;
    evm_diag d;
    assert_int_equal(evm_article_parse_text(t, strlen(t), "c", &o, &doc, &d), EVM_OK);
    assert_int_equal(doc->published.year, 2024);
    assert_int_equal(doc->published.day, 29);
    assert_string_equal(doc->dateline, "KYIV");
    evm_doc_free(doc);
}

static void test_not_a_header(void **state)
{
    (void)state;
    /* "date" followed by something that is not a date is body text; a mixed-case first
     * line is not a dateline. */
    const char *t = "date night in Paris was fun\nParis is big.";
    evm_doc *doc;
    evm_diag d;
    assert_int_equal(evm_article_parse_text(t, strlen(t), "d", NULL, &doc, &d), EVM_OK);
    assert_int_equal(doc->published.precision, EVM_DATE_UNKNOWN);
    assert_null(doc->dateline);
    assert_int_equal(doc->body, 0);
    evm_doc_free(doc);
}

static void test_bad_text(void **state)
{
    (void)state;
    evm_doc *doc;
    evm_diag d;
    assert_int_equal(evm_article_parse_text("", 0, "e", NULL, &doc, &d), EVM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "empty"));
    assert_int_equal(evm_article_parse_text(" \n\t\n", 4, "e", NULL, &doc, &d), EVM_ERR_INPUT);
    const char bin[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_int_equal(evm_article_parse_text(bin, sizeof bin - 1, "f", NULL, &doc, &d),
                     EVM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "binary"));
    const char *only_header = "date 2025-01-01 Headline only\n";
    assert_int_equal(evm_article_parse_text(only_header, strlen(only_header), "g", NULL, &doc, &d),
                     EVM_ERR_INPUT);
}

static void test_too_long(void **state)
{
    (void)state;
    size_t n = EVM_MAX_ARTICLE + 1;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 7 == 6 ? ' ' : 'a';
    evm_doc *doc;
    evm_diag d;
    assert_int_equal(evm_article_parse_text(big, n, "big", NULL, &doc, &d), EVM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "longer than"));
    /* The same text as a JSONL line. */
    char *line = malloc(n + 32);
    int k = snprintf(line, n + 32, "{\"text\": \"%.*s\"}", (int)n, big);
    assert_int_equal(evm_article_parse_json(line, (size_t)k, "big:1", NULL, &doc, &d),
                     EVM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "big:1: article text is 4.0 MB"));
    free(line);
    free(big);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    const char t[] = "Ukraine\xE2\x80\x99s capital \xFF Kyiv";
    evm_doc *doc;
    evm_diag d;
    assert_int_equal(evm_article_parse_text(t, sizeof t - 1, "h", NULL, &doc, &d), EVM_OK);
    assert_int_equal(doc->n_replaced, 1);
    assert_non_null(strstr(doc->text, "\xEF\xBF\xBD Kyiv"));
    assert_non_null(strstr(doc->text, "Ukraine’s"));
    evm_doc_free(doc);
}

static void test_json(void **state)
{
    (void)state;
    const char *l = "{\"id\": \"x1\", \"date\": \"2009-03-20\", \"title\": \"T\", \"text\": "
                    "\"Alexandria woman \\u2019s\"}\n";
    evm_doc *doc;
    evm_diag d;
    assert_int_equal(evm_article_parse_json(l, strlen(l), "f:1", NULL, &doc, &d), EVM_OK);
    assert_string_equal(doc->id, "x1");
    assert_string_equal(doc->title, "T");
    assert_int_equal(doc->published.year, 2009);
    assert_string_equal(doc->text, "Alexandria woman ’s");
    assert_int_equal(doc->body, 0);
    evm_doc_free(doc);

    const char *empty_date = "{\"id\": 7, \"date\": \"\", \"text\": \"Sumy\"}";
    assert_int_equal(evm_article_parse_json(empty_date, strlen(empty_date), "f:2", NULL, &doc, &d),
                     EVM_OK);
    assert_string_equal(doc->id, "7");
    assert_int_equal(doc->published.precision, EVM_DATE_UNKNOWN);
    evm_doc_free(doc);

    const char *bad[] = {
        "{\"text\": \"unterminated", "not json at all", "[1, 2]",
        "{\"id\": \"a\"}",           "{\"text\": 5}",   "{\"text\": \"a\"} trailing"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d.msg[0] = '\0';
        assert_int_equal(evm_article_parse_json(bad[i], strlen(bad[i]), "f:3", NULL, &doc, &d),
                         EVM_ERR_INPUT);
        assert_non_null(strstr(d.msg, "f:3"));
    }
}

static void test_jsonl_reader(void **state)
{
    (void)state;
    const char *data =
        "{\"id\":\"a\",\"text\":\"one\"}\n\nnot json\n{\"id\":\"b\",\"text\":\"two\"}";
    char *path = write_file("batch.jsonl", data, strlen(data));
    evm_reader *r;
    evm_diag d;
    assert_int_equal(evm_article_open(path, NULL, &r, &d), EVM_OK);
    assert_true(evm_article_is_jsonl(r));
    evm_doc *doc;
    assert_int_equal(evm_article_next(r, &doc, &d), EVM_OK);
    assert_string_equal(doc->id, "a");
    assert_int_equal(evm_article_position(r), 1);
    evm_doc_free(doc);
    assert_int_equal(evm_article_next(r, &doc, &d), EVM_ERR_INPUT);
    assert_non_null(strstr(d.msg, "line 3"));
    assert_non_null(strstr(d.msg, "batch.jsonl"));
    assert_int_equal(evm_article_next(r, &doc, &d), EVM_OK);
    assert_string_equal(doc->id, "b");
    assert_string_equal(doc->text, "two");
    evm_doc_free(doc);
    assert_int_equal(evm_article_next(r, &doc, &d), EVM_OK);
    assert_null(doc);
    evm_article_close(r);
    free(path);
}

static void test_sniff_and_text_reader(void **state)
{
    (void)state;
    /* A .txt file that holds JSONL is read as JSONL; a plain one as one article. */
    const char *j = "  {\"text\":\"Paris\"}\n";
    char *p1 = write_file("sniff.txt", j, strlen(j));
    evm_reader *r;
    evm_diag d;
    assert_int_equal(evm_article_open(p1, NULL, &r, &d), EVM_OK);
    assert_true(evm_article_is_jsonl(r));
    evm_doc *doc;
    assert_int_equal(evm_article_next(r, &doc, &d), EVM_OK);
    assert_string_equal(doc->text, "Paris");
    assert_string_equal(doc->id, "sniff:1");
    evm_doc_free(doc);
    evm_article_close(r);

    const char *t = "date 2025-04-17 H\nDNIPRO\nA drone hit Dnipro.\n";
    char *p2 = write_file("plain.txt", t, strlen(t));
    assert_int_equal(evm_article_open(p2, NULL, &r, &d), EVM_OK);
    assert_false(evm_article_is_jsonl(r));
    assert_int_equal(evm_article_next(r, &doc, &d), EVM_OK);
    assert_string_equal(doc->id, "plain");
    assert_string_equal(doc->dateline, "DNIPRO");
    assert_string_equal(doc->text, t);
    evm_doc_free(doc);
    assert_int_equal(evm_article_next(r, &doc, &d), EVM_OK);
    assert_null(doc);
    evm_article_close(r);
    free(p1);
    free(p2);
}

static void test_missing_and_dir(void **state)
{
    (void)state;
    evm_reader *r;
    evm_diag d;
    assert_int_equal(evm_article_open("/nonexistent/x.txt", NULL, &r, &d), EVM_ERR_IO);
    assert_non_null(strstr(d.msg, "/nonexistent/x.txt"));
    assert_int_equal(evm_article_open(tmpdir, NULL, &r, &d), EVM_ERR_IO);
    assert_non_null(strstr(d.msg, "directory"));

    char *z = write_file("z.txt", "x", 1), *a = write_file("a.jsonl", "x", 1),
         *o = write_file("other.csv", "x", 1);
    char **files;
    size_t n;
    assert_int_equal(evm_article_list_dir(tmpdir, &files, &n, &d), EVM_OK);
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        assert_null(strstr(files[i], ".csv"));
        if (i > 0)
            assert_true(strcmp(files[i - 1], files[i]) < 0);
        found += strstr(files[i], "z.txt") || strstr(files[i], "a.jsonl");
    }
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    assert_int_equal(found, 2);
    free(files);
    free(z);
    free(a);
    free(o);
}

static void test_stem(void **state)
{
    (void)state;
    char *s = evm_article_stem("docs/examples/sample.txt");
    assert_string_equal(s, "sample");
    free(s);
    s = evm_article_stem("-");
    assert_string_equal(s, "stdin");
    free(s);
    s = evm_article_stem(".hidden");
    assert_string_equal(s, ".hidden");
    free(s);
}

static void test_seed(void **state)
{
    (void)state;
    const char *path = EVM_SHARED_DIR "/seed/article.txt";
    if (access(path, R_OK) != 0)
        skip();
    evm_reader *r;
    evm_diag d;
    assert_int_equal(evm_article_open(path, NULL, &r, &d), EVM_OK);
    evm_doc *doc;
    assert_int_equal(evm_article_next(r, &doc, &d), EVM_OK);
    char buf[11];
    assert_string_equal(evm_when_format(doc->published, buf), "2025-04-17");
    assert_string_equal(doc->dateline, "PARIS");
    assert_non_null(strstr(doc->title, "Zelensky"));
    assert_true(doc->body > 0 && doc->body < doc->len);
    assert_true(doc->text[doc->body] >= 'A' && doc->text[doc->body] <= 'Z');
    evm_doc_free(doc);
    evm_article_close(r);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_dateline),
        cmocka_unit_test(test_no_header),
        cmocka_unit_test(test_date_option),
        cmocka_unit_test(test_not_a_header),
        cmocka_unit_test(test_bad_text),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_jsonl_reader),
        cmocka_unit_test(test_sniff_and_text_reader),
        cmocka_unit_test(test_missing_and_dir),
        cmocka_unit_test(test_stem),
        cmocka_unit_test(test_seed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
