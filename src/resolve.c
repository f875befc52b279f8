/* resolve.c: toponym resolution (stage 4, after spot, before extract): candidates scored
 * by prior, qualifiers, cues, document countries and regions, and spatial coherence. */
#include "resolve.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spot.h"

double evm_resolve_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0088, d = M_PI / 180.0;
    double p1 = lat1 * d, p2 = lat2 * d, dp = (lat2 - lat1) * d, dl = (lon2 - lon1) * d;
    double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    return 2 * r * asin(fmin(1.0, sqrt(h)));
}

/* fmin and fmax for numbers (never NaN here), without the library call. */
static inline double min_d(double a, double b)
{
    return b < a ? b : a;
}

static inline double max_d(double a, double b)
{
    return b > a ? b : a;
}

/* ---- votes: the document's countries and first-level regions --------------------------
 * A vote is for a key: a country, or a first-level region of a country (region names
 * compared without case). The keys a document can vote for are numbered once (vkeys);
 * a context is then an array of weights by key, with the totals summed in the order the
 * votes come. */

typedef struct vkey {
    char cc[3];
    const char *admin1; /* NULL for a country */
    size_t hash;        /* vkey_hash() */
} vkey;

/* A key looked up lately, by its region string's address (candidates of the same entry
 * share it). */
typedef struct vrecent {
    const char *admin1;
    char cc[2];
    int32_t id1; /* the key's number + 1; 0 when empty */
} vrecent;

#define VKEY_RECENT 64

typedef struct vkeys {
    vkey *k;
    size_t n, cap;
    int32_t *slot; /* open addressing by country and folded region, -1 when free */
    size_t n_slots;
    size_t slot_cap; /* the slots allocated (n_slots of them in use) */
    vrecent recent[VKEY_RECENT];
} vkeys;

/* strcmp(a, b) == 0 for a key's country code a (at most two characters). */
static inline bool cc_eq(const char *a, const char *b)
{
    return a[0] == b[0] && (a[0] == '\0' || (a[1] == b[1] && (a[1] == '\0' || b[2] == '\0')));
}

static bool vkey_is(const vkey *x, const char *cc, const char *admin1)
{
    return cc_eq(x->cc, cc) && (!x->admin1) == (!admin1) &&
           (!admin1 || x->admin1 == admin1 || strcasecmp(x->admin1, admin1) == 0);
}

static inline size_t fold_byte(const char *p)
{
    unsigned char c = (unsigned char)*p;
    return c >= 'A' && c <= 'Z' ? c + 32u : c;
}

/* The hash folds ASCII case as strcasecmp does in the "C" locale (evmap never sets
 * LC_CTYPE); of a region's name it takes the length and three letters (names equal but
 * for case share them; others rarely do, and vkey_is tells them apart). */
static size_t vkey_hash(const char *cc, const char *admin1)
{
    size_t h = (unsigned char)cc[0] * 131u + (cc[0] ? (unsigned char)cc[1] : 0u);
    if (admin1) {
        size_t n = strlen(admin1);
        h = h * 31u + 1u + n;
        if (n) {
            h = h * 31u + fold_byte(admin1);
            h = h * 31u + fold_byte(admin1 + n / 2);
            h = h * 31u + fold_byte(admin1 + n - 1);
        }
    }
    return h * 2654435761u;
}

static int32_t vkey_find_or_add(vkeys *ks, const char *cc, const char *admin1);

/* The number of the key (cc, admin1), added when new; -1 for no key (an empty country
 * or region: such votes are not cast). */
static inline int32_t vkey_id(vkeys *ks, const char *cc, const char *admin1)
{
    if (!cc || !cc[0] || (admin1 && !admin1[0]))
        return -1;
    vrecent *rc =
        &ks->recent[((uintptr_t)admin1 >> 3 ^ (unsigned char)cc[0] * 31u ^ (unsigned char)cc[1]) &
                    (VKEY_RECENT - 1)];
    if (rc->id1 && rc->admin1 == admin1 && rc->cc[0] == cc[0] && rc->cc[1] == cc[1] &&
        (cc[1] == '\0' || cc[2] == '\0'))
        return rc->id1 - 1;
    int32_t id = vkey_find_or_add(ks, cc, admin1);
    *rc = (vrecent){admin1, {cc[0], cc[1]}, id + 1};
    return id;
}

/* vkey_id without the recent keys. */
static int32_t vkey_find_or_add(vkeys *ks, const char *cc, const char *admin1)
{
    if (2 * (ks->n + 1) > ks->n_slots) {
        size_t ns = ks->n_slots ? 2 * ks->n_slots : 64;
        if (ns > ks->slot_cap) {
            free(ks->slot);
            ks->slot = evm_xmalloc(ns * sizeof *ks->slot);
            ks->slot_cap = ns;
        }
        ks->n_slots = ns;
        for (size_t i = 0; i < ns; i++)
            ks->slot[i] = -1;
        for (size_t k = 0; k < ks->n; k++) {
            size_t i = ks->k[k].hash & (ns - 1);
            while (ks->slot[i] >= 0)
                i = (i + 1) & (ns - 1);
            ks->slot[i] = (int32_t)k;
        }
    }
    const size_t h = vkey_hash(cc, admin1);
    size_t i = h & (ks->n_slots - 1);
    for (; ks->slot[i] >= 0; i = (i + 1) & (ks->n_slots - 1))
        if (ks->k[ks->slot[i]].hash == h && vkey_is(&ks->k[ks->slot[i]], cc, admin1))
            return ks->slot[i];
    if (ks->n == ks->cap)
        evm_grow((void **)&ks->k, &ks->cap, ks->n + 1, sizeof *ks->k);
    vkey *x = &ks->k[ks->n];
    memcpy(x->cc, cc, 2);
    x->cc[2] = '\0';
    x->admin1 = admin1;
    x->hash = h;
    ks->slot[i] = (int32_t)ks->n;
    return (int32_t)ks->n++;
}

/* Votes by key (w has one weight per key; 0 where none came). */
typedef struct votes {
    const vkeys *keys;
    double *w;
    double total_cc, total_a1;
} votes;

static void vote_add(votes *vs, int32_t key, double w)
{
    if (key < 0 || w <= 0)
        return;
    vs->w[key] += w;
    if (vs->keys->k[key].admin1)
        vs->total_a1 += w;
    else
        vs->total_cc += w;
}

/* The share of the votes of its kind that key has (total: the votes of that kind,
 * total_cc for a country's key, total_a1 for a region's). */
static double vote_share(const votes *vs, int32_t key, double total)
{
    if (key < 0)
        return 0;
    if (total <= 0)
        return 0;
    return vs->w[key] / max_d(total, 1.0); /* one weak vote is not a consensus */
}

/* The first-level region a candidate lies in (its own name when it is one). */
static const char *cand_admin1(const evm_candidate *c)
{
    if (c->level == EVM_GEO_ADMIN1)
        return c->name;
    return c->admin1 ? c->admin1 : "";
}

/* How much a candidate's vote counts: a neighbourhood or a hamlet says less about the
 * document's country than a city (lg1: log10 of its population + 1). */
static double vote_factor(const evm_candidate *c, double lg1)
{
    if (c->level == EVM_GEO_POINT && !c->capital)
        return min_d(1.0, 0.4 + 0.12 * lg1);
    return 1.0;
}

/* A table entry written for exactly this name (feature LANDMARK). */
static inline bool is_landmark(const evm_candidate *c)
{
    return c->feature && c->feature[0] == 'L' && strcmp(c->feature, "LANDMARK") == 0;
}

/* ---- scoring ----------------------------------------------------------------------------- */

/* Prior belief in a candidate before context: its kind, size and capital status (lg1:
 * log10 of its population + 1). */
static double prior(const evm_candidate *c, double lg1)
{
    double s = 0;
    switch (c->level) {
    case EVM_GEO_COUNTRY:
        s = 4.0;
        break;
    case EVM_GEO_REGION:
        s = 3.0;
        break;
    case EVM_GEO_ADMIN1:
        s = 1.8;
        break;
    case EVM_GEO_ADMIN2:
        s = 0.9;
        break;
    case EVM_GEO_POINT:
        s = 0;
        break;
    }
    if (c->population > 0)
        s += 0.38 * lg1;
    if (c->capital)
        s += 0.9;
    if (is_landmark(c))
        s += 1.5; /* a table entry written for exactly this name */
    /* aliases of countries and regions ("Britain") are as good as names; alternate names
     * of towns and districts ("Lancaster" for Lancaster County) are weaker */
    bool area = c->level == EVM_GEO_COUNTRY || c->level == EVM_GEO_ADMIN1 ||
                c->level == EVM_GEO_REGION || is_landmark(c);
    switch (c->match) {
    case EVM_MATCH_EXACT:
        break;
    case EVM_MATCH_ALTERNATE:
        s -= area ? 0.1 : c->level == EVM_GEO_ADMIN2 ? 1.5 : 1.0;
        break;
    case EVM_MATCH_VARIANT:
        s -= 0.8;
        break;
    case EVM_MATCH_FUZZY:
        s -= 1.5;
        break;
    }
    return s;
}

typedef struct mstate {
    int32_t best;      /* index into the mention's cands */
    double best_score; /* its score */
    double conf;       /* its share of the evidence, 0..1 */
    int32_t group;     /* index of the first mention with the same key */
    uint32_t members;  /* for the first mention of a key: how many mentions share it */
} mstate;

/* A value by candidate entry (one_sense's sums). */
typedef struct memo {
    uint32_t entry;
    int kind; /* unused: 0 */
    double value;
} memo;

/* The coherence of one candidate entry of a name with the other names of the document,
 * shared by the name's mentions and kept across rounds. The term each other name adds
 * is kept in codes and computed again only for the names whose plausible candidates
 * changed since; when a term differs, the sum is redone in name order (the same
 * additions in the same order: the same double). */
