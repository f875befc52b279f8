/* spot.c: toponym recognition (stage 3, after segment, before resolve): gazetteer longest
 * match over capitalised token n-grams, then context rules (see spot.h). */
#include "spot.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "swar.h"
#include "utf8.h"

/* ---- word tables (gazetteer/spot-*.txt, compiled in by gazetteer/spot-tables.cmake) --- */

extern const char *const evm_spot_table_names[];
extern const char *const *const evm_spot_table_rows[];
extern const size_t evm_spot_n_tables;

typedef struct wordtab {
    const char *name;
    char **rows; /* lowercase lines; a row may carry tab-separated fields */
    size_t n;
    uint32_t *slot; /* open-addressing hash of the first fields: row index + 1, 0 = empty */
    size_t mask;
    uint32_t bit;  /* this table's bit in the word masks (0 past the 31st table) */
    size_t maxlen; /* the longest first field */
} wordtab;

/* Every table's first fields in one hash, each with the mask of the tables that hold it,
 * so that a token is looked up once for all the tables (see token_words). A word's record
 * in pool is one unit holding its mask (low half) and its length (high half), then its
 * chunks (see load_chunks); a slot holds where the record starts (in 8-byte units; 0 =
 * an empty slot, which leads to the dummy record at the start of pool) in its low bits and the top
 * bits of the word's hash (word_hash) in the others (tag_mask), so that a probe for a word that is
 * not there reads the slot array alone. */
typedef struct wordindex {
    uint32_t *slot;
    size_t mask; /* slots - 1 */
    uint64_t *pool;
    size_t pool_n;     /* units of pool used */
    uint32_t tag_mask; /* the bits of a slot that hold the hash's */
} wordindex;

static wordtab *tables;
static size_t n_tables;
static wordindex words;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* Words longer than this are in no table (table_row's limit). */
#define WORD_MAX 96

/* FNV-1a of s[0..n) as written: the hash of each table's own slots and of demonym_word. */
static uint64_t fnv_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* ---- words eight bytes at a time ---------------------------------------------------------
 * The word index, the thread's probe and demonym caches and the document's vocabulary sets
 * know a word by its bytes with ASCII capitals lowercased, read as 8-byte chunks (the last
 * one padded with zero bytes), and by word_hash of those chunks. A word of up to 8 bytes
 * (most of them) is one load, one lowercasing in a register, one comparison and a few
 * multiplications, where a loop over its bytes paid a branch a byte and a mispredicted exit
 * on the word's length. */

#define WORD_CHUNKS ((WORD_MAX + 7) / 8) /* chunks of a word of WORD_MAX bytes */

/* The k bytes at p (1 <= k <= 8) like evm_load_le64, the bytes above them zero. end is where the
 * readable memory stops (token text may be read up to and with the document's NUL): the 8
 * bytes are loaded at once when they lie before it, else one by one, so nothing at or past
 * end is ever read. */
static inline uint64_t load_part(const char *p, size_t k, const char *end)
{
    if (end - p >= 8)
        return evm_load_le64(p) & (~0ull >> (64 - 8 * k));
    uint64_t v = 0;
    while (k--)
        v = v << 8 | (unsigned char)p[k];
    return v;
}

/* word_hash step by step: started on the length, then a chunk at a time a multiplication
 * (each bit of the product depends on the bits of the chunk below it) and a fold of its top
 * half onto the bottom one, so that both the low bits (slots) and the high bits (tags)
 * depend on every byte. Both steps are one-to-one: two words of one chunk and one length
 * never collide. Never 0 (0 marks empty slots). */
#define WH_MUL 0x9E3779B97F4A7C15ull
static inline uint64_t wh_start(size_t n)
{
    return n;
}

static inline uint64_t wh_step(uint64_t h, uint64_t chunk)
{
    h = (h ^ chunk) * WH_MUL;
    return h ^ h >> 32;
}

static inline uint64_t wh_end(uint64_t h)
{
    return h ? h : 1;
}

/* word_hash of the word whose chunks are c[0..(n + 7) / 8). */
static inline uint64_t chunks_hash(const uint64_t *c, size_t n)
{
    uint64_t h = wh_start(n);
    for (size_t k = 0; k < (n + 7) / 8; k++)
        h = wh_step(h, c[k]);
    return wh_end(h);
}

/* The lowercased chunks of w[0..n) into c[0..(n + 7) / 8) (n <= WORD_MAX), reading
 * nothing at or past end; returns their word_hash. */
static inline uint64_t load_chunks(const char *w, size_t n, const char *end, uint64_t *c)
{
    uint64_t h = wh_start(n);
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        c[k / 8] = evm_lower8(evm_load_le64(w + k));
        h = wh_step(h, c[k / 8]);
    }
    if (k < n) {
        c[k / 8] = evm_lower8(load_part(w + k, n - k, end));
        h = wh_step(h, c[k / 8]);
    }
    return wh_end(h);
}

/* The hash of w[0..n) with ASCII capitals lowercased, of any length, reading nothing at or
 * past end (load_chunks's value for a word it takes). */
static uint64_t word_hash_in(const char *w, size_t n, const char *end)
{
    uint64_t h = wh_start(n);
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        h = wh_step(h, evm_lower8(evm_load_le64(w + k)));
    if (k < n)
        h = wh_step(h, evm_lower8(load_part(w + k, n - k, end)));
    return wh_end(h);
}

/* word_hash_in of a word read nowhere past its own bytes. */
static uint64_t word_hash(const char *w, size_t n)
{
    return word_hash_in(w, n, w + n);
}

/* Are c[0..(n + 7) / 8) the lowercased chunks of w[0..n) (read as load_chunks would)? */
static inline bool chunks_equal(const uint64_t *c, const char *w, size_t n, const char *end)
{
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        if (c[k / 8] != evm_lower8(evm_load_le64(w + k)))
            return false;
    return k == n || c[k / 8] == evm_lower8(load_part(w + k, n - k, end));
}

/* The record of slot value v: mask and length first, then the word's chunks. */
static inline uint64_t *word_rec(const wordindex *wi, uint32_t v)
{
    return wi->pool + (v & ~wi->tag_mask);
}

/* Adds the table bit `bit` to the lowercase word w[0..n) (0 < n < WORD_MAX), adding the
 * word when it is new. */
static void word_add(wordindex *wi, const char *w, size_t n, uint32_t bit)
{
    uint64_t c[WORD_CHUNKS];
    uint64_t hash = load_chunks(w, n, w + n, c);
    size_t nc = (n + 7) / 8;
    uint32_t tag = (uint32_t)(hash >> 32) & wi->tag_mask;
    size_t h = hash & wi->mask;
    for (; wi->slot[h]; h = (h + 1) & wi->mask) {
        if ((wi->slot[h] & wi->tag_mask) != tag)
            continue;
        uint64_t *rec = word_rec(wi, wi->slot[h]);
        if (rec[0] >> 32 == n && memcmp(rec + 1, c, nc * sizeof *c) == 0) {
            rec[0] |= bit;
            return;
        }
    }
    uint64_t *rec = wi->pool + wi->pool_n;
    rec[0] = (uint64_t)n << 32 | bit;
    memcpy(rec + 1, c, nc * sizeof *c);
    wi->slot[h] = tag | (uint32_t)wi->pool_n;
    wi->pool_n += 1 + nc;
}

static void tables_load(void)
{
    n_tables = evm_spot_n_tables;
    tables = evm_xcalloc(n_tables ? n_tables : 1, sizeof *tables);
    size_t total = 0;
    for (size_t t = 0; t < n_tables; t++) {
        wordtab *tab = &tables[t];
        tab->name = evm_spot_table_names[t];
        tab->bit = t < 31 ? 1u << t : 0;
        size_t cap = 0;
        for (const char *const *row = evm_spot_table_rows[t]; *row; row++) {
            char *line = evm_xstrdup(*row);
            for (char *p = line; *p && *p != '\t'; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p - 'A' + 'a');
            evm_grow((void **)&tab->rows, &cap, tab->n + 1, sizeof *tab->rows);
            tab->rows[tab->n++] = line;
        }
        size_t size = 16;
        while (size < tab->n * 3)
            size *= 2;
        tab->mask = size - 1;
        tab->slot = evm_xcalloc(size, sizeof *tab->slot);
        for (size_t k = 0; k < tab->n; k++) {
            size_t len = strcspn(tab->rows[k], "\t");
            if (len > tab->maxlen)
                tab->maxlen = len;
            size_t h = fnv_hash(tab->rows[k], len) & tab->mask;
            while (tab->slot[h])
                h = (h + 1) & tab->mask;
            tab->slot[h] = (uint32_t)k + 1;
        }
        total += tab->n;
    }
    /* room for every row as a word of its own; the refs take the bits that need */
    size_t units = 2; /* the dummy record: a length no word has, one zero chunk */
    for (size_t t = 0; t < n_tables; t++)
        for (size_t k = 0; k < tables[t].n; k++)
            units += 1 + (strcspn(tables[t].rows[k], "\t") + 7) / 8;
    unsigned ref_bits = 1;
    while (ref_bits < 32 && (1ull << ref_bits) <= units)
        ref_bits++;
    words.tag_mask = ref_bits < 32 ? ~(uint32_t)0 << ref_bits : 0;
    words.pool = evm_xcalloc(units, sizeof *words.pool);
    words.pool[0] = (uint64_t)UINT32_MAX << 32;
    words.pool_n = 2;
    size_t size = 16;
    while (size < total * 4) /* few words are decided past their first slot */
        size *= 2;
    words.mask = size - 1;
    words.slot = evm_xcalloc(size, sizeof *words.slot);
    for (size_t t = 0; t < n_tables; t++)
        for (size_t k = 0; k < tables[t].n; k++) {
            size_t len = strcspn(tables[t].rows[k], "\t");
            if (len > 0 && len < WORD_MAX)
                word_add(&words, tables[t].rows[k], len, tables[t].bit);
        }
}

static const wordtab *table_get(const char *name)
{
    pthread_once(&tables_once, tables_load);
    for (size_t t = 0; t < n_tables; t++)
        if (strcmp(tables[t].name, name) == 0)
            return &tables[t];
    return NULL;
}

/* The row of `tab` whose first field is the lowercased w[0..n), or NULL. */
static const char *table_row(const wordtab *tab, const char *w, size_t n)
{
    char buf[WORD_MAX];
    if (!tab || !tab->n || n == 0 || n >= sizeof buf || n > tab->maxlen)
        return NULL;
    for (size_t i = 0; i < n; i++)
        buf[i] = (w[i] >= 'A' && w[i] <= 'Z') ? (char)(w[i] - 'A' + 'a') : w[i];
    for (size_t h = fnv_hash(buf, n) & tab->mask; tab->slot[h]; h = (h + 1) & tab->mask) {
        const char *row = tab->rows[tab->slot[h] - 1];
        if (strncmp(row, buf, n) == 0 && (row[n] == '\0' || row[n] == '\t'))
            return row;
    }
    return NULL;
}

/* word_mask of the word whose chunks are c (0 < n < WORD_MAX), h being their word_hash;
 * wi is the words index (a caller's copy stays in registers). */
static inline uint32_t word_mask_chunks(const wordindex *wi, const uint64_t *c, size_t n,
                                        uint64_t h)
{
    uint32_t tag = (uint32_t)(h >> 32) & wi->tag_mask;
    size_t nc = (n + 7) / 8;
    for (size_t k = h & wi->mask; wi->slot[k]; k = (k + 1) & wi->mask) {
        if ((wi->slot[k] & wi->tag_mask) != tag)
            continue; /* another word: its record need not be read */
        const uint64_t *rec = word_rec(wi, wi->slot[k]);
        if (rec[0] >> 32 != n)
            continue;
        size_t x = 0;
        while (x < nc && rec[1 + x] == c[x])
            x++;
        if (x == nc)
            return (uint32_t)rec[0];
    }
    return 0;
}

/* word_mask_chunks of a word of one chunk c (0 < n <= 8), h being its word_hash. Each
 * slot's record is compared without a branch on what the slot holds (an empty one leads to
 * the dummy record, whose length no word has; the tag would say nothing the comparison does
 * not): whether a word is in a table is the text's whim, which a branch would mispredict;
 * the loop goes on only past a slot that another word holds, rare with the table a quarter
 * full. */
static inline uint32_t word_mask1(const wordindex *wi, uint64_t c, size_t n, uint64_t h)
{
    for (size_t k = h & wi->mask;; k = (k + 1) & wi->mask) {
        uint32_t v = wi->slot[k];
        const uint64_t *rec = word_rec(wi, v);
        bool hit = (rec[0] >> 32 == n) & (rec[1] == c);
        if (hit | (v == 0))
            return (uint32_t)rec[0] & (0u - hit);
    }
}

/* The mask of the tables whose rows start with the lowercased w[0..n) (one lookup). */
static uint32_t word_mask(const char *w, size_t n)
{
    if (n == 0 || n >= WORD_MAX)
        return 0;
    uint64_t c[WORD_CHUNKS];
    uint64_t h = load_chunks(w, n, w + n, c);
    return word_mask_chunks(&words, c, n, h);
}

/* Is the word w[0..n), whose word_mask is m, in table tab? */
static bool mask_has(uint32_t m, const wordtab *tab, const char *w, size_t n)
{
    if (!tab)
        return false;
    if (!tab->bit)
        return table_row(tab, w, n) != NULL;
    return (m & tab->bit) != 0;
}

/* Is the word w[0..n) in table tab? */
static bool word_in(const wordtab *tab, const char *w, size_t n)
{
    return mask_has(tab && tab->bit ? word_mask(w, n) : 0, tab, w, n);
}

bool evm_spot_table_has(const char *table, const char *w, size_t n)
{
    return word_in(table_get(table), w, n);
}

/* The tables spot.c uses, looked up once per process. */
typedef struct tabs {
    const wordtab *common, *first, *titles, *locative, *city, *region, *direction, *verbs, *aux,
        *agent, *org, *eponym, *institution, *function, *abbrev, *connector, *calendar, *street,
        *speech, *landform, *district, *harm, *part;
} tabs;

static tabs the_tabs;
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;

