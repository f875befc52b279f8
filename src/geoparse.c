/* geoparse.c: `evmap geoparse` (see geoparse.h): the document stages up to resolve on a
 * pool of threads, and the JSONL writer. Articles are read in chunks; each chunk is
 * geoparsed in parallel and written in input order before the next is read. */
#include "geoparse.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "segment.h"
#include "spot.h"
#include "utf8.h"

evm_err evm_geoparse_doc(const evm_gaz *gaz, evm_doc *doc, evm_diag *diag)
{
    evm_segment_run(doc);
    evm_err e = evm_spot_run(doc, gaz, diag);
    if (e)
        return e;
    return evm_resolve_run(doc, gaz, diag);
}

static json_object *json_fixed(double v, const char *fmt)
{
    char buf[64];
    snprintf(buf, sizeof buf, fmt, v);
    return json_object_new_double_s(v, buf);
}

char *evm_geoparse_json(const evm_doc *doc)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "id", json_object_new_string(doc->id ? doc->id : ""));
    json_object *arr = json_object_new_array();
    evm_utf8_index *ix = evm_utf8_index_new(doc->text, doc->len);
    for (size_t k = 0; k < doc->n_mentions; k++) {
        const evm_mention *m = &doc->mentions[k];
        if (m->place < 0)
            continue;
        const evm_place *p = &doc->places[m->place];
        json_object *t = json_object_new_object();
        json_object_object_add(t, "start",
                               json_object_new_int64((int64_t)evm_utf8_index_cp(ix, m->start)));
        json_object_object_add(t, "end",
                               json_object_new_int64((int64_t)evm_utf8_index_cp(ix, m->end)));
        json_object_object_add(
            t, "text", json_object_new_string_len(doc->text + m->start, (int)(m->end - m->start)));
        json_object_object_add(t, "name", json_object_new_string(p->name));
        json_object_object_add(t, "geonameid",
                               p->geonameid >= 0 ? json_object_new_int64(p->geonameid) : NULL);
        json_object_object_add(t, "country", json_object_new_string(p->country));
        json_object_object_add(t, "admin1", json_object_new_string(p->admin1));
        json_object_object_add(t, "feature", json_object_new_string(p->feature));
        json_object_object_add(t, "lat", json_fixed(p->lat, "%.5f"));
        json_object_object_add(t, "lon", json_fixed(p->lon, "%.5f"));
        json_object_object_add(t, "score", json_fixed(m->score, "%.3f"));
        json_object_object_add(t, "metonymy", json_object_new_boolean(m->metonymy));
        json_object_array_add(arr, t);
    }
    evm_utf8_index_free(ix);
    json_object_object_add(root, "toponyms", arr);
    char *s = evm_xstrdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_SPACED |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
    return s;
}

/* ---- the threaded run ---------------------------------------------------------------- */

#define CHUNK 256

typedef struct slot {
    evm_doc *doc;
    char *line; /* the JSON line, or NULL when the article failed */
    evm_diag diag;
} slot;

typedef struct pool {
    const evm_gaz *gaz;
    slot *slots;
    size_t n;
    size_t next; /* next slot to take, under mu */
    pthread_mutex_t mu;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n)
            return NULL;
        slot *s = &p->slots[i];
        s->diag.msg[0] = '\0';
        if (evm_geoparse_doc(p->gaz, s->doc, &s->diag) == EVM_OK)
            s->line = evm_geoparse_json(s->doc);
        evm_doc_free(s->doc);
        s->doc = NULL;
    }
}

evm_err evm_geoparse_run(const evm_gaz *gaz, const char *path, const evm_read_opts *opts,
                         int threads, FILE *out, size_t *skipped,
                         void (*report)(void *ctx, const char *msg), void *ctx, evm_diag *diag)
{
    evm_reader *r;
    evm_err e = evm_article_open(path, opts, &r, diag);
    if (e)
        return e;
    if (threads < 1)
        threads = 1;
    pool p = {.gaz = gaz};
    p.slots = evm_xcalloc(CHUNK, sizeof *p.slots);
    pthread_mutex_init(&p.mu, NULL);
    pthread_t *tids = evm_xcalloc((size_t)threads, sizeof *tids);
    *skipped = 0;
    bool end = false;
    while (!end && e == EVM_OK) {
        p.n = 0;
        p.next = 0;
        while (p.n < CHUNK) {
            evm_doc *doc = NULL;
            evm_diag d;
            d.msg[0] = '\0';
            evm_err re = evm_article_next(r, &doc, &d);
            if (re == EVM_ERR_INPUT) {
                (*skipped)++;
                if (report)
                    report(ctx, d.msg);
                continue;
            }
            if (re) {
                *diag = d;
                e = re;
                break;
            }
            if (!doc) {
                end = true;
                break;
            }
            p.slots[p.n].doc = doc;
            p.slots[p.n].line = NULL;
            p.n++;
        }
        if (threads == 1 || p.n < 2) {
            worker(&p);
        } else {
            int started = 0;
            for (int t = 0; t < threads; t++)
                if (pthread_create(&tids[t], NULL, worker, &p) == 0)
                    started++;
            if (!started)
                worker(&p);
            for (int t = 0; t < started; t++)
                pthread_join(tids[t], NULL);
        }
        for (size_t i = 0; i < p.n; i++) {
            slot *s = &p.slots[i];
            if (s->line) {
                fputs(s->line, out);
                fputc('\n', out);
                free(s->line);
                s->line = NULL;
            } else {
                (*skipped)++;
                if (report)
                    report(ctx, s->diag.msg);
            }
        }
        if (ferror(out) && e == EVM_OK)
            e = evm_diag_set(diag, EVM_ERR_IO, "error writing the output");
    }
    pthread_mutex_destroy(&p.mu);
    free(tids);
    free(p.slots);
    evm_article_close(r);
    return e;
}