typedef struct crec {
    const evm_candidate *cd; /* a candidate of the name with this entry */
    int32_t li;              /* the name (index into leader) */
    bool region;             /* region_term (a first-level region), else near_term */
    bool seat_named;         /* cfixed.seat_named of its candidate */
    bool done;               /* sum and codes are set */
    size_t seen;             /* the changes (rrun.changes) taken into account */
    double sum;
    uint8_t *codes; /* per name its term (an index into cterm); NULL past the budget */
} crec;

/* The terms of coherence and region_coherence, in increasing order. */
static const double cterm[] = {0, 0.2, 0.5, 0.6, 0.7, 1.0};
enum { CT_0, CT_250KM, CT_COUNTRY, CT_100KM, CT_SAME_COUNTRY, CT_1 };

/* Bytes of cached terms a document may hold (records past it are summed afresh). */
#define CREC_BUDGET ((size_t)8 << 20)

/* What score_mention needs of a candidate that does not change between rounds. */
typedef struct cfixed {
    double prior;    /* prior() */
    double cw;       /* weight of the document's countries */
    double aw;       /* weight of the document's first-level regions */
    double penalty;  /* a region named after its capital city, a town named after a region */
    bool seat_named; /* a first-level region that shares its name with its own seat */
    double vfac;     /* vote_factor() */
    int32_t kcc;     /* vote key of its country (a country's key), -1 for none */
    int32_t ka1;     /* vote key of its first-level region (a region's key), -1 for none */
} cfixed;

/* A vote of the base context, in the order they came. */
typedef struct bvote {
    int32_t key;
    double w;
} bvote;

/* One addition to the votes of a round (what vote_add adds), in the order they come:
 * the base votes, then each name's. With the sums before it, so that the votes of every
 * name but one can be summed again from where that name's begin. */
typedef struct vadd {
    int32_t key;
    bool a1; /* a first-level region's key (else a country's) */
    double w;
    double pre_w;  /* the key's weight before it */
    double pre_cc; /* the countries' total before it */
    double pre_a1; /* the regions' total before it */
} vadd;

/* A name with points, by the lowest latitude they reach (see lat_index). */
typedef struct latent {
    double lo;
    int32_t li;
} latent;

/* A plausible point of a name, for coherence. */
typedef struct cpoint {
    double lat, lon;
    bool country;
} cpoint;

/* 1 + 0.3 log(m): the weight of a name said m times (see cast), remembered per thread for
 * the usual counts (0: not yet; the weight is at least 1). */
static double repeat_weight(uint32_t m)
{
    static _Thread_local double memo[64];
    if (m >= 64)
        return 1.0 + 0.3 * log((double)m);
    if (memo[m] == 0)
        memo[m] = 1.0 + 0.3 * log((double)m);
    return memo[m];
}

/* A later mention of a name has the same candidates as the first (fix_candidate gives
 * the same), or is also scored the same (score_mention gives the same). */
enum { SAME_CANDS = 1, SAME_SCORE = 2 };

typedef struct rrun {
    evm_doc *doc;
    const evm_gaz *gaz;
    mstate *st;
    double *cscore; /* per mention, per candidate (flattened, offsets in coff) */
    size_t *coff;
    cfixed *fixed;      /* per mention, per candidate, like cscore */
    double *rep;        /* per mention: the weight of a name repeated `members` times */
    uint8_t *same;      /* per mention: what it shares with its name's first (SAME_...) */
    bool *near_a1;      /* per mention: another of its sentence is a first-level region now */
    cpoint *points;     /* per leader, its plausible non-region candidates (offsets in coff) */
    uint32_t *n_points; /* per mention (leaders only) */
    vkeys keys;         /* what the document can vote for */
    bvote *base;        /* dateline and demonyms, by first arrival */
    size_t n_base, cap_base;
    int32_t *leader; /* the first mention of each name (with spot info), in text order */
    size_t n_leaders;
    int32_t *next; /* the next mention of the same name, -1 after the last */
    int32_t *lidx; /* per leader mention: its index in leader */
    crec *recs;    /* coherence records, each name's together */
    size_t n_recs;
    int32_t *rec_of;         /* per mention, per candidate (like cscore): its record, -1: none */
    uint8_t *codes;          /* the records' cached terms */
    size_t cap_codes;        /* the bytes allocated for them */
    size_t n_coded;          /* how many records have them */
    bool *plaus;             /* per mention, per candidate: plausible at the last collect_points */
    double *lat_lo, *lat_hi; /* per name: the latitudes its points span (lo > hi: none) */
    latent *by_lat;          /* the names with points, by lat_lo (as of by_lat_seen changes) */
    size_t n_by_lat;
    size_t by_lat_seen; /* n_changes + 1 when by_lat was made; 0: never */
    double lat_span;    /* the widest lat_hi - lat_lo among them */
    int32_t *changes;   /* the names whose plausible candidates changed, in order */
    uint32_t *mark;     /* per name: the stamp of the last update that looked at it */
    uint32_t stamp;
    size_t n_changes, cap_changes;
    vadd *adds; /* the votes of the round (see cast) */
    size_t n_adds, cap_adds;
    size_t *add_at;        /* per name: its first vote in adds (n_leaders + 1 of them) */
    double *w_all;         /* the votes of the round by key */
    double all_cc, all_a1; /* and their totals */
    memo *sums;            /* one_sense's sums of a name, and where the first mention's are */
    size_t cap_sums;
    size_t *first_at;
    size_t cap_first;
} rrun;

/* Appends a vote to the round's (those vote_add would not count are left out; cast
 * has made room for every vote of the round). */
static void ballot_add(rrun *r, int32_t key, double w)
{
    if (key < 0 || w <= 0)
        return;
    r->adds[r->n_adds++] = (vadd){key, r->keys.k[key].admin1 != NULL, w, 0, 0, 0};
}

/* Appends the votes one chosen candidate casts (fx: its fixed part): its country and its
 * first-level region. */
static void vote_for(rrun *r, const evm_candidate *c, const cfixed *fx, double w)
{
    if (c->level == EVM_GEO_REGION)
        return;
    if (c->level == EVM_GEO_POINT && !c->capital)
        w *= fx->vfac;
    ballot_add(r, fx->kcc, w);
    if (c->level != EVM_GEO_COUNTRY)
        ballot_add(r, fx->ka1, c->level == EVM_GEO_ADMIN1 ? w * 1.5 : w);
}

/* A base vote (merged with an earlier one for the same key). */
static void base_add(rrun *r, int32_t key, double w)
{
    if (key < 0 || w <= 0)
        return;
    for (size_t i = 0; i < r->n_base; i++)
        if (r->base[i].key == key) {
            r->base[i].w += w;
            return;
        }
    evm_grow((void **)&r->base, &r->cap_base, r->n_base + 1, sizeof *r->base);
    r->base[r->n_base++] = (bvote){key, w};
}

/* Iterates over the mentions of the name whose first mention is g. */
#define FOR_MEMBERS(r, g, k) for (int32_t k = (int32_t)(g); k >= 0; k = (r)->next[k])

static bool is_region_level(evm_geo_level lv)
{
    return lv == EVM_GEO_COUNTRY || lv == EVM_GEO_ADMIN1 || lv == EVM_GEO_REGION;
}

/* Fast distance for coherence: equirectangular, good to a few percent under 1000 km. */
static double quick_km(double lat1, double lon1, double lat2, double lon2)
{
    const double d = M_PI / 180.0;
    double x = (lon2 - lon1) * d * cos((lat1 + lat2) * 0.5 * d), y = (lat2 - lat1) * d;
    return 6371.0 * sqrt(x * x + y * y);
}

/* Is candidate c of mention o still in the running (within reach of its best score)? */
static bool plausible(const rrun *r, size_t o, size_t c)
{
    if (r->st[o].best < 0)
        return c == 0;
    return r->cscore[r->coff[o] + c] >= r->st[o].best_score - 0.6;
}

/* How close the nearest plausible candidate of the name o (a leader) lies to cd: 1 within
 * 30 km, 0.6 within 100 km, 0.2 within 250 km; a country counts (0.5) when its point is
 * within 300 km (a town by the border of a small country). */
static uint8_t km_term(double km, bool country)
{
    if (country)
        return km < 300 ? CT_COUNTRY : CT_0;
    return km < 30 ? CT_1 : km < 100 ? CT_100KM : km < 250 ? CT_250KM : CT_0;
}

/* The square of km kilometres in radians of the earth (quick_km's), a constant. */
#define RAD2(km) (((km) / 6371.0) * ((km) / 6371.0))

/* km_term of a distance plus margin km (-0.01 for a lower bound, +0.01 for an upper one),
 * from the square of the bound in radians (r2): the same bands without the square root. */
static inline uint8_t km_term_r2(double r2, bool country, double margin)
{
    if (country)
        return r2 < RAD2(300 - margin) ? CT_COUNTRY : CT_0;
    return r2 < RAD2(30 - margin)    ? CT_1
           : r2 < RAD2(100 - margin) ? CT_100KM
           : r2 < RAD2(250 - margin) ? CT_250KM
                                     : CT_0;
}

static uint8_t near_term(const rrun *r, size_t o, const evm_candidate *cd)
{
    const double d = M_PI / 180.0;
    const cpoint *pts = &r->points[r->coff[o]];
    uint8_t best = CT_0;
    for (size_t c = 0; c < r->n_points[o] && best < CT_1; c++) {
        const cpoint *oc = &pts[c];
        /* 2.75 degrees of latitude alone are over 305 km: too far to count */
        if (fabs(oc->lat - cd->lat) > 2.75)
            continue;
        /* quick_km lies between the distances its cosine's bounds give (cos(mid) <= 1 and
         * >= cos of the larger latitude >= 1 - t^2 / 2); when both fall in the same band
         * (with a margin of 0.01 km, far above rounding), the cosine is not needed; nor is
         * anything when even the lower bound cannot beat the best term so far */
        double y = (oc->lat - cd->lat) * d, x = (oc->lon - cd->lon) * d;
        double t = max_d(fabs(cd->lat), fabs(oc->lat)) * d, clo = max_d(0, 1 - t * t / 2);
        uint8_t f = km_term_r2(x * x * clo * clo + y * y, oc->country, -0.01);
        if (f <= best)
            continue; /* not nearer than one already found */
        if (f != km_term_r2(x * x + y * y, oc->country, 0.01))
            f = km_term(quick_km(cd->lat, cd->lon, oc->lat, oc->lon), oc->country);
        if (f > best)
            best = f;
    }
    return best;
}