static void tabs_load(void)
{
    tabs *t = &the_tabs;
    t->common = table_get("common-words");
    t->first = table_get("first-names");
    t->titles = table_get("titles");
    t->locative = table_get("locative");
    t->city = table_get("city-words");
    t->region = table_get("region-words");
    t->direction = table_get("direction-words");
    t->verbs = table_get("agent-verbs");
    t->aux = table_get("aux-verbs");
    t->agent = table_get("agent-nouns");
    t->org = table_get("org-words");
    t->eponym = table_get("eponym-words");
    t->institution = table_get("institution-words");
    t->function = table_get("function-words");
    t->abbrev = table_get("abbreviations");
    t->connector = table_get("connectors");
    t->calendar = table_get("calendar-words");
    t->street = table_get("street-words");
    t->speech = table_get("speech-verbs");
    t->landform = table_get("landform-words");
    t->district = table_get("district-words");
    t->harm = table_get("harm-verbs");
    t->part = table_get("part-words");
}

static void tabs_init(tabs *t)
{
    pthread_once(&tabs_once, tabs_load);
    *t = the_tabs;
}

/* ---- the run's state ------------------------------------------------------------------ */

#define MAX_CANDS 48
#define MAX_RAW 256 /* postings read from the index before ranking */
#define MAX_NGRAM 7
#define KEY_MAX 256

/* A set of 64-bit word hashes (open addressing), for "seen lowercase in this document". */
typedef struct hashset {
    uint64_t *slot;
    size_t cap, n;
} hashset;

/* Doubles hs (256 slots at first), rehashing what it holds. */
static void hs_grow(hashset *hs)
{
    size_t ncap = hs->cap ? hs->cap * 2 : 256;
    uint64_t *ns = evm_xcalloc(ncap, sizeof *ns);
    for (size_t i = 0; i < hs->cap; i++)
        if (hs->slot[i]) {
            size_t k = hs->slot[i] & (ncap - 1);
            while (ns[k])
                k = (k + 1) & (ncap - 1);
            ns[k] = hs->slot[i];
        }
    free(hs->slot);
    hs->slot = ns;
    hs->cap = ncap;
}

static inline void hs_add(hashset *hs, uint64_t h)
{
    if ((hs->n + 1) * 2 > hs->cap)
        hs_grow(hs);
    size_t k = h & (hs->cap - 1);
    while (hs->slot[k]) {
        if (hs->slot[k] == h)
            return;
        k = (k + 1) & (hs->cap - 1);
    }
    hs->slot[k] = h;
    hs->n++;
}

static bool hs_has(const hashset *hs, uint64_t h)
{
    if (!hs->cap)
        return false;
    size_t k = h & (hs->cap - 1);
    while (hs->slot[k]) {
        if (hs->slot[k] == h)
            return true;
        k = (k + 1) & (hs->cap - 1);
    }
    return false;
}

/* A set of 64-bit word hashes emptied in one step (a new stamp: slots of another stamp are
 * empty), for a vocabulary that the thread's cache keeps from one document to the next
 * without clearing its memory each time. */
typedef struct stampset {
    struct stamped {
        uint64_t h;
        uint32_t stamp;
    } * slot;
    size_t cap, n;
    uint32_t stamp;
} stampset;

static void ss_clear(stampset *ss)
{
    ss->n = 0;
    if (++ss->stamp == 0) { /* the stamps went round: clear for real, once */
        if (ss->cap)
            memset(ss->slot, 0, ss->cap * sizeof *ss->slot);
        ss->stamp = 1;
    }
}

/* Doubles ss (256 slots at first), keeping what it holds. */
static void ss_grow(stampset *ss)
{
    size_t ncap = ss->cap ? ss->cap * 2 : 256;
    struct stamped *ns = evm_xcalloc(ncap, sizeof *ns);
    for (size_t i = 0; i < ss->cap; i++)
        if (ss->slot[i].stamp == ss->stamp) {
            size_t k = ss->slot[i].h & (ncap - 1);
            while (ns[k].stamp == ss->stamp)
                k = (k + 1) & (ncap - 1);
            ns[k] = ss->slot[i];
        }
    free(ss->slot);
    ss->slot = ns;
    ss->cap = ncap;
}

static void ss_add(stampset *ss, uint64_t h)
{
    if (!ss->stamp) /* a new set: its zeroed slots are empty for stamp 1 */
        ss->stamp = 1;
    if ((ss->n + 1) * 2 > ss->cap)
        ss_grow(ss);
    size_t k = h & (ss->cap - 1);
    while (ss->slot[k].stamp == ss->stamp) {
        if (ss->slot[k].h == h)
            return;
        k = (k + 1) & (ss->cap - 1);
    }
    ss->slot[k] = (struct stamped){h, ss->stamp};
    ss->n++;
}

static bool ss_has(const stampset *ss, uint64_t h)
{
    if (!ss->cap || !ss->stamp)
        return false;
    size_t k = h & (ss->cap - 1);
    while (ss->slot[k].stamp == ss->stamp) {
        if (ss->slot[k].h == h)
            return true;
        k = (k + 1) & (ss->cap - 1);
    }
    return false;
}

/* The candidates of one key, kept for the document: a name met again costs one probe. */
typedef struct candset {
    const char *key; /* NULL: an empty slot */
    const evm_candidate *cands;
    uint64_t hash;
    uint32_t keylen, n;
    uint8_t facts; /* cand_facts of the candidates */
} candset;

/* What the longest match learnt of one word alone (see probe_word): one cache line, which
 * holds the word itself when it is short. */
#define WP_INLINE 16
typedef struct wordprobe {
    uint64_t hash; /* word_hash of the word (run.thash, never 0); 0: an empty slot */
    uint64_t key_hash;
    const char *key;             /* its gazetteer key (NUL-ended) */
    const uint64_t *low;         /* the word's chunks (load_chunks) when longer than WP_INLINE */
    uint64_t inl[WP_INLINE / 8]; /* the word's chunks when no longer */
    uint32_t n, kn;              /* bytes of the word and of key */
    uint32_t n_cands;            /* names with that key */
    bool more;                   /* some longer name starts with the key */
} wordprobe;

/* What the longest match learnt of the key of an n-gram of two tokens or more (see
 * probe_gram): one cache line, which holds the key itself when it is short. */
#define GP_INLINE 39
typedef struct gramprobe {
    uint64_t hash;       /* evm_gazetteer_key_hash of the key (never 0); 0: an empty slot */
    const char *key;     /* the key when longer than GP_INLINE */
    uint32_t kn;         /* bytes of the key */
    uint32_t n_cands;    /* names with that key */
    bool more;           /* some longer name starts with the key */
    char inl[GP_INLINE]; /* the key when no longer */
} gramprobe;

_Static_assert(sizeof(wordprobe) == 64 && sizeof(gramprobe) == 64, "one cache line a probe");

/* The hash a probe's line starts with. */
static uint64_t line_hash(const unsigned char *line)
{
    uint64_t h;
    memcpy(&h, line, sizeof h);
    return h;
}

/* Doubles an open-addressed table of probes (*tab, *cap slots; 256 the first time): 64-byte
 * lines that start with their hash (0: an empty slot), in a new block that starts on a
 * 64-byte boundary (*mem: the block, for free). */
static void grow_lines(void **mem, void **tab, size_t *cap)
{
    size_t ncap = *cap ? *cap * 2 : 256;
    void *nmem = evm_xcalloc(1, ncap * 64 + 64);
    unsigned char *nt = (unsigned char *)(((uintptr_t)nmem + 63) & ~(uintptr_t)63);
    const unsigned char *ot = *tab;
    for (size_t k = 0; k < *cap; k++) {
        uint64_t h = line_hash(ot + k * 64);
        if (!h)
            continue;
        size_t m = h & (ncap - 1);
        while (line_hash(nt + m * 64))
            m = (m + 1) & (ncap - 1);
        memcpy(nt + m * 64, ot + k * 64, 64);
    }
    free(*mem);
    *mem = nmem;
    *tab = nt;
    *cap = ncap;
}

/* A word's answer as a demonym (see word_demonym), by the hash of its bytes. */
typedef struct demslot {
    uint64_t h;     /* 0: an empty slot */
    const char *cc; /* the country, in the gazetteer's strings; NULL: no demonym */
} demslot;

/* The candidates of the keys gz_cands looked up (and which words are demonyms, and what
 * probing words and n-grams gave), kept by each thread from one document to the next for one
 * gazetteer: they are a function of the key and the index alone, and the same names come back
 * across a news stream ("U.S.", a state, the capital). The memory of keys and candidates never
 * moves while it is kept; it is dropped, between documents, when the gazetteer changes or it
 * passes KC_MAX_BLOCKS blocks or KC_MAX_WORDS keys or words of a kind (some 20 MB in all), and
 * freed when the thread ends. The thread's per-document arrays live here too. */
typedef struct keycache {
    const evm_gaz *gaz; /* the gazetteer the candidates come from ... */
    uint64_t serial;    /* ... and its evm_gazetteer_serial */
    candset *sets;      /* open addressing */
    size_t sets_cap, sets_n;
    char **blocks; /* memory of the sets' keys and candidates */
    size_t n_blocks, blocks_cap;
    char *room; /* the free end of the last block */
    size_t room_left;
    hashset dem_yes, dem_no; /* words known to be demonyms or not (see demonym_word) */
    demslot *dem;            /* open addressing: words word_demonym answered */
    size_t dem_cap, dem_n;
    wordprobe *wp; /* open addressing, on cache-line boundaries in wp_mem */
    void *wp_mem;
    size_t wp_cap, wp_n;
    gramprobe *gp; /* open addressing, on cache-line boundaries in gp_mem */
    void *gp_mem;
    size_t gp_cap, gp_n;
    stampset lower; /* the run's words seen in lowercase (emptied for each document) */
    /* the run's per-token and per-sentence arrays (see run), kept for the next document */
    uint32_t *tmask;
    uint64_t *thash;
    uint8_t *person, *tfact;
    size_t tok_room;
    uint8_t *headline;
    size_t sent_room;
} keycache;

#define KC_BLOCK 16384
#define KC_MAX_BLOCKS 512       /* 8 MB */
#define KC_MAX_WORDS (1u << 15) /* keys, demonym answers, words and n-grams probed */

static pthread_key_t kc_key;
static bool kc_key_ok;
static pthread_once_t kc_once = PTHREAD_ONCE_INIT;

static void kc_clear(keycache *kc)
{
    free(kc->sets);
    for (size_t k = 0; k < kc->n_blocks; k++)
        free(kc->blocks[k]);
    free(kc->blocks);
    free(kc->dem_yes.slot);
    free(kc->dem_no.slot);
    free(kc->dem);
    free(kc->wp_mem);
    free(kc->gp_mem);
    free(kc->lower.slot);
    free(kc->tmask);
    free(kc->thash);
    free(kc->person);
    free(kc->tfact);
    free(kc->headline);
    *kc = (keycache){0};
}

static void kc_free(void *p)
{
    if (p)
        kc_clear(p);
    free(p);
}

static void kc_init(void)
{
    kc_key_ok = pthread_key_create(&kc_key, kc_free) == 0;
}

/* This thread's cache, emptied first when it holds another gazetteer's candidates or too
 * much; NULL when the thread can have none (no thread key left): the run keeps its own. */
static keycache *kc_get(const evm_gaz *gaz)
{
    pthread_once(&kc_once, kc_init);
    if (!kc_key_ok)
        return NULL;
    keycache *kc = pthread_getspecific(kc_key);
    if (!kc) {
        kc = evm_xcalloc(1, sizeof *kc);
        if (pthread_setspecific(kc_key, kc) != 0) {
            free(kc);
            return NULL;
        }
    }
    uint64_t serial = evm_gazetteer_serial(gaz);
    if (kc->gaz != gaz || kc->serial != serial || kc->n_blocks > KC_MAX_BLOCKS ||
        kc->sets_n > KC_MAX_WORDS || kc->dem_yes.n + kc->dem_no.n > KC_MAX_WORDS ||
        kc->wp_n > KC_MAX_WORDS || kc->gp_n > KC_MAX_WORDS || kc->dem_n > KC_MAX_WORDS) {
        kc_clear(kc);
        kc->gaz = gaz;
        kc->serial = serial;
    }
    return kc;
}

typedef struct run {
    evm_doc *doc;
    const evm_token *tok; /* doc->tokens, doc->n_tokens and doc->text, which spotting */
    size_t nt;            /* leaves as they are, one load away */
    const char *text;
    const evm_gaz *gaz;
    tabs t;
    uint8_t *person;           /* per token: part of a person's name */
    uint8_t *headline;         /* per sentence: title case or all caps, capitals say nothing */
    uint32_t *tmask;           /* per word token: word_mask of the word, final period dropped */
    uint64_t *thash;           /* per word token: word_hash of the whole token */
    uint8_t *tf;               /* per token: TF_* facts, from token_words */
    hashset surnames;          /* last words of person names seen in this document */
    const evm_candidate *cbuf; /* the candidates of the last key gz_cands looked up */
    uint8_t cfacts;            /* their cand_facts */
    evm_candidate *scratch;    /* MAX_CANDS: where gz_cands ranks a new key's candidates */
    struct keycache *kc;       /* every key gz_cands looked up on this thread */
} run;

/* ---- token helpers -------------------------------------------------------------------- */

static const char *ttext(const run *r, size_t i)
{
    return r->text + r->tok[i].start;
}

static size_t tlen(const run *r, size_t i)
{
    return r->tok[i].end - r->tok[i].start;
}

static bool is_word(const run *r, size_t i)
{
    return i < r->nt && r->tok[i].kind == EVM_TOK_WORD;
}

static bool is_cap(const run *r, size_t i)
{
    return is_word(r, i) && (r->tok[i].flags & (EVM_TOKF_CAP | EVM_TOKF_UPPER));
}

static bool has_flag(const run *r, size_t i, unsigned f)
{
    return i < r->nt && (r->tok[i].flags & f);
}

static bool same_sentence(const run *r, size_t a, size_t b)
{
    return a < r->nt && b < r->nt && r->tok[a].sentence == r->tok[b].sentence;
}

/* Token i is the one-character punctuation c. */
static bool is_punct(const run *r, size_t i, char c)
{
    return i < r->nt && r->tok[i].kind == EVM_TOK_PUNCT && tlen(r, i) == 1 && ttext(r, i)[0] == c;
}

