/* test_spot.c: unit tests of toponym recognition (spot.c) on short texts of our own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gazetteer.h"
#include "segment.h"
#include "spot.h"

static evm_gaz *gaz;

static int setup(void **state)
{
    (void)state;
    char path[4096];
    if (!evm_gazetteer_find(path, sizeof path))
        return -1;
    evm_diag d;
    return evm_gazetteer_open(path, &gaz, &d) == EVM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    evm_gazetteer_close(gaz);
    return 0;
}

static evm_doc *spot_on(const evm_gaz *g, const char *text)
{
    evm_doc *doc = evm_doc_new();
    doc->text = evm_xstrdup(text);
    doc->len = strlen(text);
    evm_segment_run(doc);
    evm_diag d;
    assert_int_equal(evm_spot_run(doc, g, &d), EVM_OK);
    return doc;
}

static evm_doc *spot(const char *text)
{
    return spot_on(gaz, text);
}

/* The mention whose text is exactly `s` (the n-th such), or NULL. */
static const evm_mention *find(const evm_doc *doc, const char *s, int nth)
{
    size_t n = strlen(s);
    for (size_t k = 0; k < doc->n_mentions; k++) {
        const evm_mention *m = &doc->mentions[k];
        if (m->end - m->start == n && memcmp(doc->text + m->start, s, n) == 0 && nth-- == 0)
            return m;
    }
    return NULL;
}

/* True when some mention overlaps the first occurrence of `s`. */
static bool overlapped(const evm_doc *doc, const char *s)
{
    const char *p = strstr(doc->text, s);
    assert_non_null(p);
    size_t a = (size_t)(p - doc->text), b = a + strlen(s);
    for (size_t k = 0; k < doc->n_mentions; k++)
        if (doc->mentions[k].start < b && a < doc->mentions[k].end)
            return true;
    return false;
}

static void test_tables(void **state)
{
    (void)state;
    assert_true(evm_spot_table_has("titles", "mr", 2));
    assert_true(evm_spot_table_has("first-names", "Jordan", 6));
    assert_true(evm_spot_table_has("calendar-words", "august", 6));
    assert_false(evm_spot_table_has("calendar-words", "kyiv", 4));
    assert_false(evm_spot_table_has("no-such-table", "mr", 2));
}

/* Every table of gazetteer/spot-*.txt answers for exactly its own words (the tables share
 * one hash that gives each word the set of tables holding it). */
static void test_tables_complete(void **state)
{
    (void)state;
    char pat[4096];
    snprintf(pat, sizeof pat, "%s/../gazetteer/spot-*.txt", EVM_TEST_DATA);
    glob_t g;
    assert_int_equal(glob(pat, 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 10);
    /* every table's first fields */
    char *names[64];
    char **fields[64];
    size_t counts[64];
    size_t nt = g.gl_pathc < 64 ? g.gl_pathc : 64;
    for (size_t t = 0; t < nt; t++) {
        const char *base = strrchr(g.gl_pathv[t], '/') + 1 + strlen("spot-");
        names[t] = evm_xstrndup(base, strlen(base) - strlen(".txt"));
        fields[t] = NULL;
        counts[t] = 0;
        size_t cap = 0;
        FILE *f = fopen(g.gl_pathv[t], "r");
        assert_non_null(f);
        char line[512];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\t\r\n")] = '\0';
            if (line[0] == '#' || line[0] == '\0')
                continue;
            evm_grow((void **)&fields[t], &cap, counts[t] + 1, sizeof *fields[t]);
            fields[t][counts[t]++] = evm_xstrdup(line);
        }
        fclose(f);
    }
    size_t checked = 0;
    for (size_t t = 0; t < nt; t++)
        for (size_t k = 0; k < counts[t]; k++) {
            const char *w = fields[t][k];
            char up[512], more[512];
            size_t n = strlen(w);
            for (size_t i = 0; i <= n; i++)
                up[i] = (char)(w[i] >= 'a' && w[i] <= 'z' ? w[i] - 32 : w[i]);
            snprintf(more, sizeof more, "%sq", w);
            for (size_t u = 0; u < nt; u++) {
                bool has = false, has_more = false;
                for (size_t x = 0; x < counts[u]; x++) {
                    has |= strcasecmp(fields[u][x], w) == 0;
                    has_more |= strcasecmp(fields[u][x], more) == 0;
                }
                assert_int_equal(evm_spot_table_has(names[u], w, n), has);
                assert_int_equal(evm_spot_table_has(names[u], up, n), has);
                assert_int_equal(evm_spot_table_has(names[u], more, n + 1), has_more);
                /* a prefix of the word is another word */
                if (n > 1) {
                    bool has_less = false;
                    for (size_t x = 0; x < counts[u]; x++)
                        has_less |= strlen(fields[u][x]) == n - 1 &&
                                    strncasecmp(fields[u][x], w, n - 1) == 0;
                    assert_int_equal(evm_spot_table_has(names[u], w, n - 1), has_less);
                }
                checked++;
            }
            assert_true(evm_spot_table_has(names[t], w, n));
        }
    assert_true(checked > 1000);
    for (size_t t = 0; t < nt; t++) {
        for (size_t k = 0; k < counts[t]; k++)
            free(fields[t][k]);
        free(fields[t]);
        free(names[t]);
    }
    globfree(&g);
}

