/* geoparse.c: `evmap geoparse` (see geoparse.h): the document stages up to resolve on a
 * pool of threads, and the JSONL writer. Articles are read in chunks; each chunk is
 * geoparsed in parallel and written in input order before the next is read. */
#include "geoparse.h"

#include <math.h>
#include <stdbool.h>
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

/* "00" to "99": decimal digits two at a time. */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

static void jb_int(jbuf *b, int64_t v)
{
    char tmp[24];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t k = sizeof tmp;
    while (u >= 100) {
        const char *d = &digit_pairs[2 * (u % 100)];
        tmp[--k] = d[1];
        tmp[--k] = d[0];
        u /= 100;
    }
    if (u >= 10) {
        tmp[--k] = digit_pairs[2 * u + 1];
        tmp[--k] = digit_pairs[2 * u];
    } else {
        tmp[--k] = (char)('0' + u);
    }
    if (v < 0)
        tmp[--k] = '-';
    /* (a few bytes: copied one by one rather than through a call) */
    char *o = jb_room(b, sizeof tmp - k);
    for (size_t j = k; j < sizeof tmp; j++)
        *o++ = tmp[j];
    b->n += sizeof tmp - k;
}

/* The bytes a JSON string holds as they are: not a control character, '"' or '\\'. */
#define PLAIN(b) ((b) >= 0x20 && (b) != '"' && (b) != '\\')
#define PLAIN_ROW(b)                                                                               \
    PLAIN(b), PLAIN((b) + 1), PLAIN((b) + 2), PLAIN((b) + 3), PLAIN((b) + 4), PLAIN((b) + 5),      \
        PLAIN((b) + 6), PLAIN((b) + 7), PLAIN((b) + 8), PLAIN((b) + 9), PLAIN((b) + 10),           \
        PLAIN((b) + 11), PLAIN((b) + 12), PLAIN((b) + 13), PLAIN((b) + 14), PLAIN((b) + 15)

static const bool plain_byte[256] = {
    PLAIN_ROW(0x00), PLAIN_ROW(0x10), PLAIN_ROW(0x20), PLAIN_ROW(0x30),
    PLAIN_ROW(0x40), PLAIN_ROW(0x50), PLAIN_ROW(0x60), PLAIN_ROW(0x70),
    PLAIN_ROW(0x80), PLAIN_ROW(0x90), PLAIN_ROW(0xA0), PLAIN_ROW(0xB0),
    PLAIN_ROW(0xC0), PLAIN_ROW(0xD0), PLAIN_ROW(0xE0), PLAIN_ROW(0xF0)};

