/* test_segment.c: sentence and token segmentation of news text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article.h"
#include "segment.h"

static evm_doc *seg(const char *text)
{
    evm_doc *doc = evm_doc_new();
    doc->text = strdup(text);
    doc->len = strlen(text);
    evm_segment_run(doc);
    return doc;
}

static int tok_is(const evm_doc *doc, size_t i, const char *s)
{
    const evm_token *t = &doc->tokens[i];
    return t->end - t->start == strlen(s) && memcmp(doc->text + t->start, s, strlen(s)) == 0;
}

/* Index of the first token spelled s, or -1. */
static long find_tok(const evm_doc *doc, const char *s)
{
    for (size_t i = 0; i < doc->n_tokens; i++)
        if (tok_is(doc, i, s))
            return (long)i;
    return -1;
}

static void test_abbreviations(void **state)
{
    (void)state;
    evm_doc *doc = seg("Gen. Smith met Mr. Jones in St. Louis on Jan. 5. They talked. "
                       "Officials in the U.S. said so. The U.S. The next day, J. R. Brown left.");
    assert_int_equal(doc->n_sentences, 5);
    long g = find_tok(doc, "Gen.");
    assert_true(g >= 0);
    assert_true(doc->tokens[g].flags & EVM_TOKF_ABBREV);
    assert_true(find_tok(doc, "St.") >= 0);
    assert_true(find_tok(doc, "U.S.") >= 0);
    assert_true(find_tok(doc, "J.") >= 0);
    /* "The U.S. The next day" breaks after U.S. */
    const evm_sentence *s4 = &doc->sentences[3];
    assert_int_equal(s4->tok_count, 2);
    evm_doc_free(doc);
}

/* The abbreviation lists answer for every member in any ASCII case, and for nothing
 * else: first, last and middle entries, neighbours in sort order, prefixes, longer words. */