static void test_cues(void **state)
{
    (void)state;
    evm_doc *doc = spot("Trains from Lviv were late. Shelling hit the town of Kupiansk and the "
                        "Donetsk region, and eastern Ukraine lost power.");
    const evm_mention *m = find(doc, "Lviv", 0);
    assert_non_null(m);
    assert_true(m->spot->cues & EVM_SPOT_CUE_LOCATIVE);
    m = find(doc, "Kupiansk", 0);
    assert_non_null(m);
    assert_true(m->spot->cues & EVM_SPOT_CUE_CITY);
    m = find(doc, "Donetsk", 0);
    assert_non_null(m);
    assert_true(m->spot->cues & EVM_SPOT_CUE_REGION);
    m = find(doc, "Ukraine", 0);
    assert_non_null(m);
    assert_true(m->spot->cues & EVM_SPOT_CUE_DIRECTION);
    assert_int_equal(m->place, -1);
    evm_doc_free(doc);
}

static void test_demonym_qualifier(void **state)
{
    (void)state;
    evm_doc *doc = spot("A drone struck the Ukrainian city of Dnipro at night.");
    const evm_mention *m = find(doc, "Dnipro", 0);
    assert_non_null(m);
    assert_string_equal(m->spot->qual_country, "UA");
    assert_false(overlapped(doc, "Ukrainian"));
    evm_doc_free(doc);
}

static void test_pairs(void **state)
{
    (void)state;
    evm_doc *doc = spot("The band played in Paris, Texas, and then in Ohio, Indiana and Iowa.");
    const evm_mention *paris = find(doc, "Paris", 0), *texas = find(doc, "Texas", 0);
    assert_non_null(paris);
    assert_non_null(texas);
    assert_int_equal(paris->spot->qualifier, (int)(texas - doc->mentions));
    assert_true(texas->spot->cues & EVM_SPOT_CUE_QUALIFIES);
    const evm_mention *ohio = find(doc, "Ohio", 0);
    assert_non_null(ohio);
    assert_int_equal(ohio->spot->qualifier, -1); /* a list of states is not a pair */
    evm_doc_free(doc);
}

static void test_possessive_and_hyphen(void **state)
{
    (void)state;
    evm_doc *doc =
        spot("Poland's farmers met a Kharkiv-based charity, and U.S.-Mexico trade grew.");
    assert_non_null(find(doc, "Poland", 0));
    assert_non_null(find(doc, "Kharkiv", 0));
    assert_non_null(find(doc, "Mexico", 0));
    evm_doc_free(doc);
}

static void test_organisations(void **state)
{
    (void)state;
    evm_doc *doc = spot("He told Fox News and the Washington Post that Paris Saint-Germain had "
                        "called. Later he flew to Madrid.");
    assert_false(overlapped(doc, "Fox News"));
    assert_false(overlapped(doc, "Washington Post"));
    assert_false(overlapped(doc, "Paris Saint-Germain"));
    assert_non_null(find(doc, "Madrid", 0));
    evm_doc_free(doc);
}

static void test_persons(void **state)
{
    (void)state;
    evm_doc *doc = spot("Mr. Lincoln spoke with Gov. Jackson and Raquel Florence in Omaha. "
                        "Afterwards Florence said the plan was sound.");
    assert_false(overlapped(doc, "Lincoln"));
    assert_false(overlapped(doc, "Jackson"));
    assert_false(overlapped(doc, "Florence in"));
    assert_false(overlapped(doc, "Florence said"));
    assert_non_null(find(doc, "Omaha", 0));
    evm_doc_free(doc);
}

