/* doc.c: the document object, its arena and its growable arrays (see doc.h). */
#include "doc.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bump allocator over a chain of blocks; freed all at once. */
typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
} arena_block;

struct evm_arena {
    arena_block *head;
};

#define ARENA_BLOCK 16384

/* n bytes from the arena, not zeroed: for callers that write every byte. */
static void *arena_take(evm_arena *a, size_t n)
{
    size_t align = _Alignof(max_align_t);
    n = (n + align - 1) / align * align;
    arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = evm_xmalloc(sizeof *b + size);
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static void *arena_alloc(evm_arena *a, size_t n)
{
    return memset(arena_take(a, n), 0, n);
}

/* Frees everything of a document. */
static void doc_destroy(evm_doc *doc)
{
    arena_block *b = doc->arena->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(doc->arena);
    free(doc->text);
    free(doc->sentences);
    free(doc->tokens);
    free(doc->mentions);
    free(doc->places);
    free(doc->events);
    free(doc->demonyms);
    free(doc);
}

/* ---- the spare document ----------------------------------------------------------------
 * A thread keeps the last document it freed, emptied, for its next evm_doc_new: the
 * document's arrays (their room, not their contents) and one block of its arena serve the
 * next one instead of being freed and allocated again for every article. What a new
 * document must not have (text, demonyms, anything in the arena) is freed; arrays past
 * SPARE_KEEP bytes are freed too. The spare goes when its thread ends. */

#define SPARE_KEEP ((size_t)1 << 20)

static pthread_key_t spare_key;
static bool spare_key_ok;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_free(void *doc)
{
    if (doc)
        doc_destroy(doc);
}

static void spare_init(void)
{
    spare_key_ok = pthread_key_create(&spare_key, spare_free) == 0;
}

/* Frees an array (and zeroes its room) when it holds more than SPARE_KEEP bytes. */
static void keep_array(void **items, size_t *cap, size_t size)
{
    if (*cap * size > SPARE_KEEP) {
        free(*items);
        *items = NULL;
        *cap = 0;
    }
}

/* Empties doc into the state of a new document, keeping its arrays' room and one arena
 * block of the usual size. */
static void doc_empty(evm_doc *doc)
{
    arena_block *keep = NULL, *b = doc->arena->head;
    while (b) {
        arena_block *next = b->next;
        if (!keep && b->size == ARENA_BLOCK) {
            keep = b;
            keep->used = 0;
            keep->next = NULL;
        } else {
            free(b);
        }
        b = next;
    }
    doc->arena->head = keep;
    free(doc->text);
    free(doc->demonyms);
    keep_array((void **)&doc->sentences, &doc->cap_sentences, sizeof *doc->sentences);
    keep_array((void **)&doc->tokens, &doc->cap_tokens, sizeof *doc->tokens);
    keep_array((void **)&doc->mentions, &doc->cap_mentions, sizeof *doc->mentions);
    keep_array((void **)&doc->places, &doc->cap_places, sizeof *doc->places);
    keep_array((void **)&doc->events, &doc->cap_events, sizeof *doc->events);
    evm_doc kept = *doc;
    memset(doc, 0, sizeof *doc);
    doc->arena = kept.arena;
    doc->sentences = kept.sentences;
    doc->cap_sentences = kept.cap_sentences;
    doc->tokens = kept.tokens;
    doc->cap_tokens = kept.cap_tokens;
    doc->mentions = kept.mentions;
    doc->cap_mentions = kept.cap_mentions;
    doc->places = kept.places;
    doc->cap_places = kept.cap_places;
    doc->events = kept.events;
    doc->cap_events = kept.cap_events;
    doc->id = "";
    doc->origin = "";
    doc->title = "";
}

evm_doc *evm_doc_new(void)
{
    pthread_once(&spare_once, spare_init);
    evm_doc *doc = spare_key_ok ? pthread_getspecific(spare_key) : NULL;
    if (doc && pthread_setspecific(spare_key, NULL) == 0)
        return doc;
    doc = evm_xcalloc(1, sizeof *doc);
    doc->arena = evm_xcalloc(1, sizeof *doc->arena);
    doc->id = "";
    doc->origin = "";
    doc->title = "";
    return doc;
}

void evm_doc_free(evm_doc *doc)
{
    if (!doc)
        return;
    pthread_once(&spare_once, spare_init);
    if (spare_key_ok && !pthread_getspecific(spare_key)) {
        doc_empty(doc);
        if (pthread_setspecific(spare_key, doc) == 0)
            return;
    }
    doc_destroy(doc);
}

void *evm_doc_alloc(evm_doc *doc, size_t n)
{
    return arena_alloc(doc->arena, n);
}

void *evm_doc_memdup(evm_doc *doc, const void *p, size_t n)
{
    return n ? memcpy(arena_take(doc->arena, n), p, n) : arena_take(doc->arena, 0);
}

char *evm_doc_strndup(evm_doc *doc, const char *s, size_t n)
{
    char *p = arena_take(doc->arena, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *evm_doc_strdup(evm_doc *doc, const char *s)
{
    return evm_doc_strndup(doc, s, strlen(s));
}

char *evm_doc_printf(evm_doc *doc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return evm_doc_strdup(doc, "");
    char *p = arena_take(doc->arena, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

#define DOC_APPEND(doc, arr, n, cap)                                                               \
    do {                                                                                           \
        if ((doc)->n >= (doc)->cap)                                                                \
            evm_grow((void **)&(doc)->arr, &(doc)->cap, (doc)->n + 1, sizeof *(doc)->arr);         \
        memset(&(doc)->arr[(doc)->n], 0, sizeof *(doc)->arr);                                      \
        return &(doc)->arr[(doc)->n++];                                                            \
    } while (0)

evm_sentence *evm_doc_add_sentence(evm_doc *doc)
{
    DOC_APPEND(doc, sentences, n_sentences, cap_sentences);
}

evm_token *evm_doc_add_token(evm_doc *doc)
{
    DOC_APPEND(doc, tokens, n_tokens, cap_tokens);
}

evm_mention *evm_doc_add_mention(evm_doc *doc)
{
    DOC_APPEND(doc, mentions, n_mentions, cap_mentions);
}

evm_event *evm_doc_add_event(evm_doc *doc)
{
    DOC_APPEND(doc, events, n_events, cap_events);
}

int32_t evm_doc_place_intern(evm_doc *doc, const evm_place *p)
{
    for (size_t i = 0; i < doc->n_places; i++) {
        const evm_place *q = &doc->places[i];
        if (q->geonameid == p->geonameid && strcmp(q->name, p->name) == 0 &&
            strcmp(q->country, p->country) == 0)
            return (int32_t)i;
    }
    evm_grow((void **)&doc->places, &doc->cap_places, doc->n_places + 1, sizeof *doc->places);
    evm_place *q = &doc->places[doc->n_places];
    *q = *p;
    q->name = evm_doc_strdup(doc, p->name ? p->name : "");
    q->admin1 = evm_doc_strdup(doc, p->admin1 ? p->admin1 : "");
    q->feature = evm_doc_strdup(doc, p->feature ? p->feature : "");
    q->mentions = 0;
    q->metonymic = 0;
    q->best_score = 0;
    q->forms = NULL;
    q->n_forms = 0;
    return (int32_t)doc->n_places++;
}
