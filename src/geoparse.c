/* geoparse.c: `evmap geoparse` (see geoparse.h): the document stages up to resolve on a
 * pool of threads, and the JSONL writer. Articles are read in chunks; each chunk is
 * geoparsed in parallel and written in input order before the next is read. */
#include "geoparse.h"

#include <math.h>
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

/* ---- the JSON writer ------------------------------------------------------------------
 * The line is written straight into a growing buffer, in json-c's spaced layout
 * (`{ "key": value, ... }`, `[ ]` when empty), with the same string escapes as json-c. */

typedef struct jbuf {
    char *p;
    size_t n, cap;
} jbuf;

static char *jb_room(jbuf *b, size_t more)
{
    if (b->cap - b->n < more)
        evm_grow((void **)&b->p, &b->cap, b->n + more, 1);
    return b->p + b->n;
}

static void jb_put(jbuf *b, const char *s, size_t n)
{
    memcpy(jb_room(b, n), s, n);
    b->n += n;
}

#define JB_LIT(b, lit) jb_put((b), lit, sizeof lit - 1)

static void jb_string(jbuf *b, const char *s, size_t n)
{
    b->n += evm_geoparse_json_escape(jb_room(b, n * 6 + 2), s, n);
}

static void jb_int(jbuf *b, int64_t v)
{
    char tmp[24];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t k = sizeof tmp;
    do {
        tmp[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--k] = '-';
    jb_put(b, tmp + k, sizeof tmp - k);
}

size_t evm_geoparse_json_escape(char *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"':
        case '\\':
            *o++ = (char)c;
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        case '\f':
            *o++ = 'f';
            break;
        default:
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 0xF];
        }
    }
    *o++ = '"';
    return (size_t)(o - out);
}

size_t evm_geoparse_fixed(char *out, double v, int decimals)
{
    static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    /* Below 1e8, v * 10^decimals is computed with an error under 1e-8, so when its
     * fraction is not within 1e-6 of one half the rounding is the one printf makes from
     * the exact binary value; ties, large values, NaN and infinities are left to printf. */
    double x = fabs(v) * scale[decimals < 0 || decimals > 6 ? 0 : decimals];
    if (decimals < 0 || decimals > 6 || !(x < 1e8))
        return (size_t)snprintf(out, EVM_GEOPARSE_FIXED_MAX, "%.*f", decimals, v);
    double fl = floor(x);
    double frac = x - fl;
    if (fabs(frac - 0.5) < 1e-6)
        return (size_t)snprintf(out, EVM_GEOPARSE_FIXED_MAX, "%.*f", decimals, v);
    uint64_t r = (uint64_t)fl + (frac > 0.5);
    uint64_t unit = (uint64_t)scale[decimals];
    uint64_t ip = r / unit, fp = r % unit;
    char tmp[32];
    size_t k = sizeof tmp;
    for (int d = 0; d < decimals; d++) {
        tmp[--k] = (char)('0' + fp % 10);
        fp /= 10;
    }
    if (decimals > 0)
        tmp[--k] = '.';
    do {
        tmp[--k] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    if (signbit(v))
        tmp[--k] = '-';
    memcpy(out, tmp + k, sizeof tmp - k);
    out[sizeof tmp - k] = '\0';
    return sizeof tmp - k;
}

static void jb_fixed(jbuf *b, double v, int decimals)
{
    b->n += evm_geoparse_fixed(jb_room(b, EVM_GEOPARSE_FIXED_MAX), v, decimals);
}

static void jb_cstr(jbuf *b, const char *s)
{
    s = s ? s : "";
    jb_string(b, s, strlen(s));
}

char *evm_geoparse_json(const evm_doc *doc)
{
    jbuf b = {0};
    JB_LIT(&b, "{ \"id\": ");
    jb_cstr(&b, doc->id);
    JB_LIT(&b, ", \"toponyms\": [ ");
    evm_utf8_index *ix = evm_utf8_index_new(doc->text, doc->len);
    bool first = true;
    for (size_t k = 0; k < doc->n_mentions; k++) {
        const evm_mention *m = &doc->mentions[k];
        if (m->place < 0)
            continue;
        const evm_place *p = &doc->places[m->place];
        if (!first)
            JB_LIT(&b, ", ");
        first = false;
        JB_LIT(&b, "{ \"start\": ");
        jb_int(&b, (int64_t)evm_utf8_index_cp(ix, m->start));
        JB_LIT(&b, ", \"end\": ");
        jb_int(&b, (int64_t)evm_utf8_index_cp(ix, m->end));
        JB_LIT(&b, ", \"text\": ");
        jb_string(&b, doc->text + m->start, m->end - m->start);
        JB_LIT(&b, ", \"name\": ");
        jb_cstr(&b, p->name);
        JB_LIT(&b, ", \"geonameid\": ");
        if (p->geonameid >= 0)
            jb_int(&b, p->geonameid);
        else
            JB_LIT(&b, "null");
        JB_LIT(&b, ", \"country\": ");
        jb_cstr(&b, p->country);
        JB_LIT(&b, ", \"admin1\": ");
        jb_cstr(&b, p->admin1);
        JB_LIT(&b, ", \"feature\": ");
        jb_cstr(&b, p->feature);
        JB_LIT(&b, ", \"lat\": ");
        jb_fixed(&b, p->lat, 5);
        JB_LIT(&b, ", \"lon\": ");
        jb_fixed(&b, p->lon, 5);
        JB_LIT(&b, ", \"score\": ");
        jb_fixed(&b, m->score, 3);
        if (m->metonymy)
            JB_LIT(&b, ", \"metonymy\": true }");
        else
            JB_LIT(&b, ", \"metonymy\": false }");
    }
    evm_utf8_index_free(ix);
    if (!first)
        JB_LIT(&b, " ");
    JB_LIT(&b, "] }");
    *jb_room(&b, 1) = '\0';
    return b.p;
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