static inline const char *word_demonym(run *r, const char *s, size_t n, uint64_t lh);
static inline bool in_tab(const run *r, const wordtab *tab, size_t i);

/* What token_words learns of each token, for the passes after it (r->tf; 0 for tokens
 * that are no words). */
enum {
    TF_INITIAL = EVM_TOKF_CAP,      /* a word whose first letter is a capital, */
    TF_UPPER = EVM_TOKF_UPPER,      /* ... a word in capitals (the token's own flag bits), */
    TF_CAP = TF_INITIAL | TF_UPPER, /* ... either (is_cap; for next_fact) */
    TF_WORD = 1u << 2,              /* a word */
    TF_TITLE = 1u << 3,             /* a word that title case allows (see find_headlines) */
    TF_START = 1u << 4, /* a title or a first name, when both tables have bits (find_persons) */
    TF_DEM = 1u << 5    /* a capitalised word that reads as a demonym (word_demonym) */
};

/* The bits of the tables a person's name can start with (find_persons), 0 when one of
 * them has no bit in the word masks. */
static uint32_t person_starts(const run *r)
{
    const wordtab *ti = r->t.titles, *fi = r->t.first;
    if ((ti && !ti->bit) || (fi && !fi->bit))
        return 0;
    return (ti ? ti->bit : 0) | (fi ? fi->bit : 0);
}

/* The first token in [i, b) whose facts have a bit of `bit`, or b: 8 tokens' facts read
 * at once (r->tf has 8 readable bytes past the last token), where a token-by-token loop
 * would mispredict its exit at each one found. */
static size_t next_fact(const run *r, size_t i, size_t b, unsigned bit)
{
    for (; i < b; i += 8) {
        uint64_t v = evm_load_le64((const char *)r->tf + i) & bit * EVM_ONES8;
        if (v) {
#if defined(__GNUC__)
            i += (size_t)__builtin_ctzll(v) / 8;
#else
            while (!(v & 0xff)) {
                v >>= 8;
                i++;
            }
#endif
            return i < b ? i : b;
        }
    }
    return b;
}

/* Fills r->tmask, r->thash and r->tf for every token (one pass over a word's bytes, one
 * lookup in the word tables), r->kc->lower with the words written in lowercase, and
 * doc->demonyms (zeroed) for the capitalised words. */
static void token_words(run *r)
{
    evm_doc *doc = r->doc;
    const wordindex wi = words;
    const evm_token *tok = doc->tokens;
    const size_t nt = doc->n_tokens;
    const char *end = doc->text + doc->len + 1; /* token text may be read with the NUL */
    uint32_t *tmask = r->tmask;
    uint64_t *thash = r->thash;
    uint8_t *tf = r->tf;
    const wordtab *fn = r->t.function;
    uint32_t fbit = fn ? fn->bit : 0, starts = person_starts(r);
    /* judge asks r->kc->lower only of a word in none of these tables (it has decided
     * before), and a lowercase token without a final period has the mask of the word it
     * would answer for */
    const tabs *t = &r->t;
    uint32_t unasked = 0;
    if (t->common && t->function && t->direction && t->calendar && t->titles)
        unasked = t->common->bit | t->function->bit | t->direction->bit | t->calendar->bit |
                  t->titles->bit;
    for (size_t i = 0; i < nt; i++) {
        if (tok[i].kind != EVM_TOK_WORD) {
            tmask[i] = 0;
            thash[i] = 0;
            tf[i] = 0;
            continue;
        }
        const char *w = doc->text + tok[i].start;
        size_t n = tok[i].end - tok[i].start;
        bool dot;
        uint64_t full;
        uint32_t m = 0;
        if (n - 1 < 8 && end - w >= 8) {
            /* 1 to 8 bytes (most words): one chunk, kept in a register */
            uint64_t c = evm_lower8(evm_load_le64(w) & ~0ull >> (64 - 8 * n));
            full = wh_end(wh_step(wh_start(n), c));
            dot = n > 1 && (c >> 8 * (n - 1) & 0xff) == '.';
            if (dot)
                c &= ~0ull >> (64 - 8 * (n - 1));
            m = word_mask1(&wi, c, n - dot, dot ? wh_end(wh_step(wh_start(n - 1), c)) : full);
        } else if (n <= WORD_MAX) {
            dot = n > 1 && w[n - 1] == '.';
            uint64_t c[WORD_CHUNKS];
            full = load_chunks(w, n, end, c);
            /* the word without its final period: the same chunks, that byte zeroed */
            size_t wn = n - dot;
            if (dot)
                c[wn / 8] &= ~(0xffull << 8 * (wn % 8));
            if (wn && wn < WORD_MAX)
                m = word_mask_chunks(&wi, c, wn, dot ? chunks_hash(c, wn) : full);
        } else {
            dot = w[n - 1] == '.';
            full = word_hash_in(w, n, end);
        }
        tmask[i] = m;
        thash[i] = full;
        unsigned f = tok[i].flags;
        unsigned cap = (f & (EVM_TOKF_CAP | EVM_TOKF_UPPER)) != 0;
        /* "of", "in", "the" stay lowercase in title case (a function table without a bit:
         * see below) */
        unsigned title = cap | (n <= 3) | ((m & fbit) != 0);
        unsigned facts = TF_WORD | (f & TF_CAP) | title * TF_TITLE | ((m & starts) != 0) * TF_START;
        /* the document's lowercase vocabulary (see judge), but for the words judge never
         * asks about */
        if (!cap) {
            if (!(m & unasked) || dot)
                ss_add(&r->kc->lower, full);
        } else if (f & EVM_TOKF_CAP) {
            const char *cc = word_demonym(r, w, n, full);
            facts |= (cc != NULL) * TF_DEM;
            if (cc && cc[0] && cc[1] && !cc[2])
                memcpy(doc->demonyms[i], cc, 3);
        }
        tf[i] = (uint8_t)facts;
    }
    if (fn && !fbit)
        for (size_t i = 0; i < nt; i++)
            if ((tf[i] & (TF_WORD | TF_TITLE)) == TF_WORD && in_tab(r, fn, i))
                tf[i] |= TF_TITLE;
}

/* in_tab for a table past the 31st (no bit in the masks). */
static bool in_tab_row(const run *r, const wordtab *tab, size_t i)
{
    if (!is_word(r, i))
        return false;
    size_t n = tlen(r, i);
    const char *w = ttext(r, i);
    if (n > 1 && w[n - 1] == '.')
        n--;
    return table_row(tab, w, n) != NULL;
}

/* Token i (a word, its final period dropped) is in table tab. (r->tmask is 0 for tokens
 * that are no words.) */
static inline bool in_tab(const run *r, const wordtab *tab, size_t i)
{
    if (!tab || i >= r->nt)
        return false;
    return tab->bit ? (r->tmask[i] & tab->bit) != 0 : in_tab_row(r, tab, i);
}

/* The word before token i in the same sentence, skipping "the"/"a", or SIZE_MAX. */
static size_t prev_word(const run *r, size_t i, bool skip_article)
{
    if (i == 0 || !same_sentence(r, i - 1, i))
        return SIZE_MAX;
    size_t p = i - 1;
    if (skip_article && is_word(r, p) && tlen(r, p) <= 3) {
        const char *w = ttext(r, p);
        size_t n = tlen(r, p);
        /* "the" in any case ('T' | 0x20 is 't', and only 'T' and 't' give it) */
        if ((n == 3 && (w[0] | 0x20) == 't' && (w[1] | 0x20) == 'h' && (w[2] | 0x20) == 'e') ||
            (n == 1 && (w[0] == 'a' || w[0] == 'A')))
            if (p > 0 && same_sentence(r, p - 1, i))
                p--;
    }
    return is_word(r, p) ? p : SIZE_MAX;
}

/* ---- gazetteer access ----------------------------------------------------------------- */

static size_t gz_key(const char *s, size_t n, char *key)
{
    return evm_gazetteer_key(s, n, key, KEY_MAX);
}

/* At least n bytes (aligned for candidates) at the free end of the cache's memory, not
 * taken yet: the next kc_alloc returns the same address. */
static void *kc_room(keycache *kc, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > kc->room_left) {
        size_t size = n > KC_BLOCK ? n : KC_BLOCK;
        evm_grow((void **)&kc->blocks, &kc->blocks_cap, kc->n_blocks + 1, sizeof *kc->blocks);
        kc->blocks[kc->n_blocks++] = kc->room = evm_xmalloc(size);
        kc->room_left = size;
    }
    return kc->room;
}

/* n bytes (aligned for candidates) that never move while the cache keeps them. */
static void *kc_alloc(keycache *kc, size_t n)
{
    void *p = kc_room(kc, n);
    n = (n + 15) & ~(size_t)15;
    kc->room += n;
    kc->room_left -= n;
    return p;
}

static uint8_t cand_facts(const evm_candidate *c, size_t n);

/* Candidates of an exact key (h: evm_gazetteer_key_hash of it) into r->cbuf, best prior first
 * (population breaking ties), taken from its best MAX_RAW postings; returns how many. Each key's
 * candidates are kept in the thread's cache (the judgement asks for a key again after probing
 * others, and names recur), so r->cbuf points into memory that does not move until the run
 * ends; r->cfacts gets what judge asks of them, worked out once per key. */
static size_t gz_cands_hashed(run *r, const char *key, size_t n, uint64_t h)
{
    keycache *kc = r->kc;
    if ((kc->sets_n + 1) * 2 > kc->sets_cap) {
        size_t ncap = kc->sets_cap ? kc->sets_cap * 2 : 64;
        candset *ns = evm_xcalloc(ncap, sizeof *ns);
        for (size_t i = 0; i < kc->sets_cap; i++)
            if (kc->sets[i].key) {
                size_t k = kc->sets[i].hash & (ncap - 1);
                while (ns[k].key)
                    k = (k + 1) & (ncap - 1);
                ns[k] = kc->sets[i];
            }
        free(kc->sets);
        kc->sets = ns;
        kc->sets_cap = ncap;
    }
    size_t k = h & (kc->sets_cap - 1);
    for (; kc->sets[k].key; k = (k + 1) & (kc->sets_cap - 1)) {
        const candset *c = &kc->sets[k];
        if (c->hash == h && c->keylen == n && memcmp(c->key, key, n) == 0) {
            r->cbuf = c->cands ? c->cands : r->scratch;
            r->cfacts = c->facts;
            return c->n;
        }
    }
    /* ranked straight into the run's memory, which keeps only what was written */
    evm_candidate *cands = kc_room(kc, MAX_CANDS * sizeof *cands);
    size_t nc = evm_gazetteer_lookup_key_by_prior(r->gaz, key, n, MAX_RAW, cands, MAX_CANDS);
    if (nc)
        kc_alloc(kc, nc * sizeof *cands);
    else
        cands = NULL;
    char *kcopy = kc_alloc(kc, n);
    memcpy(kcopy, key, n);
    uint8_t facts = cand_facts(cands, nc);
    kc->sets[k] = (candset){kcopy, cands, h, (uint32_t)n, (uint32_t)nc, facts};
    kc->sets_n++;
    r->cbuf = cands ? cands : r->scratch; /* never NULL */
    r->cfacts = facts;
    return nc;
}

/* gz_cands_hashed for a key whose hash is not known yet. */
static size_t gz_cands(run *r, const char *key, size_t n)
{
    return gz_cands_hashed(r, key, n, evm_gazetteer_key_hash(key, n));
}

/* True when the candidates hold a country, a first-level region, a well-known region, a
 * national capital or a city large enough that its name is rarely anything else's. */
static bool important(const evm_candidate *c, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (c[k].level == EVM_GEO_COUNTRY || c[k].level == EVM_GEO_ADMIN1 ||
            c[k].level == EVM_GEO_REGION ||
            (c[k].feature && c[k].feature[0] == 'L' && strcmp(c[k].feature, "LANDMARK") == 0))
            return true;
        /* a town's alternate names are too many and too odd ("Hamas" for Hamm) */
        if (c[k].match == EVM_MATCH_EXACT && (c[k].capital || c[k].population >= 100000))
            return true;
    }
    return false;
}

/* Is s[0..n) a demonym as written (evm_gazetteer_demonym finds it)? The answers are kept
 * in the thread's cache by the hash of the bytes: the same words come back. */
static bool demonym_word(run *r, const char *s, size_t n)
{
    uint64_t h = fnv_hash(s, n);
    h = h ? h : 1;
    if (hs_has(&r->kc->dem_yes, h))
        return true;
    if (hs_has(&r->kc->dem_no, h))
        return false;
    bool yes = evm_gazetteer_demonym(r->gaz, s, n) != NULL;
    hs_add(yes ? &r->kc->dem_yes : &r->kc->dem_no, h);
    return yes;
}

/* word_demonym for a word the thread's cache does not hold: asks the gazetteer, grows the
 * table when half full, and keeps the answer under h. */
static const char *demonym_miss(run *r, const char *s, size_t n, uint64_t h)
{
    keycache *kc = r->kc;
    const char *cc = evm_gazetteer_demonym(r->gaz, s, n);
    if (!cc && n > 3 && s[n - 1] == 's')
        cc = evm_gazetteer_demonym(r->gaz, s, n - 1);
    if ((kc->dem_n + 1) * 2 > kc->dem_cap) {
        size_t ncap = kc->dem_cap ? kc->dem_cap * 2 : 256;
        demslot *nd = evm_xcalloc(ncap, sizeof *nd);
        for (size_t k = 0; k < kc->dem_cap; k++)
            if (kc->dem[k].h) {
                size_t o = kc->dem[k].h & (ncap - 1);
                while (nd[o].h)
                    o = (o + 1) & (ncap - 1);
                nd[o] = kc->dem[k];
            }
        free(kc->dem);
        kc->dem = nd;
        kc->dem_cap = ncap;
    }
    size_t k = h & (kc->dem_cap - 1);
    while (kc->dem[k].h)
        k = (k + 1) & (kc->dem_cap - 1);
    kc->dem[k] = (demslot){h, cc};
    kc->dem_n++;
    return cc;
}

