/* doc.h: the document object that flows through the pipeline, and its arena.
 *
 *   read (article.c) -> segment (segment.c) -> spot (spot.c) -> resolve (resolve.c)
 *   -> extract (event.c) -> export (layers.c) / render (render.c)
 *
 * Each stage reads what earlier stages filled in and fills its own arrays; exporters and
 * the renderer only read. All offsets are BYTE offsets into `doc->text` (UTF-8), end
 * exclusive; conversion to Unicode code points happens only on output (utf8.h).
 *
 * Ownership: the doc owns everything reachable from it. Strings and small records come
 * from the doc's arena (evm_doc_alloc/evm_doc_strdup) and are freed together by
 * evm_doc_free. The growable arrays (sentences, tokens, mentions, places, events) are
 * plain heap arrays owned by the doc; append with the evm_doc_add_* helpers.
 * Places copied from the gazetteer are copied into the arena, so a doc never points
 * into the gazetteer's mapping.
 */
#ifndef EVM_DOC_H
#define EVM_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evmap.h"

/* ---- dates ------------------------------------------------------------------------- */

typedef enum evm_date_precision {
    EVM_DATE_UNKNOWN = 0,
    EVM_DATE_DAY,
    EVM_DATE_WEEK,  /* y/m/d is the first day of the week meant */
    EVM_DATE_MONTH, /* d is 0 */
    EVM_DATE_YEAR   /* m and d are 0 */
} evm_date_precision;

typedef struct evm_date {
    int16_t year;
    int8_t month; /* 1..12, 0 when unknown */
    int8_t day;   /* 1..31, 0 when unknown */
    evm_date_precision precision;
} evm_date;

/* ---- text structure ---------------------------------------------------------------- */

typedef struct evm_sentence {
    uint32_t start, end; /* byte offsets of the sentence text */
    uint32_t tok_first;  /* index of its first token */
    uint32_t tok_count;  /* number of tokens */
} evm_sentence;

typedef enum evm_tok_kind {
    EVM_TOK_WORD = 0, /* letters, with inner apostrophes/hyphens/periods (U.S., Saint-Denis) */
    EVM_TOK_NUMBER,   /* digits, with inner , and . (1,200  3.5) */
    EVM_TOK_PUNCT,    /* one punctuation character (quotes, dashes, brackets, ...) */
    EVM_TOK_SYMBOL    /* anything else (emoji, currency, ...) */
} evm_tok_kind;

/* Token flags, derived from the token text by segment.c. */
enum {
    EVM_TOKF_CAP = 1u << 0,         /* first letter is uppercase */
    EVM_TOKF_UPPER = 1u << 1,       /* every letter is uppercase (and >= 2 letters) */
    EVM_TOKF_SENT_START = 1u << 2,  /* first word of its sentence (after opening quotes) */
    EVM_TOKF_ABBREV = 1u << 3,      /* ends in a period that is part of the token (Gen., U.S.) */
    EVM_TOKF_POSSESSIVE = 1u << 4,  /* ends in 's or ’s; `end` excludes the suffix */
    EVM_TOKF_SPACE_BEFORE = 1u << 5 /* whitespace precedes it */
};

typedef struct evm_token {
    uint32_t start, end; /* byte offsets */
    uint32_t sentence;   /* index into doc->sentences */
    uint16_t kind;       /* evm_tok_kind */
    uint16_t flags;      /* EVM_TOKF_* */
} evm_token;

/* ---- places -------------------------------------------------------------------------- */

/* How a name matched a gazetteer entry (ordered from best to worst). */
typedef enum evm_match {
    EVM_MATCH_EXACT = 0, /* the entry's main name, after folding */
    EVM_MATCH_ALTERNATE, /* one of its alternate names or an alias table row */
    EVM_MATCH_VARIANT,   /* a transliteration variant (h/g, i/y, ...) */
    EVM_MATCH_FUZZY      /* bounded edit distance */
} evm_match;

/* The kind of thing a place is, coarse; `feature` keeps the exact code. */
typedef enum evm_geo_level {
    EVM_GEO_POINT = 0, /* a city, town, landmark */
    EVM_GEO_ADMIN2,
    EVM_GEO_ADMIN1,
    EVM_GEO_COUNTRY,
    EVM_GEO_REGION, /* a continent or a well-known region */
} evm_geo_level;

/* A resolved place, one per distinct gazetteer entry used by the document. */
typedef struct evm_place {
    int64_t geonameid;   /* -1 when the entry is not from GeoNames */
    const char *name;    /* preferred name */
    char country[3];     /* ISO 3166-1 alpha-2, "" when none (continents) */
    const char *admin1;  /* admin1 name ("Sumy Oblast"), "" when none */
    const char *feature; /* GeoNames feature code, or COUNTRY/ADM1/ADM2/CONT/REGION/LANDMARK */
    evm_geo_level level;
    double lat, lon;
    int64_t population; /* 0 when unknown */
    bool capital;       /* a national capital */
    uint32_t mentions;  /* how many mentions resolve here */
    uint32_t metonymic; /* how many of those are metonymic */
    float best_score;   /* the best mention score */
    const char **forms; /* surface forms seen ("Kryvyi Rig"), filled by evm_batch_add_doc */
    size_t n_forms;
} evm_place;

