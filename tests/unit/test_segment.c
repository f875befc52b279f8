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

/* The flags of the token spelled s (which must be there). */
static uint16_t flags_of(const evm_doc *doc, const char *s)
{
    long i = find_tok(doc, s);
    if (i < 0)
        fail_msg("no token %s", s);
    return doc->tokens[i].flags;
}

/* Case flags from ASCII and non-ASCII letters alike: CAP from the first letter, UPPER
 * for two letters or more, all capitals (digits and marks are not letters). */
static void test_case_flags(void **state)
{
    (void)state;
    evm_doc *doc = seg("КИЇВ Київ ÉTATS Éa NATO A AB1 A1 iPhone McDONALD Ωmega ΩΜ x");
    const uint16_t cu = EVM_TOKF_CAP | EVM_TOKF_UPPER;
    assert_int_equal(flags_of(doc, "КИЇВ") & cu, cu);
    assert_int_equal(flags_of(doc, "Київ") & cu, EVM_TOKF_CAP);
    assert_int_equal(flags_of(doc, "ÉTATS") & cu, cu);
    assert_int_equal(flags_of(doc, "Éa") & cu, EVM_TOKF_CAP);
    assert_int_equal(flags_of(doc, "NATO") & cu, cu);
    assert_int_equal(flags_of(doc, "A") & cu, EVM_TOKF_CAP);
    assert_int_equal(flags_of(doc, "AB1") & cu, cu);
    assert_int_equal(flags_of(doc, "A1") & cu, EVM_TOKF_CAP);
    assert_int_equal(flags_of(doc, "iPhone") & cu, 0);
    assert_int_equal(flags_of(doc, "McDONALD") & cu, EVM_TOKF_CAP);
    assert_int_equal(flags_of(doc, "Ωmega") & cu, EVM_TOKF_CAP);
    assert_int_equal(flags_of(doc, "ΩΜ") & cu, cu);
    assert_int_equal(flags_of(doc, "x") & cu, 0);
    evm_doc_free(doc);
}

/* Words with non-ASCII letters, combining marks, typographic hyphens and apostrophes
 * stay whole; a possessive ’s after a non-ASCII letter is split off. */
static void test_utf8_words(void **state)
{
    (void)state;
    evm_doc *doc = seg("Dnipró’s mayor met Ivano‐Frankivsk officials in Київ’s centre; São "
                       "Paulo, Zürich and Dnipro\xCC\x81 too. N’Djamena");
    assert_true(flags_of(doc, "Dnipró") & EVM_TOKF_POSSESSIVE);
    assert_true(flags_of(doc, "Київ") & EVM_TOKF_POSSESSIVE);
    assert_true(find_tok(doc, "Ivano‐Frankivsk") >= 0);
    assert_true(find_tok(doc, "São") >= 0);
    assert_true(find_tok(doc, "Zürich") >= 0);
    assert_true(find_tok(doc, "Dnipro\xCC\x81") >= 0);
    assert_true(find_tok(doc, "N’Djamena") >= 0);
    long p = find_tok(doc, "Paulo");
    assert_true(p >= 0 && tok_is(doc, (size_t)p + 1, ","));
    assert_int_equal(doc->tokens[p + 1].kind, EVM_TOK_PUNCT);
    evm_doc_free(doc);
}

/* Only doc->len bytes are tokenized, even when the text goes on after them. */
static void test_length_bound(void **state)
{
    (void)state;
    evm_doc *doc = evm_doc_new();
    doc->text = strdup("Paris. The end");
    doc->len = 6;
    evm_segment_run(doc);
    assert_int_equal(doc->n_tokens, 2);
    assert_true(tok_is(doc, 0, "Paris"));
    assert_true(tok_is(doc, 1, "."));
    assert_int_equal(doc->n_sentences, 1);
    doc->len = 3;
    evm_segment_run(doc);
    assert_int_equal(doc->n_tokens, 1);
    assert_true(tok_is(doc, 0, "Par"));
    evm_doc_free(doc);
}

/* A run of ASCII letters and digits ends at the first other byte, whatever its value, the
 * run's length (across the 64-byte steps of the stop map) and its place in the text, at
 * the text's end too. */
static void test_word_runs(void **state)
{
    (void)state;
    static const char chars[] = "aZ0m9Qz5Ab";
    static const size_t lengths[] = {1, 2, 7, 8, 9, 15, 16, 17, 56, 57, 63, 64, 65, 130};
    char text[200];
    for (unsigned b = 1; b < 128; b++) {
        if (b == '\'' || b == '-' || b == '.')
            continue; /* these may join two parts of a word */
        bool alnum = (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
        for (size_t pad = 0; pad < 9; pad++) {
            for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
                size_t n = lengths[l], len = 0;
                memset(text, ' ', pad);
                len = pad;
                for (size_t k = 0; k < n; k++)
                    text[len++] = chars[k % (sizeof chars - 1)];
                text[len++] = (char)b;
                text[len++] = 'y';
                text[len] = '\0';
                evm_doc *doc = seg(text);
                assert_true(doc->n_tokens >= 1);
                assert_int_equal(doc->tokens[0].start, pad);
                assert_int_equal(doc->tokens[0].end, alnum ? len : pad + n);
                evm_doc_free(doc);
                text[pad + n] = '\0'; /* the run ends the text */
                doc = seg(text);
                assert_int_equal(doc->n_tokens, 1);
                assert_int_equal(doc->tokens[0].end, pad + n);
                evm_doc_free(doc);
            }
        }
    }
}