/* For a first-level region cd: does the name o (a leader) have a plausible candidate
 * inside it (1), or is it a region of the same country (0.7: a list of states)? A region
 * named after its capital (see fix_candidate) makes no list of states: "Lviv, Odesa and
 * Dnipro" are three cities, and their regions must not hold each other up. Nor is a region
 * that shares its name with its own seat (seat_named) in one: other regions of the
 * country, anywhere in the story, do not make "Chernihiv" the oblast. */
static uint8_t region_term(const rrun *r, size_t o, const evm_candidate *cd, bool seat_named)
{
    const evm_spot_info *oi = r->doc->mentions[o].spot;
    const cfixed *ofx = &r->fixed[r->coff[o]];
    uint8_t best = CT_0;
    for (size_t c = 0; c < oi->n_cands && best < CT_1; c++) {
        const evm_candidate *oc = &oi->cands[c];
        if (!plausible(r, o, c) || !cc_eq(oc->country, cd->country))
            continue;
        uint8_t f = CT_0;
        if (oc->level == EVM_GEO_ADMIN1 && ofx[c].penalty == 0 && !seat_named)
            f = CT_SAME_COUNTRY;
        else if (strcasecmp(cand_admin1(oc), cd->name) == 0)
            f = CT_1;
        if (f > best)
            best = f;
    }
    return best;
}

/* The term the name li adds to the coherence of e (lat: e's latitude). */
static inline uint8_t coherence_term(const rrun *r, const crec *e, size_t li, double lat)
{
    if (e->region)
        return region_term(r, (size_t)r->leader[li], e->cd, e->seat_named);
    /* no point of li within 2.75 degrees of latitude (with a margin for rounding) */
    if (lat < r->lat_lo[li] - 2.76 || lat > r->lat_hi[li] + 2.76)
        return CT_0;
    return near_term(r, (size_t)r->leader[li], e->cd);
}

static int latent_cmp(const void *a, const void *b)
{
    const latent *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return (x->li > y->li) - (x->li < y->li);
}

/* Fewer names than this are summed afresh one by one (sorting them costs more). */
#define LAT_INDEX_MIN 12

/* Sorts the names with points by the lowest latitude they reach, so that a record summed
 * afresh looks only at the names near its latitude (the others add nothing). */
static void lat_index(rrun *r)
{
    size_t n = 0;
    double span = 0;
    for (size_t li = 0; li < r->n_leaders; li++) {
        if (r->lat_lo[li] > r->lat_hi[li])
            continue;
        r->by_lat[n++] = (latent){r->lat_lo[li], (int32_t)li};
        span = max_d(span, r->lat_hi[li] - r->lat_lo[li]);
    }
    /* (by insertion when the names are few, and many lie at the same latitudes) */
    if (n > 64)
        qsort(r->by_lat, n, sizeof *r->by_lat, latent_cmp);
    for (size_t i = 1; n <= 64 && i < n; i++) {
        latent x = r->by_lat[i];
        size_t j = i;
        for (; j > 0 && r->by_lat[j - 1].lo > x.lo; j--)
            r->by_lat[j] = r->by_lat[j - 1];
        r->by_lat[j] = x;
    }
    r->n_by_lat = n;
    r->lat_span = span;
    r->by_lat_seen = r->n_changes + 1;
}

/* The sum of near_term over the other names, every term afresh into codes (zero for
 * the names too far in latitude, which add nothing: adding zero leaves the sum as it is,
 * so the nonzero terms summed in name order give the same double). */
static double near_afresh(rrun *r, const crec *e, uint8_t *codes, double lat)
{
    if (r->by_lat_seen != r->n_changes + 1)
        lat_index(r);
    memset(codes, CT_0, r->n_leaders);
    /* the first name whose lowest latitude may lie within reach (margins above rounding) */
    const double from = lat - 2.77 - r->lat_span, to = lat + 2.77;
    size_t a = 0, b = r->n_by_lat;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (r->by_lat[mid].lo < from)
            a = mid + 1;
        else
            b = mid;
    }
    size_t first = SIZE_MAX, last = 0;
    for (size_t i = a; i < r->n_by_lat && r->by_lat[i].lo <= to; i++) {
        size_t li = (size_t)r->by_lat[i].li;
        if ((int32_t)li == e->li)
            continue;
        uint8_t t = coherence_term(r, e, li, lat);
        if (t == CT_0)
            continue;
        codes[li] = t;
        first = li < first ? li : first;
        last = li > last ? li : last;
    }
    double near = 0;
    for (size_t li = first; first != SIZE_MAX && li <= last; li++)
        near += cterm[codes[li]];
    return near;
}

/* coherence when terms are to be computed. */
static double coherence_update(rrun *r, crec *e)
{
    const double lat = e->cd->lat;
    if (e->codes && e->done) {
        bool differs = false;
        if (r->n_changes - e->seen <= r->n_leaders) {
            /* (a name that changed twice since is looked at once) */
            const uint32_t stamp = ++r->stamp;
            for (size_t i = e->seen; i < r->n_changes; i++) {
                size_t li = (size_t)r->changes[i];
                if ((int32_t)li == e->li || r->mark[li] == stamp)
                    continue;
                r->mark[li] = stamp;
                uint8_t t = coherence_term(r, e, li, lat);
                differs |= t != e->codes[li];
                e->codes[li] = t;
            }
        } else {
            for (size_t li = 0; li < r->n_leaders; li++) {
                if ((int32_t)li == e->li)
                    continue;
                uint8_t t = coherence_term(r, e, li, lat);
                differs |= t != e->codes[li];
                e->codes[li] = t;
            }
        }
        e->seen = r->n_changes;
        if (!differs)
            return e->sum;
        double near = 0;
        for (size_t li = 0; li < r->n_leaders; li++)
            if ((int32_t)li != e->li)
                near += cterm[e->codes[li]];
        return e->sum = near;
    }
    /* every term afresh (into scratch for a record past the budget, which stays undone) */
    double near = 0;
    uint8_t *codes = e->codes ? e->codes : r->codes + r->n_coded * r->n_leaders;
    const crec ec = *e; /* read once: the byte stores into codes may alias it */
    /* (records past the budget come afresh every time: they keep to one name at a time) */
    const bool indexed = !ec.region && ec.codes && r->n_leaders >= LAT_INDEX_MIN;
    if (indexed)
        near = near_afresh(r, &ec, codes, lat);
    for (size_t li = 0; !indexed && li < r->n_leaders; li++) {
        if ((int32_t)li == ec.li)
            continue;
        uint8_t t = coherence_term(r, &ec, li, lat);
        codes[li] = t;
        near += cterm[t];
    }
    e->done = e->codes != NULL;
    e->seen = r->n_changes;
    return e->sum = near;
}

/* The coherence of a record's entry: the sum over the other names of the document, in
 * name order, of near_term (region_term for a first-level region). */
static inline double coherence(rrun *r, crec *e)
{
    if (e->done && e->seen == r->n_changes)
        return e->sum; /* nothing changed since */
    return coherence_update(r, e);
}

/* Collects the plausible candidates of the leader o that coherence looks at (not regions
 * nor first-level regions), in candidate order; again whenever o's scores or choice
 * change. When any candidate of o became plausible or ceased to be, o joins the changes. */
static void collect_points(rrun *r, size_t o)
{
    const evm_spot_info *oi = r->doc->mentions[o].spot;
    cpoint *pts = &r->points[r->coff[o]];
    bool *pl = &r->plaus[r->coff[o]];
    bool changed = false;
    /* plausible(), with what it reads of o read once */
    const double *sc = &r->cscore[r->coff[o]];
    const double floor = r->st[o].best_score - 0.6;
    if (r->st[o].best < 0) {
        for (size_t c = 0; c < oi->n_cands; c++) {
            changed |= (c == 0) != pl[c];
            pl[c] = c == 0;
        }
    } else {
        for (size_t c = 0; c < oi->n_cands; c++) {
            bool p = sc[c] >= floor;
            changed |= p != pl[c];
            pl[c] = p;
        }
    }
    if (!changed)
        return; /* the same points */
    uint32_t n = 0;
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t c = 0; c < oi->n_cands; c++) {
        const evm_candidate *oc = &oi->cands[c];
        if (oc->level == EVM_GEO_REGION || oc->level == EVM_GEO_ADMIN1 || !pl[c])
            continue;
        pts[n++] = (cpoint){oc->lat, oc->lon, oc->level == EVM_GEO_COUNTRY};
        lo = min_d(lo, oc->lat);
        hi = max_d(hi, oc->lat);
    }
    r->n_points[o] = n;
    r->lat_lo[r->lidx[o]] = lo;
    r->lat_hi[r->lidx[o]] = hi;
    if (r->n_changes == r->cap_changes)
        evm_grow((void **)&r->changes, &r->cap_changes, r->n_changes + 1, sizeof *r->changes);
    r->changes[r->n_changes++] = r->lidx[o];
}

static void collect_all_points(rrun *r)
{
    for (size_t li = 0; li < r->n_leaders; li++)
        collect_points(r, (size_t)r->leader[li]);
}

/* Numbers the candidate entries of each name that coherence scores (points, second- and
 * first-level regions; total: the candidates of all mentions) and gives the first of them cached
 * terms, within the budget. */
