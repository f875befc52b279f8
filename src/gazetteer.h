/* gazetteer.h: the compiled, memory-mapped place index (read by spot.c and resolve.c): open,
 * name keys, exact/variant/fuzzy lookup, demonyms, candidates -> evm_place.
 *
 * The index file (gazetteer.bin) is built from gazetteer/ by evmap-gazbuild (gazbuild.h).
 * Opening maps it read-only and checks its header (magic, version, size, header checksum,
 * section bounds) without parsing anything; evm_gazetteer_verify checks the body checksum
 * too, and evm_gazetteer_open_default does both. One open gazetteer is shared read-only by
 * every document and thread; lookups allocate nothing on the heap but key folding.
 *
 * Strings in evm_candidate point into the mapping and live until evm_gazetteer_close.
 */
#ifndef EVM_GAZETTEER_H
#define EVM_GAZETTEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "evmap.h"

/* Index format version written by gazbuild.c and required by evm_gazetteer_open. */
#define EVM_GAZ_VERSION 6u
/* Longest name key (bytes, NUL included) that keys and lookups handle. */
#define EVM_GAZ_KEY_MAX 256
/* The file name of the index in build trees and install folders. */
#define EVM_GAZ_FILE "gazetteer.bin"

typedef struct evm_gaz evm_gaz;

/* Options of evm_gazetteer_lookup; zero-initialised means: no country filter, exact and
 * alternate names only. */
typedef struct evm_lookup_opts {
    const char *country; /* ISO alpha-2 to keep only that country's entries, or NULL */
    bool variants;       /* also match transliteration variants (h/g, i/y, kh/h, ...) */
    bool fuzzy;          /* also match within a bounded edit distance when nothing else does */
} evm_lookup_opts;

/* One ranked candidate for a name. Strings point into the gazetteer mapping. */
typedef struct evm_candidate {
    uint32_t entry;          /* index of the entry in the gazetteer */
    int64_t geonameid;       /* -1 when the entry is not from GeoNames */
    const char *name;        /* preferred name ("Kryvyi Rih") */
    char country[3];         /* ISO 3166-1 alpha-2, "" for continents and cross-border regions */
    const char *admin1_code; /* GeoNames admin1 code ("05"), "" when none */
    const char *admin1;      /* admin1 name ("Donetsk Oblast"), "" when none */
    const char *admin2;      /* admin2 name ("Rapides Parish"), "" when none */
    const char *feature;     /* GeoNames feature code or COUNTRY/ADM1/ADM2/CONT/REGION/LANDMARK */
    const char *city;        /* for LANDMARK entries: the city it stands for, else "" */
    evm_geo_level level;
    double lat, lon;
    int64_t population; /* 0 when unknown */
    bool capital;       /* a national capital (PPLC) */
    evm_match match;    /* how the name matched */
    bool demonym;       /* matched a nationality word ("Ukrainian", "Russians") */
    bool abbrev;        /* matched an abbreviation ("Calif.", "Tenn.") */
    int distance;       /* edit distance for fuzzy matches, else 0 */
    float prior;        /* 0..1 from feature code, capital, population */
    float score;        /* 0..1: prior weighted by how the name matched */
} evm_candidate;

/* Opens and maps the index at `path`. Checks magic, format version, file size, header
 * checksum and section bounds, not the body (see evm_gazetteer_open_default). The error,
 * always EVM_ERR_GAZ, names the file, says what is wrong (no such file, truncated, corrupt,
 * wrong version) and how to rebuild it. */
evm_err evm_gazetteer_open(const char *path, evm_gaz **out, evm_diag *diag);

/* Unmaps and frees. Accepts NULL. */
void evm_gazetteer_close(evm_gaz *g);

/* Checks the checksum of the whole body (reads every page: tens of ms). EVM_ERR_GAZ with a
 * message when it does not match. */
evm_err evm_gazetteer_verify(const evm_gaz *g, evm_diag *diag);

/* Finds the default index: $EVMAP_GAZETTEER, then gazetteer.bin next to the running
 * executable, ../share/evmap/ relative to it, the install data folder, the build tree.
 * Writes the first existing path into buf and returns buf; NULL when none exists (buf
 * then holds the first place searched, for messages). */
const char *evm_gazetteer_find(char *buf, size_t cap);

/* What the CLI and the pipeline use: opens `path` when not NULL or empty, else the index
 * evm_gazetteer_find finds, and verifies the body checksum as well (tens of ms, so that a
 * corrupt file is refused up front rather than giving wrong answers). When none is found,
 * EVM_ERR_GAZ with a message that says where it looked and how to build one. */
evm_err evm_gazetteer_open_default(const char *path, evm_gaz **out, evm_diag *diag);

/* The normalised key of a name, shared by the index builder and the spotter: Unicode case
 * folding, diacritics removed, apostrophes dropped, hyphens/periods/spaces/punctuation
 * folded to single spaces, dotted initials joined ("U.S." -> "us"), "St"/"St."/"Ste"/
 * "Sainte" -> "saint", "Mt" -> "mount", "Ft" -> "fort", a leading "the" and a final
 * possessive 's/’s removed. "St. Petersburg's" -> "saint petersburg". Writes a
 * NUL-terminated key into out and returns its length, 0 when the name has no letters or
 * digits or the key does not fit in cap bytes. */
size_t evm_gazetteer_key(const char *s, size_t n, char *out, size_t cap);

/* The hash the index files keys under (64-bit FNV-1a, never 0): what
 * evm_gazetteer_keys_next reports and evm_gazetteer_probe_hashed takes. */
uint64_t evm_gazetteer_key_hash(const char *key, size_t n);