/* The country of s[0..n) read as a demonym, or when it is none and longer than 3, of s
 * minus a final 's' (plural: "Ukrainians", "Russians"); NULL when neither. lh is
 * word_hash of s: the gazetteer's keys fold ASCII case, so the answer is one of the
 * lowercase word and of whether it ends in a lowercase 's'. The answers are kept in the
 * thread's cache: the same words come back. */
static inline const char *word_demonym(run *r, const char *s, size_t n, uint64_t lh)
{
    const keycache *kc = r->kc;
    uint64_t h = n && s[n - 1] == 's' ? wh_step(lh, 's') : lh;
    h = h ? h : 1;
    if (kc->dem_cap)
        for (size_t k = h & (kc->dem_cap - 1); kc->dem[k].h; k = (k + 1) & (kc->dem_cap - 1))
            if (kc->dem[k].h == h)
                return kc->dem[k].cc;
    return demonym_miss(r, s, n, h);
}

static bool is_demonym(run *r, const char *s, size_t n)
{
    return word_demonym(r, s, n, word_hash(s, n)) != NULL;
}

/* is_demonym of token i, from r->tf for a capitalised word. */
static bool tok_demonym(run *r, size_t i)
{
    const evm_token *t = &r->tok[i];
    if (t->kind == EVM_TOK_WORD && (t->flags & EVM_TOKF_CAP))
        return (r->tf[i] & TF_DEM) != 0;
    return is_demonym(r, ttext(r, i), tlen(r, i));
}

/* ---- person names --------------------------------------------------------------------- */

/* Marks the capitalised run from `from` as a person's name (first_name: it opens with a
 * given name) and remembers its last word as a surname. */
static void mark_person_run(run *r, size_t from, size_t stop, bool first_name)
{
    size_t last = SIZE_MAX;
    for (size_t j = from; j < stop && is_cap(r, j); j++) {
        /* "Charles Webb Center": a name that opens with a first name ends before the body
         * named after the person */
        if (first_name && j > from && (in_tab(r, r->t.institution, j) || in_tab(r, r->t.org, j)))
            break;
        r->person[j] = 1;
        last = j;
        if (has_flag(r, j, EVM_TOKF_POSSESSIVE))
            break;
        /* "Gov." split from its period: step over a lone "." inside the name */
        if (is_punct(r, j + 1, '.') && is_cap(r, j + 2))
            j++;
    }
    if (last != SIZE_MAX && tlen(r, last) > 2)
        hs_add(&r->surnames, r->thash[last]);
}

/* Is a gazetteer name of more than one token starting at token i? (Keeps "Virginia Beach"
 * and "King County" from being read as person names.) */
static size_t longest_key_tokens(run *r, size_t i, size_t stop);

/* The token after a middle initial at i ("A." or "A" "."), or i when there is none. */
static size_t after_initial(const run *r, size_t i, size_t stop)
{
    if (i >= stop || !is_word(r, i))
        return i;
    const char *w = ttext(r, i);
    size_t n = tlen(r, i);
    if (!(w[0] >= 'A' && w[0] <= 'Z'))
        return i;
    if (n == 2 && w[1] == '.')
        return i + 1;
    if (n == 1 && is_punct(r, i + 1, '.'))
        return i + 2;
    return i;
}

static void find_persons(run *r)
{
    evm_doc *doc = r->doc;
    /* both tables have their bits in the word masks (else no token is skipped) */
    bool skip = person_starts(r) != 0;
    for (size_t s = 0; s < doc->n_sentences; s++) {
        const evm_sentence *se = &doc->sentences[s];
        size_t a = se->tok_first, b = se->tok_first + se->tok_count;
        if (r->headline[s])
            continue;
        for (size_t i = a; i < b; i++) {
            if (skip) { /* neither a title nor a first name: nothing starts here */
                i = next_fact(r, i, b, TF_START);
                if (i == b)
                    break;
            }
            if (!is_word(r, i))
                continue;
            if (in_tab(r, r->t.titles, i) && !has_flag(r, i, EVM_TOKF_POSSESSIVE)) {
                size_t j = i + 1;
                if (is_punct(r, j, '.'))
                    j++;
                if (j < b && is_cap(r, j) && !in_tab(r, r->t.function, j) &&
                    longest_key_tokens(r, i, b) < 2 && longest_key_tokens(r, j, b) < 2) {
                    mark_person_run(r, j, b, false);
                }
                continue;
            }
            /* the word after the first name, past a middle initial ("Terry A. Corbin") */
            size_t nx = after_initial(r, i + 1, b);
            if (is_cap(r, i) && !has_flag(r, i, EVM_TOKF_UPPER) && in_tab(r, r->t.first, i) &&
                !has_flag(r, i, EVM_TOKF_POSSESSIVE) && nx < b && is_cap(r, nx) &&
                !has_flag(r, nx, EVM_TOKF_UPPER) && !in_tab(r, r->t.institution, nx) &&
                !in_tab(r, r->t.function, nx) && longest_key_tokens(r, i, b) < 2) {
                /* "Virginia Beach" stays a place; "Jordan Smith" is a person. A following
                 * state or country ("Austin Texas") keeps the first word a place too, and so
                 * does being a state or country ("Virginia Freedom of Information Act"). */
                char key[KEY_MAX];
                size_t sk = gz_key(ttext(r, i), tlen(r, i), key);
                size_t snc = sk ? gz_cands(r, key, sk) : 0;
                bool region_self = false;
                for (size_t k = 0; k < snc; k++)
                    if ((r->cbuf[k].level == EVM_GEO_COUNTRY ||
                         r->cbuf[k].level == EVM_GEO_ADMIN1) &&
                        r->cbuf[k].match == EVM_MATCH_EXACT)
                        region_self = true;
                if (region_self && (in_tab(r, r->t.common, i + 1) || in_tab(r, r->t.org, i + 1)))
                    continue;
                /* the second word of a longer name ("West Virginia") */
                if (i > a && is_cap(r, i - 1) && longest_key_tokens(r, i - 1, b) >= 2)
                    continue;
                /* ... when the first word is a place of that state or country: "Ben Paul"
                 * is a person though Paul is a region of Cape Verde */
                const evm_candidate *sc = r->cbuf;
                size_t kn = gz_key(ttext(r, nx), tlen(r, nx), key);
                size_t nc = kn ? gz_cands(r, key, kn) : 0;
                bool region_next = false;
                for (size_t k = 0; k < nc && !region_next; k++) {
                    const evm_candidate *rc = &r->cbuf[k];
                    if (rc->level != EVM_GEO_COUNTRY && rc->level != EVM_GEO_ADMIN1)
                        continue;
                    for (size_t q = 0; q < snc && !region_next; q++)
                        region_next = strcmp(sc[q].country, rc->country) == 0 &&
                                      (rc->level == EVM_GEO_COUNTRY ||
                                       (sc[q].admin1 && strcasecmp(sc[q].admin1, rc->name) == 0));
                }
                if (region_next)
                    continue;
                mark_person_run(r, i, b, true);
                while (i + 1 < b && r->person[i + 1])
                    i++;
            }
        }
    }
}

/* ---- headlines and the document's vocabulary ------------------------------------------ */

/* How many of the (up to 8) bytes of v have bit `bit` set. */
static inline size_t count_bit8(uint64_t v, unsigned bit)
{
    return (size_t)(((v / bit) & EVM_ONES8) * EVM_ONES8 >> 56); /* the sum lands in the top byte */
}

/* Marks the sentences in title case or all caps (r->headline), counting their words from
 * the facts token_words left, 8 tokens at a time (r->tf has 8 readable bytes past the last
 * token) and without a branch on each word. */
static void find_headlines(run *r)
{
    evm_doc *doc = r->doc;
    const char *tf = (const char *)r->tf;
    for (size_t s = 0; s < doc->n_sentences; s++) {
        const evm_sentence *se = &doc->sentences[s];
        size_t words = 0, caps = 0, upper = 0;
        size_t b = (size_t)se->tok_first + se->tok_count;
        for (size_t i = se->tok_first; i < b; i += 8) {
            uint64_t v = evm_load_le64(tf + i);
            if (b - i < 8) /* the tokens past the sentence count for nothing */
                v &= ~0ull >> (64 - 8 * (b - i));
            words += count_bit8(v, TF_WORD);
            upper += count_bit8(v, TF_UPPER);
            caps += count_bit8(v, TF_TITLE);
        }
        /* all caps, or title case over enough words to tell */
        r->headline[s] = (words >= 2 && upper * 10 >= words * 8) ||
                         (words >= 4 && caps == words && words - upper >= 4);
    }
}

/* ---- longest match -------------------------------------------------------------------- */

/* Can token j continue a name that started earlier? Capitalised words, lowercase
 * connectors ("of", "de", "upon"), and periods or hyphens glued to the previous word. */
/* A lowercase elision before a capital inside a name: "d'Ivoire", "dell'Aquila". */
static bool elided_cap(const run *r, size_t j)
{
    if (!is_word(r, j))
        return false;
    const char *w = ttext(r, j);
    size_t n = tlen(r, j), k = 0;
    while (k < n && k < 4 && w[k] >= 'a' && w[k] <= 'z')
        k++;
    if (k == 0)
        return false;
    if (k < n && w[k] == '\'')
        k++;
    else if (k + 2 < n && memcmp(w + k, "\xe2\x80\x99", 3) == 0)
        k += 3;
    else
        return false;
    int32_t cp;
    return k < n && evm_utf8_decode(w + k, n - k, &cp) > 0 && evm_utf8_is_upper(cp);
}

static bool name_inner(const run *r, size_t j)
{
    if (is_cap(r, j) || elided_cap(r, j))
        return true;
    const evm_token *t = &r->tok[j];
    if (t->kind == EVM_TOK_WORD)
        return in_tab(r, r->t.connector, j);
    if (t->kind == EVM_TOK_NUMBER)
        return false;
    if (t->kind == EVM_TOK_PUNCT && !(t->flags & EVM_TOKF_SPACE_BEFORE) && tlen(r, j) == 1) {
        char c = ttext(r, j)[0];
        return c == '.' || c == '-' || c == '\'';
    }
    return false;
}

typedef struct span {
    size_t i, j;         /* tokens, inclusive */
    uint32_t start, end; /* bytes */
    char key[KEY_MAX];
    size_t keylen;
    uint64_t hash; /* evm_gazetteer_key_hash of the key (longest_match_ex's spans) */
    size_t n_cands;
} span;

/* The probe of word token i alone: its key, how many names have it and whether longer names
 * start with it. A key is a function of the word with ASCII capitals lowercased, so the
 * thread's cache keeps the answer by that form. On a miss ks (started on the token) makes
 * the key, and may then go on to longer n-grams. The result lives in the cache's table: read
 * it before the next call. */
static const wordprobe *probe_word(run *r, size_t i, evm_gaz_keys *ks)
{
    keycache *kc = r->kc;
    const char *w = ttext(r, i);
    size_t n = tlen(r, i);
    const char *end = r->text + r->doc->len + 1; /* token text may be read with the NUL */
    uint64_t h = r->thash[i];
    if ((kc->wp_n + 1) * 2 > kc->wp_cap) {
        void *t = kc->wp;
        grow_lines(&kc->wp_mem, &t, &kc->wp_cap);
        kc->wp = t;
    }
    size_t k = h & (kc->wp_cap - 1);
    for (; kc->wp[k].hash; k = (k + 1) & (kc->wp_cap - 1)) {
        const wordprobe *p = &kc->wp[k];
        if (p->hash == h && p->n == n && chunks_equal(n <= WP_INLINE ? p->inl : p->low, w, n, end))
            return p;
    }
    const char *key;
    uint64_t kh;
    size_t kn = evm_gazetteer_keys_next(ks, n, &key, &kh);
    size_t nc = 0;
    bool more = kn && evm_gazetteer_probe_hashed(r->gaz, key, kn, kh, &nc);
    char *kcopy = kc_alloc(kc, kn + 1);
    memcpy(kcopy, key, kn + 1);
    wordprobe *p = &kc->wp[k];
    *p = (wordprobe){.hash = h,
                     .key_hash = kh,
                     .key = kcopy,
                     .n = (uint32_t)n,
                     .kn = (uint32_t)kn,
                     .n_cands = (uint32_t)nc,
                     .more = more};
    uint64_t *low = n <= WP_INLINE ? p->inl : kc_alloc(kc, (n + 7) / 8 * sizeof *low);
    for (size_t x = 0; x < n; x += 8)
        low[x / 8] = evm_lower8(load_part(w + x, n - x < 8 ? n - x : 8, end));
    if (n > WP_INLINE)
        p->low = low;
    kc->wp_n++;
    return p;
}

/* evm_gazetteer_probe_hashed for the key of an n-gram (h: its hash), the answers kept in
 * the thread's cache: the same names come back ("New York", "United States"). */
static bool probe_gram(run *r, const char *key, size_t kn, uint64_t h, size_t *n_cands)
{
    keycache *kc = r->kc;
    if ((kc->gp_n + 1) * 2 > kc->gp_cap) {
        void *t = kc->gp;
        grow_lines(&kc->gp_mem, &t, &kc->gp_cap);
        kc->gp = t;
    }
    size_t k = h & (kc->gp_cap - 1);
    for (; kc->gp[k].hash; k = (k + 1) & (kc->gp_cap - 1)) {
        const gramprobe *p = &kc->gp[k];
        if (p->hash == h && p->kn == kn &&
            memcmp(kn <= GP_INLINE ? p->inl : p->key, key, kn) == 0) {
            if (n_cands)
                *n_cands = p->n_cands;
            return p->more;
        }
    }
    size_t nc = 0;
    bool more = evm_gazetteer_probe_hashed(r->gaz, key, kn, h, &nc);
    gramprobe *p = &kc->gp[k];
    *p = (gramprobe){.hash = h, .kn = (uint32_t)kn, .n_cands = (uint32_t)nc, .more = more};
    if (kn <= GP_INLINE) {
        memcpy(p->inl, key, kn);
    } else {
        char *kcopy = kc_alloc(kc, kn);
        memcpy(kcopy, key, kn);
        p->key = kcopy;
    }
    kc->gp_n++;
    if (n_cands)
        *n_cands = nc;
    return more;
}

/* Longest run of tokens i..j (within [i, stop)) whose text is a gazetteer key; fills
 * sp, and r->cbuf with its candidates when cands is set (else sp->n_cands is only their
 * number). Returns false when none matches. */