static void make_records(rrun *r)
{
    const evm_doc *doc = r->doc;
    for (size_t li = 0; li < r->n_leaders; li++) {
        size_t first = r->n_recs;
        int32_t g = r->leader[li];
        FOR_MEMBERS(r, g, k)
        {
            const evm_spot_info *in = doc->mentions[k].spot;
            if (r->same[k] & SAME_CANDS) {
                memcpy(&r->rec_of[r->coff[k]], &r->rec_of[r->coff[g]],
                       in->n_cands * sizeof *r->rec_of);
                continue;
            }
            for (size_t c = 0; c < in->n_cands; c++) {
                const evm_candidate *cd = &in->cands[c];
                int32_t *ro = &r->rec_of[r->coff[k] + c];
                *ro = -1;
                if (cd->level != EVM_GEO_POINT && cd->level != EVM_GEO_ADMIN2 &&
                    cd->level != EVM_GEO_ADMIN1)
                    continue;
                /* (two candidates of one mention with the same entry would get two records
                 * of equal coherence) */
                size_t i = k == g ? r->n_recs : first;
                while (i < r->n_recs && r->recs[i].cd->entry != cd->entry)
                    i++;
                if (i == r->n_recs)
                    r->recs[r->n_recs++] = (crec){cd,
                                                  (int32_t)li,
                                                  cd->level == EVM_GEO_ADMIN1,
                                                  r->fixed[r->coff[k] + c].seat_named,
                                                  false,
                                                  0,
                                                  0,
                                                  NULL};
                *ro = (int32_t)i;
            }
        }
    }
    size_t coded = r->n_leaders ? CREC_BUDGET / r->n_leaders : 0;
    if (coded > r->n_recs)
        coded = r->n_recs;
    for (size_t li = 0; li < r->n_leaders; li++) {
        r->lat_lo[li] = HUGE_VAL; /* no points yet */
        r->lat_hi[li] = -HUGE_VAL;
    }
    /* (and one more row: the scratch of the records past the budget) */
    size_t need = (coded + 1) * r->n_leaders + 1;
    if (need > r->cap_codes) {
        free(r->codes);
        r->codes = evm_xmalloc(need);
        r->cap_codes = need;
    }
    r->n_coded = coded;
    for (size_t i = 0; i < coded; i++)
        r->recs[i].codes = r->codes + i * r->n_leaders;
}

/* The mentions (at most three, just before k) that the mention k qualifies, in text
 * order, into qa; how many. */
static size_t qualified_by(const rrun *r, size_t k, size_t qa[3])
{
    size_t n = 0;
    for (size_t a = k > 3 ? k - 3 : 0; a < k; a++) {
        const evm_spot_info *ai = r->doc->mentions[a].spot;
        if (ai && ai->qualifier == (int32_t)k)
            qa[n++] = a;
    }
    return n;
}

/* Does cd (a candidate of a mention that qualifies others, "Georgia" in "Atlanta,
 * Georgia") hold a plausible candidate of one of the mentions qa[0..n) it qualifies? */
static bool holds_qualified(const rrun *r, const size_t *qa, size_t n, const evm_candidate *cd)
{
    const evm_doc *doc = r->doc;
    for (size_t j = 0; j < n; j++) {
        size_t a = qa[j];
        const evm_spot_info *ai = doc->mentions[a].spot;
        for (size_t c = 0; c < ai->n_cands; c++) {
            const evm_candidate *ac = &ai->cands[c];
            if (c >= 8 && !plausible(r, a, c))
                continue;
            if (!cc_eq(ac->country, cd->country))
                continue;
            if (cd->level == EVM_GEO_COUNTRY ||
                (cd->level == EVM_GEO_ADMIN1 && strcasecmp(cand_admin1(ac), cd->name) == 0) ||
                (cd->level == EVM_GEO_ADMIN2 && ac->admin2 &&
                 strcasecmp(ac->admin2, cd->name) == 0))
                return true;
        }
    }
    return false;
}

/* The parts of candidate c of mention k's score that do not depend on the context
 * (a1_exact: some candidate of the mention is a first-level region by its own name). */
static void fix_candidate(rrun *r, size_t k, size_t c, bool a1_exact)
{
    const evm_spot_info *in = r->doc->mentions[k].spot;
    const evm_candidate *cd = &in->cands[c];
    cfixed *fx = &r->fixed[r->coff[k] + c];
    /* log10 of the population + 1, for the prior and the vote factor */
    double lg1 = cd->population > 0 ? log10((double)cd->population + 1) : 0; /* log10(1): 0 */
    fx->prior = prior(cd, lg1);
    /* a region's seat named as the region is named ("Mykolaiv" for GeoNames' Mykolayiv,
     * beside Mykolaiv Oblast: the region's name is the name as written and a word for a
     * region) is known by that name: no cost for an alternate name */
    if (cd->level == EVM_GEO_POINT && cd->match == EVM_MATCH_ALTERNATE && cd->feature &&
        strcmp(cd->feature, "PPLA") == 0) {
        size_t kl = strlen(in->key);
        for (size_t o = 0; o < in->n_cands; o++) {
            const evm_candidate *rc = &in->cands[o];
            if (rc->level == EVM_GEO_ADMIN1 && cc_eq(rc->country, cd->country) &&
                strcasecmp(rc->name, cand_admin1(cd)) == 0 &&
                strncasecmp(rc->name, in->key, kl) == 0 && rc->name[kl] == ' ') {
                fx->prior += 1.0;
                break;
            }
        }
    }
    /* the document's countries; a village gains less from them than a city, so that an
     * American story's "Moscow" stays the capital of Russia */
    fx->cw = 3.0;
    /* (past 99,990 people the log is 5 or more, and the factor 1: no call) */
    if (cd->level == EVM_GEO_POINT && !cd->capital && cd->population < 99990)
        fx->cw *= min_d(1.0, log10((double)cd->population + 10) / 5.0);
    /* and so do its first-level regions. A town under 100,000 people that shares its name
     * with a national capital or a city of a million abroad gains half as much from both:
     * one "Texas" or "Ohio" in a story does not make "London" London, Ohio, nor "Paris"
     * Saint Paris, Ohio, nor "Washington" beside "London" Washington, England; a local
     * story still gets its town when more of its names agree */
    fx->aw = 2.6;
    if (cd->level == EVM_GEO_POINT && !cd->capital && cd->population < 100000)
        for (size_t o = 0; o < in->n_cands; o++) {
            const evm_candidate *wc = &in->cands[o];
            if (wc->level == EVM_GEO_POINT && wc->match == EVM_MATCH_EXACT &&
                (wc->capital || wc->population >= 1000000) && !cc_eq(wc->country, cd->country)) {
                fx->cw *= 0.5;
                fx->aw *= 0.5;
                break;
            }
        }
    /* a region named after its capital ("Alexandria" governorate): the bare name is the
     * city */
    fx->penalty = 0;
    fx->seat_named = false;
    if (cd->level == EVM_GEO_ADMIN1)
        for (size_t o = 0; o < in->n_cands && !fx->seat_named; o++) {
            const evm_candidate *pc = &in->cands[o];
            fx->seat_named =
                pc->level == EVM_GEO_POINT && pc->match == EVM_MATCH_EXACT && pc->feature &&
                (strcmp(pc->feature, "PPLA") == 0 || strcmp(pc->feature, "PPLC") == 0) &&
                cc_eq(pc->country, cd->country) &&
                strcasecmp(cand_admin1(pc), cand_admin1(cd)) == 0;
        }
    if (cd->level == EVM_GEO_ADMIN1 || cd->level == EVM_GEO_ADMIN2)
        for (size_t o = 0; o < in->n_cands; o++) {
            const evm_candidate *pc = &in->cands[o];
            if (pc->level != EVM_GEO_POINT || pc->match > cd->match || !pc->feature ||
                strncmp(pc->feature, "PPL", 3) != 0 || !cc_eq(pc->country, cd->country))
                continue;
            /* a seat of government of the region's name, or any town that lies in the
             * district named after it (the Shire of Mansfield around Mansfield) */
            bool seat = (pc->feature[3] == 'A' || pc->feature[3] == 'C') &&
                        (strcasecmp(cand_admin1(pc), cand_admin1(cd)) == 0 ||
                         strncasecmp(cd->name, pc->name, strlen(pc->name)) == 0);
            bool town = cd->level == EVM_GEO_ADMIN2 && pc->admin2 &&
                        strcasecmp(pc->admin2, cd->name) == 0 &&
                        strcasecmp(pc->name, cd->name) == 0;
            if (seat || town) {
                /* a city that is its own region ("Saint Petersburg", "Berlin") */
                bool same = cd->level == EVM_GEO_ADMIN1 &&
                            strcasecmp(cand_admin1(pc), cd->name) == 0 &&
                            (pc->population == 0 || cd->population < 2 * pc->population);
                fx->penalty = same ? 3.0 : 2.5;
                break;
            }
        }
    /* a town named like a first-level region of its own country that does not hold it
     * ("Wales" in England, "Kansas" in Illinois): the bare name is the region */
    if (a1_exact && cd->level == EVM_GEO_POINT && cd->match == EVM_MATCH_EXACT && !cd->capital &&
        cd->population < 100000)
        for (size_t o = 0; o < in->n_cands; o++) {
            const evm_candidate *pc = &in->cands[o];
            if (pc->level == EVM_GEO_ADMIN1 && pc->match == EVM_MATCH_EXACT &&
                cc_eq(pc->country, cd->country) && strcasecmp(cand_admin1(cd), pc->name) != 0) {
                fx->penalty = 2.0;
                break;
            }
        }
    fx->vfac = vote_factor(cd, lg1);
    fx->kcc = vkey_id(&r->keys, cd->country, NULL);
    fx->ka1 = cd->level != EVM_GEO_COUNTRY ? vkey_id(&r->keys, cd->country, cand_admin1(cd)) : -1;
}

/* Do two mentions have the same candidates, as far as fix_candidate looks? */
static bool same_candidates(const evm_spot_info *a, const evm_spot_info *b)
{
    if (!a || !b || a->n_cands != b->n_cands)
        return false;
    for (size_t c = 0; c < a->n_cands; c++) {
        const evm_candidate *x = &a->cands[c], *y = &b->cands[c];
        if (x->entry != y->entry || x->match != y->match || x->level != y->level ||
            x->capital != y->capital || x->population != y->population ||
            x->feature != y->feature || x->name != y->name || x->admin1 != y->admin1 ||
            memcmp(x->country, y->country, sizeof x->country) != 0)
            return false;
    }
    return true;
}

