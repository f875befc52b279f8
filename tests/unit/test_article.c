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

/* Parses a line both ways (the fast reader with its json-c fallback, and json-c alone) and
 * checks that the results agree to the byte: the same error and message, or the same
 * document. */
static void check_same_json(const char *line, size_t n)
{
    evm_doc *a = NULL, *b = NULL;
    evm_diag da = {{0}}, db = {{0}};
    evm_read_opts opts = {0};
    evm_err ea = evm_article_parse_json(line, n, "f:1", &opts, &a, &da);
    evm_err eb = evm_article_parse_json_generic(line, n, "f:1", &opts, &b, &db);
    if (ea != eb)
        fail_msg("line <%.*s>: error %d, json-c %d", (int)n, line, (int)ea, (int)eb);
    if (ea) {
        assert_null(a);
        assert_string_equal(da.msg, db.msg);
        return;
    }
    assert_string_equal(a->id, b->id);
    assert_string_equal(a->origin, b->origin);
    assert_string_equal(a->title, b->title);
    assert_memory_equal(&a->published, &b->published, sizeof a->published);
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->text, b->text, a->len + 1);
    assert_int_equal(a->n_replaced, b->n_replaced);
    assert_int_equal(a->body, b->body);
    evm_doc_free(a);
    evm_doc_free(b);
}

static void check_same_str(const char *line)
{
    check_same_json(line, strlen(line));
}

/* The fast JSONL reader gives json-c's answer on every kind of line: plain and escaped
 * strings, \u escapes (BMP, U+FFFF, surrogates, NUL), numbers and other values as ids,
 * repeated keys, nesting, whitespace json-c may or may not take, comments, bad syntax,
 * raw control characters and invalid UTF-8, and on random mutations of a good line. */
