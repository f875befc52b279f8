/* test_resolve.c: unit tests of toponym resolution (resolve.c) on short texts of our own,
 * and the reference article's places (read at run time from the shared folder). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "gazetteer.h"
#include "geoparse.h"
#include "resolve.h"
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

static evm_doc *geoparse(const char *text)
{
    evm_doc *doc = evm_doc_new();
    doc->text = evm_xstrdup(text);
    doc->len = strlen(text);
    evm_diag d;
    assert_int_equal(evm_geoparse_doc(gaz, doc, &d), EVM_OK);
    return doc;
}

/* The place of the n-th mention written exactly `s`, or NULL. */
static const evm_place *place_of(const evm_doc *doc, const char *s, int nth, bool *metonymy)
{
    size_t n = strlen(s);
    for (size_t k = 0; k < doc->n_mentions; k++) {
        const evm_mention *m = &doc->mentions[k];
        if (m->end - m->start == n && memcmp(doc->text + m->start, s, n) == 0 && nth-- == 0) {
            if (metonymy)
                *metonymy = m->metonymy;
            assert_true(m->place >= 0);
            assert_true(m->score > 0 && m->score <= 1);
            return &doc->places[m->place];
        }
    }
    return NULL;
}

static bool mentioned(const evm_doc *doc, const char *s)
{
    const char *p = strstr(doc->text, s);
    assert_non_null(p);
    size_t a = (size_t)(p - doc->text), b = a + strlen(s);
    for (size_t k = 0; k < doc->n_mentions; k++)
        if (doc->mentions[k].start < b && a < doc->mentions[k].end)
            return true;
    return false;
}

static void test_km(void **state)
{
    (void)state;
    double d = evm_resolve_km(48.8566, 2.3522, 51.5074, -0.1278); /* Paris - London */
    assert_true(d > 335 && d < 350);
    assert_true(evm_resolve_km(10, 20, 10, 20) < 1e-9);
}

static void test_qualifier_and_one_sense(void **state)
{
    (void)state;
    evm_doc *doc = geoparse("The fair moved from Paris, Texas, to a barn nearby. Paris will "
                            "host it again in May.");
    const evm_place *p = place_of(doc, "Paris", 0, NULL);
    assert_non_null(p);
    assert_string_equal(p->country, "US");
    assert_string_equal(p->admin1, "Texas");
    const evm_place *q = place_of(doc, "Paris", 1, NULL);
    assert_non_null(q);
    assert_ptr_equal(p, q); /* one sense per name per document */
    evm_doc_free(doc);
}

static void test_document_country(void **state)
{
    (void)state;
    evm_doc *doc = geoparse("French farmers blocked roads around Paris while ministers met "
                            "in Lyon and Marseille.");
    const evm_place *p = place_of(doc, "Paris", 0, NULL);
    assert_non_null(p);
    assert_int_equal(p->geonameid, 2988507);
    assert_int_equal(p->mentions, 1);
    evm_doc_free(doc);
}

static void test_demonym_city_of(void **state)
{
    (void)state;
    evm_doc *doc = geoparse("Officials visited the Russian city of Belgorod and the "
                            "Ukrainian city of Kharkiv.");
    const evm_place *b = place_of(doc, "Belgorod", 0, NULL), *k = place_of(doc, "Kharkiv", 0, NULL);
    assert_non_null(b);
    assert_non_null(k);
    assert_string_equal(b->country, "RU");
    assert_string_equal(k->country, "UA");
    evm_doc_free(doc);
}

static void test_metonymy(void **state)
{
    (void)state;
    bool meto = false;
    evm_doc *doc = geoparse("Washington said the talks would go on, and the Kremlin denied "
                            "it. Crowds gathered in Washington.");
    const evm_place *w = place_of(doc, "Washington", 0, &meto);
    assert_non_null(w);
    assert_true(meto);
    assert_non_null(place_of(doc, "Washington", 1, &meto));
    assert_false(meto);
    assert_non_null(place_of(doc, "Kremlin", 0, &meto));
    assert_true(meto);
    assert_true(w->metonymic >= 1);
    evm_doc_free(doc);
}

/* Every mention of an ambiguous town named again and again goes where its neighbours
 * are: the coherence of a name's candidates is shared by its mentions and kept across
 * rounds, and later mentions scored like the first take its scores. */