/* Does first-level region g hold candidate c, a place below that level? */
static bool holds(const evm_candidate *g, const evm_candidate *c)
{
    return (c->level == EVM_GEO_POINT || c->level == EVM_GEO_ADMIN2) &&
           cc_eq(g->country, c->country) && strcasecmp(cand_admin1(g), cand_admin1(c)) == 0;
}

/* Is mention o's current place a first-level region, a literal one? */
static bool region_choice(const rrun *r, size_t o)
{
    const evm_mention *om = &r->doc->mentions[o];
    return om->spot && r->st[o].best >= 0 && !(om->spot->cues & EVM_SPOT_CUE_METONYMY) &&
           om->spot->cands[r->st[o].best].level == EVM_GEO_ADMIN1;
}

/* The current places of up to max other names in mention k's sentence that are
 * first-level regions, literal ones (into out); their count. (Not countries: "Cairo" beside
 * "the United States" is still Egypt's.) */
static size_t sentence_regions(const rrun *r, size_t k, const evm_candidate **out, size_t max)
{
    const evm_doc *doc = r->doc;
    uint32_t s = doc->mentions[k].sentence;
    size_t n = 0;
    if (!r->near_a1[k])
        return 0;
    for (int dir = -1; dir <= 1; dir += 2)
        for (size_t o = k + (size_t)dir; o < doc->n_mentions && doc->mentions[o].sentence == s;
             o += (size_t)dir)
            if (region_choice(r, o) && n < max)
                out[n++] = &doc->mentions[o].spot->cands[r->st[o].best];
    return n;
}

/* Notes, once per choice of places, which mentions share their sentence with a region
 * (most do not: sentence_regions then looks no further). The mentions of a sentence are
 * next to each other. */
static void note_sentence_regions(rrun *r)
{
    const evm_doc *doc = r->doc;
    for (size_t a = 0, b; a < doc->n_mentions; a = b) {
        const uint32_t s = doc->mentions[a].sentence;
        unsigned n = 0;
        for (b = a; b < doc->n_mentions && doc->mentions[b].sentence == s; b++) {
            r->near_a1[b] = region_choice(r, b); /* (its own, for now) */
            n += r->near_a1[b];
        }
        for (size_t k = a; k < b; k++)
            r->near_a1[k] = n > (unsigned)r->near_a1[k];
    }
}

/* Scores every candidate of mention k given the current context. */
static void score_mention(rrun *r, size_t k, const votes *ctx)
{
    evm_doc *doc = r->doc;
    const evm_mention *m = &doc->mentions[k];
    const evm_spot_info *in = m->spot;
    const evm_candidate *q = NULL;
    if (in->qualifier >= 0 && (size_t)in->qualifier < doc->n_mentions &&
        r->st[in->qualifier].best >= 0) {
        const evm_mention *qm = &doc->mentions[in->qualifier];
        q = &qm->spot->cands[r->st[in->qualifier].best];
    }
    /* read once (coherence is a call the compiler cannot see through) */
    const unsigned cues = in->cues;
    const bool scoring_cues =
        (cues & (EVM_SPOT_CUE_METONYMY | EVM_SPOT_CUE_CITY | EVM_SPOT_CUE_REGION |
                 EVM_SPOT_CUE_THE | EVM_SPOT_CUE_PAIR | EVM_SPOT_CUE_QUALIFIES)) != 0;
    const bool qual_country = in->qual_country[0] != '\0';
    const double total_cc = ctx->total_cc, total_a1 = ctx->total_a1;
    size_t qa[3], n_qa = cues & EVM_SPOT_CUE_QUALIFIES ? qualified_by(r, k, qa) : 0;
    const cfixed *fixed = &r->fixed[r->coff[k]];
    const int32_t *rec_of = &r->rec_of[r->coff[k]];
    double *cscore = &r->cscore[r->coff[k]];
    /* the first-level regions its own sentence names ("Melbourne and Victoria were
     * affected"): closer evidence than the document's */
    const evm_candidate *near[4];
    size_t n_near = sentence_regions(r, k, near, 4);
    for (size_t c = 0; c < in->n_cands; c++) {
        const evm_candidate *cd = &in->cands[c];
        const cfixed *fx = &fixed[c];
        double s = fx->prior;
        /* the document's countries and regions */
        double cshare = vote_share(ctx, fx->kcc, total_cc);
        s += fx->cw * cshare;
        /* a first-level region of a country the document never mentions ("Gaza" province
         * of Mozambique in a story about Syria and Cyprus) loses its head start */
        if (cd->level == EVM_GEO_ADMIN1 && total_cc >= 1.0 && cshare == 0)
            s -= 1.0;
        s -= fx->penalty; /* (0 for most: s - 0 is s) */
        if (cd->level != EVM_GEO_COUNTRY)
            s += fx->aw * vote_share(ctx, fx->ka1, total_a1);
        for (size_t o = 0; o < n_near && fx->penalty == 0 && cd->match == EVM_MATCH_EXACT; o++)
            if (holds(near[o], cd)) {
                s += 1.5;
                break;
            }
        /* explicit qualifiers */
        if (q) {
            if (q->level == EVM_GEO_COUNTRY && cc_eq(q->country, cd->country))
                s += 4.0;
            else if (q->level == EVM_GEO_ADMIN1 && cc_eq(q->country, cd->country) &&
                     strcasecmp(cand_admin1(q), cand_admin1(cd)) == 0)
                s += 5.0;
            else if (q->level == EVM_GEO_ADMIN2 &&
                     evm_resolve_km(q->lat, q->lon, cd->lat, cd->lon) < 60)
                s += 4.0;
            else
                s -= 1.0;
        }
        if (qual_country)
            s += cc_eq(in->qual_country, cd->country) ? 4.0 : -1.0;
        if (scoring_cues) {
            /* a place that speaks or acts stands for its government: the capital */
            if ((cues & EVM_SPOT_CUE_METONYMY) && cd->capital)
                s += 1.5;
            /* cue words */
            if (cues & EVM_SPOT_CUE_CITY)
                s += cd->level == EVM_GEO_POINT ? 1.0 : -1.0;
            if (cues & EVM_SPOT_CUE_REGION)
                s += cd->level == EVM_GEO_POINT ? -0.8 : 0.8;
            if ((cues & EVM_SPOT_CUE_THE) && cd->level == EVM_GEO_REGION)
                s += 1.0;
            if (cues & EVM_SPOT_CUE_PAIR)
                s += cd->level == EVM_GEO_POINT ? 0.5 : 0;
            if (cues & EVM_SPOT_CUE_QUALIFIES)
                s += is_region_level(cd->level) || cd->level == EVM_GEO_ADMIN2 ? 1.0 : -0.5;
        }
        /* spatial coherence: for every other name of the document, its plausible
         * candidate nearest to this one (so "Dublin", "Columbus" and "Franklin County"
         * pull each other to Ohio even before any of them is decided) */
        int32_t rec = rec_of[c];
        if (cd->level == EVM_GEO_POINT || cd->level == EVM_GEO_ADMIN2)
            s += 1.4 * min_d(2.5, coherence(r, &r->recs[rec]));
        else if (cd->level == EVM_GEO_ADMIN1)
            s += 1.2 * min_d(2.5, coherence(r, &r->recs[rec]));
        /* the second half of "Atlanta, Georgia": the region that holds the first */
        if (cues & EVM_SPOT_CUE_QUALIFIES)
            s += holds_qualified(r, qa, n_qa, cd) ? 3.0 : 0;
        cscore[c] = s;
    }
}

/* The votes of a round: the dateline, demonyms and the current choices of the names
 * (their confidence as weight), in that order, into r->adds; ctx gets all of them (a
 * name's context is all of them but its own: context_without). */
static void cast(rrun *r, votes *ctx, bool first_round)
{
    evm_doc *doc = r->doc;
    r->n_adds = 0;
    /* (the base votes, and at most two by name) */
    evm_grow((void **)&r->adds, &r->cap_adds, r->n_base + 2 * r->n_leaders, sizeof *r->adds);
    for (size_t i = 0; i < r->n_base; i++)
        ballot_add(r, r->base[i].key, r->base[i].w);
    /* each name votes once, a little more when repeated: "Stevens" said eight times in a
     * story about a firm must not outvote the "S.C." written after the city */
    for (size_t li = 0; li < r->n_leaders; li++) {
        size_t k = (size_t)r->leader[li];
        const evm_spot_info *in = doc->mentions[k].spot;
        r->add_at[li] = r->n_adds;
        double rep = r->rep[k];
        if (first_round) {
            /* only the unambiguous speak in the first round */
            if (in->n_cands == 0)
                continue;
            const evm_candidate *c0 = &in->cands[0];
            bool clear = in->n_cands == 1 ||
                         (is_region_level(c0->level) && !is_region_level(in->cands[1].level));
            if (clear)
                vote_for(r, c0, &r->fixed[r->coff[k]], rep);
            continue;
        }
        if (r->st[k].best < 0)
            continue;
        vote_for(r, &in->cands[r->st[k].best], &r->fixed[r->coff[k] + (size_t)r->st[k].best],
                 (0.3 + 0.7 * r->st[k].conf) * rep);
    }
    r->add_at[r->n_leaders] = r->n_adds;
    memset(ctx->w, 0, r->keys.n * sizeof *ctx->w);
    ctx->total_a1 = ctx->total_cc = 0;
    for (size_t i = 0; i < r->n_adds; i++) {
        vadd *v = &r->adds[i];
        v->pre_w = ctx->w[v->key];
        v->pre_cc = ctx->total_cc;
        v->pre_a1 = ctx->total_a1;
        vote_add(ctx, v->key, v->w);
    }
    memcpy(r->w_all, ctx->w, r->keys.n * sizeof *ctx->w);
    r->all_cc = ctx->total_cc;
    r->all_a1 = ctx->total_a1;
}

/* Makes ctx (all the round's votes) the context of the name li: every vote but its own,
 * summed in the same order as all of them. context_restore undoes it. */
