/* test_event.c: unit tests for event extraction and merging, on documents whose place
 * mentions come from the test gazetteer (evtest.h), so the extractor is tested alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "evtest.h"

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static bool has_participant(const evm_event *e, const char *name)
{
    for (size_t i = 0; i < e->n_participants; i++)
        if (!strcmp(e->participants[i].name, name))
            return true;
    return false;
}

static void check_date(const evm_event *e, const char *iso)
{
    char buf[11];
    assert_string_equal(evm_when_format(e->date, buf), iso);
}

/* The reference article: read at run time, never copied into the repository. */
static void test_seed_article(void **state)
{
    (void)state;
    char *text = read_file(EVM_SHARED_DIR "/seed/article.txt");
    if (!text)
        skip();
    evm_doc *d = evt_doc(text, "article");
    assert_non_null(d);
    assert_int_equal(d->n_events, 5);
    const evm_event *sumy = evt_find(d->events, d->n_events, d->places, EVM_EVENT_STRIKE, "Sumy");
    assert_non_null(sumy);
    check_date(sumy, "2025-04-13");
    assert_int_equal(sumy->killed, 35);
    assert_true(sumy->killed_at_least);
    assert_int_equal(sumy->injured, -1);
    assert_string_equal(sumy->weapon, "ballistic missile");
    assert_string_equal(sumy->actor, "Russia");
    assert_int_equal(sumy->n_sources, 2);
    const evm_event *dnipro =
        evt_find(d->events, d->n_events, d->places, EVM_EVENT_STRIKE, "Dnipro");
    assert_non_null(dnipro);
    check_date(dnipro, "2025-04-16");
    assert_int_equal(dnipro->killed, 3);
    assert_false(dnipro->killed_at_least);
    assert_string_equal(dnipro->weapon, "drone");
    const evm_event *kr =
        evt_find(d->events, d->n_events, d->places, EVM_EVENT_STRIKE, "Kryvyi Rih");
    assert_non_null(kr);
    assert_int_equal(kr->date.precision, EVM_DATE_UNKNOWN);
    assert_string_equal(kr->place_mention, "Kryvyi Rig");
    assert_int_equal(kr->killed, -1);
    const evm_event *paris =
        evt_find(d->events, d->n_events, d->places, EVM_EVENT_MEETING, "Paris");
    assert_non_null(paris);
    check_date(paris, "2025-04-17");
    static const char *const want[] = {"Emmanuel Macron",  "Marco Rubio",   "Steve Witkoff",
                                       "Jean-Noel Barrot", "Andriy Yermak", "Keith Kellogg",
                                       "Andriy Sybiga",    "Rustem Umerov"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_true(has_participant(paris, want[i]));
    assert_int_equal(paris->n_participants, 8);
    assert_int_equal(paris->status, EVM_STATUS_OCCURRED);
    const evm_event *spb =
        evt_find(d->events, d->n_events, d->places, EVM_EVENT_MEETING, "Saint Petersburg");
    assert_non_null(spb);
    check_date(spb, "2025-04-11");
    assert_int_equal(spb->n_participants, 2);
    assert_true(has_participant(spb, "Steve Witkoff"));
    assert_true(has_participant(spb, "Vladimir Putin"));
    evm_doc_free(d);
}

/* The project's own sample article (docs/examples/sample.txt), same gold reading. */
static void test_sample_article(void **state)
{
    (void)state;
    char *text = read_file(EVM_TEST_DATA "/../docs/examples/sample.txt");
    assert_non_null(text);
    evm_doc *d = evt_doc(text, "sample");
    assert_non_null(d);
    assert_int_equal(d->n_events, 5);
    check_date(evt_find(d->events, d->n_events, d->places, EVM_EVENT_STRIKE, "Sumy"), "2025-04-13");
    const evm_event *spb =
        evt_find(d->events, d->n_events, d->places, EVM_EVENT_MEETING, "Saint Petersburg");
    assert_non_null(spb);
    check_date(spb, "2025-04-11");
    const evm_event *paris =
        evt_find(d->events, d->n_events, d->places, EVM_EVENT_MEETING, "Paris");
    assert_non_null(paris);
    assert_true(has_participant(paris, "Emmanuel Macron"));
    assert_false(has_participant(paris, "Volodymyr Zelensky"));
    evm_doc_free(d);
}

/* Every field of a strike: sources, ids, codes, provenance. */
static void test_fields(void **state)
{
    (void)state;
    const char *text = "date 2025-04-17 t\n\nA Russian drone attack on Dnipro on Tuesday "
                       "killed two people and wounded 9, officials said.\n";
    evm_doc *d = evt_doc(text, "a1");
    assert_int_equal(d->n_events, 1);
    const evm_event *e = &d->events[0];
    assert_int_equal(e->kind, EVM_EVENT_STRIKE);
    assert_string_equal(e->subtype, "drone strike");
    assert_string_equal(e->cameo, "195");
    assert_string_equal(e->acled_sub_event, "Air/drone strike");
    check_date(e, "2025-04-15");
    assert_int_equal(e->killed, 2);
    assert_int_equal(e->injured, 9);
    assert_string_equal(e->place_mention, "Dnipro");
    assert_true(e->mention >= 0);
    assert_int_equal(e->n_sources, 1);
    assert_string_equal(e->sources[0].article, "a1");
    assert_true(e->sources[0].start <= d->mentions[e->mention].start);
    assert_true(e->sources[0].end >= d->mentions[e->mention].end);
    assert_true(e->confidence > 0.5f && e->confidence <= 1.0f);
    assert_non_null(e->id);
    /* the id is a function of kind, place and date: the same on a second run */
    evm_doc *d2 = evt_doc(text, "other-id");
    assert_string_equal(d2->events[0].id, e->id);
    evm_doc_free(d2);
    evm_doc *d3 = evt_doc("date 2025-04-17 t\n\nA Russian drone attack on Dnipro on "
                          "Monday killed two people.\n",
                          "a3");
    assert_string_not_equal(d3->events[0].id, e->id);
    evm_doc_free(d3);
    evm_doc_free(d);
}

static void test_metonymy_and_countries(void **state)
{
    (void)state;
    const char *text = "date 2025-04-17 t\n\nA missile strike hit Kyiv on Monday, killing "
                       "three.\n\nRussia attacked Ukraine with 100 drones overnight.\n";
    evm_doc *d = evt_prepare(text, "m");
    for (size_t i = 0; i < d->n_mentions; i++)
        d->mentions[i].metonymy = true;
    evm_diag dg;
    assert_int_equal(evm_event_extract(d, &dg), EVM_OK);
    assert_int_equal(d->n_events, 0);
    evm_doc_free(d);
    /* the same text with literal mentions: Kyiv is struck, Ukraine (a country) is not */
    d = evt_doc(text, "m");
    assert_int_equal(d->n_events, 1);
    assert_string_equal(d->places[d->events[0].place].name, "Kyiv");
    evm_doc_free(d);
}

/* A landmark stands for its town when the article names the town; alone, for itself. */
static void test_landmark(void **state)
{
    (void)state;
    evm_doc *d = evt_doc("date 2025-04-17 t\n\nEnvoys held talks at the Elysee on Thursday. "
                         "The foreign ministers of France and Britain met in Paris.\n",
                         "l");
    assert_int_equal(d->n_events, 1);
    assert_string_equal(d->places[d->events[0].place].name, "Paris");
    /* written as the town's own name where one mention has it */
    assert_string_equal(d->events[0].place_mention, "Paris");
    assert_int_equal(d->events[0].n_sources, 2);
    check_date(&d->events[0], "2025-04-17");
    evm_doc_free(d);
    d = evt_doc("date 2025-04-17 t\n\nEnvoys held talks at the Elysee on Thursday.\n", "l");
    assert_int_equal(d->n_events, 1);
    assert_string_equal(d->places[d->events[0].place].name, "Elysee");
    assert_string_equal(d->events[0].place_mention, "Elysee");
    evm_doc_free(d);
}

static void test_unsegmented(void **state)
{
    (void)state;
    evm_read_opts ro;
    memset(&ro, 0, sizeof ro);
    evm_doc *d = NULL;
    evm_diag dg;
    const char *t = "A drone hit Kyiv.";
    assert_int_equal(evm_article_parse_text(t, strlen(t), "u", &ro, &d, &dg), EVM_OK);
    assert_int_equal(evm_event_extract(d, &dg), EVM_ERR_INTERNAL);
    assert_true(strlen(dg.msg) > 0);
    evm_doc_free(d);
}

/* Within an article: an undated and a dated mention of one strike are one event; a
 * planned and a held meeting at one place and date are one meeting that took place. */
static void test_merge_in_article(void **state)
{
    (void)state;
    evm_doc *d = evt_doc("date 2025-06-12 t\n\nRussian shelling of Kherson killed four "
                         "people.\n\nThe shelling of Kherson on Tuesday also injured 11.\n\n"
                         "Envoys will meet in Geneva on Thursday. Envoys met in Geneva on "
                         "Thursday.\n",
                         "x");
    assert_int_equal(d->n_events, 2);
    const evm_event *k = evt_find(d->events, d->n_events, d->places, EVM_EVENT_STRIKE, "Kherson");
    check_date(k, "2025-06-10");
    assert_int_equal(k->killed, 4);
    assert_int_equal(k->injured, 11);
    assert_int_equal(k->n_sources, 2);
    const evm_event *g = evt_find(d->events, d->n_events, d->places, EVM_EVENT_MEETING, "Geneva");
    assert_int_equal(g->status, EVM_STATUS_OCCURRED);
    evm_doc_free(d);
}

/* Across a batch: three reports of one strike; the count most of them give wins. */
static void test_merge_batch(void **state)
{
    (void)state;
    const char *texts[] = {
        "date 2025-04-14 a\n\nA Russian missile strike on Sumy on Sunday killed 34 people.\n",
        "date 2025-04-14 b\n\nA Russian missile strike on Sumy killed 35 people.\n",
        "date 2025-04-15 c\n\nOn April 13, a missile strike on Sumy killed 35 people.\n",
        "date 2025-04-15 d\n\nA drone strike on Sumy on Tuesday injured two people.\n",
    };
    evm_batch *b = evm_batch_new("t");
    for (size_t i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof id, "doc%zu", i);
        evm_doc *d = evt_doc(texts[i], id);
        assert_int_equal(d->n_events, 1);
        evm_batch_add_doc(b, d);
        evm_doc_free(d);
    }
    assert_int_equal(b->n_events, 4);
    evm_event_merge(b);
    assert_int_equal(b->n_events, 2);
    const evm_event *e = &b->events[0];
    check_date(e, "2025-04-13");
    assert_int_equal(e->killed, 35);
    assert_int_equal(e->n_sources, 3);
    assert_int_equal(e->mention, -1);
    assert_string_equal(e->sources[2].article, "doc2");
    const evm_event *e2 = &b->events[1];
    check_date(e2, "2025-04-15");
    assert_int_equal(e2->injured, 2);
    /* merging again changes nothing */
    char *id = evm_xstrdup(e->id);
    evm_event_merge(b);
    assert_int_equal(b->n_events, 2);
    assert_string_equal(b->events[0].id, id);
    free(id);
    evm_batch_free(b);
}

