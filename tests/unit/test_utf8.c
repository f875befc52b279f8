/* test_utf8.c: decoding, repair, folding and byte/code-point offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "utf8.h"

static void test_decode(void **state)
{
    (void)state;
    int32_t cp;
    assert_int_equal(evm_utf8_decode("A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(evm_utf8_decode("\xE2\x80\x99", 3, &cp), 3); /* ’ */
    assert_int_equal(cp, 0x2019);
    assert_int_equal(evm_utf8_decode("\xE2\x80", 2, &cp), 1); /* truncated */
    assert_int_equal(cp, -1);
    assert_int_equal(evm_utf8_decode("\xFF", 1, &cp), 1);
    assert_int_equal(cp, -1);
}

static void test_repair(void **state)
{
    (void)state;
    char *out;
    size_t n;
    /* an invalid byte, a NUL and an overlong encoding each become U+FFFD */
    const char in[] = "a\xFF"
                      "b\0c\xC0\xAF";
    size_t replaced = evm_utf8_repair(in, sizeof in - 1, &out, &n);
    assert_int_equal(replaced, 4);
    assert_string_equal(out, "a\xEF\xBF\xBD"
                             "b\xEF\xBF\xBD"
                             "c\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_int_equal(n, strlen(out));
    free(out);
    replaced = evm_utf8_repair("Київ’s", strlen("Київ’s"), &out, &n);
    assert_int_equal(replaced, 0);
    assert_string_equal(out, "Київ’s");
    free(out);
}

/* The repair as the plain loop over evm_utf8_decode: the reference for the fast path. */
static size_t repair_reference(const char *s, size_t n, char *buf, size_t *len)
{
    size_t o = 0, replaced = 0;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t k = evm_utf8_decode(s + i, n - i, &cp);
        if (cp <= 0) {
            memcpy(buf + o, "\xEF\xBF\xBD", 3);
            o += 3;
            replaced++;
        } else {
            memcpy(buf + o, s + i, k);
            o += k;
        }
        i += k;
    }
    *len = o;
    return replaced;
}

/* Valid prefixes of any length followed by bad bytes, truncated sequences at the end, and
 * random byte soup all repair exactly as the reference loop does. */
static void test_repair_cases(void **state)
{
    (void)state;
    const char *pieces[] = {"a",        "Київ",     "\xE2\x80\x99",     "\xFF",         "\0",
                            "\xC0\xAF", "\xE2\x80", "\xF0\x9F\x8C\x8D", "\xED\xA0\x80", "\x7F",
                            " "};
    size_t lens[] = {1, 8, 3, 1, 1, 2, 2, 4, 3, 1, 1};
    char in[256], want[1024];
    srand(7);
    for (int t = 0; t < 20000; t++) {
        size_t n = 0;
        int parts = rand() % 12;
        for (int p = 0; p < parts; p++) {
            if (rand() % 4 == 0) {
                in[n++] = (char)(rand() % 256);
            } else {
                size_t q = (size_t)rand() % (sizeof lens / sizeof lens[0]);
                memcpy(in + n, pieces[q], lens[q]);
                n += lens[q];
            }
        }
        size_t wn;
        size_t wr = repair_reference(in, n, want, &wn);
        char *out;
        size_t on;
        assert_int_equal(evm_utf8_repair(in, n, &out, &on), wr);
        assert_int_equal(on, wn);
        assert_memory_equal(out, want, wn);
        assert_int_equal(out[on], '\0');
        free(out);
    }
    /* one bad byte at every position of texts of every length (the 8-byte fast path) */
    const unsigned char bad[] = {0x00, 0x80, 0xC3, 0xFF};
    for (size_t n = 1; n <= 40; n++)
        for (size_t pos = 0; pos < n; pos++)
            for (size_t b = 0; b < sizeof bad; b++) {
                memset(in, 'a', n);
                in[pos] = (char)bad[b];
                size_t wn;
                size_t wr = repair_reference(in, n, want, &wn);
                char *out;
                size_t on;
                assert_int_equal(evm_utf8_repair(in, n, &out, &on), wr);
                assert_int_equal(wr, 1);
                assert_int_equal(on, wn);
                assert_memory_equal(out, want, wn);
                free(out);
            }
    char *out;
    size_t on;
    assert_int_equal(evm_utf8_repair("", 0, &out, &on), 0);
    assert_int_equal(on, 0);
    assert_string_equal(out, "");
    free(out);
}