static void context_without(rrun *r, votes *ctx, size_t li)
{
    size_t a = r->add_at[li], b = r->add_at[li + 1];
    ctx->total_cc = r->all_cc;
    ctx->total_a1 = r->all_a1;
    if (a == b)
        return;
    /* a name casts at most two votes, for different keys */
    int32_t k1 = r->adds[a].key, k2 = b - a > 1 ? r->adds[a + 1].key : -1;
    double w1 = r->adds[a].pre_w, w2 = b - a > 1 ? r->adds[a + 1].pre_w : 0;
    double cc = r->adds[a].pre_cc, a1 = r->adds[a].pre_a1;
    for (size_t i = b; i < r->n_adds; i++) {
        const vadd *v = &r->adds[i];
        if (v->a1)
            a1 += v->w;
        else
            cc += v->w;
        if (v->key == k1)
            w1 += v->w;
        else if (v->key == k2)
            w2 += v->w;
    }
    ctx->w[k1] = w1;
    if (k2 >= 0)
        ctx->w[k2] = w2;
    ctx->total_cc = cc;
    ctx->total_a1 = a1;
}

static void context_restore(rrun *r, votes *ctx, size_t li)
{
    for (size_t i = r->add_at[li]; i < r->add_at[li + 1]; i++)
        ctx->w[r->adds[i].key] = r->w_all[r->adds[i].key];
}

/* Picks each mention's best candidate from cscore; confidence is its softmax share, which
 * only the names' first mentions need before the last round (cast reads theirs; the
 * output, after the last round, every mention's): with `last` false the others keep
 * their old one. */
static void choose(rrun *r, bool last)
{
    evm_doc *doc = r->doc;
    for (size_t k = 0; k < doc->n_mentions; k++) {
        const evm_spot_info *in = doc->mentions[k].spot;
        const double *s = &r->cscore[r->coff[k]];
        /* a later mention of a name scored as its first takes the same choice */
        size_t g = (size_t)r->st[k].group;
        if (g != k && in->n_cands > 0 && doc->mentions[g].spot->n_cands == in->n_cands &&
            memcmp(s, &r->cscore[r->coff[g]], in->n_cands * sizeof *s) == 0) {
            r->st[k].best = r->st[g].best;
            r->st[k].best_score = r->st[g].best_score;
            r->st[k].conf = r->st[g].conf;
            continue;
        }
        int32_t best = -1;
        for (size_t c = 0; c < in->n_cands; c++)
            if (best < 0 || s[c] > s[best])
                best = (int32_t)c;
        r->st[k].best = best;
        if (best < 0)
            continue;
        r->st[k].best_score = s[best];
        if (!last && g != k)
            continue;
        double z = 0;
        for (size_t c = 0; c < in->n_cands; c++) {
            double e = s[c] - s[best];
            z += e == 0 ? 1.0 : exp(e); /* exp(0) is 1 exactly */
        }
        r->st[k].conf = 1.0 / z;
    }
}

/* Where one_sense finds an entry among a name's sums: open addressing by entry, the
 * thread's, a slot in use when it has the stamp of the name being summed (so that no
 * name clears the table); past SUM_SLOTS / 2 entries a name's are searched in order. */
#define SUM_SLOTS 1024

typedef struct sum_slot {
    uint32_t entry, stamp, at;
} sum_slot;

static _Thread_local sum_slot sum_tab[SUM_SLOTS];
static _Thread_local uint32_t sum_stamp;

/* A stamp for the next name (the table cleared when the stamps wrap around). */
static uint32_t sum_stamp_next(void)
{
    if (++sum_stamp == 0) {
        memset(sum_tab, 0, sizeof sum_tab);
        sum_stamp = 1;
    }
    return sum_stamp;
}

static inline size_t sum_hash(uint32_t entry)
{
    return (size_t)((entry * 2654435761u) >> 22) & (SUM_SLOTS - 1);
}

/* The index of entry e in sums[0..n), n when absent. */
static size_t sum_find(const memo *sums, size_t n, uint32_t e, uint32_t stamp)
{
    if (n >= SUM_SLOTS / 2) {
        size_t i = 0;
        while (i < n && sums[i].entry != e)
            i++;
        return i;
    }
    for (size_t h = sum_hash(e); sum_tab[h].stamp == stamp; h = (h + 1) & (SUM_SLOTS - 1))
        if (sum_tab[h].entry == e)
            return sum_tab[h].at;
    return n;
}

/* Notes that entry e is sums[at] (nothing past SUM_SLOTS / 2 entries). */
static void sum_note(uint32_t e, size_t at, uint32_t stamp)
{
    if (at >= SUM_SLOTS / 2)
        return;
    size_t h = sum_hash(e);
    while (sum_tab[h].stamp == stamp)
        h = (h + 1) & (SUM_SLOTS - 1);
    sum_tab[h] = (sum_slot){e, stamp, (uint32_t)at};
}

/* One sense per name per document: unqualified mentions of the same key take the entry
 * with the highest score summed over the group ("X region" mentions stand apart) (members may hold
 * different candidate lists: the spotter keeps weak alternates only where a cue supports them). */
static void one_sense(rrun *r)
{
    evm_doc *doc = r->doc;
    /* per name: the summed score of every entry its mentions offer */
    /* (the run's buffers, in locals while they grow) */
    memo *sums = r->sums;
    size_t cap = r->cap_sums, *first_at = r->first_at, cap_first = r->cap_first;
    for (size_t li = 0; li < r->n_leaders; li++) {
        size_t g = (size_t)r->leader[li];
        if (r->st[g].members < 2)
            continue;
        size_t n_sums = 0;
        const uint32_t stamp = sum_stamp_next();
        if (doc->mentions[g].spot->n_cands >= cap_first)
            evm_grow((void **)&first_at, &cap_first, doc->mentions[g].spot->n_cands + 1,
                     sizeof *first_at);
        FOR_MEMBERS(r, g, q)
        {
            const evm_spot_info *qi = doc->mentions[q].spot;
            bool region = (qi->cues & EVM_SPOT_CUE_REGION) != 0;
            for (size_t d = 0; d < qi->n_cands; d++) {
                uint32_t e = qi->cands[d].entry;
                size_t i = 0;
                if (r->same[q] & SAME_CANDS)
                    i = first_at[d]; /* the first mention's candidates, in its order */
                else
                    i = sum_find(sums, n_sums, e, stamp);
                if ((size_t)q == g)
                    first_at[d] = i;
                if (i == n_sums) {
                    if (n_sums == cap)
                        evm_grow((void **)&sums, &cap, n_sums + 1, sizeof *sums);
                    sums[n_sums++] = (memo){e, 0, 0};
                    sum_note(e, i, stamp);
                }
                /* "the Sumy region" says nothing about what a bare "Sumy" is */
                if (!region)
                    sums[i].value += r->cscore[r->coff[q] + d];
            }
        }
        uint32_t best_entry = 0;
        double best_sum = -1e300;
        for (size_t i = 0; i < n_sums; i++)
            if (sums[i].value > best_sum) {
                best_sum = sums[i].value;
                best_entry = sums[i].entry;
            }
        FOR_MEMBERS(r, g, o)
        {
            const evm_spot_info *oi = doc->mentions[o].spot;
            if (oi->qualifier >= 0 || oi->qual_country[0] || (oi->cues & EVM_SPOT_CUE_REGION))
                continue;
            for (size_t c = 0; c < oi->n_cands; c++)
                if (oi->cands[c].entry == best_entry)
                    r->st[o].best = (int32_t)c;
        }
    }
    r->sums = sums;
    r->cap_sums = cap;
    r->first_at = first_at;
    r->cap_first = cap_first;
}

/* Demonyms ("Ukrainian officials", read by the spotter into doc->demonyms) and the dateline
 * vote for their countries. */
static void base_context(rrun *r)
{
    evm_doc *doc = r->doc;
    /* Few tokens are demonyms: their array, zeros but for them, is passed 32 bytes at a
     * time, and the tokens of 32 bytes that are not all zero are looked at one by one, in
     * order. */
    char(*dem)[3] = doc->demonyms;
    const size_t nt = dem ? doc->n_tokens : 0, nb = 3 * nt;
    for (size_t i = 0; i < nb;) {
        uint64_t w[4] = {1, 1, 1, 1};
        if (i + 32 <= nb)
            memcpy(w, (const char *)dem + i, 32);
        if ((w[0] | w[1] | w[2] | w[3]) == 0) {
            i += 32;
            continue;
        }
        size_t to = (i + 34) / 3 < nt ? (i + 34) / 3 : nt; /* past the token of byte i + 31 */
        for (size_t t = i / 3; t < to; t++)
            if (dem[t][0])
                base_add(r, vkey_id(&r->keys, dem[t], NULL), 0.5);
        i = 3 * to;
    }
    if (doc->dateline && doc->dateline[0]) {
        char key[256];
        const char *dl = doc->dateline;
        size_t dn = strcspn(dl, ",(");
        size_t kn = evm_gazetteer_key(dl, dn, key, sizeof key);
        evm_candidate c[8];
        size_t nc = kn ? evm_gazetteer_lookup_key(r->gaz, key, kn, c, 8) : 0;
        if (nc) {
            base_add(r, vkey_id(&r->keys, c[0].country, NULL), 2.0);
            if (c[0].level != EVM_GEO_COUNTRY)
                base_add(r, vkey_id(&r->keys, c[0].country, cand_admin1(&c[0])), 1.0);
        }
    }
}

/* A weak span (no cue, a small place, nothing in the document near it or in its
 * country) is more likely a word than a place: is mention k's span weak? */