static bool longest_match_ex(run *r, size_t i, size_t stop, span *sp, bool cands)
{
    const evm_doc *doc = r->doc;
    bool found = false;
    evm_gaz_keys ks; /* the keys of tokens i..j for growing j, each from the one before */
    if (i < stop)
        evm_gazetteer_keys_start(&ks, doc->text + doc->tokens[i].start);
    for (size_t j = i; j < stop && j < i + MAX_NGRAM; j++) {
        if (j > i && !name_inner(r, j))
            break;
        if (j > i && has_flag(r, j - 1, EVM_TOKF_POSSESSIVE) && !is_cap(r, j))
            break;
        uint32_t a = doc->tokens[i].start, b = doc->tokens[j].end;
        const char *key;
        uint64_t h;
        size_t kn, nc = 0;
        bool more, ends_ok = is_cap(r, j) || (j > i && elided_cap(r, j));
        if (j == i && is_word(r, i)) { /* a word alone: most come back */
            const wordprobe *p = probe_word(r, i, &ks);
            kn = p->kn;
            key = p->key;
            h = p->key_hash;
            nc = p->n_cands;
            more = p->more;
            if (!kn)
                continue;
        } else {
            kn = evm_gazetteer_keys_next(&ks, b - a, &key, &h);
            if (!kn)
                continue;
            more = probe_gram(r, key, kn, h, ends_ok ? &nc : NULL);
        }
        if (ends_ok) {
            if (nc) {
                found = true;
                sp->i = i;
                sp->j = j;
                sp->start = a;
                sp->end = b;
                memcpy(sp->key, key, kn);
                sp->key[kn] = '\0';
                sp->keylen = kn;
                sp->hash = h;
                sp->n_cands = nc;
            }
        }
        if (!more)
            break;
    }
    if (found && cands) /* refill cbuf for the winner (later probes overwrote it) */
        sp->n_cands = gz_cands_hashed(r, sp->key, sp->keylen, sp->hash);
    return found;
}

static bool longest_match(run *r, size_t i, size_t stop, span *sp)
{
    return longest_match_ex(r, i, stop, sp, true);
}

static size_t longest_key_tokens(run *r, size_t i, size_t stop)
{
    span sp;
    if (!is_cap(r, i) || !longest_match_ex(r, i, stop, &sp, false))
        return 0;
    return sp.j - sp.i + 1;
}

/* ---- mentions --------------------------------------------------------------------------- */

static evm_mention *add_mention(run *r, const span *sp, const evm_candidate *cands, size_t n_cands,
                                uint32_t cues, float recog)
{
    evm_doc *doc = r->doc;
    evm_mention *m = evm_doc_add_mention(doc);
    m->start = sp->start;
    m->end = sp->end;
    m->sentence = doc->tokens[sp->i].sentence;
    m->tok_first = (uint32_t)sp->i;
    m->tok_count = (uint32_t)(sp->j - sp->i + 1);
    m->place = -1;
    m->match = EVM_MATCH_EXACT;
    m->score = recog;
    m->metonymy = false;
    evm_spot_info *info = evm_doc_alloc(doc, sizeof *info);
    info->key = evm_doc_strndup(doc, sp->key, sp->keylen);
    info->n_cands = (uint32_t)n_cands;
    info->cands = evm_doc_memdup(doc, cands, n_cands * sizeof *info->cands);
    info->cues = cues;
    info->qualifier = -1;
    info->recog = recog;
    if (info->n_cands)
        m->match = info->cands[0].match;
    m->spot = info;
    return m;
}

/* Does the region word at token q ("district" in "the Kyivskyi district of Kharkiv") follow
 * a name of its own? Then the word says what that name is, a part of the place after "of",
 * and says nothing of the place itself, which is as often a city ("the Kyivskyi district of
 * Kharkiv") as a region. A demonym ("the Ukrainian region of Kharkiv") or a function word
 * is no such name, nor is a capital in a headline. */
static bool names_part(run *r, size_t q)
{
    if (q == 0 || !same_sentence(r, q - 1, q) || !is_cap(r, q - 1) ||
        r->headline[r->tok[q].sentence])
        return false;
    return !tok_demonym(r, q - 1) && !in_tab(r, r->t.function, q - 1);
}

/* Is token k a plural region word ("regions", "oblasts", "counties")? */
static bool region_plural(const run *r, size_t k)
{
    if (!is_word(r, k))
        return false;
    const char *w = ttext(r, k);
    size_t n = tlen(r, k);
    char one[WORD_MAX];
    if (n < 4 || n >= WORD_MAX || w[n - 1] != 's')
        return false;
    if (n > 4 && strncmp(w + n - 3, "ies", 3) == 0) { /* counties: county */
        memcpy(one, w, n - 3);
        one[n - 3] = 'y';
        return word_in(r->t.region, one, n - 2);
    }
    return word_in(r->t.region, w, n - 1);
}

/* Does the name ending at token j open a list of names that a plural region word ends:
 * "the Kharkiv and Sumy regions", "Donetsk, Luhansk and Zaporizhzhia oblasts"? Then the
 * word names every name of the list, not the last alone. */
static bool list_of_regions(const run *r, size_t j)
{
    size_t k = j + 1;
    bool joint = false;
    for (int names = 0; names < 8 && k < r->nt && same_sentence(r, j, k);) {
        size_t m = k;
        /* ", ", "and", "or", ", and" */
        if (is_punct(r, m, ','))
            m++;
        if (is_word(r, m) && !is_cap(r, m) &&
            ((tlen(r, m) == 3 && strncmp(ttext(r, m), "and", 3) == 0) ||
             (tlen(r, m) == 2 && strncmp(ttext(r, m), "or", 2) == 0))) {
            m++;
            joint = true;
        }
        if (m == k || !is_cap(r, m) || !same_sentence(r, j, m))
            return false;
        /* the next name: capitalised words, hyphens and apostrophes inside it */
        while (m < r->nt && same_sentence(r, j, m) &&
               (is_cap(r, m) || is_punct(r, m, '-') || is_punct(r, m, '\'')))
            m++;
        names++;
        if (joint)
            return m < r->nt && same_sentence(r, j, m) && region_plural(r, m);
        k = m;
    }
    return false;
}

/* Cue flags from the words around tokens i..j. */
static uint32_t context_cues(run *r, size_t i, size_t j, char qual_country[3])
{
    uint32_t cues = 0;
    qual_country[0] = '\0';
    size_t p = prev_word(r, i, true);
    size_t p0 = prev_word(r, i, false);
    if (p != SIZE_MAX && in_tab(r, r->t.locative, p) && !is_cap(r, p))
        cues |= EVM_SPOT_CUE_LOCATIVE;
    if (p != SIZE_MAX && p == i - 1 && in_tab(r, r->t.locative, p)) /* "In Paris, ..." */
        cues |= EVM_SPOT_CUE_LOCATIVE;
    if (p0 != SIZE_MAX && in_tab(r, r->t.direction, p0) && p0 + 1 == i)
        cues |= EVM_SPOT_CUE_DIRECTION;
    /* "the (Ukrainian) city of X", "the region of X" */
    if (p0 != SIZE_MAX && p0 + 1 == i && tlen(r, p0) == 2 &&
        strncasecmp(ttext(r, p0), "of", 2) == 0) {
        size_t q = prev_word(r, p0, false);
        bool region_word = q != SIZE_MAX && in_tab(r, r->t.region, q);
        if (q != SIZE_MAX && in_tab(r, r->t.city, q))
            cues |= EVM_SPOT_CUE_CITY;
        else if (region_word && !names_part(r, q))
            cues |= EVM_SPOT_CUE_REGION;
        if (q != SIZE_MAX && (region_word || (cues & EVM_SPOT_CUE_CITY))) {
            size_t d = prev_word(r, q, false);
            if (d != SIZE_MAX && is_cap(r, d)) {
                const char *cc = evm_gazetteer_demonym(r->gaz, ttext(r, d), tlen(r, d));
                if (cc && strlen(cc) == 2) {
                    memcpy(qual_country, cc, 2);
                    qual_country[2] = '\0';
                }
            }
            cues |= EVM_SPOT_CUE_LOCATIVE;
        }
    }
    /* "the Pacific", "the Atlantic flyway": an area or a sea more than a town */
    if (i == j && p0 != SIZE_MAX && p0 + 1 == i && tlen(r, p0) == 3 &&
        (strncmp(ttext(r, p0), "the", 3) == 0 ||
         (strncmp(ttext(r, p0), "The", 3) == 0 && has_flag(r, p0, EVM_TOKF_SENT_START))))
        cues |= EVM_SPOT_CUE_THE;
    /* "X city", "X region", "X Oblast" right after the name */
    size_t n = j + 1;
    if (n < r->nt && same_sentence(r, n, j) && is_word(r, n) &&
        !has_flag(r, j, EVM_TOKF_POSSESSIVE)) {
        if (in_tab(r, r->t.city, n) && !is_cap(r, n))
            cues |= EVM_SPOT_CUE_CITY;
        else if (in_tab(r, r->t.region, n))
            cues |= EVM_SPOT_CUE_REGION;
    }
    if (!(cues & (EVM_SPOT_CUE_CITY | EVM_SPOT_CUE_REGION)) &&
        !has_flag(r, j, EVM_TOKF_POSSESSIVE) && list_of_regions(r, j))
        cues |= EVM_SPOT_CUE_REGION;
    return cues;
}

/* Is the word after tokens ..j a verb of saying or deciding (skipping auxiliaries)? */
static bool verb_follows(run *r, size_t j)
{
    size_t k = j + 1;
    for (int hops = 0; hops < 3 && is_word(r, k) && same_sentence(r, k, j); hops++, k++) {
        if (in_tab(r, r->t.verbs, k) && !is_cap(r, k))
            return true;
        if (!in_tab(r, r->t.aux, k))
            return false;
    }
    return false;
}

/* Metonymy evidence: "X said", "X and Y seek", "X spokesman", "X's foreign ministry". */
static bool metonymy_cue(run *r, size_t i, size_t j, uint32_t cues)
{
    if (cues & (EVM_SPOT_CUE_LOCATIVE | EVM_SPOT_CUE_CITY | EVM_SPOT_CUE_REGION))
        return false;
    size_t p = prev_word(r, i, false);
    if (p != SIZE_MAX && p + 1 == i && tlen(r, p) == 2 && strncasecmp(ttext(r, p), "of", 2) == 0)
        return false;
    if (verb_follows(r, j))
        return true;
    /* coordinated subjects: "Washington and Europe seek" */
    if (is_word(r, j + 1) && same_sentence(r, j, j + 1) && tlen(r, j + 1) == 3 &&
        strncmp(ttext(r, j + 1), "and", 3) == 0 && is_cap(r, j + 2)) {
        span sp;
        if (longest_match_ex(r, j + 2, r->nt, &sp, false) && same_sentence(r, j, sp.j) &&
            verb_follows(r, sp.j))
            return true;
    }
    size_t n = j + 1;
    if (!is_word(r, n) || !same_sentence(r, n, j))
        return false;
    if (in_tab(r, r->t.agent, n))
        return true;
    /* "Washington and its partners", "Kyiv and its allies": the place acts with others */
    if (tlen(r, n) == 3 && strncmp(ttext(r, n), "and", 3) == 0 && is_word(r, n + 1) &&
        same_sentence(r, n + 1, j) &&
        ((tlen(r, n + 1) == 3 && strncmp(ttext(r, n + 1), "its", 3) == 0) ||
         (tlen(r, n + 1) == 5 && strncmp(ttext(r, n + 1), "their", 5) == 0))) {
        size_t a = n + 2;
        if (is_word(r, a) && !in_tab(r, r->t.agent, a) && same_sentence(r, a, j))
            a++; /* one adjective: "its Western partners" */
        if (is_word(r, a) && same_sentence(r, a, j) && in_tab(r, r->t.agent, a))
            return true;
    }
    /* "Ukraine's foreign ministry": possessive, optional adjective, agent noun */
    if (has_flag(r, j, EVM_TOKF_POSSESSIVE) && is_word(r, n + 1) && same_sentence(r, n + 1, j) &&
        in_tab(r, r->t.agent, n + 1) && !in_tab(r, r->t.agent, n))
        return in_tab(r, r->t.agent, n + 1);
    return false;
}

/* Is token j (after a name) a capitalised word that continues a longer proper name? */
static bool cap_follower(const run *r, size_t j)
{
    size_t n = j + 1;
    if (!is_cap(r, n) || !same_sentence(r, n, j) || has_flag(r, j, EVM_TOKF_POSSESSIVE))
        return false;
    return true;
}

/* Does the run of capitalised words right after token j (up to three) hold a word of
 * table tab? ("Van Dorn Street", "Lansing State Journal") */
static bool run_has(const run *r, size_t j, const wordtab *tab)
{
    if (has_flag(r, j, EVM_TOKF_POSSESSIVE))
        return false;
    for (size_t n = j + 1; n <= j + 3 && is_cap(r, n) && same_sentence(r, n, j); n++) {
        if (in_tab(r, tab, n))
            return true;
        if (has_flag(r, n, EVM_TOKF_POSSESSIVE))
            break;
    }
    return false;
}

/* A person's surname in use: "Clark, 22, pleaded", "stabbed Welch". */
static bool person_context(const run *r, size_t i, size_t j)
{
    /* ", 22," : a name followed by an age */
    if (is_punct(r, j + 1, ',') && j + 3 < r->nt && r->tok[j + 2].kind == EVM_TOK_NUMBER &&
        tlen(r, j + 2) <= 3 && is_punct(r, j + 3, ','))
        return true;
    /* a head of government's term: "the Obama administration" (a town's administration
     * says so: "the Kupiansk city administration") */
    if (i > 0 && is_word(r, i - 1) && tlen(r, i - 1) == 3 &&
        strncasecmp(ttext(r, i - 1), "the", 3) == 0 && is_word(r, j + 1) &&
        same_sentence(r, j, j + 1) && tlen(r, j + 1) == 14 &&
        strncasecmp(ttext(r, j + 1), "administration", 14) == 0)
        return true;
    /* the object of a verb of harming a person: "charged with killing Welch" */
    if (i > 0 && same_sentence(r, i - 1, i) && !is_cap(r, i - 1) && in_tab(r, r->t.harm, i - 1))
        return true;
    return false;
}

