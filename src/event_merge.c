/* event_merge.c: merging event mentions (stage 5, after extraction in event.c, and again over
 * a batch in pipeline.c): mentions of one event (same kind, compatible dates, the same or a
 * finer place) become one event whose counts, weapon and participants are the best supported
 * of its mentions, with a stable id (see event.h, docs/events.md). */
#include "event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "when.h"

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h ^ 0xff;
}

static const char *event_id(evm_doc *st, const evm_event *e)
{
    char buf[64], date[11];
    uint64_t h = 14695981039346656037ull;
    h = fnv1a(h, evm_event_kind_name(e->kind));
    if (e->place >= 0 && (size_t)e->place < st->n_places) {
        const evm_place *p = &st->places[e->place];
        snprintf(buf, sizeof buf, "%lld", (long long)p->geonameid);
        h = fnv1a(h, buf);
        h = fnv1a(h, p->name ? p->name : "");
    }
    h = fnv1a(h, evm_when_format(e->date, date));
    return evm_doc_printf(st, "%s-%016llx", e->kind == EVM_EVENT_STRIKE ? "s" : "m",
                          (unsigned long long)h);
}

/* The best-supported count over members: the value most of them give, ties to the larger. */
static void best_count(const evm_event *ev, const size_t *mem, size_t n, bool injured, int32_t *val,
                       bool *at_least)
{
    *val = -1;
    *at_least = false;
    int best_votes = 0;
    for (size_t i = 0; i < n; i++) {
        const evm_event *a = &ev[mem[i]];
        int32_t v = injured ? a->injured : a->killed;
        if (v < 0)
            continue;
        int votes = 0;
        for (size_t k = 0; k < n; k++) {
            const evm_event *b = &ev[mem[k]];
            votes += (injured ? b->injured : b->killed) == v ? (int)b->n_sources : 0;
        }
        if (votes > best_votes || (votes == best_votes && v > *val)) {
            best_votes = votes;
            *val = v;
            *at_least = injured ? a->injured_at_least : a->killed_at_least;
        }
    }
}

static bool same_person(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return true;
    size_t la = strlen(a), lb = strlen(b);
    const char *s = la < lb ? a : b, *l = la < lb ? b : a;
    size_t ls = strlen(s), ll = strlen(l);
    return ll > ls && !strcmp(l + ll - ls, s) && l[ll - ls - 1] == ' ';
}

/* True when places a and b are a town and the region containing it ("Sumy" and "the Sumy
 * region") and the dates are the same day or unknown: then one event, at the town
 * (*finer). */
static bool same_day_within(const evm_doc *st, int32_t a, evm_date da, int32_t b, evm_date db,
                            int32_t *finer)
{
    if (a < 0 || b < 0 || (size_t)a >= st->n_places || (size_t)b >= st->n_places ||
        !evm_when_compatible(da, db) ||
        (da.precision != EVM_DATE_UNKNOWN && da.precision != EVM_DATE_DAY) ||
        (db.precision != EVM_DATE_UNKNOWN && db.precision != EVM_DATE_DAY))
        return false;
    const evm_place *pa = &st->places[a], *pb = &st->places[b];
    if (strcmp(pa->country, pb->country))
        return false;
    const evm_place *town = pa->level < pb->level ? pa : pb;
    const evm_place *region = pa->level < pb->level ? pb : pa;
    if (region->level != EVM_GEO_ADMIN1 || town->level == EVM_GEO_ADMIN1 || !town->admin1 ||
        !region->name || strcmp(town->admin1, region->name))
        return false;
    *finer = town == pa ? a : b;
    return true;
}

/* Days from a to b (both with a day). */
static long days_between(evm_date a, evm_date b)
{
    for (long k = -4; k <= 4; k++) {
        evm_date x = evm_when_add_days(a, (int)k);
        if (!evm_when_cmp(x, b))
            return k;
    }
    return 1000;
}