static bool weak_span(const rrun *r, size_t k)
{
    const evm_mention *m = &r->doc->mentions[k];
    const evm_spot_info *in = m->spot;
    const evm_candidate *c = &in->cands[r->st[k].best];
    /* "in the Atlas Mountains", "Canaan Valley": the feature lies by a town of its name
     * only when the document's regions hold that town (see unsupported), whatever the
     * cues of the feature's own name */
    if ((in->cues & (EVM_SPOT_CUE_LANDFORM | EVM_SPOT_CUE_DISTRICT)) &&
        (c->level == EVM_GEO_POINT || c->level == EVM_GEO_ADMIN2) && !is_landmark(c) &&
        c->population < 100000 && !c->capital) /* "the Las Vegas Valley" is the city's */
        return true;
    /* a qualified name or the dateline's is no weak span; a locative or a "city of" cue
     * says a place is meant, not which: a small town of one word in a country the
     * document does not otherwise name ("a sushi bar in Piccadilly" beside London, "the
     * district of Karo" in Sumatra) stays weak */
    if (in->cues & (EVM_SPOT_CUE_PAIR | EVM_SPOT_CUE_QUALIFIES | EVM_SPOT_CUE_DATELINE))
        return false;
    if (c->level != EVM_GEO_POINT || c->population >= 20000 || c->capital || is_landmark(c))
        return false;
    return m->tok_count <= 1;
}

/* Is token t a comma, or the word "and" or "or"? */
static bool list_joint(const evm_doc *doc, size_t t)
{
    if (t >= doc->n_tokens)
        return false;
    const evm_token *tk = &doc->tokens[t];
    const char *s = doc->text + tk->start;
    size_t n = tk->end - tk->start;
    if (tk->kind == EVM_TOK_PUNCT)
        return n == 1 && s[0] == ',';
    return tk->kind == EVM_TOK_WORD &&
           ((n == 3 && memcmp(s, "and", 3) == 0) || (n == 2 && memcmp(s, "or", 2) == 0));
}

/* Does mention k's explicit qualifier hold no candidate of its name? "Stroud, Ontario"
 * when the gazetteer knows only the Stroud of England: a place the gazetteer lacks. Not
 * in a list of names ("Zaire, Bundibugyo, Côte d'Ivoire and Sudan", "from Crockett,
 * Palestine and Houston"), where the comma pairs no name with its region: a name after
 * the qualifier that is not the qualifier's own country ("Ontario, Canada"), or one
 * right before the name, makes a list. */
static bool qualifier_denies(const rrun *r, size_t k)
{
    const evm_doc *doc = r->doc;
    const evm_spot_info *in = doc->mentions[k].spot;
    size_t qk = (size_t)in->qualifier;
    if (in->qualifier < 0 || qk >= doc->n_mentions || r->st[qk].best < 0)
        return false;
    const evm_spot_info *qi = doc->mentions[qk].spot;
    const evm_candidate *q = &qi->cands[r->st[qk].best];
    /* (a county qualifier is compared at its first-level region: a county's towns are
     * not all known by their county) */
    if (q->level != EVM_GEO_COUNTRY && q->level != EVM_GEO_ADMIN1 && q->level != EVM_GEO_ADMIN2)
        return false;
    const evm_mention *m = &doc->mentions[k], *qm = &doc->mentions[qk];
    if (k > 0 && m->tok_first >= 2 && list_joint(doc, m->tok_first - 1) &&
        doc->mentions[k - 1].tok_first + doc->mentions[k - 1].tok_count == m->tok_first - 1)
        return false;
    size_t after = qm->tok_first + qm->tok_count;
    if (qk + 1 < doc->n_mentions && list_joint(doc, after) &&
        doc->mentions[qk + 1].tok_first == after + 1) {
        const evm_mention *nm = &doc->mentions[qk + 1];
        const evm_candidate *nc =
            nm->spot && r->st[qk + 1].best >= 0 ? &nm->spot->cands[r->st[qk + 1].best] : NULL;
        if (!nc || nc->level != EVM_GEO_COUNTRY || !cc_eq(nc->country, q->country))
            return false;
    }
    for (size_t c = 0; c < in->n_cands; c++) {
        const evm_candidate *cd = &in->cands[c];
        if (cc_eq(q->country, cd->country) &&
            (q->level == EVM_GEO_COUNTRY || strcasecmp(cand_admin1(q), cand_admin1(cd)) == 0))
            return false;
    }
    return true;
}

/* A weak span whose place nothing in the document supports (ctx: the context of its
 * name). */
static bool unsupported(rrun *r, size_t k, const votes *ctx)
{
    /* alone in its document it may well be the story's town; beside other places it
     * must share a country with them. The town a feature is named after needs the
     * document's support: its country and its first-level region, when the document
     * names any */
    const cfixed *fx = &r->fixed[r->coff[k] + (size_t)r->st[k].best];
    if (r->doc->mentions[k].spot->cues & (EVM_SPOT_CUE_LANDFORM | EVM_SPOT_CUE_DISTRICT))
        return (ctx->total_cc > 0 && vote_share(ctx, fx->kcc, ctx->total_cc) < 0.05) ||
               (ctx->total_a1 > 0 && vote_share(ctx, fx->ka1, ctx->total_a1) < 0.05);
    return ctx->total_cc >= 1.0 && vote_share(ctx, fx->kcc, ctx->total_cc) < 0.05;
}

/* Arrays carved out of one block: the same takes are made twice, first to size the
 * block (base NULL), then to place them (zeroed when carve_zero says so). The block is
 * the thread's, kept from one document to the next (*mem, *cap). */
typedef struct carve {
    unsigned char *base;
    size_t off;
    void **mem;
    size_t *cap;
} carve;

static void *carve_take(carve *cv, size_t count, size_t size)
{
    void *p = cv->base ? cv->base + cv->off : NULL;
    cv->off += (count * size + 15) & ~(size_t)15;
    return p;
}