static void test_common_words(void **state)
{
    (void)state;
    evm_doc *doc = spot("Reading the file took an hour. March was wet. She said the "
                        "West had to act. Police were called to a farm near Reading.");
    assert_false(overlapped(doc, "Reading the"));
    assert_false(overlapped(doc, "March"));
    assert_false(overlapped(doc, "She"));
    assert_false(overlapped(doc, "West"));
    assert_false(overlapped(doc, "Police"));
    assert_non_null(find(doc, "Reading", 0));
    evm_doc_free(doc);
}

static void test_metonymy_cues(void **state)
{
    (void)state;
    evm_doc *doc = spot("Washington said the deal was off. Officials in Kyiv said nothing. "
                        "Moscow has rejected the offer.");
    const evm_mention *m = find(doc, "Washington", 0);
    assert_non_null(m);
    assert_true(m->spot->cues & EVM_SPOT_CUE_METONYMY);
    m = find(doc, "Kyiv", 0);
    assert_non_null(m);
    assert_false(m->spot->cues & EVM_SPOT_CUE_METONYMY);
    m = find(doc, "Moscow", 0);
    assert_non_null(m);
    assert_true(m->spot->cues & EVM_SPOT_CUE_METONYMY);
    evm_doc_free(doc);
}

static void test_cyrillic(void **state)
{
    (void)state;
    evm_doc *doc = spot("Учора Київ і Харків знову пережили тривогу.");
    assert_non_null(find(doc, "Київ", 0));
    assert_non_null(find(doc, "Харків", 0));
    evm_doc_free(doc);
}

static void test_abbreviations(void **state)
{
    (void)state;
    evm_doc *doc = spot("The mill in Charleston, W.Va., closed.");
    const evm_mention *c = find(doc, "Charleston", 0), *s = find(doc, "W.Va.", 0);
    assert_non_null(c);
    assert_non_null(s);
    assert_int_equal(c->spot->qualifier, (int)(s - doc->mentions));
    evm_doc_free(doc);
}

/* Two spottings of one text found the same mentions with the same candidates. */
static void expect_same_spots(const evm_doc *a, const evm_doc *b)
{
    assert_int_equal(a->n_mentions, b->n_mentions);
    for (size_t k = 0; k < a->n_mentions; k++) {
        const evm_mention *x = &a->mentions[k], *y = &b->mentions[k];
        assert_int_equal(x->start, y->start);
        assert_int_equal(x->end, y->end);
        assert_string_equal(x->spot->key, y->spot->key);
        assert_int_equal(x->spot->cues, y->spot->cues);
        assert_int_equal(x->spot->n_cands, y->spot->n_cands);
        for (size_t c = 0; c < x->spot->n_cands; c++) {
            assert_int_equal(x->spot->cands[c].entry, y->spot->cands[c].entry);
            assert_int_equal(x->spot->cands[c].match, y->spot->cands[c].match);
            assert_string_equal(x->spot->cands[c].name, y->spot->cands[c].name);
        }
    }
}

/* Each thread keeps the candidates of the keys it looked up (and what probing each word
 * alone gave) from one document to the next, for one gazetteer: a text spotted again, and again
 * after the index was closed and opened anew (the cache then starts over), gives what it gave the
 * first time. */
static void test_candidates_kept_across_documents(void **state)
{
    (void)state;
    const char *text = "Officials from Springfield, Illinois, met in Kyiv and Paris. "
                       "Springfield police said the talks in Paris went well. New rules "
                       "came to New York and to St. Petersburg's port.";
    evm_doc *first = spot(text);
    assert_non_null(find(first, "Kyiv", 0));
    assert_non_null(find(first, "Springfield", 1));
    assert_non_null(find(first, "New York", 0));
    evm_doc *again = spot(text);
    expect_same_spots(first, again);

    char path[4096];
    assert_non_null(evm_gazetteer_find(path, sizeof path));
    evm_gaz *other;
    evm_diag d;
    assert_int_equal(evm_gazetteer_open(path, &other, &d), EVM_OK);
    assert_true(evm_gazetteer_serial(other) != evm_gazetteer_serial(gaz));
    evm_doc *reopened = spot_on(other, text);
    expect_same_spots(first, reopened);
    /* candidates point into the index they came from */
    const evm_mention *k = find(reopened, "Kyiv", 0);
    assert_true(k->spot->n_cands > 0);
    evm_candidate c;
    assert_true(evm_gazetteer_entry(other, k->spot->cands[0].entry, &c));
    assert_ptr_equal(c.name, k->spot->cands[0].name);
    evm_doc_free(reopened);
    evm_gazetteer_close(other);

    evm_doc *back = spot(text);
    expect_same_spots(first, back);
    evm_doc_free(first);
    evm_doc_free(again);
    evm_doc_free(back);
}