/* Keys of the growing prefixes of one text, for a longest match over token n-grams
 * ("New", "New York", "New York City"): the work done for a prefix of plain ASCII words
 * is kept for the longer ones. Caller-owned; start it on a text, then ask for prefixes. */
typedef struct evm_gaz_keys {
    const char *s;  /* the text */
    size_t scanned; /* bytes of s lowercased into low and checked */
    size_t stop;    /* first byte the fast path refuses, SIZE_MAX when none yet */
    size_t word;    /* start of the last word in low[0..scanned) */
    uint64_t h;     /* FNV-1a state over low[0..scanned) */
    char low[EVM_GAZ_KEY_MAX];
    char key[EVM_GAZ_KEY_MAX];
} evm_gaz_keys;

/* Starts ks on the text at s (which must outlive it). Inline: the spotter starts one for
 * every capitalised word. */
static inline void evm_gazetteer_keys_start(evm_gaz_keys *ks, const char *s)
{
    ks->s = s;
    ks->scanned = 0;
    ks->stop = SIZE_MAX;
    ks->word = 0;
    ks->h = 1469598103934665603ull;
}

/* The key of s[0..n), exactly as evm_gazetteer_key(s, n, buf, EVM_GAZ_KEY_MAX) makes it,
 * for any n (longer prefixes reuse the work of shorter ones): returns its length (0 when
 * it has none), points *key at it (NUL-terminated, inside ks, valid until the next call)
 * and stores evm_gazetteer_key_hash of it in *hash. */
size_t evm_gazetteer_keys_next(evm_gaz_keys *ks, size_t n, const char **key, uint64_t *hash);

/* The variant key of a name key: Cyrillic transliterated to Latin, then the spellings
 * that transliterations disagree on folded together (kh/h, g/h, y/i/j, ye/e, ts/c, zh/z,
 * ch/tch/c, sh/sch/s, w/v, doubled letters), so that "kryvyi rig", "kryvyy rih" and
 * "кривий ріг" share "krivi rih". Writes a NUL-terminated key into out and returns its
 * length (0 when it does not fit). */
size_t evm_gazetteer_variant_key(const char *key, size_t n, char *out, size_t cap);

/* Ranked candidates for a name as written: fills out[0..max) best first and returns how
 * many were written. opts may be NULL. A name close to nothing gives 0. */
size_t evm_gazetteer_lookup(const evm_gaz *g, const char *name, size_t n,
                            const evm_lookup_opts *opts, evm_candidate *out, size_t max);

/* The fast path for the spotter: exact/alternate matches of an already normalised key
 * (from evm_gazetteer_key), best first by score, no country filter, no variants. Returns how
 * many candidates exist (may exceed max; only min(max, result) are written; out may be
 * NULL with max 0 to just test membership). */
size_t evm_gazetteer_lookup_key(const evm_gaz *g, const char *key, size_t n, evm_candidate *out,
                                size_t max);

/* The spotter's ranking of an exact key's candidates: its first `pool` postings (the best
 * by score; at most 512) ordered by prior, best first, population breaking ties and the
 * postings' order after that. Fills out[0..max) and returns how many were written. */
size_t evm_gazetteer_lookup_key_by_prior(const evm_gaz *g, const char *key, size_t n, size_t pool,
                                         evm_candidate *out, size_t max);

/* True when some name key starts with key[0..n) followed by a space ("new" for
 * "new york"), so that a longest-match over token n-grams knows whether to go on. */
bool evm_gazetteer_has_prefix(const evm_gaz *g, const char *key, size_t n);

/* Both questions a longest match asks of a key, with one hash of it: stores in *n_cands
 * (when not NULL) what evm_gazetteer_lookup_key(g, key, n, NULL, 0) returns, and returns
 * evm_gazetteer_has_prefix(g, key, n). */
bool evm_gazetteer_probe_key(const evm_gaz *g, const char *key, size_t n, size_t *n_cands);

/* evm_gazetteer_probe_key with the key's hash (evm_gazetteer_key_hash) already known. */
bool evm_gazetteer_probe_hashed(const evm_gaz *g, const char *key, size_t n, uint64_t hash,
                                size_t *n_cands);

/* The country (alpha-2) of a demonym as written ("Ukrainian" -> "UA"), or NULL. The
 * returned string lives as long as g. */
const char *evm_gazetteer_demonym(const evm_gaz *g, const char *word, size_t n);

/* The country or admin region with a GeoNames code: "UA" (a country), "UA.05" (admin1),
 * "US.LA.079" (admin2); case matters as in GeoNames. Fills out (match EXACT, score =
 * prior) and returns true when there is one. */
bool evm_gazetteer_code(const evm_gaz *g, const char *code, evm_candidate *out);

/* The candidate for one entry index (match EXACT, score = prior). false when out of range. */
bool evm_gazetteer_entry(const evm_gaz *g, uint32_t entry, evm_candidate *out);

/* Number of entries in the index. */
size_t evm_gazetteer_size(const evm_gaz *g);

/* A number no other index opened by this process has (1, 2, ...): what a cache of lookups
 * keeps beside the evm_gaz pointer, which a later open may reuse. */
uint64_t evm_gazetteer_serial(const evm_gaz *g);

/* Fills a doc.h place from a candidate. Strings point into the gazetteer mapping (doc.c's
 * evm_doc_place_intern copies them into the document arena); counters are zeroed. */
void evm_gazetteer_to_place(const evm_candidate *c, evm_place *out);

/* The name of a match kind: "exact", "alternate", "variant", "fuzzy". */
const char *evm_gazetteer_match_name(evm_match m);

#endif