static void test_coherence_repeated_name(void **state)
{
    (void)state;
    static const char *const texts[2] = {
        "Police in Dublin said a truck overturned on Monday. Dublin officials closed the road "
        "between Columbus and Worthington while crews worked. Franklin County deputies said "
        "Dublin schools would open late. A Dublin resident said the detour through Hilliard "
        "added an hour.",
        "Ferries left Dublin late on Friday. Dublin port staff said trains to Cork and Galway "
        "were full, and Dublin buses ran extra services. Dublin pubs stayed open."};
    static const char *const country[2] = {"US", "IE"}, *const admin1[2] = {"Ohio", "Leinster"};
    for (int t = 0; t < 2; t++) {
        evm_doc *doc = geoparse(texts[t]);
        const evm_place *first = place_of(doc, "Dublin", 0, NULL);
        assert_non_null(first);
        assert_string_equal(first->country, country[t]);
        assert_string_equal(first->admin1, admin1[t]);
        for (int i = 1; i < 4; i++)
            assert_ptr_equal(place_of(doc, "Dublin", i, NULL), first);
        assert_int_equal(first->mentions, 4);
        evm_doc_free(doc);
    }
}

/* The reference article, read at run time (never copied into the repository). */
static void test_seed_article(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/seed/article.txt", EVM_SHARED_DIR);
    FILE *f = fopen(path, "rb");
    if (!f)
        skip();
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    evm_doc *doc = NULL;
    evm_diag d;
    assert_int_equal(evm_article_parse_text(buf, n, "article", NULL, &doc, &d), EVM_OK);
    assert_int_equal(evm_geoparse_doc(gaz, doc, &d), EVM_OK);

    static const struct {
        const char *text, *country;
        int64_t geonameid; /* 0: any */
    } want[] = {
        {"Paris", "FR", 2988507},     {"Kyiv", "UA", 703448}, {"Sumy", "UA", 0},
        {"Kryvyi Rig", "UA", 703845}, {"Dnipro", "UA", 0},    {"Saint Petersburg", "RU", 0},
        {"Ukraine", "UA", 0},         {"Russia", "RU", 0},    {"France", "FR", 0},
        {"Germany", "DE", 0},         {"Britain", "GB", 0},   {"United States", "US", 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const evm_place *p = place_of(doc, want[i].text, 0, NULL);
        if (!p)
            fail_msg("%s: not found", want[i].text);
        if (strcmp(p->country, want[i].country) != 0)
            fail_msg("%s: %s, %s", want[i].text, p->name, p->country);
        if (want[i].geonameid && p->geonameid != want[i].geonameid)
            fail_msg("%s: %s (%lld)", want[i].text, p->name, (long long)p->geonameid);
    }
    /* every Paris is the French one */
    for (int k = 0; place_of(doc, "Paris", k, NULL); k++)
        assert_string_equal(place_of(doc, "Paris", k, NULL)->country, "FR");
    assert_false(mentioned(doc, "Fox News"));
    assert_false(mentioned(doc, "Telegram"));
    bool meto = false;
    assert_non_null(place_of(doc, "Washington", 0, &meto));
    assert_true(meto);
    assert_non_null(place_of(doc, "Kremlin", 0, &meto));
    assert_true(meto);
    const char *backing = strstr(doc->text, "Kyiv gave");
    assert_non_null(backing);
    bool found = false;
    for (size_t k = 0; k < doc->n_mentions; k++)
        if (doc->text + doc->mentions[k].start == backing) {
            found = true;
            assert_true(doc->mentions[k].metonymy);
        }
    assert_true(found);
    /* a literal use stays literal */
    const char *in_paris = strstr(doc->text, "in Paris on Thursday");
    assert_non_null(in_paris);
    for (size_t k = 0; k < doc->n_mentions; k++)
        if (doc->text + doc->mentions[k].start == in_paris + 3)
            assert_false(doc->mentions[k].metonymy);
    evm_doc_free(doc);
}

static void test_json(void **state)
{
    (void)state;
    evm_doc *doc = geoparse("Rain fell on Kyiv.");
    doc->id = "x1";
    char *line = evm_geoparse_json(doc);
    assert_non_null(strstr(line, "\"id\": \"x1\""));
    assert_non_null(strstr(line, "\"start\": 13"));
    assert_non_null(strstr(line, "\"end\": 17"));
    assert_non_null(strstr(line, "\"geonameid\": 703448"));
    assert_non_null(strstr(line, "\"metonymy\": false"));
    free(line);
    evm_doc_free(doc);
    /* offsets count code points, not bytes */
    doc = geoparse("Дощ ішов. Rain fell on Kyiv.");
    doc->id = "x2";
    line = evm_geoparse_json(doc);
    assert_non_null(strstr(line, "\"start\": 23"));
    free(line);
    evm_doc_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_km),
        cmocka_unit_test(test_qualifier_and_one_sense),
        cmocka_unit_test(test_document_country),
        cmocka_unit_test(test_demonym_city_of),
        cmocka_unit_test(test_metonymy),
        cmocka_unit_test(test_coherence_repeated_name),
        cmocka_unit_test(test_seed_article),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