static void test_json_fast_reader(void **state)
{
    (void)state;
    const char *lines[] = {
        "{\"id\": \"a\", \"date\": \"2024-05-06\", \"title\": \"T\", \"text\": \"Rain in Kyiv.\"}",
        "{\"text\":\"x\"}\n",
        "  {\"text\" :\t\"x\" , \"id\":\"b\"}  \r\n",
        "{\"text\": \"a\\nb\\tc\\\"d\\\\e\\/f\\bg\\fh\\ri\"}",
        "{\"text\": \"caf\\u00e9 \\u4e2d \\u0041 \\uFFFF \\u07FF \\u0800\"}",
        "{\"text\": \"\\ud83c\\udf0d pair\"}",
        "{\"text\": \"\\ud83c lone\"}",
        "{\"text\": \"\\udf0d lone low\"}",
        "{\"text\": \"nul \\u0000 inside\"}",
        "{\"text\": \"bad \\u12G4 hex\"}",
        "{\"text\": \"bad \\x escape\"}",
        "{\"text\": \"short \\u12\"}",
        "{\"id\": 5, \"text\": \"x\"}",
        "{\"id\": -12, \"text\": \"x\"}",
        "{\"id\": 1.5, \"text\": \"x\"}",
        "{\"id\": 1e3, \"text\": \"x\"}",
        "{\"id\": 007, \"text\": \"x\"}",
        "{\"id\": null, \"text\": \"x\"}",
        "{\"id\": true, \"text\": \"x\"}",
        "{\"id\": [1, 2], \"text\": \"x\"}",
        "{\"id\": {\"a\": 1}, \"text\": \"x\"}",
        "{\"id\": \"i\\u00e9\\n\", \"title\": \"t\\u0000x\", \"text\": \"x\"}",
        "{\"title\": 5, \"date\": null, \"text\": \"x\"}",
        "{\"title\": \"\\u00e9t\\u00e9\", \"date\": \"2020-02-30\", \"text\": \"x\"}",
        "{\"date\": \"2019-12-31T10:00:00Z\", \"text\": \"x\"}",
        "{\"text\": \"a\", \"text\": \"b\"}",
        "{\"id\": \"a\", \"id\": \"b\", \"text\": \"x\"}",
        "{\"title\": 1, \"title\": \"b\", \"text\": \"x\"}",
        "{\"text\": 5}",
        "{\"text\": null}",
        "{\"text\": [\"x\"]}",
        "{\"id\": \"no text\"}",
        "{}",
        "[1, 2]",
        "\"just a string\"",
        "42",
        "",
        "   ",
        "{\"text\": \"x\"} trailing",
        "{\"text\": \"x\"}}",
        "{\"text\": \"x\",}",
        "{\"text\": \"x\" \"id\": \"y\"}",
        "{\"text\": 'single'}",
        "{'text': \"x\"}",
        "{\"text\": \"x\" /* comment */}",
        "{\"text\": \"x\", \"n\": NaN}",
        "{\"text\": \"x\", \"n\": Infinity}",
        "{\"text\": \"x\", \"b\": True}",
        "{\"text\": \"x\", \"n\": +1}",
        "{\"text\": \"x\", \"n\": .5}",
        "{\"text\": \"x\", \"n\": 1.}",
        "{\"text\": \"x\", \"n\": -}",
        "{\"text\": \"x\", \"n\": 1e}",
        "{\"text\": \"x\", \"n\": -0.0e-7}",
        "{\"text\": \"x\", \"a\": [[[[{\"b\": [true, false, null, 1, \"s\"]}]]]]}",
        "{\"text\": \"x\", \"a\": [1, 2,]}",
        "{\"text\": \"x\"\f}",
        "\f{\"text\": \"x\"}",
        "{\"text\": \"x\"\v}",
        "\xEF\xBB\xBF{\"text\": \"bom\"}",
        "{\"text\": \"tab\tinside\"}",
        "{\"text\": \"newline\ninside\"}",
        "{\"text\": \"bad \xFF\xFE utf8 \xC0\xAF\"}",
        "{\"text\": \"\"}",
        "{\"text\": \"x\", \"t\\u0065xt\": \"y\"}",
        "{\"te\\u0078t\": \"y\"}",
        "{\"text\": \"unterminated",
        "{\"text\": \"x\"",
        "{\"text\"",
        "{",
        "}",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        check_same_str(lines[i]);
    /* a NUL byte inside and after the object */
    check_same_json("{\"text\": \"a\0b\"}", 15);
    check_same_json("{\"text\": \"ab\"}\0", 15);
    /* nesting deeper than the fast reader goes, and deeper than json-c's limit (64) */
    char deep[400];
    for (int depth = 30; depth <= 70; depth += 5) {
        size_t k = (size_t)snprintf(deep, sizeof deep, "{\"text\": \"x\", \"a\": ");
        for (int d = 0; d < depth; d++)
            deep[k++] = '[';
        for (int d = 0; d < depth; d++)
            deep[k++] = ']';
        deep[k++] = '}';
        check_same_json(deep, k);
    }
    /* random mutations of a good line */
    const char *good = "{\"id\": \"m-1\", \"date\": \"2024-01-02\", \"title\": \"On \\\"it\\\"\", "
                       "\"n\": [1, -2.5e3, {\"k\": null}], \"text\": \"Snow in L\\u00fcbeck\\n"
                       "and Kyiv.\"}";
    const char alphabet[] = "{}[]\",:\\u0 aetx1-.e\n\x01\xC3";
    char buf[512];
    srand(11);
    for (int t = 0; t < 20000; t++) {
        size_t n = strlen(good);
        memcpy(buf, good, n);
        int edits = 1 + rand() % 3;
        for (int e = 0; e < edits && n > 0; e++) {
            size_t at = (size_t)rand() % n;
            char c = alphabet[rand() % (int)(sizeof alphabet - 1)];
            switch (rand() % 3) {
            case 0: /* replace */
                buf[at] = c;
                break;
            case 1: /* delete */
                memmove(buf + at, buf + at + 1, n - at - 1);
                n--;
                break;
            default: /* insert */
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = c;
                n++;
            }
        }
        check_same_json(buf, n);
    }
}

/* Every line of the evaluation corpora reads the same both ways. */
static void test_json_fast_reader_corpora(void **state)
{
    (void)state;
    const char *names[] = {"lgl", "geovirus"};
    for (size_t c = 0; c < 2; c++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/eval/%s/articles.jsonl", EVM_SHARED_DIR, names[c]);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        char *line = NULL;
        size_t cap = 0;
        ssize_t k;
        while ((k = getline(&line, &cap, f)) > 0)
            check_same_json(line, (size_t)k);
        free(line);
        fclose(f);
    }
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
        cmocka_unit_test(test_json_fast_reader),
        cmocka_unit_test(test_json_fast_reader_corpora),
        cmocka_unit_test(test_jsonl_reader),
        cmocka_unit_test(test_sniff_and_text_reader),
        cmocka_unit_test(test_missing_and_dir),
        cmocka_unit_test(test_stem),
        cmocka_unit_test(test_seed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
