/* layers_sample.h: a sample batch for the export tests (test_layers.c and the QGIS test's
 * writer): the strikes and meetings of a news report with their places. */
#ifndef EVM_TEST_LAYERS_SAMPLE_H
#define EVM_TEST_LAYERS_SAMPLE_H

#include <stdio.h>

#include "batch.h"

static int add_place(evm_batch *b, const char *name, const char *cc, const char *admin1,
                     const char *feature, int64_t gid, double lat, double lon, int64_t pop,
                     bool capital, evm_geo_level level, uint32_t mentions)
{
    evm_place p = {0};
    p.geonameid = gid;
    p.name = name;
    snprintf(p.country, sizeof p.country, "%s", cc);
    p.admin1 = admin1;
    p.feature = feature;
    p.level = level;
    p.lat = lat;
    p.lon = lon;
    p.population = pop;
    p.capital = capital;
    int i = evm_batch_place(b, &p);
    b->places[i].mentions = mentions;
    b->places[i].best_score = 0.75f;
    const char **forms = evm_doc_alloc(b->store, sizeof *forms);
    forms[0] = evm_doc_strdup(b->store, name);
    b->places[i].forms = forms;
    b->places[i].n_forms = 1;
    return i;
}

static evm_event *add_event(evm_batch *b, evm_event_kind kind, const char *id, int place, int y,
                            int m, int d)
{
    evm_event *e = evm_doc_add_event(b->store);
    e->kind = kind;
    e->id = id;
    e->place = place;
    e->mention = -1;
    e->killed = -1;
    e->injured = -1;
    e->date = (evm_date){(int16_t)y, (int8_t)m, (int8_t)d,
                         y == 0 ? EVM_DATE_UNKNOWN : (d ? EVM_DATE_DAY : EVM_DATE_MONTH)};
    e->cameo = kind == EVM_EVENT_STRIKE ? "195" : "043";
    e->confidence = 0.8f;
    return e;
}

/* A batch like the reading of a news report: three strikes (one toll unknown, one date
 * unknown) and two meetings (one planned), in an order that is not the output order. */
static evm_batch *sample_batch(void)
{
    evm_batch *b = evm_batch_new("sample");
    int kryvyi = add_place(b, "Kryvyi Rih", "UA", "Dnipropetrovsk Oblast", "PPLA2", 703845,
                           47.90572, 33.39404, 652380, false, EVM_GEO_POINT, 1);
    int sumy = add_place(b, "Sumy", "UA", "Sumy Oblast", "PPLA", 692194, 50.9216, 34.80029, 268409,
                         false, EVM_GEO_POINT, 2);
    int dnipro = add_place(b, "Dnipro", "UA", "Dnipropetrovsk Oblast", "PPLA", 709930, 48.46664,
                           35.04066, 968502, false, EVM_GEO_POINT, 1);
    int paris = add_place(b, "Paris", "FR", "Île-de-France", "PPLC", 2988507, 48.85341,
                          2.3488123456, 2138551, true, EVM_GEO_POINT, 3);
    int spb = add_place(b, "Saint Petersburg", "RU", "St.-Petersburg", "PPLA", 498817, 59.93863,
                        30.31413, 5351935, false, EVM_GEO_POINT, 1);
    add_place(b, "Ukraine", "UA", "", "COUNTRY", 690791, 49.0, 32.0, 44622516, false,
              EVM_GEO_COUNTRY, 4);

    evm_event *e = add_event(b, EVM_EVENT_STRIKE, "strike-kryvyi", kryvyi, 0, 0, 0);
    e->place_mention = "Kryvyi Rig";
    e->subtype = "missile strike";
    e->actor = "Russia";

    e = add_event(b, EVM_EVENT_STRIKE, "strike-dnipro", dnipro, 2025, 4, 16);
    e->subtype = "drone strike";
    e->weapon = "drone";
    e->killed = 3;
    e->injured = 30;
    e->injured_at_least = true;
    e->acled_sub_event = "Air/drone strike";

    e = add_event(b, EVM_EVENT_STRIKE, "strike-sumy", sumy, 2025, 4, 13);
    e->subtype = "missile strike";
    e->weapon = "ballistic missile";
    e->killed = 35;
    e->killed_at_least = true;
    e->place_mention = "Sumy";
    evm_source *src = evm_doc_alloc(b->store, 2 * sizeof *src);
    src[0] = (evm_source){"news:a1", 2, 140, 260};
    src[1] = (evm_source){"news:a1", 9, 900, 1010};
    e->sources = src;
    e->n_sources = 2;

    e = add_event(b, EVM_EVENT_MEETING, "meeting-paris", paris, 2025, 4, 17);
    e->subtype = "talks";
    evm_participant *pp = evm_doc_alloc(b->store, 2 * sizeof *pp);
    pp[0] = (evm_participant){"Marco Rubio", "U.S. Secretary of State"};
    pp[1] = (evm_participant){"Emmanuel Macron", ""};
    e->participants = pp;
    e->n_participants = 2;

    e = add_event(b, EVM_EVENT_MEETING, "meeting-spb", spb, 2025, 4, 11);
    e->subtype = "visit";
    e->status = EVM_STATUS_PLANNED;
    return b;
}

#endif
