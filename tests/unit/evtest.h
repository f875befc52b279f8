/* evtest.h: test helpers for the event stage: documents from text with hand-made place
 * mentions (test data standing in for the geoparser), and event lookup. */
#ifndef EVM_EVTEST_H
#define EVM_EVTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "doc.h"
#include "event.h"
#include "segment.h"
#include "when.h"

/* One gazetteer row for tests: every whole-token occurrence of `surface` becomes a
 * mention of this place. */
typedef struct evt_place {
    const char *surface, *name, *cc;
    evm_geo_level level;
    int64_t geonameid;
    bool metonymy;
    double lat, lon; /* only where a test needs them (landmarks) */
} evt_place;

static const evt_place evt_gazetteer[] = {
    {"Sumy", "Sumy", "UA", EVM_GEO_POINT, 692194, false, 0, 0},
    {"Dnipro", "Dnipro", "UA", EVM_GEO_POINT, 709930, false, 0, 0},
    {"Kryvyi Rig", "Kryvyi Rih", "UA", EVM_GEO_POINT, 703845, false, 0, 0},
    {"Kryvyi Rih", "Kryvyi Rih", "UA", EVM_GEO_POINT, 703845, false, 0, 0},
    {"Kharkiv", "Kharkiv", "UA", EVM_GEO_POINT, 706483, false, 0, 0},
    {"Odesa", "Odesa", "UA", EVM_GEO_POINT, 698740, false, 0, 0},
    {"Kyiv", "Kyiv", "UA", EVM_GEO_POINT, 703448, false, 0, 0},
    {"Zaporizhzhia", "Zaporizhzhia", "UA", EVM_GEO_POINT, 687700, false, 0, 0},
    {"Kherson", "Kherson", "UA", EVM_GEO_POINT, 706448, false, 0, 0},
    {"Lviv", "Lviv", "UA", EVM_GEO_POINT, 702550, false, 0, 0},
    {"Poltava", "Poltava", "UA", EVM_GEO_POINT, 696643, false, 0, 0},
    {"Belgorod", "Belgorod", "RU", EVM_GEO_POINT, 578072, false, 0, 0},
    {"Paris", "Paris", "FR", EVM_GEO_POINT, 2988507, false, 48.85341, 2.3488},
    {"Geneva", "Geneva", "CH", EVM_GEO_POINT, 2660646, false, 0, 0},
    {"Riyadh", "Riyadh", "SA", EVM_GEO_POINT, 108410, false, 0, 0},
    {"Istanbul", "Istanbul", "TR", EVM_GEO_POINT, 745044, false, 0, 0},
    {"Brussels", "Brussels", "BE", EVM_GEO_POINT, 2800866, false, 0, 0},
    {"London", "London", "GB", EVM_GEO_POINT, 2643743, false, 0, 0},
    {"Berlin", "Berlin", "DE", EVM_GEO_POINT, 2950159, false, 0, 0},
    {"Beirut", "Beirut", "LB", EVM_GEO_POINT, 276781, false, 0, 0},
    {"Gaza City", "Gaza", "PS", EVM_GEO_POINT, 281133, false, 0, 0},
    {"Rafah", "Rafah", "PS", EVM_GEO_POINT, 281129, false, 0, 0},
    {"Kramatorsk", "Kramatorsk", "UA", EVM_GEO_POINT, 704508, false, 0, 0},
    {"Sloviansk", "Sloviansk", "UA", EVM_GEO_POINT, 693468, false, 0, 0},
    {"Donetsk Oblast", "Donetsk Oblast", "UA", EVM_GEO_ADMIN1, -1, false, 0, 0},
    {"Khartoum", "Khartoum", "SD", EVM_GEO_POINT, 379252, false, 0, 0},
    {"Springfield", "Springfield", "US", EVM_GEO_POINT, 4409896, false, 0, 0},
    {"Seoul", "Seoul", "KR", EVM_GEO_POINT, 1835848, false, 0, 0},
    {"Pyongyang", "Pyongyang", "KP", EVM_GEO_POINT, 1871859, false, 0, 0},
    {"Warsaw", "Warsaw", "PL", EVM_GEO_POINT, 756135, false, 0, 0},
    {"Lyon", "Lyon", "FR", EVM_GEO_POINT, 2996944, false, 45.74846, 4.84671},
    {"Budapest", "Budapest", "HU", EVM_GEO_POINT, 3054643, false, 0, 0},
    {"North Korea", "North Korea", "KP", EVM_GEO_COUNTRY, 1873107, false, 0, 0},
    {"The Hague", "The Hague", "NL", EVM_GEO_POINT, 2747373, false, 0, 0},
    {"Rome", "Rome", "IT", EVM_GEO_POINT, 3169070, false, 0, 0},
    {"Anchorage", "Anchorage", "US", EVM_GEO_POINT, 5879400, false, 0, 0},
    {"Alaska", "Alaska", "US", EVM_GEO_ADMIN1, 5879092, false, 0, 0},
    {"Doha", "Doha", "QA", EVM_GEO_POINT, 290030, false, 0, 0},
    {"Vatican", "Vatican", "VA", EVM_GEO_COUNTRY, 3164670, false, 0, 0},
    {"Turkey", "Turkey", "TR", EVM_GEO_COUNTRY, 298795, false, 0, 0},
    {"Mariupol", "Mariupol", "UA", EVM_GEO_POINT, 701822, false, 0, 0},
    {"Cairo", "Cairo", "EG", EVM_GEO_POINT, 360630, false, 0, 0},
    {"Beijing", "Beijing", "CN", EVM_GEO_POINT, 1816670, false, 0, 0},
    {"Sagaing region", "Sagaing Region", "MM", EVM_GEO_ADMIN1, 1298480, false, 0, 0},
    {"Madrid", "Madrid", "ES", EVM_GEO_POINT, 3117735, false, 0, 0},
    {"Oslo", "Oslo", "NO", EVM_GEO_POINT, 3143244, false, 0, 0},
    {"Kursk", "Kursk", "RU", EVM_GEO_POINT, 538560, false, 0, 0},
    {"Saint Petersburg", "Saint Petersburg", "RU", EVM_GEO_POINT, 498817, false, 0, 0},
    {"Elysee", "Elysee", "FR", EVM_GEO_POINT, -1, false, 48.8704, 2.3167},
    {"Sumy region", "Sumy Oblast", "UA", EVM_GEO_ADMIN1, 692196, false, 0, 0},
    {"Ukraine", "Ukraine", "UA", EVM_GEO_COUNTRY, 690791, false, 0, 0},
    {"Russia", "Russia", "RU", EVM_GEO_COUNTRY, 2017370, false, 0, 0},
    {"France", "France", "FR", EVM_GEO_COUNTRY, 3017382, false, 0, 0},
    {"Germany", "Germany", "DE", EVM_GEO_COUNTRY, 2921044, false, 0, 0},
    {"Britain", "United Kingdom", "GB", EVM_GEO_COUNTRY, 2635167, false, 0, 0},
    {"Israel", "Israel", "IL", EVM_GEO_COUNTRY, 294640, false, 0, 0},
    {"Sudan", "Sudan", "SD", EVM_GEO_COUNTRY, 366755, false, 0, 0},
    {"Lebanon", "Lebanon", "LB", EVM_GEO_COUNTRY, 272103, false, 0, 0},
    {"United States", "United States", "US", EVM_GEO_COUNTRY, 6252001, false, 0, 0},
    {"U.S.", "United States", "US", EVM_GEO_COUNTRY, 6252001, false, 0, 0},
    {"US", "United States", "US", EVM_GEO_COUNTRY, 6252001, false, 0, 0},
    {"Europe", "Europe", "", EVM_GEO_REGION, 6255148, false, 0, 0},
    {"Washington", "Washington", "US", EVM_GEO_POINT, 4140963, false, 0, 0},
    {"Kremlin", "Moscow", "RU", EVM_GEO_POINT, 524901, true, 0, 0},
    {"Moscow", "Moscow", "RU", EVM_GEO_POINT, 524901, true, 0, 0},
};