/* A name continuing a list of places ("into Gainesville and Lindsay", "Sumy, Dnipro")
 * shares the cues of the list's previous member. */
static uint32_t list_cues(const run *r, size_t i)
{
    const evm_doc *doc = r->doc;
    if (!doc->n_mentions || i < 2)
        return 0;
    const evm_mention *pm = &doc->mentions[doc->n_mentions - 1];
    size_t pend = pm->tok_first + pm->tok_count;
    bool sep =
        is_punct(r, i - 1, ',') ||
        (is_word(r, i - 1) && tlen(r, i - 1) <= 3 &&
         (strncmp(ttext(r, i - 1), "and", 3) == 0 || strncmp(ttext(r, i - 1), "or", 2) == 0));
    if (!sep || pend != i - 1 || pm->sentence != doc->tokens[i].sentence)
        return 0;
    return pm->spot->cues & (EVM_SPOT_CUE_LOCATIVE | EVM_SPOT_CUE_CITY | EVM_SPOT_CUE_REGION);
}

/* ---- the decision ------------------------------------------------------------------------ */

typedef enum verdict { KEEP, DROP, DROP_RUN } verdict;

/* A candidate matched only through an alternate name of a small place: GeoNames lists
 * many such names ("But", "At", "Human"), so alone they are weak evidence. */
static bool weak_alternate(const evm_candidate *c)
{
    return c->match != EVM_MATCH_EXACT &&
           (c->level == EVM_GEO_POINT || c->level == EVM_GEO_ADMIN2) && c->population < 100000 &&
           !c->capital;
}

/* What judge asks of a set of candidates (cand_facts). */
enum {
    CF_WEAK = 1u << 0,       /* some candidate is a weak_alternate */
    CF_IMPORTANT = 1u << 1,  /* important() */
    CF_LOCAL_ONLY = 1u << 2, /* every one a populated place (or a county by its bare name) */
    CF_AREA_EXACT = 1u << 3, /* a country or region by its own name ("Turkey", "Georgia") */
    CF_EXACT = 1u << 4,      /* some exact match */
    CF_REGION = 1u << 5      /* some candidate is neither a point nor a county */
};

/* The CF_* facts of c[0..n). */
static uint8_t cand_facts(const evm_candidate *c, size_t n)
{
    unsigned f = CF_LOCAL_ONLY;
    if (important(c, n))
        f |= CF_IMPORTANT;
    for (size_t k = 0; k < n; k++) {
        evm_geo_level lv = c[k].level;
        bool area = lv == EVM_GEO_COUNTRY || lv == EVM_GEO_ADMIN1 || lv == EVM_GEO_REGION;
        if (weak_alternate(&c[k]))
            f |= CF_WEAK;
        if (area || (lv == EVM_GEO_ADMIN2 && c[k].match == EVM_MATCH_EXACT))
            f &= ~(unsigned)CF_LOCAL_ONLY;
        if (area && c[k].match == EVM_MATCH_EXACT)
            f |= CF_AREA_EXACT;
        if (c[k].match == EVM_MATCH_EXACT)
            f |= CF_EXACT;
        if (lv != EVM_GEO_POINT && lv != EVM_GEO_ADMIN2)
            f |= CF_REGION;
    }
    return (uint8_t)f;
}

/* The word of span sp without a final period, for the word tables. */
static size_t span_word(const run *r, const span *sp, const char **w)
{
    *w = r->text + sp->start;
    size_t n = sp->end - sp->start;
    if (n > 1 && (*w)[n - 1] == '.')
        n--;
    return n;
}

/* Token j is followed by a name of a disease or strain made from a place: "Marburg
 * virus", "Lassa fever", "Reston ebolavirus". */
static bool strain_follows(const run *r, size_t j)
{
    if (!is_word(r, j + 1) || !same_sentence(r, j, j + 1))
        return false;
    const char *nw = ttext(r, j + 1);
    size_t nn = tlen(r, j + 1);
    return in_tab(r, r->t.eponym, j + 1) || (nn > 5 && strncasecmp(nw + nn - 5, "virus", 5) == 0);
}

/* Is token p a compound adjective that ends in a lowercase part: "Russian-occupied",
 * "Kharkiv-based", "Moscow-backed"? Capitalised as it is, it is no part of a name. */
static bool lower_compound(const run *r, size_t p)
{
    const char *w = ttext(r, p);
    /* the part after the last hyphen inside the word */
    for (size_t k = tlen(r, p) - 1; k > 1; k--)
        if (w[k - 1] == '-')
            return w[k] >= 'a' && w[k] <= 'z';
    return false;
}

/* Token i continues a capitalised name begun before it (the word before is capitalised
 * mid-sentence, no function word, no possessive, no compound adjective): "Real Madrid",
 * "Health Centre", but not "Russian-occupied Nova Kakhovka". */
static bool continues_name(const run *r, size_t i)
{
    size_t p = i - 1;
    return i > 0 && same_sentence(r, p, i) && is_cap(r, p) &&
           !has_flag(r, p, EVM_TOKF_SENT_START) && !has_flag(r, p, EVM_TOKF_POSSESSIVE) &&
           !in_tab(r, r->t.function, p) && !lower_compound(r, p);
}

/* Is span sp a generic name of a part of a city: "North Side", "West End", "Old Town",
 * "Chinatown"? */
static bool generic_district(const run *r, const span *sp)
{
    if (sp->j == sp->i)
        return in_tab(r, r->t.district, sp->i);
    return sp->j == sp->i + 1 && in_tab(r, r->t.district, sp->j) &&
           (in_tab(r, r->t.direction, sp->i) ||
            (tlen(r, sp->i) == 3 && strncasecmp(ttext(r, sp->i), "old", 3) == 0));
}

/* Decides whether span sp (candidates in r->cbuf) is a toponym; sets *cues and *recog and
 * points *keptp at the candidates worth keeping (*n_kept of them): r->cbuf itself when all
 * are, else buf. */