/* A town and the region containing it, the same day: one event, at the town. */
static void test_merge_town_region(void **state)
{
    (void)state;
    evm_batch *b = evm_batch_new("t");
    evm_doc *d = evt_doc("date 2025-04-14 a\n\nA missile strike on Sumy on Sunday killed 34 "
                         "people.\n",
                         "a");

    evm_batch_add_doc(b, d);
    evm_doc_free(d);
    d = evt_doc("date 2025-04-14 b\n\nShelling of villages in the Sumy region on April 13 "
                "injured two people.\n",
                "b");
    evm_batch_add_doc(b, d);
    evm_doc_free(d);
    d = evt_doc("date 2025-04-14 c\n\nShelling of villages in the Sumy region on April 12 "
                "injured one person.\n",
                "c");
    evm_batch_add_doc(b, d);
    evm_doc_free(d);
    assert_int_equal(b->n_events, 3);
    evm_event_merge(b);
    assert_int_equal(b->n_events, 2);
    assert_string_equal(b->places[b->events[0].place].name, "Sumy");
    assert_int_equal(b->events[0].n_sources, 2);
    assert_int_equal(b->events[0].killed, 34);
    assert_int_equal(b->events[0].injured, 2);
    assert_string_equal(b->places[b->events[1].place].name, "Sumy Oblast");
    evm_batch_free(b);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(evm_event_kind_name(EVM_EVENT_MEETING), "meeting");
    assert_string_equal(evm_event_status_name(EVM_STATUS_PLANNED), "planned");
    assert_string_equal(evm_event_precision_name(EVM_DATE_MONTH), "month");
    evm_place p;
    memset(&p, 0, sizeof p);
    p.level = EVM_GEO_ADMIN1;
    assert_string_equal(evm_event_geo_precision(&p), "region");
    p.level = EVM_GEO_POINT;
    assert_string_equal(evm_event_geo_precision(&p), "city");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_article),
        cmocka_unit_test(test_sample_article),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_metonymy_and_countries),
        cmocka_unit_test(test_unsegmented),
        cmocka_unit_test(test_landmark),
        cmocka_unit_test(test_merge_in_article),
        cmocka_unit_test(test_merge_batch),
        cmocka_unit_test(test_merge_town_region),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