static void *carve_zero(carve *cv, size_t count, size_t size)
{
    void *p = carve_take(cv, count, size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

/* Allocates the block after the sizing pass; true when the placing pass is to come. */
static bool carve_next(carve *cv)
{
    if (cv->base)
        return false;
    if (cv->off + 1 > *cv->cap) {
        free(*cv->mem);
        *cv->mem = evm_xmalloc(cv->off + 1);
        *cv->cap = cv->off + 1;
    }
    cv->base = *cv->mem;
    cv->off = 0;
    return true;
}

/* The buffers of a run that a thread keeps from one document to the next (a block stays
 * only while under RCACHE_KEEP bytes). */
typedef struct rcache {
    void *block[2];
    size_t block_cap[2];
    uint8_t *codes;
    size_t cap_codes;
    double *w;
    size_t cap_w;
    vkey *k;
    size_t cap_k;
    int32_t *slot;
    size_t slot_cap;
    vadd *adds;
    size_t cap_adds;
    bvote *base;
    size_t cap_base;
    int32_t *changes;
    size_t cap_changes;
    memo *sums;
    size_t cap_sums;
    size_t *first_at;
    size_t cap_first;
} rcache;

#define RCACHE_KEEP ((size_t)4 << 20)

/* The buffers a run borrows from the thread's rcache and gives back: the cache's field
 * and its capacity (in elements), then the run's. */
#define RUN_BUFS(X)                                                                                \
    X(k, cap_k, keys.k, keys.cap)                                                                  \
    X(slot, slot_cap, keys.slot, keys.slot_cap)                                                    \
    X(codes, cap_codes, codes, cap_codes)                                                          \
    X(adds, cap_adds, adds, cap_adds)                                                              \
    X(base, cap_base, base, cap_base)                                                              \
    X(changes, cap_changes, changes, cap_changes)                                                  \
    X(sums, cap_sums, sums, cap_sums)                                                              \
    X(first_at, cap_first, first_at, cap_first)

static void rcache_clear(rcache *rc)
{
    free(rc->block[0]);
    free(rc->block[1]);
    free(rc->w);
#define RC_FREE(f, cap, rf, rcap) free(rc->f);
    RUN_BUFS(RC_FREE)
#undef RC_FREE
    memset(rc, 0, sizeof *rc);
}

static void rcache_free(void *p)
{
    if (p)
        rcache_clear(p);
    free(p);
}

static pthread_key_t rc_key;
static bool rc_key_ok;
static pthread_once_t rc_once = PTHREAD_ONCE_INIT;

static void rc_init(void)
{
    rc_key_ok = pthread_key_create(&rc_key, rcache_free) == 0;
}

/* This thread's buffers; NULL when the thread can have none (the run keeps its own). */
static rcache *rcache_get(void)
{
    pthread_once(&rc_once, rc_init);
    if (!rc_key_ok)
        return NULL;
    rcache *rc = pthread_getspecific(rc_key);
    if (!rc) {
        rc = evm_xcalloc(1, sizeof *rc);
        if (pthread_setspecific(rc_key, rc) != 0) {
            free(rc);
            return NULL;
        }
    }
    return rc;
}

/* Gives the run's buffers back to the thread (or frees them, without a thread's cache, and
 * any block past RCACHE_KEEP bytes). */
static void rcache_put(rcache *rc, bool keep)
{
#define RC_BYTES(f, cap, rf, rcap) rc->cap * sizeof *rc->f,
    size_t caps[] = {rc->block_cap[0], rc->block_cap[1], rc->cap_w * sizeof *rc->w,
                     RUN_BUFS(RC_BYTES)};
#undef RC_BYTES
    for (size_t i = 0; keep && i < sizeof caps / sizeof *caps; i++)
        keep = caps[i] <= RCACHE_KEEP;
    if (!keep)
        rcache_clear(rc);
}

/* The rounds of scoring and choosing. */
#define ROUNDS 3

evm_err evm_resolve_run(evm_doc *doc, const evm_gaz *gaz, evm_diag *diag)
{
    if (!gaz)
        return evm_diag_set(diag, EVM_ERR_GAZ, "resolve: no gazetteer");
    size_t n = doc->n_mentions;
    rcache own = {0}, *tc = rcache_get(), *rc = tc ? tc : &own;
    rrun r = {.doc = doc, .gaz = gaz};
#define RC_TAKE(f, cap, rf, rcap)                                                                  \
    r.rf = rc->f;                                                                                  \
    r.rcap = rc->cap;
    RUN_BUFS(RC_TAKE)
#undef RC_TAKE
    size_t total = 0;
    /* Group the mentions by name key through an open-addressing table of leaders, and link
     * each group's members in text order. */
    size_t hcap = 16;
    while (hcap < 2 * n)
        hcap *= 2;
    /* the arrays by mention, in one block */
    int32_t *slot, *last, *remap;
    bool *drop, *weak;
    carve per_mention = {NULL, 0, &rc->block[0], &rc->block_cap[0]};
    do {
        r.st = carve_zero(&per_mention, n + 1, sizeof *r.st);
        r.coff = carve_take(&per_mention, n + 1, sizeof *r.coff);
        slot = carve_take(&per_mention, hcap, sizeof *slot);
        last = carve_take(&per_mention, n + 1, sizeof *last);
        r.leader = carve_take(&per_mention, n + 1, sizeof *r.leader);
        r.next = carve_take(&per_mention, n + 1, sizeof *r.next);
        r.lidx = carve_take(&per_mention, n + 1, sizeof *r.lidx);
        r.n_points = carve_zero(&per_mention, n + 1, sizeof *r.n_points);
        r.rep = carve_take(&per_mention, n + 1, sizeof *r.rep);
        r.same = carve_zero(&per_mention, n + 1, sizeof *r.same);
        r.near_a1 = carve_zero(&per_mention, n + 1, sizeof *r.near_a1); /* (no choice yet) */
        drop = carve_take(&per_mention, n + 1, sizeof *drop);
        weak = carve_take(&per_mention, n + 1, sizeof *weak);
        remap = carve_take(&per_mention, n + 1, sizeof *remap);
    } while (carve_next(&per_mention));
    for (size_t i = 0; i < hcap; i++)
        slot[i] = -1;
    for (size_t k = 0; k < n; k++) {
        r.coff[k] = total;
        const evm_spot_info *in = doc->mentions[k].spot;
        total += in ? in->n_cands : 0;
        r.st[k].best = -1;
        r.st[k].group = (int32_t)k;
        r.next[k] = -1;
        if (!in)
            continue;
        uint64_t h = 1469598103934665603ull;
        for (const unsigned char *p = (const unsigned char *)in->key; *p; p++)
            h = (h ^ *p) * 1099511628211ull;
        size_t i = (size_t)h & (hcap - 1);
        while (slot[i] >= 0 && strcmp(doc->mentions[slot[i]].spot->key, in->key) != 0)
            i = (i + 1) & (hcap - 1);
        if (slot[i] < 0) {
            slot[i] = (int32_t)k;
            r.lidx[k] = (int32_t)r.n_leaders;
            r.leader[r.n_leaders++] = (int32_t)k;
            last[k] = (int32_t)k;
        } else {
            int32_t g = slot[i];
            r.st[k].group = g;
            r.next[last[g]] = (int32_t)k;
            last[g] = (int32_t)k;
        }
    }
    for (size_t k = 0; k < n; k++)
        r.st[r.st[k].group].members++;
    /* the arrays by candidate and by name, in another */
    carve per_cand = {NULL, 0, &rc->block[1], &rc->block_cap[1]};
    do {
        r.cscore = carve_take(&per_cand, total + 1, sizeof *r.cscore);
        r.fixed = carve_take(&per_cand, total + 1, sizeof *r.fixed);
        r.points = carve_take(&per_cand, total + 1, sizeof *r.points);
        r.rec_of = carve_take(&per_cand, total + 1, sizeof *r.rec_of);
        r.recs = carve_take(&per_cand, total + 1, sizeof *r.recs);
        r.plaus = carve_zero(&per_cand, total + 1, sizeof *r.plaus);
        r.lat_lo = carve_take(&per_cand, r.n_leaders + 1, sizeof *r.lat_lo);
        r.lat_hi = carve_take(&per_cand, r.n_leaders + 1, sizeof *r.lat_hi);
        r.by_lat = carve_take(&per_cand, r.n_leaders + 1, sizeof *r.by_lat);
        r.mark = carve_zero(&per_cand, r.n_leaders + 1, sizeof *r.mark);
        r.add_at = carve_take(&per_cand, r.n_leaders + 1, sizeof *r.add_at);
    } while (carve_next(&per_cand));
    for (size_t k = 0; k < n; k++) {
        const evm_spot_info *in = doc->mentions[k].spot;
        size_t g = (size_t)r.st[k].group;
        const evm_spot_info *gi = doc->mentions[g].spot;
        if (g != k && same_candidates(gi, in)) {
            memcpy(&r.fixed[r.coff[k]], &r.fixed[r.coff[g]], in->n_cands * sizeof *r.fixed);
            r.same[k] = SAME_CANDS;
            /* what else score_mention reads of a mention */
            if (in->cues == gi->cues && !(in->cues & EVM_SPOT_CUE_QUALIFIES) && in->qualifier < 0 &&
                gi->qualifier < 0 && strcmp(in->qual_country, gi->qual_country) == 0)
                r.same[k] |= SAME_SCORE;
        } else {
            bool a1_exact = false;
            for (size_t c = 0; in && c < in->n_cands; c++)
                a1_exact |=
                    in->cands[c].level == EVM_GEO_ADMIN1 && in->cands[c].match == EVM_MATCH_EXACT;
            for (size_t c = 0; in && c < in->n_cands; c++)
                fix_candidate(&r, k, c, a1_exact);
        }
        if (r.st[k].members)
            r.rep[k] = repeat_weight(r.st[k].members);
    }
    base_context(&r);
    make_records(&r);
    collect_all_points(&r);

    /* every key is known now */
    if (2 * (r.keys.n + 1) > rc->cap_w) {
        free(rc->w);
        rc->cap_w = 2 * (r.keys.n + 1);
        rc->w = evm_xmalloc(rc->cap_w * sizeof *rc->w);
    }
    votes ctx = {.keys = &r.keys, .w = rc->w};
    r.w_all = ctx.w + r.keys.n + 1;
    for (int round = 0; round < ROUNDS; round++) {
        /* one context per name (it leaves the name's own votes out), shared by its
         * mentions; the choices, hence the votes, change only between rounds */
        cast(&r, &ctx, round == 0);
        for (size_t li = 0; li < r.n_leaders; li++) {
            int32_t g = r.leader[li];
            context_without(&r, &ctx, li);
            FOR_MEMBERS(&r, g, k)
            {
                /* (a region in its own sentence is the mention's own evidence) */
                if ((r.same[k] & SAME_SCORE) && !r.near_a1[k] && !r.near_a1[g])
                    memcpy(&r.cscore[r.coff[k]], &r.cscore[r.coff[g]],
                           doc->mentions[k].spot->n_cands * sizeof *r.cscore);
                else
                    score_mention(&r, (size_t)k, &ctx);
            }
            context_restore(&r, &ctx, li);
            /* (before the first choice only first candidates are plausible: no change) */
            if (round > 0)
                collect_points(&r, (size_t)g);
        }
        choose(&r, round + 1 == ROUNDS);
        if (round + 1 < ROUNDS) { /* (after the last round nothing looks at them) */
            collect_all_points(&r);
            note_sentence_regions(&r);
        }
    }
    one_sense(&r);

    /* weak spans without support lose their place; so does a name whose explicit
     * qualifier holds none of its candidates */
    for (size_t k = 0; k < n; k++)
        drop[k] = !doc->mentions[k].spot || r.st[k].best < 0 || qualifier_denies(&r, k);
    bool any_weak = false;
    for (size_t k = 0; k < n; k++) {
        weak[k] = !drop[k] && weak_span(&r, k);
        any_weak |= weak[k];
    }
    if (any_weak)
        cast(&r, &ctx, false);
    for (size_t li = 0; any_weak && li < r.n_leaders; li++) {
        int32_t g = r.leader[li];
        bool some = false;
        FOR_MEMBERS(&r, g, k)
        some |= weak[k];
        if (!some)
            continue;
        context_without(&r, &ctx, li);
        FOR_MEMBERS(&r, g, k)
        {
            if (weak[k])
                drop[k] = unsupported(&r, (size_t)k, &ctx);
        }
        context_restore(&r, &ctx, li);
    }
    /* write the choices; drop what has no place */
    size_t out = 0;
    for (size_t k = 0; k < n; k++) {
        evm_mention m = doc->mentions[k];
        remap[k] = -1;
        if (drop[k])
            continue;
        const evm_candidate *c = &m.spot->cands[r.st[k].best];
        /* a later mention of a name placed where its first is (by the key place_intern
         * compares: id, name and country) has the place the first found: the first of the
         * document's places with that key */
        size_t g = (size_t)r.st[k].group;
        const evm_mention *gm = g != k && remap[g] >= 0 ? &doc->mentions[remap[g]] : NULL;
        const evm_candidate *gc = gm ? &gm->spot->cands[r.st[g].best] : NULL;
        if (gc && gc->geonameid == c->geonameid && gc->name == c->name &&
            memcmp(gc->country, c->country, sizeof c->country) == 0) {
            m.place = gm->place;
        } else {
            evm_place p;
            memset(&p, 0, sizeof p);
            evm_gazetteer_to_place(c, &p);
            m.place = evm_doc_place_intern(doc, &p);
        }
        m.match = c->match;
        double conf = r.st[k].conf;
        m.score = (float)(m.spot->recog * (0.4 + 0.6 * conf));
        bool landmark = is_landmark(c);
        m.metonymy = (m.spot->cues & EVM_SPOT_CUE_METONYMY) ||
                     (landmark && !(m.spot->cues & EVM_SPOT_CUE_LOCATIVE));
        evm_place *pl = &doc->places[m.place];
        pl->mentions++;
        if (m.metonymy)
            pl->metonymic++;
        if (m.score > pl->best_score)
            pl->best_score = m.score;
        remap[k] = (int32_t)out;
        doc->mentions[out++] = m;
    }
    for (size_t k = 0; k < out; k++) {
        evm_spot_info *in = doc->mentions[k].spot;
        if (in->qualifier >= 0)
            in->qualifier = remap[in->qualifier];
    }
    doc->n_mentions = out;
#define RC_GIVE(f, cap, rf, rcap)                                                                  \
    rc->f = r.rf;                                                                                  \
    rc->cap = r.rcap;
    RUN_BUFS(RC_GIVE)
#undef RC_GIVE
    rcache_put(rc, rc == tc);
    return EVM_OK;
}