static void test_abbrev_lookup(void **state)
{
    (void)state;
    const char *yes[] = {"adm", "vs",    "v",   "Gen",   "ST",   "messrs", "e.g", "i.e",  "a.m",
                         "wyo", "u.s.a", "U.S", "Calif", "w.va", "Sept",   "co",  "mlle", "no"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!evm_segment_is_abbrev(yes[i], strlen(yes[i])))
            fail_msg("%s is an abbreviation", yes[i]);
    const char *no[] = {"a",     "ad",  "admx", "vz",   "w", "wa",  "u.s.a.", "u.",
                        "gener", "st.", "sta",  "mrss", "x", "zzz", "calif.", "Ukraine"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (evm_segment_is_abbrev(no[i], strlen(no[i])))
            fail_msg("%s is not an abbreviation", no[i]);
    assert_false(evm_segment_is_abbrev("", 0));
    assert_false(evm_segment_is_abbrev("st\0x", 4)); /* a NUL never matches the end */
    assert_true(evm_segment_is_abbrev("stx", 2));    /* only n bytes are read */
}

static void test_numbers(void **state)
{
    (void)state;
    evm_doc *doc = seg("About 1,200 people and 3.5 tonnes; 35 died.");
    long n = find_tok(doc, "1,200");
    assert_true(n >= 0);
    assert_int_equal(doc->tokens[n].kind, EVM_TOK_NUMBER);
    assert_true(find_tok(doc, "3.5") >= 0);
    assert_true(find_tok(doc, "35") >= 0);
    assert_int_equal(doc->n_sentences, 1);
    evm_doc_free(doc);
}

static void test_possessive_and_hyphen(void **state)
{
    (void)state;
    evm_doc *doc = seg("Ukraine’s army and Russia's navy met Kharkiv-based O'Brien.");
    long u = find_tok(doc, "Ukraine");
    assert_true(u >= 0);
    assert_true(doc->tokens[u].flags & EVM_TOKF_POSSESSIVE);
    assert_true(tok_is(doc, (size_t)u + 1, "army"));
    long r = find_tok(doc, "Russia");
    assert_true(doc->tokens[r].flags & EVM_TOKF_POSSESSIVE);
    assert_true(find_tok(doc, "Kharkiv-based") >= 0);
    assert_true(find_tok(doc, "O'Brien") >= 0);
    evm_doc_free(doc);
}

static void test_quotes_and_ellipsis(void **state)
{
    (void)state;
    evm_doc *doc = seg("“We will not stop… until it ends,” he said. \"Never.\" She left! Why? "
                       "Because.");
    assert_int_equal(doc->n_sentences, 5);
    /* The closing quote stays with its sentence. */
    const evm_sentence *s0 = &doc->sentences[0];
    assert_int_equal(memcmp(doc->text + s0->end - 1, ".", 1), 0);
    const evm_sentence *s1 = &doc->sentences[1];
    assert_int_equal(doc->text[s1->end - 1], '"');
    evm_doc_free(doc);
}

static void test_flags(void **state)
{
    (void)state;
    evm_doc *doc = seg("PARIS talks. Then NATO met in Paris.");
    long p = find_tok(doc, "PARIS");
    assert_true(doc->tokens[p].flags & EVM_TOKF_UPPER);
    assert_true(doc->tokens[p].flags & EVM_TOKF_SENT_START);
    long then = find_tok(doc, "Then");
    assert_true(doc->tokens[then].flags & EVM_TOKF_SENT_START);
    long paris = (long)doc->n_tokens - 2;
    assert_true(tok_is(doc, (size_t)paris, "Paris"));
    assert_true(doc->tokens[paris].flags & EVM_TOKF_CAP);
    assert_false(doc->tokens[paris].flags & (EVM_TOKF_UPPER | EVM_TOKF_SENT_START));
    assert_int_equal(doc->tokens[paris].sentence, 1);
    evm_doc_free(doc);
}

static void test_paragraphs_and_nbsp(void **state)
{
    (void)state;
    /* A blank line ends a sentence even without a period; NBSP separates tokens. */
    evm_doc *doc = seg("Headline without period\n\nKryvyi\xC2\xA0Rig was hit.\nIt was late.");
    assert_int_equal(doc->n_sentences, 3);
    assert_true(find_tok(doc, "Kryvyi") >= 0);
    assert_true(find_tok(doc, "Rig") >= 0);
    evm_doc_free(doc);
}

static void test_offsets_cover_text(void **state)
{
    (void)state;
    evm_doc *doc = seg("  Sumy, Dnipro; Київ.  ");
    for (size_t i = 0; i < doc->n_tokens; i++) {
        assert_true(doc->tokens[i].start < doc->tokens[i].end);
        assert_true(doc->tokens[i].end <= doc->len);
        if (i)
            assert_true(doc->tokens[i - 1].end <= doc->tokens[i].start);
    }
    assert_true(find_tok(doc, "Київ") >= 0);
    evm_doc_free(doc);
}

static void test_seed(void **state)
{
    (void)state;
    const char *path = EVM_SHARED_DIR "/seed/article.txt";
    if (access(path, R_OK) != 0)
        skip();
    evm_reader *r;
    evm_diag d;
    evm_doc *doc;
    assert_int_equal(evm_article_open(path, NULL, &r, &d), EVM_OK);
    assert_int_equal(evm_article_next(r, &doc, &d), EVM_OK);
    evm_segment_run(doc);
    /* One sentence per paragraph, except the quoted paragraph of two sentences. */
    size_t paragraphs = 0;
    for (size_t i = doc->body; i < doc->len; i++)
        if (doc->text[i] != '\n' && (i == doc->body || doc->text[i - 1] == '\n'))
            paragraphs++;
    assert_int_equal(doc->n_sentences, paragraphs + 1);
    long k = find_tok(doc, "Kryvyi");
    assert_true(k >= 0 && tok_is(doc, (size_t)k + 1, "Rig"));
    /* No token starts inside the header line. */
    assert_true(doc->tokens[0].start >= doc->body);
    evm_doc_free(doc);
    evm_article_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abbreviations),
        cmocka_unit_test(test_abbrev_lookup),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_possessive_and_hyphen),
        cmocka_unit_test(test_quotes_and_ellipsis),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_paragraphs_and_nbsp),
        cmocka_unit_test(test_offsets_cover_text),
        cmocka_unit_test(test_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