/* The thread's cache holds a short word or key in its table and a long one in its own
 * memory: names of both lengths, alone and in n-grams, come out the same from a cold and
 * from a warm cache. */
static void test_long_names_kept_across_documents(void **state)
{
    (void)state;
    const char *text = "Envoys from Llanfairpwllgwyngyll sailed to South Georgia and the South "
                       "Sandwich Islands, then to the Democratic Republic of the Congo and "
                       "Thiruvananthapuram. South Georgia and the South Sandwich Islands "
                       "welcomed them.";
    for (int k = 0; k < 2; k++) {
        evm_doc *first = spot(text);
        assert_non_null(find(first, "Llanfairpwllgwyngyll", 0)); /* 20 bytes: a long word */
        /* a key of 44 bytes, after n-grams of shorter keys */
        assert_non_null(find(first, "South Georgia and the South Sandwich Islands", 0));
        assert_non_null(find(first, "South Georgia and the South Sandwich Islands", 1));
        assert_non_null(find(first, "Democratic Republic of the Congo", 0));
        assert_non_null(find(first, "Thiruvananthapuram", 0));
        evm_doc *again = spot(text);
        expect_same_spots(first, again);
        evm_doc_free(first);
        evm_doc_free(again);
    }
}

/* The words a document writes in lowercase make its capitalised namesakes common words
 * ("the cork" and "Cork"), in that document only: the thread's vocabulary starts empty for
 * the next one. */
static void test_vocabulary_per_document(void **state)
{
    (void)state;
    const char *named = "Officials said Cork residents were angry on Monday.";
    evm_doc *both = spot("We saw the cork there. Officials said Cork residents were angry.");
    assert_null(find(both, "Cork", 0));
    evm_doc *before = spot("We saw the cork there.");
    evm_doc *after = spot(named);
    assert_non_null(find(after, "Cork", 0));
    evm_doc_free(both);
    evm_doc_free(before);
    evm_doc_free(after);
}

/* The country of token i's demonym as the spotter recorded it for the resolver. */
static const char *demonym_of(const evm_doc *doc, const char *word)
{
    for (size_t i = 0; i < doc->n_tokens; i++)
        if (doc->tokens[i].end - doc->tokens[i].start == strlen(word) &&
            memcmp(doc->text + doc->tokens[i].start, word, strlen(word)) == 0)
            return doc->demonyms[i];
    return NULL;
}

static void test_token_demonyms(void **state)
{
    (void)state;
    /* twice: the second document's answers come from the thread's cache */
    for (int k = 0; k < 2; k++) {
        evm_doc *doc = spot("Ukrainian officials told Russians and the French in Kyiv. "
                            "UKRAINIANS ukrainian");
        assert_non_null(doc->demonyms);
        assert_string_equal(demonym_of(doc, "Ukrainian"), "UA");
        assert_string_equal(demonym_of(doc, "Russians"), "RU");
        assert_string_equal(demonym_of(doc, "French"), "FR");
        assert_string_equal(demonym_of(doc, "Kyiv"), "");
        assert_string_equal(demonym_of(doc, "officials"), "");
        assert_string_equal(demonym_of(doc, "ukrainian"), "");  /* not capitalised */
        assert_string_equal(demonym_of(doc, "UKRAINIANS"), ""); /* the plural 's' is lowercase */
        evm_doc_free(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_tables_complete),
        cmocka_unit_test(test_cues),
        cmocka_unit_test(test_demonym_qualifier),
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_possessive_and_hyphen),
        cmocka_unit_test(test_organisations),
        cmocka_unit_test(test_persons),
        cmocka_unit_test(test_common_words),
        cmocka_unit_test(test_metonymy_cues),
        cmocka_unit_test(test_cyrillic),
        cmocka_unit_test(test_abbreviations),
        cmocka_unit_test(test_candidates_kept_across_documents),
        cmocka_unit_test(test_long_names_kept_across_documents),
        cmocka_unit_test(test_vocabulary_per_document),
        cmocka_unit_test(test_token_demonyms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