/* Buffers of exactly n bytes, no terminator, of every length around the scan's 8- and
 * 16-byte steps: the repair must not read past them (the sanitizer build checks). */
static void test_repair_exact_buffers(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 40; n++) {
        char *buf = malloc(n ? n : 1);
        assert_non_null(buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)('a' + (char)(i % 26));
        char *out = NULL;
        size_t out_len = 0;
        assert_int_equal(evm_utf8_repair(buf, n, &out, &out_len), 0);
        assert_int_equal(out_len, n);
        assert_memory_equal(out, buf, n);
        free(out);
        free(buf);
    }
}

static void test_fold(void **state)
{
    (void)state;
    size_t n;
    char *f = evm_utf8_fold("Dnipró", strlen("Dnipró"), &n);
    assert_string_equal(f, "dnipro");
    free(f);
    f = evm_utf8_fold("КИЇВ", strlen("КИЇВ"), &n);
    assert_string_equal(f, "киів"); /* the diaeresis of Ї is a mark: folded away */
    free(f);
    f = evm_utf8_fold("Élysée", strlen("Élysée"), &n);
    assert_string_equal(f, "elysee");
    free(f);
}

static void test_offsets(void **state)
{
    (void)state;
    /* "Київ’s Sumy": К и ї в ’ s space S u m y */
    const char *s = "Київ’s Sumy and more text to pass the first checkpoint of 64 bytes......"
                    "ü";
    size_t n = strlen(s);
    evm_utf8_index *ix = evm_utf8_index_new(s, n);
    assert_int_equal(evm_utf8_index_cp(ix, 0), 0);
    assert_int_equal(evm_utf8_index_cp(ix, 8), 4);  /* after Київ (8 bytes) */
    assert_int_equal(evm_utf8_index_cp(ix, 11), 5); /* after ’ (3 bytes) */
    const char *sumy = strstr(s, "Sumy");
    assert_int_equal(evm_utf8_index_cp(ix, (size_t)(sumy - s)), 7);
    assert_int_equal(evm_utf8_index_cp(ix, n), evm_utf8_count(s, n));
    assert_int_equal(evm_utf8_index_cp(ix, n - 1), evm_utf8_count(s, n) - 1); /* inside ü */
    evm_utf8_index_free(ix);
}