size_t evm_geoparse_json_escape(char *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (plain_byte[c]) {
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
    /* r's last `decimals` digits are the fraction's, the others the integer part's */
    uint64_t r = (uint64_t)fl + (frac > 0.5);
    char tmp[32];
    size_t k = sizeof tmp;
    for (int d = 0; d < decimals; d++) {
        tmp[--k] = (char)('0' + r % 10);
        r /= 10;
    }
    if (decimals > 0)
        tmp[--k] = '.';
    do {
        tmp[--k] = (char)('0' + r % 10);
        r /= 10;
    } while (r);
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

/* Where a place's part of a line was written in it (len 0: not yet). */
typedef struct place_part {
    size_t at, len;
} place_part;

/* Writes the line of doc into line, from its start, NUL-ended (line->n does not count the
 * NUL), keeping line's room; *frags (*cap_frag of them) is the room for the place parts,
 * kept too. */
static void json_line(const evm_doc *doc, jbuf *line, place_part **frags, size_t *cap_frag)
{
    jbuf b = *line;
    b.n = 0;
    /* A toponym takes about 220 bytes: room for most lines at once. */
    jb_room(&b, 64 + 320 * doc->n_mentions);
    JB_LIT(&b, "{ \"id\": ");
    jb_cstr(&b, doc->id);
    JB_LIT(&b, ", \"toponyms\": [ ");
    evm_utf8_cursor cur;
    evm_utf8_cursor_init(&cur, doc->text, doc->len);
    /* A place's part of the line (name to lon) is the same for each of its mentions: it
     * is written once, and copied from where it was written for the next mentions. */
    if (doc->n_places > *cap_frag)
        evm_grow((void **)frags, cap_frag, doc->n_places, sizeof **frags);
    place_part *frag = *frags;
    if (doc->n_places)
        memset(frag, 0, doc->n_places * sizeof *frag);
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
        jb_int(&b, (int64_t)evm_utf8_cursor_cp(&cur, m->start));
        JB_LIT(&b, ", \"end\": ");
        jb_int(&b, (int64_t)evm_utf8_cursor_cp(&cur, m->end));
        JB_LIT(&b, ", \"text\": ");
        jb_string(&b, doc->text + m->start, m->end - m->start);
        place_part *f = &frag[m->place];
        if (f->len) {
            char *o = jb_room(&b, f->len);
            memcpy(o, b.p + f->at, f->len);
            b.n += f->len;
        } else {
            f->at = b.n;
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
            f->len = b.n - f->at;
        }
        JB_LIT(&b, ", \"score\": ");
        jb_fixed(&b, m->score, 3);
        if (m->metonymy)
            JB_LIT(&b, ", \"metonymy\": true }");
        else
            JB_LIT(&b, ", \"metonymy\": false }");
    }
    if (!first)
        JB_LIT(&b, " ");
    JB_LIT(&b, "] }");
    *jb_room(&b, 1) = '\0';
    *line = b;
}

char *evm_geoparse_json(const evm_doc *doc)
{
    jbuf b = {0};
    place_part *frag = NULL;
    size_t cap_frag = 0;
    json_line(doc, &b, &frag, &cap_frag);
    free(frag);
    return b.p;
}

/* ---- the threaded run ----------------------------------------------------------------
 * The calling thread reads articles into a ring of slots and writes the finished lines in
 * input order; the workers take the slots in order and geoparse them. Reading, geoparsing
 * and writing overlap, and no barrier waits for the slowest article of a chunk. */

#define RING 64 /* articles in flight */
/* Finished articles the writer waits for at once when the ring is full. */
#define WRITE_BATCH 16

typedef struct slot {
    evm_doc *doc;
    bool ok;   /* out holds the article's JSON line; else the article failed */
    bool done; /* under mu */
    evm_diag diag;
    jbuf out;         /* (its room kept from one article of the slot to the next) */
    place_part *frag; /* json_line's room for the place parts, kept too */
    size_t cap_frag;
} slot;

typedef struct pool {
    const evm_gaz *gaz;
    slot *ring;
    size_t n_read;  /* articles put in the ring, under mu */
    size_t n_taken; /* articles taken by a worker, under mu */
    bool end;       /* no more articles will come, under mu */
    size_t want;    /* the article the writer waits for (SIZE_MAX: none), under mu */
    pthread_mutex_t mu;
    pthread_cond_t work; /* an article came, or the end */
    pthread_cond_t done; /* an article was geoparsed */
} pool;

/* Geoparses the article of a slot into its line and frees the article. */
static void process(const evm_gaz *gaz, slot *s)
{
    s->diag.msg[0] = '\0';
    s->ok = evm_geoparse_doc(gaz, s->doc, &s->diag) == EVM_OK;
    if (s->ok)
        json_line(s->doc, &s->out, &s->frag, &s->cap_frag);
    evm_doc_free(s->doc);
    s->doc = NULL;
}

static void *worker(void *arg)
{
    pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->n_taken == p->n_read && !p->end)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->n_taken == p->n_read)
            break;
        size_t at = p->n_taken++;
        slot *s = &p->ring[at % RING];
        pthread_mutex_unlock(&p->mu);
        process(p->gaz, s);
        pthread_mutex_lock(&p->mu);
        s->done = true;
        if (p->want == at) /* wake the writer only for the article it waits for */
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Writes a finished slot's line (or reports why there is none). */
static void emit(slot *s, FILE *out, size_t *skipped, void (*report)(void *ctx, const char *msg),
                 void *ctx)
{
    if (s->ok) {
        fwrite(s->out.p, 1, s->out.n, out);
        fputc('\n', out);
    } else {
        (*skipped)++;
        if (report)
            report(ctx, s->diag.msg);
    }
}

