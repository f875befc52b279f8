/* gazbuild.h: the gazetteer index file format, and building it from the gazetteer/ sources
 * (run at build time by evmap-gazbuild; read by gazetteer.c).
 *
 * Layout: a fixed header, then sections at 8-byte aligned offsets. All integers are
 * little-endian host order (the index is built on the machine that uses it).
 *   ENTRIES   evm_gaz_entry[]          one per place, region, country, landmark
 *   STRINGS   NUL-terminated UTF-8     names, codes, keys; offset 0 is ""
 *   NAME_*    a dictionary: exact name keys -> postings (entry, match, weight)
 *   VAR_*     a dictionary: variant keys (transliteration skeletons) -> postings
 *   DEM_*     a dictionary: demonym keys -> STRINGS offset of the country's alpha-2 code
 *   PREFIX    uint64_t hash slots of every word prefix of a multi-word name key
 *   FUZZY     evm_gaz_fuzzy[] sorted by hash: single-deletion neighbours of variant keys
 * A dictionary is SLOTS (uint64_t, a power of two long, linear probing from the high half
 * of the key hash; a slot holds the low half of the hash above record offset / 4 + 1, 0 =
 * empty, so that probing past other keys reads no record) and RECS: records, each
 * an evm_gaz_rec, the key bytes and a NUL padded to 4 bytes, then n_post evm_gaz_post, best
 * first. A lookup touches a slot, one record and the entries it returns.
 */
#ifndef EVM_GAZBUILD_H
#define EVM_GAZBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "evmap.h"

#define EVM_GAZ_MAGIC "EVMGAZ\r\n"

enum {
    EVM_GAZ_SEC_ENTRIES = 0,
    EVM_GAZ_SEC_STRINGS,
    EVM_GAZ_SEC_NAME_SLOTS,
    EVM_GAZ_SEC_NAME_RECS,
    EVM_GAZ_SEC_VAR_SLOTS,
    EVM_GAZ_SEC_VAR_RECS,
    EVM_GAZ_SEC_DEM_SLOTS,
    EVM_GAZ_SEC_DEM_RECS,
    EVM_GAZ_SEC_PREFIX,
    EVM_GAZ_SEC_FUZZY,
    EVM_GAZ_NSEC
};

typedef struct evm_gaz_section {
    uint64_t off, size; /* bytes from the start of the file */
} evm_gaz_section;

typedef struct evm_gaz_header {
    char magic[8];        /* EVM_GAZ_MAGIC */
    uint32_t version;     /* EVM_GAZ_VERSION */
    uint32_t header_size; /* sizeof(evm_gaz_header) */
    uint64_t file_size;   /* the whole file, to detect truncation */
    uint64_t body_sum;    /* evm_gaz_checksum of bytes [header_size, file_size) */
    uint32_t n_sections;  /* EVM_GAZ_NSEC */
    uint32_t n_entries;
    evm_gaz_section sec[EVM_GAZ_NSEC];
    uint64_t header_sum; /* evm_gaz_checksum of every header byte before this field */
} evm_gaz_header;

/* Entry flags. */
enum { EVM_GAZ_CAPITAL = 1u << 0 };

typedef struct evm_gaz_entry {
    int32_t geonameid; /* -1 when not from GeoNames */
    float lat, lon;
    uint32_t population;
    uint32_t name, feature, admin1, admin1_code, admin2, city; /* STRINGS offsets */
    char country[2];                                           /* "\0\0" when none */
    uint8_t level;                                             /* evm_geo_level */
    uint8_t flags;                                             /* EVM_GAZ_* */
    float prior;                                               /* 0..1 */
} evm_gaz_entry;

typedef struct evm_gaz_rec {
    uint32_t hash;   /* low 32 bits of evm_gaz_hash(key) */
    uint32_t len;    /* key bytes, without the NUL */
    uint32_t n_post; /* postings after the key */
} evm_gaz_rec;

/* The first byte of the NAME dictionary keys that file countries and admin regions under
 * their GeoNames codes (evm_gazetteer_code). */
#define EVM_GAZ_CODE_MARK '\001'

/* Posting flags: how the name relates to the entry beyond its match kind. */
enum {
    EVM_GAZ_POST_ABBREV = 1u << 0, /* an abbreviation ("Calif.", "Tenn.") */
    EVM_GAZ_POST_DEMONYM = 1u << 1 /* a nationality word for a country ("Ukrainian") */
};

/* The match weight of abbreviation rows (admin-aliases.tsv "abbr"); a dotted abbreviation
 * as written gets full weight back at lookup. */
#define EVM_GAZ_ABBREV_WEIGHT 0.6f

typedef struct evm_gaz_post {
    uint32_t entry;
    uint16_t score; /* entry prior * match weight * 65535: the candidate's score */
    uint8_t match;  /* evm_match */
    uint8_t flags;  /* EVM_GAZ_POST_* */
} evm_gaz_post;

typedef struct evm_gaz_fuzzy {
    uint32_t hash; /* low 32 bits of evm_gaz_hash of the deletion neighbour */
    uint32_t rec;  /* VAR_RECS offset / 4 of the variant key's record */
} evm_gaz_fuzzy;

/* 64-bit FNV-1a of s[0..n), never 0 (used for slots, prefixes and fuzzy neighbours). */
uint64_t evm_gaz_hash(const char *s, size_t n);

/* A fast 64-bit checksum of p[0..n) (Fletcher-style word sums in four lanes, then mixed). */
uint64_t evm_gaz_checksum(const void *p, size_t n);

/* Figures from one build, for messages and the benchmark. */
typedef struct evm_gazbuild_stats {
    size_t n_entries, n_places, n_countries, n_admin1, n_admin2, n_regions, n_landmarks;
    size_t n_names, n_keys, n_variant_keys, n_fuzzy, n_dropped_admin;
    size_t file_size;
} evm_gazbuild_stats;

/* Builds the index from the source folder `srcdir` (gazetteer/) into `out_path` (written
 * to a temporary name and renamed). EVM_ERR_IO/EVM_ERR_INPUT with the file and line in
 * diag on failure. stats may be NULL. */
evm_err evm_gazbuild_run(const char *srcdir, const char *out_path, evm_gazbuild_stats *stats,
                         evm_diag *diag);

#endif