/* A toponym span found in the text, and what it resolved to. */
typedef struct evm_mention {
    uint32_t start, end; /* byte offsets of the span as written ("Kryvyi Rig") */
    uint32_t sentence;   /* index into doc->sentences */
    uint32_t tok_first;  /* first token of the span */
    uint32_t tok_count;
    int32_t place;   /* index into doc->places, -1 when unresolved */
    evm_match match; /* how the chosen place matched */
    float score;     /* confidence 0..1 in span and place together */
    bool metonymy;   /* "Washington said", "the Kremlin": not an event location */
    /* Added by the geoparser: spot.c's evidence for resolve.c (evm_spot_info in spot.h:
     * gazetteer key, candidates, cues, qualifier), in the doc's arena; NULL when the
     * mention was made by other code. */
    struct evm_spot_info *spot;
} evm_mention;

/* ---- events ------------------------------------------------------------------------ */

typedef enum evm_event_kind { EVM_EVENT_STRIKE = 0, EVM_EVENT_MEETING } evm_event_kind;

typedef enum evm_event_status { EVM_STATUS_OCCURRED = 0, EVM_STATUS_PLANNED } evm_event_status;

/* Where a fact came from: the article and the evidence span. */
typedef struct evm_source {
    const char *article; /* the document id */
    uint32_t sentence;   /* index into that doc's sentences */
    uint32_t start, end; /* byte offsets of the evidence (usually the sentence) */
} evm_source;

/* A participant of a meeting: a person as named, with a role when stated. */
typedef struct evm_participant {
    const char *name; /* "Marco Rubio" */
    const char *role; /* "U.S. Secretary of State", or "" */
} evm_participant;

/* Counts: -1 means not stated (never invent a number). */
typedef struct evm_event {
    evm_event_kind kind;
    const char *id;      /* stable across runs (a hash of kind, place and date) */
    const char *subtype; /* "missile strike", "drone strike", "talks", "visit", ... */
    evm_date date;
    int32_t place;             /* index into doc->places */
    int32_t mention;           /* index into doc->mentions of the place as written, -1 in a batch */
    const char *place_mention; /* the place as written ("Kryvyi Rig"); set by the extractor */
    int32_t killed, injured;   /* -1 when not stated */
    bool killed_at_least, injured_at_least;
    const char *weapon; /* "ballistic missile", "drone", ... or NULL */
    const char *actor;  /* "Russia" (the attacker), or NULL */
    evm_participant *participants;
    size_t n_participants;
    evm_event_status status;
    const char *cameo;           /* CAMEO code: "195", "043", ... */
    const char *acled_sub_event; /* "Air/drone strike", ... or NULL (meetings) */
    evm_source *sources;
    size_t n_sources;
    float confidence; /* 0..1 */
} evm_event;

/* ---- the document -------------------------------------------------------------------- */

typedef struct evm_arena evm_arena;

typedef struct evm_doc {
    evm_arena *arena;

    const char *id;       /* JSONL "id", or the file stem for plain text */
    const char *origin;   /* where it came from ("a.txt", "b.jsonl:12"), for messages */
    const char *title;    /* headline, "" when none */
    const char *dateline; /* "PARIS" as written, or NULL; a location hint for resolve */
    evm_date published;   /* precision UNKNOWN when neither the article nor --date gave one */

    char *text;        /* the whole text, valid UTF-8 (invalid bytes replaced), NUL-ended */
    size_t len;        /* bytes, without the NUL */
    size_t body;       /* byte offset where the body starts (after header and dateline) */
    size_t n_replaced; /* invalid UTF-8 sequences replaced while reading */

    evm_sentence *sentences;
    size_t n_sentences, cap_sentences;
    evm_token *tokens;
    size_t n_tokens, cap_tokens;
    evm_mention *mentions;
    size_t n_mentions, cap_mentions;
    evm_place *places;
    size_t n_places, cap_places;
    evm_event *events;
    size_t n_events, cap_events;
    /* Added by the geoparser: per token (n_tokens entries), the alpha-2 country of a
     * capitalised word read as a demonym ("Ukrainian", or minus a final 's' when longer
     * than 3: "Russians"), "" for every other token; filled by spot.c for resolve.c, NULL
     * before the spotter runs. Heap, owned by the doc. */
    char (*demonyms)[3];
} evm_doc;

/* A new empty document with its arena (the room of the last document this thread freed,
 * when there is one: its arrays' capacity, not their contents). */
evm_doc *evm_doc_new(void);
/* Frees the document, its arrays and its arena (the thread may keep it, emptied, for its
 * next evm_doc_new). Accepts NULL. */
void evm_doc_free(evm_doc *doc);

/* Arena allocation, zeroed, aligned for any type; lives as long as the doc. */
void *evm_doc_alloc(evm_doc *doc, size_t n);
/* Arena copy of n bytes at p, aligned for any type (nothing zeroed: every byte is
 * copied). Added for the geoparser's per-mention records. */
void *evm_doc_memdup(evm_doc *doc, const void *p, size_t n);
char *evm_doc_strdup(evm_doc *doc, const char *s);
char *evm_doc_strndup(evm_doc *doc, const char *s, size_t n);
char *evm_doc_printf(evm_doc *doc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append a zeroed element and return a pointer to it (valid until the next append to the
 * same array). */
evm_sentence *evm_doc_add_sentence(evm_doc *doc);
evm_token *evm_doc_add_token(evm_doc *doc);
evm_mention *evm_doc_add_mention(evm_doc *doc);
evm_event *evm_doc_add_event(evm_doc *doc);

/* The index of the place with this geonameid and name, adding a copy of `p` (strings
 * copied into the arena, mentions/metonymic/best_score zeroed) when absent. */
int32_t evm_doc_place_intern(evm_doc *doc, const evm_place *p);

#endif