/* The next article, skipping (and reporting) bad ones: EVM_OK with *doc NULL at the end. */
static evm_err next_article(evm_reader *r, evm_doc **doc, size_t *skipped,
                            void (*report)(void *ctx, const char *msg), void *ctx, evm_diag *diag)
{
    for (;;) {
        evm_diag d;
        d.msg[0] = '\0';
        evm_err e = evm_article_next(r, doc, &d);
        if (e == EVM_ERR_INPUT) {
            (*skipped)++;
            if (report)
                report(ctx, d.msg);
            continue;
        }
        if (e)
            *diag = d;
        return e;
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
    *skipped = 0;
    pool p = {.gaz = gaz, .want = SIZE_MAX};
    p.ring = evm_xcalloc(RING, sizeof *p.ring);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.work, NULL);
    pthread_cond_init(&p.done, NULL);
    pthread_t *tids = evm_xcalloc((size_t)(threads > 1 ? threads : 1), sizeof *tids);
    int started = 0;
    for (int t = 0; threads > 1 && t < threads; t++)
        if (pthread_create(&tids[t], NULL, worker, &p) == 0)
            started++;
    bool reading = true;
    size_t n_written = 0;
    for (;;) {
        /* fill the ring */
        while (reading && p.n_read - n_written < RING) {
            evm_doc *doc = NULL;
            evm_err re = next_article(r, &doc, skipped, report, ctx, diag);
            if (re || !doc) {
                e = re;
                reading = false;
                pthread_mutex_lock(&p.mu);
                p.end = true;
                pthread_cond_broadcast(&p.work);
                pthread_mutex_unlock(&p.mu);
                break;
            }
            slot *s = &p.ring[p.n_read % RING];
            s->doc = doc;
            s->done = false;
            if (!started) {
                process(gaz, s);
                s->done = true;
                p.n_read++;
                break; /* one at a time: written at once */
            }
            pthread_mutex_lock(&p.mu);
            p.n_read++;
            pthread_cond_signal(&p.work);
            pthread_mutex_unlock(&p.mu);
        }
        if (n_written == p.n_read && !reading)
            break;
        /* write the finished articles in input order; wait for the next one only when
         * the ring is full or nothing is left to read (a wait per article would cost
         * more than the writing) */
        while (n_written < p.n_read) {
            slot *s = &p.ring[n_written % RING];
            if (started) {
                bool must = !reading || p.n_read - n_written >= RING;
                pthread_mutex_lock(&p.mu);
                if (!s->done && must) {
                    /* wake for a batch: the workers finish articles about in order */
                    size_t last = n_written + WRITE_BATCH - 1;
                    if (last >= p.n_read)
                        last = p.n_read - 1;
                    while (!p.ring[last % RING].done) {
                        p.want = last;
                        pthread_cond_wait(&p.done, &p.mu);
                    }
                }
                while (!s->done && must) {
                    p.want = n_written;
                    pthread_cond_wait(&p.done, &p.mu);
                }
                p.want = SIZE_MAX;
                bool done = s->done;
                pthread_mutex_unlock(&p.mu);
                if (!done)
                    break;
            }
            emit(s, out, skipped, report, ctx);
            n_written++;
            if (reading && ferror(out)) {
                e = evm_diag_set(diag, EVM_ERR_IO, "error writing the output");
                reading = false;
                pthread_mutex_lock(&p.mu);
                p.end = true;
                pthread_cond_broadcast(&p.work);
                pthread_mutex_unlock(&p.mu);
            }
        }
    }
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    if (e == EVM_OK && ferror(out))
        e = evm_diag_set(diag, EVM_ERR_IO, "error writing the output");
    pthread_cond_destroy(&p.done);
    pthread_cond_destroy(&p.work);
    pthread_mutex_destroy(&p.mu);
    free(tids);
    for (size_t i = 0; i < RING; i++) {
        free(p.ring[i].out.p);
        free(p.ring[i].frag);
    }
    free(p.ring);
    evm_article_close(r);
    return e;
}