void evm_event_merge_doc(evm_doc *st)
{
    size_t n = st->n_events;
    if (!n)
        return;
    evm_event *ev = st->events;
    size_t *cluster = evm_xmalloc(n * sizeof *cluster); /* event -> cluster head */
    evm_date *cdate = evm_xmalloc(n * sizeof *cdate);
    int32_t *cplace = evm_xmalloc(n * sizeof *cplace);
    for (size_t i = 0; i < n; i++) {
        cluster[i] = i;
        cdate[i] = ev[i].date;
        cplace[i] = ev[i].place;
        for (size_t j = 0; j < i; j++) {
            if (cluster[j] != j || ev[j].kind != ev[i].kind || ev[i].place < 0 || cplace[j] < 0)
                continue;
            /* a visit lasts days: it is one encounter with talks there a few days apart */
            bool visit_span = false;
            if (!evm_when_compatible(cdate[j], ev[i].date)) {
                bool visit = (ev[i].subtype && !strcmp(ev[i].subtype, "visit")) ||
                             (ev[j].subtype && !strcmp(ev[j].subtype, "visit"));
                visit_span = visit && ev[i].kind == EVM_EVENT_MEETING && cplace[j] == ev[i].place &&
                             cdate[j].precision == EVM_DATE_DAY &&
                             ev[i].date.precision == EVM_DATE_DAY &&
                             labs(days_between(cdate[j], ev[i].date)) <= 3;
                if (!visit_span)
                    continue;
            }
            int32_t finer = cplace[j];
            if (cplace[j] != ev[i].place &&
                !same_day_within(st, cplace[j], cdate[j], ev[i].place, ev[i].date, &finer))
                continue;
            cluster[i] = j;
            cplace[j] = finer;
            /* the talks' day, not the arrival's */
            if (visit_span) {
                if (ev[j].subtype && !strcmp(ev[j].subtype, "visit") &&
                    !(ev[i].subtype && !strcmp(ev[i].subtype, "visit")))
                    cdate[j] = ev[i].date;
                break;
            }
            if (ev[i].date.precision != EVM_DATE_UNKNOWN &&
                (cdate[j].precision == EVM_DATE_UNKNOWN ||
                 (ev[i].date.precision < cdate[j].precision)))
                cdate[j] = ev[i].date;
            break;
        }
    }
    evm_event *out = evm_xmalloc(n * sizeof *out);
    size_t *mem = evm_xmalloc(n * sizeof *mem);
    size_t nout = 0;
    for (size_t h = 0; h < n; h++) {
        if (cluster[h] != h)
            continue;
        size_t nm = 0;
        for (size_t i = h; i < n; i++)
            if (cluster[i] == h)
                mem[nm++] = i;
        evm_event e = ev[h];
        e.date = cdate[h];
        e.place = cplace[h];
        best_count(ev, mem, nm, false, &e.killed, &e.killed_at_least);
        best_count(ev, mem, nm, true, &e.injured, &e.injured_at_least);
        size_t ns = 0, np = 0;
        float miss = 1.0f;
        for (size_t k = 0; k < nm; k++) {
            const evm_event *a = &ev[mem[k]];
            ns += a->n_sources;
            np += a->n_participants;
            miss *= 1.0f - a->confidence;
            if (a->status == EVM_STATUS_OCCURRED)
                e.status = EVM_STATUS_OCCURRED;
            if (a->weapon && (!e.weapon || strlen(a->weapon) > strlen(e.weapon))) {
                e.weapon = a->weapon;
                e.subtype = a->subtype;
                e.cameo = a->cameo;
                e.acled_sub_event = a->acled_sub_event;
            }
            if (!e.actor && a->actor)
                e.actor = a->actor;
        }
        e.confidence = 1.0f - miss > 0.99f ? 0.99f : 1.0f - miss;
        /* a meeting's subtype (and CAMEO code) is the one most of its mentions give */
        if (e.kind == EVM_EVENT_MEETING) {
            size_t best_n = 0;
            for (size_t k = 0; k < nm; k++) {
                size_t n_same = 0;
                for (size_t q = 0; q < nm; q++)
                    n_same += ev[mem[q]].subtype && ev[mem[k]].subtype &&
                              !strcmp(ev[mem[q]].subtype, ev[mem[k]].subtype);
                if (n_same > best_n) {
                    best_n = n_same;
                    e.subtype = ev[mem[k]].subtype;
                    e.cameo = ev[mem[k]].cameo;
                }
            }
        }
        e.sources = evm_doc_alloc(st, (ns ? ns : 1) * sizeof *e.sources);
        e.n_sources = 0;
        e.participants = evm_doc_alloc(st, (np ? np : 1) * sizeof *e.participants);
        e.n_participants = 0;
        for (size_t k = 0; k < nm; k++) {
            const evm_event *a = &ev[mem[k]];
            for (size_t s = 0; s < a->n_sources; s++)
                e.sources[e.n_sources++] = a->sources[s];
            for (size_t p = 0; p < a->n_participants; p++) {
                const evm_participant *q = &a->participants[p];
                size_t f = 0;
                while (f < e.n_participants && !same_person(e.participants[f].name, q->name))
                    f++;
                if (f == e.n_participants) {
                    e.participants[e.n_participants++] = *q;
                } else {
                    if (strlen(q->name) > strlen(e.participants[f].name))
                        e.participants[f].name = q->name;
                    if (q->role && q->role[0] &&
                        (!e.participants[f].role || !e.participants[f].role[0]))
                        e.participants[f].role = q->role;
                }
            }
        }
        /* the place as written: a form of the place's own name when one mention has it */
        const char *pname =
            e.place >= 0 && (size_t)e.place < st->n_places ? st->places[e.place].name : NULL;
        for (size_t k = 0; pname && k < nm; k++)
            if (ev[mem[k]].place_mention && !strcasecmp(ev[mem[k]].place_mention, pname)) {
                e.place_mention = ev[mem[k]].place_mention;
                e.mention = ev[mem[k]].mention;
                break;
            }
        e.id = event_id(st, &e);
        out[nout++] = e;
    }
    memcpy(st->events, out, nout * sizeof *out);
    st->n_events = nout;
    free(out);
    free(mem);
    free(cluster);
    free(cdate);
    free(cplace);
}

void evm_event_merge(evm_batch *b)
{
    for (size_t i = 0; i < b->store->n_events; i++)
        b->store->events[i].mention = -1;
    evm_event_merge_doc(b->store);
    b->events = b->store->events;
    b->n_events = b->store->n_events;
}