/* The converter as first written: checkpoints every 64 bytes counted byte by byte. */
static size_t index_reference(const char *s, size_t n, size_t off)
{
    if (off > n)
        off = n;
    size_t base = off / 64 * 64, c = 0, lead = 0;
    for (size_t i = 0; i < base; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    for (size_t i = base; i < off; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            lead++;
    if (off < n && ((unsigned char)s[off] & 0xC0) == 0x80 && lead > 0)
        lead--;
    return c + lead;
}

/* Up to 300 bytes of random text mixing 1- to 4-byte characters into s (cap bytes);
 * returns its length. */
static size_t random_text(char *s, size_t cap)
{
    const char *chars[] = {"a", " ", "\xC3\xBC", "\xE2\x80\x99", "\xD0\x9A", "\xF0\x9F\x8C\x8D",
                           "."};
    size_t n = 0, want = (size_t)rand() % 300;
    while (n < want) {
        const char *c = chars[rand() % 7];
        size_t k = strlen(c);
        if (n + k > cap)
            break;
        memcpy(s + n, c, k);
        n += k;
    }
    return n;
}

/* Texts of every length around the checkpoints, mixing 1- to 4-byte characters: every
 * byte offset (and one past the end) converts as the reference does. */
static void test_offsets_random(void **state)
{
    (void)state;
    char s[400];
    srand(3);
    for (int t = 0; t < 3000; t++) {
        size_t n = random_text(s, sizeof s);
        evm_utf8_index *ix = evm_utf8_index_new(s, n);
        for (size_t off = 0; off <= n + 1; off++)
            assert_int_equal(evm_utf8_index_cp(ix, off), index_reference(s, n, off));
        evm_utf8_index_free(ix);
    }
}

/* The cursor answers as the index does, for every offset (inside characters too) taken
 * in increasing order, in pairs like a mention's start and end, and in random order. */
static void test_cursor(void **state)
{
    (void)state;
    char s[400];
    srand(5);
    for (int t = 0; t < 2000; t++) {
        size_t n = random_text(s, sizeof s);
        evm_utf8_index *ix = evm_utf8_index_new(s, n);
        evm_utf8_cursor cur;
        evm_utf8_cursor_init(&cur, s, n);
        for (size_t off = 0; off <= n + 1; off++)
            assert_int_equal(evm_utf8_cursor_cp(&cur, off), evm_utf8_index_cp(ix, off));
        evm_utf8_cursor_init(&cur, s, n);
        for (size_t off = 0; off + 3 <= n; off += 1 + (size_t)rand() % 9) {
            assert_int_equal(evm_utf8_cursor_cp(&cur, off), evm_utf8_index_cp(ix, off));
            assert_int_equal(evm_utf8_cursor_cp(&cur, off + 3), evm_utf8_index_cp(ix, off + 3));
        }
        for (int k = 0; k < 50; k++) {
            size_t off = (size_t)rand() % (n + 2);
            assert_int_equal(evm_utf8_cursor_cp(&cur, off), evm_utf8_index_cp(ix, off));
        }
        evm_utf8_index_free(ix);
    }
}

static void test_classes(void **state)
{
    (void)state;
    assert_true(evm_utf8_is_space(0xA0));    /* no-break space */
    assert_true(evm_utf8_is_upper(0x041A));  /* К */
    assert_true(evm_utf8_is_letter(0x0457)); /* ї */
    assert_false(evm_utf8_is_letter('-'));
    assert_true(evm_utf8_is_digit('7'));
}

/* The ASCII fast paths agree with utf8proc's categories on every ASCII code point, and
 * decoding an ASCII byte gives the byte. */
static void test_ascii_classes(void **state)
{
    (void)state;
    for (int32_t cp = 0; cp < 0x80; cp++) {
        utf8proc_category_t c = utf8proc_category(cp);
        assert_int_equal(evm_utf8_is_letter(cp) != 0,
                         c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO);
        assert_int_equal(evm_utf8_is_upper(cp) != 0,
                         c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT);
        assert_int_equal(evm_utf8_is_lower(cp) != 0, c == UTF8PROC_CATEGORY_LL);
        assert_int_equal(evm_utf8_is_digit(cp) != 0, c == UTF8PROC_CATEGORY_ND);
        assert_int_equal(evm_utf8_is_mark(cp) != 0, c == UTF8PROC_CATEGORY_MN ||
                                                        c == UTF8PROC_CATEGORY_MC ||
                                                        c == UTF8PROC_CATEGORY_ME);
        bool space = cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
                     c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
                     c == UTF8PROC_CATEGORY_ZP;
        assert_int_equal(evm_utf8_is_space(cp) != 0, space);
        char b[2] = {(char)cp, 'x'};
        int32_t got = -2;
        assert_int_equal(evm_utf8_decode(b, 2, &got), 1);
        assert_int_equal(got, cp);
    }
    /* Outside ASCII and invalid input still go through utf8proc. */
    assert_false(evm_utf8_is_letter(-1));
    assert_true(evm_utf8_is_lower(0x00E9)); /* é */
    assert_true(evm_utf8_is_mark(0x0301));  /* combining acute */
    int32_t got = 0;
    assert_int_equal(evm_utf8_decode("\x80", 1, &got), 1);
    assert_int_equal(got, -1);
    assert_int_equal(evm_utf8_decode("\xC3\xA9", 2, &got), 2);
    assert_int_equal(got, 0xE9);
}

/* evm_utf8_valid says yes exactly when evm_utf8_repair would change nothing. */
static void test_valid(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
    } cases[] = {{"", 0},
                 {"plain ASCII text, longer than sixteen bytes", 43},
                 {"caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x98\x80", 14},
                 {"nul\0inside", 10},
                 {"bad \xFF byte", 10},
                 {"cut \xE2\x80", 6},
                 {"overlong \xC0\xAF", 11},
                 {"surrogate \xED\xA0\x80", 13}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        size_t len = 0;
        size_t replaced = evm_utf8_repair(cases[i].s, cases[i].n, &out, &len);
        bool same = replaced == 0 && len == cases[i].n && memcmp(out, cases[i].s, len) == 0;
        if (evm_utf8_valid(cases[i].s, cases[i].n) != same)
            fail_msg("case %zu: valid says %d, repair %s", i, !same, same ? "keeps" : "changes");
        free(out);
    }
    assert_true(evm_utf8_valid("abc", 3));
    assert_false(evm_utf8_valid("a\xFF", 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_repair),
        cmocka_unit_test(test_repair_cases),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_offsets_random),
        cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_ascii_classes),
        cmocka_unit_test(test_repair_exact_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