/* An abbreviation that is not a title ends a sentence before a typical opener or a line
 * break; a title never does; case does not matter. */
static void test_abbrev_sentences(void **state)
{
    (void)state;
    struct {
        const char *text;
        size_t sentences;
    } cases[] = {
        {"He moved to Calif. The move was quick.", 2},
        {"He moved to Calif. Sacramento was quick.", 1},
        {"Gen. Smith arrived. Officials left.", 2},
        {"GEN. SMITH ARRIVED.", 1},
        {"They met at 5 p.m. The talks went on.", 2},
        {"Rivers, e.g. the Dnipro, flow south.", 1},
        {"Troops left the U.S.\nofficials said.", 2},
        {"Troops left the U.S. officials said.", 1},
        {"He met Mr. Smith.", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        evm_doc *doc = seg(cases[i].text);
        if (doc->n_sentences != cases[i].sentences)
            fail_msg("%s: %zu sentences, not %zu", cases[i].text, doc->n_sentences,
                     cases[i].sentences);
        evm_doc_free(doc);
    }
    evm_doc *doc = seg("GEN. Smith and Calif. officials");
    assert_true(flags_of(doc, "GEN.") & EVM_TOKF_ABBREV);
    assert_true(flags_of(doc, "Calif.") & EVM_TOKF_ABBREV);
    evm_doc_free(doc);
}

/* Typographic quotes and guillemets: an opening one before a capital starts a sentence,
 * a closing one after a terminal stays with its sentence. */
static void test_typographic_quotes(void **state)
{
    (void)state;
    evm_doc *doc = seg("“Kyiv is safe,” he said. ‘Really?’ she asked. «Oui.» Then ‘Odesa’s "
                       "port’ reopened.");
    assert_int_equal(doc->n_sentences, 4);
    const evm_sentence *s1 = &doc->sentences[1];
    assert_int_equal(memcmp(doc->text + s1->start, "‘Really", strlen("‘Really")), 0);
    const evm_sentence *s2 = &doc->sentences[2];
    assert_int_equal(s2->end - s2->start, strlen("«Oui.»"));
    assert_int_equal(memcmp(doc->text + s2->start, "«Oui.»", s2->end - s2->start), 0);
    assert_true(flags_of(doc, "Odesa") & EVM_TOKF_POSSESSIVE);
    assert_true(flags_of(doc, "Really") & EVM_TOKF_SENT_START);
    evm_doc_free(doc);
}

/* Paragraph breaks (two line breaks, with spaces or CRs between) end a sentence without a
 * period; one line break does not, unless a terminal comes before it. Unicode spaces and a
 * BOM separate tokens. */
static void test_breaks_and_spaces(void **state)
{
    (void)state;
    evm_doc *doc = seg("Headline one\r\n\r\nBody starts here\n \nNext part\nstill it");
    assert_int_equal(doc->n_sentences, 3);
    evm_doc_free(doc);
    doc = seg("It ends here.\nnext line. And on");
    assert_int_equal(doc->n_sentences, 3);
    evm_doc_free(doc);
    doc = seg("Kyiv\xE2\x80\x83Lviv\xEF\xBB\xBFOdesa\xC2\xA0ok");
    assert_int_equal(doc->n_tokens, 4);
    for (size_t i = 0; i < doc->n_tokens; i++)
        assert_true(doc->tokens[i].flags & EVM_TOKF_SPACE_BEFORE);
    evm_doc_free(doc);
}

/* Numbers: inner separators between digits only, letters and non-ASCII digits kept. */
static void test_number_forms(void **state)
{
    (void)state;
    evm_doc *doc = seg("On 3rd May 1,200.5 km, 1. and ١٢٣ left; 2,b");
    assert_int_equal(doc->tokens[find_tok(doc, "3rd")].kind, EVM_TOK_NUMBER);
    assert_int_equal(doc->tokens[find_tok(doc, "1,200.5")].kind, EVM_TOK_NUMBER);
    assert_int_equal(doc->tokens[find_tok(doc, "١٢٣")].kind, EVM_TOK_NUMBER);
    long one = find_tok(doc, "1");
    assert_true(one >= 0 && tok_is(doc, (size_t)one + 1, "."));
    long two = find_tok(doc, "2");
    assert_true(two >= 0 && tok_is(doc, (size_t)two + 1, ","));
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
        cmocka_unit_test(test_case_flags),
        cmocka_unit_test(test_utf8_words),
        cmocka_unit_test(test_length_bound),
        cmocka_unit_test(test_word_runs),
        cmocka_unit_test(test_abbrev_sentences),
        cmocka_unit_test(test_typographic_quotes),
        cmocka_unit_test(test_breaks_and_spaces),
        cmocka_unit_test(test_number_forms),
        cmocka_unit_test(test_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