/* The admin1 of the test places that need one (a region qualifying a town). */
static const char *const evt_admin1[][2] = {
    {"Anchorage", "Alaska"},
    {"Sumy", "Sumy Oblast"},
};

typedef struct evt_span {
    size_t start, end;
    const evt_place *p;
} evt_span;

static inline int evt_span_cmp(const void *a, const void *b)
{
    const evt_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

/* Adds a mention for every whole-token occurrence of a gazetteer surface in doc->text
 * (longest first, no overlaps), in text order. */
static inline void evt_mark(evm_doc *doc)
{
    evt_span spans[256];
    size_t ns = 0;
    for (size_t g = 0; g < sizeof evt_gazetteer / sizeof *evt_gazetteer; g++) {
        const char *s = evt_gazetteer[g].surface;
        size_t n = strlen(s);
        for (const char *p = doc->text + doc->body; (p = strstr(p, s)) != NULL; p++) {
            size_t a = (size_t)(p - doc->text), b = a + n;
            bool ok_a = false, ok_b = false;
            for (size_t t = 0; t < doc->n_tokens; t++) {
                ok_a = ok_a || doc->tokens[t].start == a;
                ok_b = ok_b || doc->tokens[t].end == b;
            }
            if (ok_a && ok_b && ns < 256)
                spans[ns++] = (evt_span){a, b, &evt_gazetteer[g]};
        }
    }
    qsort(spans, ns, sizeof *spans, evt_span_cmp);
    size_t last_end = 0;
    for (size_t i = 0; i < ns; i++) {
        if (spans[i].start < last_end)
            continue;
        last_end = spans[i].end;
        evm_place pl;
        memset(&pl, 0, sizeof pl);
        pl.geonameid = spans[i].p->geonameid;
        pl.name = spans[i].p->name;
        memcpy(pl.country, spans[i].p->cc, strlen(spans[i].p->cc) + 1);
        pl.admin1 = "";
        for (size_t k = 0; k < sizeof evt_admin1 / sizeof *evt_admin1; k++)
            if (!strcmp(evt_admin1[k][0], pl.name))
                pl.admin1 = evt_admin1[k][1];
        pl.feature = spans[i].p->level == EVM_GEO_COUNTRY ? "COUNTRY"
                     : spans[i].p->geonameid < 0          ? "LANDMARK"
                                                          : "PPL";
        pl.lat = spans[i].p->lat;
        pl.lon = spans[i].p->lon;
        pl.level = spans[i].p->level;
        int32_t pi = evm_doc_place_intern(doc, &pl);
        evm_mention *m = evm_doc_add_mention(doc);
        m->start = (uint32_t)spans[i].start;
        m->end = (uint32_t)spans[i].end;
        m->place = pi;
        m->score = 0.9f;
        m->metonymy = spans[i].p->metonymy;
        for (size_t t = 0; t < doc->n_tokens; t++) {
            if (doc->tokens[t].start == m->start) {
                m->tok_first = (uint32_t)t;
                m->sentence = doc->tokens[t].sentence;
            }
            if (doc->tokens[t].end == m->end)
                m->tok_count = (uint32_t)t + 1 - m->tok_first;
        }
    }
}

/* A document from article text (with an optional "date" header line), segmented, with
 * test mentions; events not extracted yet. */
static inline evm_doc *evt_prepare(const char *text, const char *id)
{
    evm_read_opts ro;
    memset(&ro, 0, sizeof ro);
    evm_doc *doc = NULL;
    evm_diag dg;
    if (evm_article_parse_text(text, strlen(text), id, &ro, &doc, &dg) != EVM_OK)
        return NULL;
    evm_segment_run(doc);
    evt_mark(doc);
    return doc;
}

/* evt_prepare, then the events extracted. */
static inline evm_doc *evt_doc(const char *text, const char *id)
{
    evm_diag dg;
    evm_doc *doc = evt_prepare(text, id);
    if (doc && evm_event_extract(doc, &dg) != EVM_OK) {
        evm_doc_free(doc);
        return NULL;
    }
    return doc;
}

/* The event of this kind at the place named `name`, or NULL. */
static inline const evm_event *evt_find(const evm_event *ev, size_t n, const evm_place *places,
                                        evm_event_kind kind, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (ev[i].kind == kind && ev[i].place >= 0 && !strcmp(places[ev[i].place].name, name))
            return &ev[i];
    return NULL;
}

/* Writes the events one a line, for messages. */
static inline void evt_dump(FILE *f, const evm_event *ev, size_t n, const evm_place *places)
{
    for (size_t i = 0; i < n; i++) {
        const evm_event *e = &ev[i];
        char date[11];
        fprintf(f,
                "%s %s %s [%s] killed=%d%s injured=%d%s weapon=%s actor=%s status=%s "
                "subtype=%s cameo=%s sources=%zu:",
                evm_event_kind_name(e->kind), e->place >= 0 ? places[e->place].name : "?",
                evm_when_format(e->date, date), evm_event_precision_name(e->date.precision),
                e->killed, e->killed_at_least ? "+" : "", e->injured,
                e->injured_at_least ? "+" : "", e->weapon ? e->weapon : "-",
                e->actor ? e->actor : "-", evm_event_status_name(e->status), e->subtype, e->cameo,
                e->n_sources);
        for (size_t k = 0; k < e->n_participants; k++)
            fprintf(f, " %s (%s);", e->participants[k].name, e->participants[k].role);
        fprintf(f, "\n");
    }
}

#endif
