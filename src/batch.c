/* batch.c: collects the places and events of several documents for export and rendering. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#include "when.h"

static const char *dup_or_null(evm_doc *store, const char *s)
{
    return s ? evm_doc_strdup(store, s) : NULL;
}

static void sync(evm_batch *b)
{
    b->places = b->store->places;
    b->n_places = b->store->n_places;
    b->events = b->store->events;
    b->n_events = b->store->n_events;
}

evm_batch *evm_batch_new(const char *name)
{
    evm_batch *b = evm_xcalloc(1, sizeof *b);
    b->store = evm_doc_new();
    b->name = evm_doc_strdup(b->store, name ? name : "");
    b->title = "";
    return b;
}

void evm_batch_free(evm_batch *b)
{
    if (!b)
        return;
    evm_doc_free(b->store);
    free(b);
}

int32_t evm_batch_place(evm_batch *b, const evm_place *p)
{
    int32_t i = evm_doc_place_intern(b->store, p);
    sync(b);
    return i;
}

static void add_form(evm_batch *b, evm_place *q, const char *s, size_t n)
{
    for (size_t i = 0; i < q->n_forms; i++)
        if (strlen(q->forms[i]) == n && memcmp(q->forms[i], s, n) == 0)
            return;
    const char **forms = evm_doc_alloc(b->store, (q->n_forms + 1) * sizeof *forms);
    if (q->n_forms)
        memcpy(forms, q->forms, q->n_forms * sizeof *forms);
    forms[q->n_forms++] = evm_doc_strndup(b->store, s, n);
    q->forms = forms;
}

void evm_batch_add_doc(evm_batch *b, const evm_doc *doc)
{
    evm_doc *st = b->store;
    if (b->n_docs == 0 && doc->title)
        b->title = evm_doc_strdup(st, doc->title);
    if (doc->published.precision != EVM_DATE_UNKNOWN) {
        if (b->first.precision == EVM_DATE_UNKNOWN || evm_when_cmp(doc->published, b->first) < 0)
            b->first = doc->published;
        if (b->last.precision == EVM_DATE_UNKNOWN || evm_when_cmp(doc->published, b->last) > 0)
            b->last = doc->published;
    }
    b->n_docs++;

    int32_t *map = evm_xcalloc(doc->n_places ? doc->n_places : 1, sizeof *map);
    for (size_t i = 0; i < doc->n_places; i++)
        map[i] = evm_doc_place_intern(st, &doc->places[i]);
    for (size_t i = 0; i < doc->n_mentions; i++) {
        const evm_mention *m = &doc->mentions[i];
        if (m->place < 0 || (size_t)m->place >= doc->n_places)
            continue;
        evm_place *q = &st->places[map[m->place]];
        q->mentions++;
        if (m->metonymy)
            q->metonymic++;
        if (m->score > q->best_score)
            q->best_score = m->score;
        add_form(b, q, doc->text + m->start, m->end - m->start);
    }

    for (size_t i = 0; i < doc->n_events; i++) {
        const evm_event *e = &doc->events[i];
        evm_event *c = evm_doc_add_event(st);
        *c = *e;
        c->place = (e->place >= 0 && (size_t)e->place < doc->n_places) ? map[e->place] : -1;
        c->mention = -1;
        c->id = dup_or_null(st, e->id);
        c->subtype = dup_or_null(st, e->subtype);
        c->place_mention = dup_or_null(st, e->place_mention);
        c->weapon = dup_or_null(st, e->weapon);
        c->actor = dup_or_null(st, e->actor);
        c->cameo = dup_or_null(st, e->cameo);
        c->acled_sub_event = dup_or_null(st, e->acled_sub_event);
        if (e->n_participants) {
            c->participants = evm_doc_alloc(st, e->n_participants * sizeof *c->participants);
            for (size_t k = 0; k < e->n_participants; k++) {
                c->participants[k].name = dup_or_null(st, e->participants[k].name);
                c->participants[k].role = dup_or_null(st, e->participants[k].role);
            }
        }
        if (e->n_sources) {
            c->sources = evm_doc_alloc(st, e->n_sources * sizeof *c->sources);
            for (size_t k = 0; k < e->n_sources; k++) {
                c->sources[k] = e->sources[k];
                c->sources[k].article = dup_or_null(st, e->sources[k].article);
            }
        }
    }
    free(map);
    sync(b);
}

size_t evm_batch_count(const evm_batch *b, evm_event_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n_events; i++)
        if (b->events[i].kind == kind)
            n++;
    return n;
}