static verdict judge(run *r, const span *sp, size_t sent_stop, uint32_t *cues, float *recog,
                     char qual_country[3], evm_candidate *buf, const evm_candidate **keptp,
                     size_t *n_kept)
{
    evm_doc *doc = r->doc;
    size_t i = sp->i, j = sp->j;
    bool single = i == j;
    const char *w;
    size_t wn = span_word(r, sp, &w);
    /* what the word tables and the vocabulary sets say of a single token's word (its final
     * period dropped): token_words knew it already unless a period was dropped */
    uint32_t wm = single ? r->tmask[i] : 0;
    uint64_t wh = !single ? 0 : wn == tlen(r, i) ? r->thash[i] : word_hash(w, wn);
    bool headline = r->headline[doc->tokens[i].sentence];
    bool upper = (doc->tokens[i].flags & EVM_TOKF_UPPER) != 0;
    bool initial = has_flag(r, i, EVM_TOKF_SENT_START);

    *cues = context_cues(r, i, j, qual_country);
    if (headline)
        *cues |= EVM_SPOT_CUE_HEADLINE;
    *cues |= list_cues(r, i);
    /* an all-caps dateline inside the text: "NEWARK -- ...", "CHARLESTON, W.Va. (AP)" */
    if (upper && wn >= 3 &&
        (is_punct(r, j + 1, '-') || is_punct(r, j + 1, '(') ||
         (j + 1 < doc->n_tokens && doc->tokens[j + 1].kind == EVM_TOK_PUNCT &&
          strncmp(ttext(r, j + 1), "\xe2\x80", 2) == 0)))
        *cues |= EVM_SPOT_CUE_DATELINE;
    bool cued = (*cues & (EVM_SPOT_CUE_LOCATIVE | EVM_SPOT_CUE_CITY | EVM_SPOT_CUE_REGION |
                          EVM_SPOT_CUE_DIRECTION | EVM_SPOT_CUE_DATELINE)) != 0;
    /* "at the Royal Free": a common word after an article names a building or a body,
     * whatever preposition comes first */
    if (single && i > 0 && is_word(r, i - 1) && !is_cap(r, i - 1) && tlen(r, i - 1) == 3 &&
        strncmp(ttext(r, i - 1), "the", 3) == 0 && mask_has(wm, r->t.common, w, wn)) {
        cued = false;
        *cues &= ~(uint32_t)EVM_SPOT_CUE_LOCATIVE;
    }
    /* "City, State" right after: a strong cue too */
    if (is_punct(r, j + 1, ',') && same_sentence(r, j, j + 2) && is_cap(r, j + 2)) {
        const char *nw = ttext(r, j + 2);
        size_t nn = tlen(r, j + 2);
        char key[KEY_MAX];
        size_t kn = gz_key(nw, nn, key);
        bool region_next = word_in(r->t.abbrev, nw, nn);
        size_t nc = kn ? gz_cands(r, key, kn) : 0;
        for (size_t k = 0; k < nc; k++)
            if (r->cbuf[k].level == EVM_GEO_ADMIN1 || r->cbuf[k].level == EVM_GEO_COUNTRY)
                region_next = true;
        gz_cands_hashed(r, sp->key, sp->keylen, sp->hash);
        if (region_next)
            cued = true;
    }

    /* keep the candidates worth keeping: alternate names of small places only with a cue
     * or in a multi-word name (all of them, and their facts worked out already, unless
     * some are weak and there is no cue) */
    const evm_candidate *kept = r->cbuf; /* stays valid: gz_cands' memory never moves */
    *n_kept = sp->n_cands;
    uint8_t facts = r->cfacts;
    if (!cued && (facts & CF_WEAK)) {
        size_t all = 0;
        while (all < sp->n_cands && !weak_alternate(&r->cbuf[all]))
            all++;
        *n_kept = all;
        memcpy(buf, r->cbuf, all * sizeof *buf);
        for (size_t k = all + 1; k < sp->n_cands; k++)
            if (!weak_alternate(&r->cbuf[k]))
                buf[(*n_kept)++] = r->cbuf[k];
        kept = buf;
        facts = cand_facts(kept, *n_kept);
    }
    *keptp = kept;
    if (!*n_kept)
        return DROP;
    bool imp = (facts & CF_IMPORTANT) != 0;
    /* every candidate a populated place (or a county by its bare name): a name a person
     * could bear */
    bool local_only = (facts & CF_LOCAL_ONLY) != 0;
    bool area_exact = (facts & CF_AREA_EXACT) != 0; /* a country or region by its own name */

    /* person names: after a title or a first name, or a surname seen in the document */
    for (size_t k = i; k <= j; k++)
        if (r->person[k])
            return DROP;
    /* before a generational suffix, whatever place the name also is: "Bush Jr", "Sr." */
    if (single && is_word(r, j + 1) && same_sentence(r, j, j + 1) &&
        (tlen(r, j + 1) == 2 || (tlen(r, j + 1) == 3 && ttext(r, j + 1)[2] == '.')) &&
        (strncmp(ttext(r, j + 1), "Jr", 2) == 0 || strncmp(ttext(r, j + 1), "Sr", 2) == 0)) {
        hs_add(&r->surnames, wh);
        return DROP;
    }
    if (single && !upper && hs_has(&r->surnames, wh) && !(imp && cued))
        return DROP;
    if (single && local_only && !imp && !cued &&
        (person_context(r, i, j) ||
         (is_word(r, j + 1) && same_sentence(r, j, j + 1) && in_tab(r, r->t.speech, j + 1) &&
          !has_flag(r, j, EVM_TOKF_POSSESSIVE)))) {
        hs_add(&r->surnames, wh);
        return DROP;
    }

    /* demonyms are context, not toponyms ("Ukrainian", "Russians", "South African"); a
     * country's own name that reads as a plural demonym ("Laos", from "Lao") stays a
     * place */
    bool dem = single && wn == tlen(r, i) ? tok_demonym(r, i) : is_demonym(r, w, wn);
    if (dem && !(area_exact && !demonym_word(r, w, wn))) {
        /* one of several words ("South African") is the document's context like one of
         * one word (token_words records those): its first token carries the country */
        if (!single) {
            const char *cc = word_demonym(r, w, wn, word_hash(w, wn));
            if (cc && cc[0] && cc[1] && !cc[2])
                memcpy(doc->demonyms[i], cc, 3);
        }
        return DROP;
    }
    if (single) {
        /* "City Hall", "Town Council", "State Department": a word of government or
         * settlement alone before an institution word names the body, not a place */
        if (mask_has(wm, r->t.institution, w, wn) && is_cap(r, j + 1) &&
            same_sentence(r, j, j + 1) && in_tab(r, r->t.institution, j + 1))
            return DROP_RUN;
        /* words that are never a place alone: "She", "But", "West", "August", "D" */
        if (mask_has(wm, r->t.function, w, wn) || mask_has(wm, r->t.direction, w, wn) ||
            mask_has(wm, r->t.calendar, w, wn) || wn < 2)
            return DROP;
        /* an abbreviation alone ("St.", "Mt.", "St") is not a name; initials ("U.S.")
         * may be; nor is a contraction ("I'll") or a title ("Miss") */
        if ((has_flag(r, i, EVM_TOKF_ABBREV) && !memchr(w, '.', wn)) || (wn == 2 && !upper) ||
            memchr(w, '\'', wn) || mask_has(wm, r->t.titles, w, wn))
            return DROP;
        /* a model year before it: "a 1992 Toyota" (not a country's or a region's own
         * name: "In 2004 Afghanistan, India and Pakistan ...") */
        if (!upper && !area_exact && i > 1 && same_sentence(r, i - 1, i) &&
            doc->tokens[i - 1].kind == EVM_TOK_NUMBER && tlen(r, i - 1) == 4 &&
            (ttext(r, i - 1)[0] == '1' || ttext(r, i - 1)[0] == '2') && !is_punct(r, i - 2, ','))
            return DROP;
        /* currency: "US$460" */
        if (i + 1 < doc->n_tokens && doc->tokens[i + 1].start == doc->tokens[i].end &&
            (doc->tokens[i + 1].kind == EVM_TOK_SYMBOL || ttext(r, i + 1)[0] == '$'))
            return DROP;
    }

    if (strain_follows(r, j))
        return DROP;
    /* "Lakeview and Harrison streets": names before a plural street noun */
    for (size_t n = j + 1; n <= j + 3 && is_word(r, n) && same_sentence(r, j, n); n++) {
        if (!is_cap(r, n) && !in_tab(r, r->t.street, n) && tlen(r, n) > 1 &&
            ttext(r, n)[tlen(r, n) - 1] == 's' &&
            word_in(r->t.street, ttext(r, n), tlen(r, n) - 1)) {
            if (local_only)
                return DROP;
            break;
        }
        if (!is_cap(r, n) && !(tlen(r, n) == 3 && strncmp(ttext(r, n), "and", 3) == 0))
            break;
    }
    /* street names: "Dublin Road", "Memphis St.", "Van Dorn Street" (a county's roads
     * are still the county's: "Otter Tail County Road 80") */
    if (run_has(r, j, r->t.street) && local_only)
        return DROP_RUN;

    /* an all-caps name beside another all-caps word that is no place ("MORRIS LAMONT",
     * a photo credit) is a person's, unless it opens a dateline */
    if (single && upper && !(*cues & EVM_SPOT_CUE_DATELINE) && !headline &&
        ((i > 0 && same_sentence(r, i - 1, i) && has_flag(r, i - 1, EVM_TOKF_UPPER) &&
          is_word(r, i - 1) && tlen(r, i - 1) > 2) ||
         (has_flag(r, j + 1, EVM_TOKF_UPPER) && is_word(r, j + 1) && same_sentence(r, j, j + 1) &&
          tlen(r, j + 1) > 2)))
        return DROP;
    /* a shop named after its owner: "Dunn's Automotive", "Norman's Welding" (a town's
     * possessive before a capitalised word that is no place and no body of the town) */
    if (single && local_only && !imp && !cued && has_flag(r, j, EVM_TOKF_POSSESSIVE) &&
        is_cap(r, j + 1) && same_sentence(r, j, j + 1) && !in_tab(r, r->t.institution, j + 1) &&
        !in_tab(r, r->t.direction, j + 1)) {
        span nx;
        bool place_next = longest_match(r, j + 1, sent_stop, &nx);
        gz_cands_hashed(r, sp->key, sp->keylen, sp->hash);
        if (!place_next)
            return DROP;
    }
    /* a saint's given name in the possessive names a church, a school or a hospital:
     * "St. John's Health System", "St. Mary's students", "at St. Michael's Catholic
     * School" (the towns take a cue and no institution: "in St. John's", "St. John's,
     * Newfoundland"; "St. Petersburg's" is no given name) */
    if (j == i + 1 && has_flag(r, j, EVM_TOKF_POSSESSIVE) && in_tab(r, r->t.first, j) &&
        (!cued || (is_cap(r, j + 1) && in_tab(r, r->t.institution, j + 1))) &&
        ((tlen(r, i) == 3 && strncmp(ttext(r, i), "St.", 3) == 0) ||
         (tlen(r, i) == 2 && strncmp(ttext(r, i), "St", 2) == 0) ||
         (tlen(r, i) == 5 && strncmp(ttext(r, i), "Saint", 5) == 0)))
        return DROP;
    /* a firm's partners: "Stevens & Wilkinson" */
    if (local_only && (is_punct(r, j + 1, '&') || (i > 0 && is_punct(r, i - 1, '&'))))
        return DROP;
    /* short all-caps tokens are acronyms unless they name a country or a region */
    if (single && upper && wn <= 3 && !(facts & CF_REGION))
        return DROP;
    /* so is a longer one inside a sentence ("NATO", "FEMA") that names only small places
     * and has no cue of a place */
    if (single && upper && !headline && !cued && !imp && local_only)
        return DROP;

    if (!headline) {
        /* inside an organisation's name: "Fox News", "Washington Post" */
        if (cap_follower(r, j)) {
            size_t n = j + 1;
            if (in_tab(r, r->t.org, n))
                return DROP_RUN;
            if (single && local_only && !in_tab(r, r->t.institution, n) &&
                !in_tab(r, r->t.function, n) && !in_tab(r, r->t.titles, n) &&
                !in_tab(r, r->t.direction, n) && !in_tab(r, r->t.calendar, n)) {
                span nx;
                bool place_next = longest_match(r, n, sent_stop, &nx);
                bool region_next = false;
                for (size_t k = 0; place_next && k < nx.n_cands; k++)
                    if (r->cbuf[k].level == EVM_GEO_COUNTRY || r->cbuf[k].level == EVM_GEO_ADMIN1)
                        region_next = true;
                gz_cands_hashed(r, sp->key, sp->keylen, sp->hash);
                if (!region_next && !imp)
                    return DROP_RUN; /* "Jackson Browne", "Henry Ford" */
            }
        }
        /* a word of institutions ends a body's name, however large the place it also
         * names: "the Sunnybrook Health Sciences Centre" is not the Centre region */
        if (single && continues_name(r, i) && mask_has(wm, r->t.institution, w, wn))
            return DROP;
        /* nor is a word of landforms that ends a longer name a place of its own: "the
         * Danube Delta" is not Delta State, "the Rift Valley Province" not The Valley
         * ("Central Plateau", a direction first, is left to the cues) */
        if (continues_name(r, i) && in_tab(r, r->t.landform, i) &&
            !in_tab(r, r->t.direction, i - 1))
            return DROP;
        /* a firm's or a facility's name after a word of institutions: "the Miami Beach
         * Marina", "Wright County Eggs" (not a large place: "SOS Children's Village
         * Malakal") */
        if (single && local_only && !imp && continues_name(r, i) &&
            in_tab(r, r->t.institution, i - 1) && !in_tab(r, r->t.direction, i - 1))
            return DROP;
        /* the end of a longer proper name: "Raquel Henry", "Real Madrid" */
        size_t p = i - 1;
        if (continues_name(r, i) && !in_tab(r, r->t.direction, p) && !in_tab(r, r->t.locative, p) &&
            !in_tab(r, r->t.titles, p) && !tok_demonym(r, p) &&
            !(doc->tokens[p].flags & EVM_TOKF_UPPER) && !imp && local_only) {
            bool prev_is_place =
                doc->n_mentions && doc->mentions[doc->n_mentions - 1].tok_first +
                                           doc->mentions[doc->n_mentions - 1].tok_count ==
                                       i;
            if (!prev_is_place) {
                if (single)
                    hs_add(&r->surnames, wh);
                return DROP;
            }
        }
    }

    /* common words that are also place names need a cue, or importance mid-sentence (the
     * tables that token_words leaves out of r->kc->lower have been asked before) */
    bool common =
        single && !upper && (mask_has(wm, r->t.common, w, wn) || ss_has(&r->kc->lower, wh));
    bool first_name = single && mask_has(wm, r->t.first, w, wn);
    /* "the Concord Police": a place's institution or feature after it is a cue too */
    bool institution = is_cap(r, j + 1) && same_sentence(r, j, j + 1) &&
                       !has_flag(r, j, EVM_TOKF_POSSESSIVE) && in_tab(r, r->t.institution, j + 1) &&
                       !in_tab(r, r->t.common, j + 1);
    institution = institution && (facts & CF_EXACT);
    /* a capitalised direction word belongs to the name ("Southern University") */
    bool strong = (*cues & (EVM_SPOT_CUE_LOCATIVE | EVM_SPOT_CUE_CITY | EVM_SPOT_CUE_REGION |
                            EVM_SPOT_CUE_DATELINE)) ||
                  ((*cues & EVM_SPOT_CUE_DIRECTION) && i > 0 && !is_cap(r, i - 1));
    if (common && !strong && !institution && (initial || headline || !area_exact))
        return DROP;
    if (first_name && !cued && (initial || headline || !imp))
        return DROP;
    /* "United Russia", "United Nations": a party or a body */
    if (i > 0 && same_sentence(r, i - 1, i) && is_cap(r, i - 1) && tlen(r, i - 1) == 6 &&
        strncmp(ttext(r, i - 1), "United", 6) == 0)
        return DROP;
    if (headline && !imp && !cued)
        return DROP; /* decided again after the body: see recheck_headline */

    float rc = 0.55f;
    if (*cues & EVM_SPOT_CUE_LOCATIVE)
        rc += 0.25f;
    if (*cues & (EVM_SPOT_CUE_CITY | EVM_SPOT_CUE_REGION))
        rc += 0.15f;
    if (imp)
        rc += 0.15f;
    if (!single)
        rc += 0.05f;
    if (initial && single)
        rc -= 0.1f;
    if (common || first_name)
        rc -= 0.2f;
    if (headline)
        rc -= 0.1f;
    *recog = rc < 0.05f ? 0.05f : rc > 1.0f ? 1.0f : rc;
    return KEEP;
}

/* Parts of a hyphenated word that name places: "Kharkiv-based" (a name and a lowercase
 * word), "U.S.-Mexico" (names of countries, regions or large cities on both sides). Brand
 * names ("Wal-Mart", "Agence France-Presse") and compound adjectives ("Arab-Israeli") give
 * nothing. */
static void spot_hyphenated(run *r, size_t i)
{
    const char *w = ttext(r, i);
    size_t n = tlen(r, i);
    if (!memchr(w, '-', n))
        return;
    size_t parts[8][2], np = 0;
    bool lower_part = false;
    for (size_t a = 0; a < n && np < 8;) {
        size_t b = a;
        while (b < n && w[b] != '-')
            b++;
        int32_t cp = -1;
        if (b > a)
            evm_utf8_decode(w + a, b - a, &cp);
        if (cp > 0 && evm_utf8_is_upper(cp)) {
            parts[np][0] = a;
            parts[np][1] = b;
            np++;
        } else if (cp > 0) {
            lower_part = true;
        }
        a = b + 1;
    }
    /* "Sen. Rahall, D-W.Va." "Rep. Westrom, R-Elbow": a party letter and a home place */
    bool party = np == 2 && parts[0][0] == 0 &&
                 ((parts[0][1] == 1 && (w[0] == 'D' || w[0] == 'R' || w[0] == 'I')) ||
                  (parts[0][1] == 3 && strncmp(w, "DFL", 3) == 0));
    if (party) {
        size_t a = parts[1][0], b = n;
        const char *row = table_row(r->t.abbrev, w + a, b - a);
        span sp = {.i = i, .j = i};
        if (row && strchr(row, '\t')) {
            const char *full = strchr(row, '\t') + 1;
            sp.keylen = gz_key(full, strcspn(full, "\t"), sp.key);
        } else {
            sp.keylen = gz_key(w + a, b - a, sp.key);
        }
        sp.n_cands = sp.keylen ? gz_cands(r, sp.key, sp.keylen) : 0;
        if (sp.n_cands) {
            sp.start = r->tok[i].start + (uint32_t)a;
            sp.end = r->tok[i].start + (uint32_t)b;
            add_mention(r, &sp, r->cbuf, sp.n_cands, EVM_SPOT_CUE_LOCATIVE, 0.6f);
        }
        return;
    }
    /* inside a longer proper name ("Agence France-Presse"), or a strain named after a place
     * ("the Ebola-Reston virus"): no place */
    if ((np >= 2 && continues_name(r, i)) || strain_follows(r, i))
        return;
    for (size_t k = 0; k < np; k++) {
        size_t a = parts[k][0], b = parts[k][1];
        if (b - a < 2 || is_demonym(r, w + a, b - a) || word_in(r->t.common, w + a, b - a) ||
            hs_has(&r->surnames, word_hash(w + a, b - a)) || word_in(r->t.first, w + a, b - a) ||
            word_in(r->t.direction, w + a, b - a))
            continue;
        span sp = {.i = i, .j = i};
        sp.keylen = gz_key(w + a, b - a, sp.key);
        sp.n_cands = sp.keylen ? gz_cands(r, sp.key, sp.keylen) : 0;
        if (!sp.n_cands)
            continue;
        evm_candidate kept[MAX_CANDS];
        size_t nk = 0;
        for (size_t c = 0; c < sp.n_cands; c++)
            if (!weak_alternate(&r->cbuf[c]))
                kept[nk++] = r->cbuf[c];
        bool imp = important(kept, nk);
        bool exact = false;
        for (size_t c = 0; c < nk; c++)
            exact |= kept[c].match == EVM_MATCH_EXACT;
        if (!nk || (!imp && !(lower_part && np == 1) && !(exact && b - a >= 4)))
            continue;
        sp.start = r->tok[i].start + (uint32_t)a;
        sp.end = r->tok[i].start + (uint32_t)b;
        add_mention(r, &sp, kept, nk, 0, 0.6f);
    }
}

/* A name spelt another way than the gazetteer's ("Kryvyi Rig" for Kryvyi Rih): tried only
 * for capitalised words that nothing matched exactly, where the context says a place is
 * expected: after a locative or "city of" cue, or continuing a list of places ("Sumy and
 * Kryvyi Rig"). Transliteration variants only, never fuzzy matches. */
static bool spot_variant(run *r, size_t i, size_t stop)
{
    evm_doc *doc = r->doc;
    if (r->headline[doc->tokens[i].sentence] || has_flag(r, i, EVM_TOKF_UPPER) ||
        in_tab(r, r->t.common, i) || in_tab(r, r->t.first, i) || in_tab(r, r->t.function, i) ||
        in_tab(r, r->t.calendar, i) || tlen(r, i) < 4)
        return false;
    char qc[3];
    uint32_t cues = context_cues(r, i, i, qc);
    bool listed = false;
    if (doc->n_mentions && i >= 2) {
        const evm_mention *pm = &doc->mentions[doc->n_mentions - 1];
        size_t pend = pm->tok_first + pm->tok_count;
        bool sep = is_punct(r, i - 1, ',') ||
                   (is_word(r, i - 1) && (strncmp(ttext(r, i - 1), "and", 3) == 0 ||
                                          strncmp(ttext(r, i - 1), "or", 2) == 0));
        listed = sep && pend == i - 1 && pm->sentence == doc->tokens[i].sentence;
        if (listed) /* "the cities of Sumy and Kryvyi Rig": the list shares its cue */
            cues |= pm->spot->cues & (EVM_SPOT_CUE_CITY | EVM_SPOT_CUE_REGION);
    }
    if (!listed && !(cues & (EVM_SPOT_CUE_LOCATIVE | EVM_SPOT_CUE_CITY | EVM_SPOT_CUE_REGION)))
        return false;
    if (tok_demonym(r, i)) /* last: the costliest test */
        return false;
    evm_lookup_opts opts = {.variants = true};
    evm_candidate c[MAX_CANDS];
    for (size_t len = 2; len >= 1; len--) {
        size_t j = i + len - 1;
        if (j >= stop || !is_cap(r, j) || r->person[j])
            continue;
        uint32_t a = doc->tokens[i].start, b = doc->tokens[j].end;
        size_t nc = evm_gazetteer_lookup(r->gaz, doc->text + a, b - a, &opts, c, MAX_CANDS);
        size_t nk = 0;
        for (size_t k = 0; k < nc; k++)
            if (c[k].match == EVM_MATCH_VARIANT && !weak_alternate(&c[k]))
                c[nk++] = c[k];
        if (!nk)
            continue;
        span sp = {.i = i, .j = j, .start = a, .end = b};
        sp.keylen = gz_key(doc->text + a, b - a, sp.key);
        sp.n_cands = nk;
        evm_mention *m = add_mention(r, &sp, c, nk, cues, 0.5f);
        memcpy(m->spot->qual_country, qc, 3);
        m->match = EVM_MATCH_VARIANT;
        return true;
    }
    return false;
}

