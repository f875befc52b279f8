/* spot.h: toponym recognition (stage 3, after segment, before resolve): finds the spans of
 * a document that name places, with the context resolve.c needs to choose among candidates.
 *
 * How: a longest match of the gazetteer's keys over token n-grams, starting at capitalised
 * words; then rules a geographer would apply to any news text: cue words ("in", "near",
 * "the city of", "X region", "eastern X"), "City, State" and "City, Country" pairs,
 * possessives ("Ukraine's") and hyphenated forms ("Kharkiv-based"), names inside person
 * names (titles, first names, surnames seen earlier) and inside organisation names ("Fox
 * News", "Washington Post"), a stop-list of common words that are also place names, and
 * demonyms ("Ukrainian"), which are context for resolve.c, never toponyms. The word lists
 * are data files, gazetteer/spot-*.txt, compiled into the library.
 */
#ifndef EVM_SPOT_H
#define EVM_SPOT_H

#include "doc.h"
#include "gazetteer.h"

/* Cue flags of a mention (evm_spot_info.cues). */
enum {
    EVM_SPOT_CUE_LOCATIVE = 1u << 0,    /* after "in", "near", "from", ... */
    EVM_SPOT_CUE_CITY = 1u << 1,        /* "the city of X", "X city": a settlement */
    EVM_SPOT_CUE_REGION = 1u << 2,      /* "the region of X", "X region", "X Oblast": an area */
    EVM_SPOT_CUE_DIRECTION = 1u << 3,   /* "eastern X", "downtown X" */
    EVM_SPOT_CUE_PAIR = 1u << 4,        /* first half of "City, State" (see qualifier) */
    EVM_SPOT_CUE_QUALIFIES = 1u << 5,   /* second half of "City, State" */
    EVM_SPOT_CUE_DATELINE = 1u << 6,    /* the document's dateline names it */
    EVM_SPOT_CUE_HEADLINE = 1u << 7,    /* in a headline or all-caps sentence */
    EVM_SPOT_CUE_METONYMY = 1u << 8,    /* "X said", "X spokesman", "X's ministry", "the Kremlin" */
    EVM_SPOT_CUE_INSTITUTION = 1u << 9, /* "X Police", "X County Schools" */
    /* one word after "the" ("The" opening a sentence): "the Pacific" */
    EVM_SPOT_CUE_THE = 1u << 10,
    /* a feature named after it follows: "Atlas Mountains", "Canaan Valley" */
    EVM_SPOT_CUE_LANDFORM = 1u << 11,
    /* a generic name of a part of a city: "North Side", "Old Town", "Chinatown" */
    EVM_SPOT_CUE_DISTRICT = 1u << 12
};

/* What the spotter saw around one mention; resolve.c reads it. One per mention, in the
 * doc's arena. `cands` point into the gazetteer's mapping, so they are valid only while
 * the gazetteer is open (the whole pipeline). */
typedef struct evm_spot_info {
    const char *key;      /* the gazetteer key looked up (NUL-ended, arena) */
    evm_candidate *cands; /* its candidates, best prior first (arena copy) */
    uint32_t n_cands;
    uint32_t cues;        /* EVM_SPOT_CUE_* */
    int32_t qualifier;    /* mention index qualifying this one ("Paris, Texas"), -1 if none */
    char qual_country[3]; /* country of a demonym qualifier ("the Ukrainian city of"), or "" */
    float recog;          /* recognition confidence 0..1 */
} evm_spot_info;

/* Fills doc->mentions from doc->tokens (run evm_segment_run first): spans with byte
 * offsets, tokens and sentence, place = -1, and mention->spot pointing at an arena
 * evm_spot_info. Clears earlier mentions. Mentions are in text order and never overlap.
 * Fails only when gaz is NULL (EVM_ERR_GAZ). */
evm_err evm_spot_run(evm_doc *doc, const evm_gaz *gaz, evm_diag *diag);

/* True when the lowercase ASCII word w[0..n) is in the named spot table ("common-words",
 * "first-names", "titles", ...: the file gazetteer/spot-<table>.txt). Unknown tables hold
 * nothing. For tests and for resolve.c. */
bool evm_spot_table_has(const char *table, const char *w, size_t n);

#endif