/* Abbreviations of states and provinces from a table ("W.Va.", "Tenn.", "Calif."). */
static bool spot_abbrev(run *r, size_t i, size_t stop)
{
    size_t n = tlen(r, i);
    const char *w = ttext(r, i);
    char buf[32];
    if (n + 1 >= sizeof buf)
        return false;
    /* most capitalised words end in no period: their table mask answers (tested first, the
     * cheaper test) */
    bool unlisted = r->t.abbrev && r->t.abbrev->bit && !(r->tmask[i] & r->t.abbrev->bit);
    if (unlisted && w[n - 1] != '.' && !(i + 1 < stop && is_punct(r, i + 1, '.')))
        return false;
    bool dot_tok = is_punct(r, i + 1, '.') && i + 1 < stop;
    memcpy(buf, w, n);
    size_t bn = n;
    if (w[n - 1] != '.' && dot_tok)
        buf[bn++] = '.';
    const char *row = table_row(r->t.abbrev, buf, bn);
    /* a postal code is written in capitals ("Montgomery, AL"): "Al" is a name's article
     * ("Al Hudaydah") or a man */
    if (!row || (buf[bn - 1] != '.' && !has_flag(r, i, EVM_TOKF_UPPER)))
        return false;
    const char *full = strchr(row, '\t');
    if (!full)
        return false;
    full++;
    size_t fn = strcspn(full, "\t");
    bool safe = full[fn] == '\t';
    /* after "City," or a locative word, or marked safe to read anywhere */
    bool after_place = i >= 2 && is_punct(r, i - 1, ',') && r->doc->n_mentions &&
                       r->doc->mentions[r->doc->n_mentions - 1].tok_first +
                               r->doc->mentions[r->doc->n_mentions - 1].tok_count ==
                           i - 1;
    size_t p = prev_word(r, i, false);
    bool loc = p != SIZE_MAX && in_tab(r, r->t.locative, p);
    if (!after_place && !loc && !safe)
        return false;
    span sp = {.i = i, .j = (w[n - 1] != '.' && dot_tok) ? i + 1 : i};
    sp.keylen = gz_key(full, fn, sp.key);
    sp.n_cands = sp.keylen ? gz_cands(r, sp.key, sp.keylen) : 0;
    if (!sp.n_cands)
        return false;
    sp.start = r->tok[sp.i].start;
    sp.end = r->tok[sp.j].end;
    add_mention(r, &sp, r->cbuf, sp.n_cands, after_place ? EVM_SPOT_CUE_QUALIFIES : 0, 0.8f);
    return true;
}

/* Pairs "City, State" / "City, Country": the second qualifies the first. */
static void link_pairs(run *r)
{
    evm_doc *doc = r->doc;
    for (size_t k = 0; k + 1 < doc->n_mentions; k++) {
        evm_mention *a = &doc->mentions[k], *b = &doc->mentions[k + 1];
        if (a->sentence != b->sentence)
            continue;
        size_t a_end = a->tok_first + a->tok_count;
        bool comma = is_punct(r, a_end, ',') && b->tok_first == a_end + 1;
        bool adjacent = b->tok_first == a_end && a->end < b->start;
        /* "the Rice Lake area of Fulton County": the second holds the first, but what it is
         * (a city, a county) is not said, so it gets no cue of its own */
        bool part_of = b->tok_first == a_end + 2 && in_tab(r, r->t.part, a_end) &&
                       !is_cap(r, a_end) && tlen(r, a_end + 1) == 2 &&
                       strncmp(ttext(r, a_end + 1), "of", 2) == 0;
        if (!comma && !adjacent && !part_of)
            continue;
        bool region = false;
        for (size_t c = 0; c < b->spot->n_cands; c++) {
            evm_geo_level lv = b->spot->cands[c].level;
            if (lv == EVM_GEO_COUNTRY || lv == EVM_GEO_ADMIN1 || lv == EVM_GEO_ADMIN2)
                region = true;
        }
        if (!region)
            continue;
        /* a list of regions ("Ohio, Indiana") is not a pair: the first must be able to sit
         * inside the second */
        bool a_inside = false;
        for (size_t c = 0; c < a->spot->n_cands; c++) {
            evm_geo_level lv = a->spot->cands[c].level;
            if (lv == EVM_GEO_POINT || lv == EVM_GEO_ADMIN2)
                a_inside = true;
            if (lv == EVM_GEO_COUNTRY || lv == EVM_GEO_ADMIN1 || lv == EVM_GEO_REGION) {
                a_inside = false;
                break;
            }
        }
        if (!a_inside)
            continue;
        a->spot->qualifier = (int32_t)(k + 1);
        a->spot->cues |= EVM_SPOT_CUE_PAIR;
        if (!part_of)
            b->spot->cues |= EVM_SPOT_CUE_QUALIFIES;
    }
}

/* Headline spans without a cue were dropped unless important; keep those whose name the
 * body confirms. (Title case makes every word a capitalised candidate.) */
static void recheck_headline(run *r, size_t s, size_t a, size_t b)
{
    evm_doc *doc = r->doc;
    for (size_t i = a; i < b; i++) {
        if (!is_cap(r, i) || has_flag(r, i, EVM_TOKF_UPPER))
            continue;
        span sp;
        if (!longest_match(r, i, b, &sp))
            continue;
        bool covered = false;
        for (size_t k = 0; k < doc->n_mentions; k++)
            if (doc->mentions[k].start < sp.end && sp.start < doc->mentions[k].end)
                covered = true;
        if (covered) {
            i = sp.j;
            continue;
        }
        bool confirmed = false;
        for (size_t k = 0; k < doc->n_mentions; k++) {
            const evm_mention *m = &doc->mentions[k];
            if (m->sentence != s && strcmp(m->spot->key, sp.key) == 0 &&
                !(m->spot->cues & EVM_SPOT_CUE_HEADLINE))
                confirmed = true;
        }
        if (confirmed) {
            char qc[3];
            uint32_t cues = context_cues(r, sp.i, sp.j, qc) | EVM_SPOT_CUE_HEADLINE;
            evm_mention *m = add_mention(r, &sp, r->cbuf, sp.n_cands, cues, 0.6f);
            memcpy(m->spot->qual_country, qc, 3);
        }
        i = sp.j;
    }
}

static int mention_cmp(const void *a, const void *b)
{
    const evm_mention *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Points the run's per-token and per-sentence arrays at the thread's memory, grown to the
 * document: person and headline zeroed; token_words fills tmask, thash and tf for every
 * token (tf with 8 zero bytes after them, for next_fact). */
static void run_arrays(run *r)
{
    keycache *kc = r->kc;
    size_t nt = r->nt + 1, ns = r->doc->n_sentences + 1;
    if (nt > kc->tok_room) {
        size_t room = kc->tok_room ? kc->tok_room : 1024;
        while (room < nt)
            room *= 2;
        free(kc->tmask);
        free(kc->thash);
        free(kc->person);
        free(kc->tfact);
        kc->tmask = evm_xmalloc(room * sizeof *kc->tmask);
        kc->thash = evm_xmalloc(room * sizeof *kc->thash);
        kc->person = evm_xmalloc(room);
        kc->tfact = evm_xmalloc(room + 8);
        kc->tok_room = room;
    }
    if (ns > kc->sent_room) {
        size_t room = kc->sent_room ? kc->sent_room : 128;
        while (room < ns)
            room *= 2;
        free(kc->headline);
        kc->headline = evm_xmalloc(room);
        kc->sent_room = room;
    }
    r->tmask = kc->tmask;
    r->thash = kc->thash;
    r->person = kc->person;
    r->tf = kc->tfact;
    r->headline = kc->headline;
    memset(r->person, 0, nt);
    memset(r->headline, 0, ns);
    r->tmask[nt - 1] = 0;
    r->thash[nt - 1] = 0;
    memset(r->tf + nt - 1, 0, 9);
}

evm_err evm_spot_run(evm_doc *doc, const evm_gaz *gaz, evm_diag *diag)
{
    if (!gaz)
        return evm_diag_set(diag, EVM_ERR_GAZ, "spot: no gazetteer");
    doc->n_mentions = 0;
    /* gz_cands' scratch (7 kB) is not zeroed: it fills what it reports */
    evm_candidate scratch[MAX_CANDS];
    run r = {.doc = doc,
             .tok = doc->tokens,
             .nt = doc->n_tokens,
             .text = doc->text,
             .gaz = gaz,
             .cbuf = scratch,
             .scratch = scratch};
    keycache own = {0};
    r.kc = kc_get(gaz);
    if (!r.kc)
        r.kc = &own;
    ss_clear(&r.kc->lower);
    tabs_init(&r.t);
    run_arrays(&r);
    free(doc->demonyms);
    doc->demonyms = evm_xcalloc(doc->n_tokens + 1, sizeof *doc->demonyms);
    token_words(&r);
    find_headlines(&r);
    find_persons(&r);

    char dkey[KEY_MAX];
    size_t dkn = doc->dateline ? gz_key(doc->dateline, strlen(doc->dateline), dkey) : 0;

    for (size_t s = 0; s < doc->n_sentences; s++) {
        const evm_sentence *se = &doc->sentences[s];
        size_t a = se->tok_first, b = se->tok_first + se->tok_count;
        for (size_t i = a; i < b; i++) {
            i = next_fact(&r, i, b, TF_CAP); /* on to the next capitalised word */
            if (i == b)
                break;
            if (spot_abbrev(&r, i, b)) {
                evm_mention *m = &doc->mentions[doc->n_mentions - 1];
                i = m->tok_first + m->tok_count - 1;
                continue;
            }
            span sp;
            bool found = longest_match(&r, i, b, &sp);
            /* "Dublin City Council": a match ending in an institution word that another
             * such word follows is the place plus its institution */
            if (found && sp.j > sp.i && in_tab(&r, r.t.city, sp.j) && is_cap(&r, sp.j + 1) &&
                in_tab(&r, r.t.institution, sp.j + 1)) {
                span shorter;
                if (longest_match(&r, i, sp.j, &shorter))
                    sp = shorter;
                else
                    found = false;
            }
            if (!found) {
                if (r.person[i])
                    continue;
                if (spot_variant(&r, i, b))
                    i = doc->mentions[doc->n_mentions - 1].tok_first +
                        doc->mentions[doc->n_mentions - 1].tok_count - 1;
                else
                    spot_hyphenated(&r, i);
                continue;
            }
            uint32_t cues = 0;
            float recog = 0;
            char qc[3] = "";
            evm_candidate kept_buf[MAX_CANDS];
            const evm_candidate *kept = kept_buf;
            size_t n_kept = 0;
            verdict v = judge(&r, &sp, b, &cues, &recog, qc, kept_buf, &kept, &n_kept);
            /* a sentence's final period glued to the name ("by Thursday.") is not part of it */
            const char *lw = ttext(&r, sp.j);
            size_t ln = tlen(&r, sp.j);
            if (ln >= 5 && lw[ln - 1] == '.' && !memchr(lw, '.', ln - 1))
                sp.end--;
            if (v == KEEP) {
                if (dkn && dkn == sp.keylen && memcmp(dkey, sp.key, dkn) == 0)
                    cues |= EVM_SPOT_CUE_DATELINE;
                if (metonymy_cue(&r, sp.i, sp.j, cues))
                    cues |= EVM_SPOT_CUE_METONYMY;
                if (is_word(&r, sp.j + 1) && in_tab(&r, r.t.institution, sp.j + 1))
                    cues |= EVM_SPOT_CUE_INSTITUTION;
                if (is_cap(&r, sp.j + 1) && same_sentence(&r, sp.j, sp.j + 1) &&
                    !has_flag(&r, sp.j, EVM_TOKF_POSSESSIVE) && in_tab(&r, r.t.landform, sp.j + 1))
                    cues |= EVM_SPOT_CUE_LANDFORM;
                if (generic_district(&r, &sp))
                    cues |= EVM_SPOT_CUE_DISTRICT;
                evm_mention *m = add_mention(&r, &sp, kept, n_kept, cues, recog);
                memcpy(m->spot->qual_country, qc, 3);
            }
            i = sp.j;
            if (v == DROP_RUN)
                while (i + 1 < b && is_cap(&r, i + 1))
                    i++;
            /* "Gainesville Police Department": the institution's words are not places */
            if (v == KEEP)
                while (i + 1 < b && is_cap(&r, i + 1) && !has_flag(&r, i, EVM_TOKF_POSSESSIVE) &&
                       (in_tab(&r, r.t.institution, i + 1) || in_tab(&r, r.t.common, i + 1)))
                    i++;
        }
    }
    for (size_t s = 0; s < doc->n_sentences; s++)
        if (r.headline[s])
            recheck_headline(&r, s, doc->sentences[s].tok_first,
                             doc->sentences[s].tok_first + doc->sentences[s].tok_count);
    if (doc->n_mentions > 1)
        qsort(doc->mentions, doc->n_mentions, sizeof *doc->mentions, mention_cmp);
    link_pairs(&r);

    free(r.surnames.slot);
    if (r.kc == &own)
        kc_clear(&own);
    return EVM_OK;
}
