/* gazbuild.c: compiles the gazetteer/ sources (GeoNames places and admin names, Natural
 * Earth countries, evmap's own alias tables) into the memory-mapped index that gazetteer.c
 * opens. Runs at build time through evmap-gazbuild.
 *
 * Coordinates of admin regions and of countries without a Natural Earth polygon: the area
 * centroid of the convex hull of the member places' positions (an estimate of the region's
 * geographic centre), snapped to the member place nearest to it, so the point always lies
 * on a real place inside the region. Countries with a polygon use the
 * point computed by scripts/gazetteer-sources.py (centroid of the largest polygon, or a
 * point on its surface when the centroid falls outside).
 */
#include "gazbuild.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "doc.h"
#include "gazetteer.h"

/* ---- small containers ------------------------------------------------------------------- */

/* Open-addressing map from strings to uint32 values. */
typedef struct strmap {
    char **keys;
    uint32_t *vals;
    size_t cap, n;
} strmap;

static size_t strmap_slot(const strmap *m, const char *k, size_t n)
{
    size_t i = (size_t)evm_gaz_hash(k, n) & (m->cap - 1);
    while (m->keys[i] && (strncmp(m->keys[i], k, n) != 0 || m->keys[i][n] != '\0'))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void strmap_grow(strmap *m)
{
    strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 1024;
    m->keys = evm_xcalloc(m->cap, sizeof *m->keys);
    m->vals = evm_xcalloc(m->cap, sizeof *m->vals);
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) {
            size_t s = strmap_slot(m, old.keys[i], strlen(old.keys[i]));
            m->keys[s] = old.keys[i];
            m->vals[s] = old.vals[i];
        }
    free(old.keys);
    free(old.vals);
}

/* Pointer to the value for k[0..n), or NULL. */
static uint32_t *strmap_get(const strmap *m, const char *k, size_t n)
{
    if (!m->cap)
        return NULL;
    size_t s = strmap_slot(m, k, n);
    return m->keys[s] ? &m->vals[s] : NULL;
}

/* Pointer to the value for k[0..n), inserted as `init` when absent; *added tells. */
static uint32_t *strmap_put(strmap *m, const char *k, size_t n, uint32_t init, bool *added)
{
    if ((m->n + 1) * 2 > m->cap)
        strmap_grow(m);
    size_t s = strmap_slot(m, k, n);
    if (added)
        *added = !m->keys[s];
    if (!m->keys[s]) {
        m->keys[s] = evm_xstrndup(k, n);
        m->vals[s] = init;
        m->n++;
    }
    return &m->vals[s];
}

static void strmap_free(strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
}

/* A growable byte buffer. */
typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
} bytes;

static void bytes_add(bytes *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap;
        evm_grow((void **)&b->p, &cap, b->n + n, 1);
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* ---- the build state -------------------------------------------------------------------- */

typedef struct name_rec {
    uint32_t key;   /* STRINGS offset of the name key */
    uint32_t entry; /* entry index, or for demonyms a STRINGS offset */
    uint16_t weight;
    uint8_t match;
    uint8_t primary; /* a preferred name, or another of a big town: takes part in fuzzy matching */
    uint8_t flags;   /* EVM_GAZ_POST_* */
} name_rec;

typedef struct name_vec {
    name_rec *v;
    size_t n, cap;
} name_vec;

/* Running aggregate of the member places of a country or admin region. */
typedef struct agg {
    double pop;
    float lat, lon;
    uint32_t members;
} agg;

typedef struct build {
    const char *dir;
    evm_diag *diag;
    bytes strings;
    strmap string_ix;
    bytes keys; /* name keys and variant keys (only the builder needs them pooled) */
    strmap key_ix;
    evm_gaz_entry *entries;
    size_t n_entries, cap_entries;
    name_vec names, demonyms;
    strmap aggs; /* "UA", "UA.05", "UA.05.1234" -> index into agg */
    agg *agg;
    size_t n_agg, cap_agg;
    strmap admin1_names, admin2_names; /* code -> STRINGS offset of the source name */
    strmap admin1_display;             /* code -> STRINGS offset of the display name */
    strmap admin_flags;                /* code -> bit 1: "name" override present */
    strmap types;                      /* "UA.1" -> STRINGS offset of "Oblast|oblast,region" */
    strmap place_pop;                  /* "UA\tkey" -> largest population (UINT32_MAX: capital) */
    strmap seats;                      /* "UA.05\tkey" -> 1: a PPLA/PPLA2/PPLC of that admin1 */
    strmap place_by_key;               /* "UA\tkey" -> most populous POINT entry + 1 */
    evm_gazbuild_stats st;
} build;

static uint32_t intern(build *b, const char *s, size_t n)
{
    if (b->strings.n == 0)
        bytes_add(&b->strings, "", 1);
    if (n == 0)
        return 0;
    bool added;
    uint32_t *v = strmap_put(&b->string_ix, s, n, (uint32_t)b->strings.n, &added);
    if (added) {
        bytes_add(&b->strings, s, n);
        bytes_add(&b->strings, "", 1);
    }
    return *v;
}

/* Pools a name key; returns its offset in b->keys. */
static uint32_t intern_key(build *b, const char *s, size_t n)
{
    if (b->keys.n == 0)
        bytes_add(&b->keys, "", 1);
    bool added;
    uint32_t *v = strmap_put(&b->key_ix, s, n, (uint32_t)b->keys.n, &added);
    if (added) {
        bytes_add(&b->keys, s, n);
        bytes_add(&b->keys, "", 1);
    }
    return *v;
}

static const char *key_of(const build *b, uint32_t off)
{
    return (const char *)b->keys.p + off;
}

static uint32_t intern_z(build *b, const char *s)
{
    return intern(b, s, strlen(s));
}

static const char *str_of(const build *b, uint32_t off)
{
    return (const char *)b->strings.p + off;
}

static uint32_t add_entry(build *b, const evm_gaz_entry *e)
{
    evm_grow((void **)&b->entries, &b->cap_entries, b->n_entries + 1, sizeof *b->entries);
    b->entries[b->n_entries] = *e;
    return (uint32_t)b->n_entries++;
}

static void add_name_rec(name_vec *v, uint32_t key, uint32_t entry, float weight, evm_match m,
                         bool primary, unsigned flags)
{
    evm_grow((void **)&v->v, &v->cap, v->n + 1, sizeof *v->v);
    if (weight > 1.0f)
        weight = 1.0f;
    v->v[v->n++] = (name_rec){
        key,           entry, (uint16_t)lrintf(weight * 65535.0f), (uint8_t)m, (uint8_t)primary,
        (uint8_t)flags};
}

/* Adds a name of an entry (as written; keyed here) with posting flags. */
static void add_name_flags(build *b, const char *name, uint32_t entry, float weight, evm_match m,
                           bool primary, unsigned flags)
{
    char key[EVM_GAZ_KEY_MAX];
    size_t kn = evm_gazetteer_key(name, strlen(name), key, sizeof key);
    if (kn == 0)
        return;
    add_name_rec(&b->names, intern_key(b, key, kn), entry, weight, m, primary, flags);
    b->st.n_names++;
}

static void add_name(build *b, const char *name, uint32_t entry, float weight, evm_match m,
                     bool primary)
{
    add_name_flags(b, name, entry, weight, m, primary, 0);
}

/* Files an entry under its GeoNames code ("UA", "UA.05", "US.LA.079") as the key
 * EVM_GAZ_CODE_MARK + code, which no name key can equal. */
static void add_code(build *b, const char *code, uint32_t entry)
{
    char key[80];
    int n = snprintf(key, sizeof key, "%c%s", EVM_GAZ_CODE_MARK, code);
    add_name_rec(&b->names, intern_key(b, key, (size_t)n), entry, 1.0f, EVM_MATCH_EXACT, false, 0);
}

static uint32_t agg_get(build *b, const char *code)
{
    bool added;
    uint32_t *v = strmap_put(&b->aggs, code, strlen(code), (uint32_t)b->n_agg, &added);
    if (added) {
        evm_grow((void **)&b->agg, &b->cap_agg, b->n_agg + 1, sizeof *b->agg);
        memset(&b->agg[b->n_agg], 0, sizeof b->agg[0]);
        b->n_agg++;
    }
    return *v;
}

/* Counts a member place of an aggregate. */
static void agg_add(agg *a, double pop)
{
    a->pop += pop;
    a->members++;
}

/* One member place of an aggregate, for the point computation. */
typedef struct agg_point {
    uint32_t agg;
    double x, y; /* lon, lat */
} agg_point;

static int cmp_point(const void *pa, const void *pb)
{
    const agg_point *a = pa, *b = pb;
    if (a->agg != b->agg)
        return a->agg < b->agg ? -1 : 1;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    return (a->y > b->y) - (a->y < b->y);
}

static double cross(const agg_point *o, const agg_point *a, const agg_point *b)
{
    return (a->x - o->x) * (b->y - o->y) - (a->y - o->y) * (b->x - o->x);
}

/* The point of one aggregate from its members p[0..n) (sorted by x then y): the area
 * centroid of their convex hull (an estimate of the region's geographic centre), snapped
 * to the member nearest to it, so that it lies on a real place of the region. */
static void agg_point_of(agg *a, agg_point *p, size_t n, agg_point *hull)
{
    /* Longitudes across the antimeridian: shift the western ones by 360 and re-sort. */
    if (p[n - 1].x - p[0].x > 180) {
        for (size_t i = 0; i < n; i++)
            if (p[i].x < 0)
                p[i].x += 360;
        qsort(p, n, sizeof *p, cmp_point);
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) { /* Andrew's monotone chain, lower hull */
        while (k >= 2 && cross(&hull[k - 2], &hull[k - 1], &p[i]) <= 0)
            k--;
        hull[k++] = p[i];
    }
    for (size_t i = n - 1, t = k + 1; i-- > 0;) { /* upper hull */
        while (k >= t && cross(&hull[k - 2], &hull[k - 1], &p[i]) <= 0)
            k--;
        hull[k++] = p[i];
    }
    double area = 0, cx = 0, cy = 0;
    for (size_t i = 0; k > 1 && i + 1 < k; i++) {
        double c = hull[i].x * hull[i + 1].y - hull[i + 1].x * hull[i].y;
        area += c;
        cx += (hull[i].x + hull[i + 1].x) * c;
        cy += (hull[i].y + hull[i + 1].y) * c;
    }
    if (fabs(area) > 1e-9) {
        cx /= 3 * area;
        cy /= 3 * area;
    } else { /* one place, or all in a line: their mean */
        cx = cy = 0;
        for (size_t i = 0; i < n; i++) {
            cx += p[i].x;
            cy += p[i].y;
        }
        cx /= (double)n;
        cy /= (double)n;
    }
    double best = INFINITY, kx = cos(cy * 3.14159265358979323846 / 180);
    for (size_t i = 0; i < n; i++) {
        double dx = (p[i].x - cx) * kx, dy = p[i].y - cy, d = dx * dx + dy * dy;
        if (d < best) {
            best = d;
            a->lat = (float)p[i].y;
            a->lon = (float)(p[i].x > 180 ? p[i].x - 360 : p[i].x);
        }
    }
}

/* ---- reading sources -------------------------------------------------------------------- */

typedef struct reader {
    gzFile f;
    char *line;
    size_t cap;
    char path[1024];
    size_t lineno;
} reader;

static evm_err reader_open(build *b, reader *r, const char *name, bool required)
{
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s/%s", b->dir, name);
    r->f = gzopen(r->path, "rb");
    if (!r->f) {
        if (!required)
            return EVM_OK;
        return evm_diag_set(b->diag, EVM_ERR_IO, "%s: %s", r->path,
                            errno ? strerror(errno) : "cannot open");
    }
    gzbuffer(r->f, 1 << 17);
    r->cap = 1 << 16;
    r->line = evm_xmalloc(r->cap);
    return EVM_OK;
}

/* Next line without its newline, or NULL at the end. Skips '#' comments and blank lines. */
static char *reader_next(reader *r)
{
    if (!r->f)
        return NULL;
    for (;;) {
        size_t n = 0;
        r->line[0] = '\0';
        for (;;) {
            if (!gzgets(r->f, r->line + n, (int)(r->cap - n)))
                break;
            n += strlen(r->line + n);
            if (n > 0 && r->line[n - 1] == '\n')
                break;
            if (n + 1 < r->cap)
                continue;
            evm_grow((void **)&r->line, &r->cap, r->cap * 2, 1);
        }
        if (n == 0)
            return NULL;
        r->lineno++;
        while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
            r->line[--n] = '\0';
        if (n == 0 || r->line[0] == '#')
            continue;
        return r->line;
    }
}

static void reader_close(reader *r)
{
    if (r->f)
        gzclose(r->f);
    free(r->line);
}

/* Splits s in place at tabs into at most max fields; returns the count. */
static size_t split_tabs(char *s, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = s;
    for (char *p = s; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    for (size_t i = n; i < max; i++)
        f[i] = "";
    return n;
}

static evm_err bad_line(build *b, const reader *r, const char *what)
{
    return evm_diag_set(b->diag, EVM_ERR_INPUT, "%s:%zu: %s", r->path, r->lineno, what);
}

/* ---- priors ----------------------------------------------------------------------------- */

static float pop_part(double pop)
{
    double p = log10(pop + 1) / 7.5;
    return (float)(p > 1 ? 1 : p);
}

static float place_prior(const char *fcode, double pop)
{
    float p = 0.20f + 0.6f * pop_part(pop);
    if (strcmp(fcode, "PPLC") == 0)
        p += 0.15f;
    else if (strcmp(fcode, "PPLA") == 0)
        p += 0.06f;
    else if (strcmp(fcode, "PPLA2") == 0)
        p += 0.03f;
    else if (strncmp(fcode, "PPLA", 4) == 0)
        p += 0.01f;
    if (strcmp(fcode, "PPLX") == 0)
        p *= 0.85f;
    else if (strcmp(fcode, "PPLH") == 0 || strcmp(fcode, "PPLQ") == 0 || strcmp(fcode, "PPLW") == 0)
        p *= 0.5f;
    return p > 0.99f ? 0.99f : p;
}

/* ---- places ----------------------------------------------------------------------------- */

static void key_in_country(char *buf, size_t cap, const char *cc, const char *key)
{
    snprintf(buf, cap, "%s\t%s", cc, key);
}

static void note_place_pop(build *b, const char *ck, uint32_t pop)
{
    uint32_t *v = strmap_put(&b->place_pop, ck, strlen(ck), pop, NULL);
    if (*v < pop)
        *v = pop;
}

static evm_err load_places(build *b)
{
    reader r;
    evm_err err = reader_open(b, &r, "geonames-places.tsv.gz", true);
    if (err)
        return err;
    typedef struct member_of {
        uint32_t entry;
        uint32_t agg[3]; /* country, admin1, admin2 aggregates (UINT32_MAX: none) */
    } member_of;
    member_of *member = NULL;
    size_t n_member = 0, cap_member = 0;
    char *line;
    char code[64], ck[EVM_GAZ_KEY_MAX + 8], key[EVM_GAZ_KEY_MAX];
    while ((line = reader_next(&r))) {
        char *f[10];
        if (split_tabs(line, f, 10) < 10) {
            free(member);
            reader_close(&r);
            return bad_line(b, &r, "expected 10 tab-separated fields");
        }
        double lat = atof(f[3]), lon = atof(f[4]), pop = atof(f[9]);
        evm_gaz_entry e = {0};
        e.geonameid = (int32_t)atol(f[0]);
        e.lat = (float)lat;
        e.lon = (float)lon;
        e.population = (uint32_t)pop;
        e.name = intern_z(b, f[1]);
        e.feature = intern_z(b, f[5]);
        e.country[0] = f[6][0];
        e.country[1] = f[6][0] ? f[6][1] : 0;
        e.admin1_code = intern_z(b, f[7]);
        snprintf(code, sizeof code, "%s.%s", f[6], f[7]);
        uint32_t *a1 = strmap_get(&b->admin1_display, code, strlen(code));
        e.admin1 = a1 ? *a1 : 0;
        snprintf(code, sizeof code, "%s.%s.%s", f[6], f[7], f[8]);
        uint32_t *a2 = f[8][0] ? strmap_get(&b->admin2_names, code, strlen(code)) : NULL;
        e.admin2 = a2 ? *a2 : 0;
        e.level = EVM_GEO_POINT;
        e.flags = strcmp(f[5], "PPLC") == 0 ? EVM_GAZ_CAPITAL : 0;
        e.prior = place_prior(f[5], pop);
        uint32_t idx = add_entry(b, &e);
        b->st.n_places++;

        add_name(b, f[1], idx, 1.0f, EVM_MATCH_EXACT, true);
        bool capital = strcmp(f[5], "PPLC") == 0, major = pop >= 1e4 || capital;
        bool seat = capital || strcmp(f[5], "PPLA") == 0 || strcmp(f[5], "PPLA2") == 0;
        for (char *a = f[2]; *a;) {
            char *comma = strchr(a, ',');
            if (comma)
                *comma = '\0';
            /* Alternate names of towns of 50,000 and more take part in fuzzy matching
             * too ("Hodeidah" for Hodeida). */
            add_name(b, a, idx, 0.92f, EVM_MATCH_ALTERNATE, pop >= 50000);
            /* The other names of a big city or a seat also make a region's bare name
             * ambiguous ("New York" for New York City, "Vinnytsia" for Vinnytsya). */
            size_t an = major || seat ? evm_gazetteer_key(a, strlen(a), key, sizeof key) : 0;
            if (an && major) {
                key_in_country(ck, sizeof ck, f[6], key);
                note_place_pop(b, ck, capital ? UINT32_MAX : e.population);
            }
            if (an && seat) {
                char sk[EVM_GAZ_KEY_MAX + 80];
                snprintf(sk, sizeof sk, "%s.%s\t%s", f[6], f[7], key);
                strmap_put(&b->seats, sk, strlen(sk), 1, NULL);
            }
            if (!comma)
                break;
            a = comma + 1;
        }

        /* Region aggregates, and the places that make a bare admin name ambiguous. */
        evm_grow((void **)&member, &cap_member, n_member + 1, sizeof *member);
        member_of *mo = &member[n_member++];
        mo->entry = idx;
        mo->agg[0] = agg_get(b, f[6]);
        mo->agg[1] = mo->agg[2] = UINT32_MAX;
        snprintf(code, sizeof code, "%s.%s", f[6], f[7]);
        if (f[7][0])
            mo->agg[1] = agg_get(b, code);
        snprintf(code, sizeof code, "%s.%s.%s", f[6], f[7], f[8]);
        if (f[7][0] && f[8][0])
            mo->agg[2] = agg_get(b, code);
        for (int k = 0; k < 3; k++)
            if (mo->agg[k] != UINT32_MAX)
                agg_add(&b->agg[mo->agg[k]], pop);
        size_t kn = evm_gazetteer_key(f[1], strlen(f[1]), key, sizeof key);
        if (kn) {
            key_in_country(ck, sizeof ck, f[6], key);
            note_place_pop(b, ck, capital ? UINT32_MAX : e.population);
            if (seat) {
                char sk[EVM_GAZ_KEY_MAX + 80];
                snprintf(sk, sizeof sk, "%s.%s\t%s", f[6], f[7], key);
                strmap_put(&b->seats, sk, strlen(sk), 1, NULL);
            }
            bool added;
            uint32_t *best = strmap_put(&b->place_by_key, ck, strlen(ck), idx + 1, &added);
            if (!added && b->entries[*best - 1].population < e.population)
                *best = idx + 1;
        }
    }
    reader_close(&r);
    /* Every aggregate's point from its members' positions. */
    agg_point *pts = evm_xmalloc(sizeof *pts * (n_member * 3 + 1));
    size_t n_pts = 0;
    for (size_t i = 0; i < n_member; i++) {
        const evm_gaz_entry *e = &b->entries[member[i].entry];
        for (int k = 0; k < 3; k++)
            if (member[i].agg[k] != UINT32_MAX)
                pts[n_pts++] = (agg_point){member[i].agg[k], e->lon, e->lat};
    }
    qsort(pts, n_pts, sizeof *pts, cmp_point);
    agg_point *hull = evm_xmalloc(sizeof *hull * (n_pts * 2 + 2));
    for (size_t i = 0; i < n_pts;) {
        size_t j = i;
        while (j < n_pts && pts[j].agg == pts[i].agg)
            j++;
        agg_point_of(&b->agg[pts[i].agg], pts + i, j - i, hull);
        i = j;
    }
    free(hull);
    free(pts);
    free(member);
    return EVM_OK;
}

/* ---- admin regions ---------------------------------------------------------------------- */

static const char *const admin_suffixes[] = {
    "oblast",   "region",   "province", "governorate",  "state",      "krai",
    "kray",     "republic", "city",     "prefecture",   "county",     "parish",
    "district", "raion",    "rayon",    "municipality", "department", "voivodeship",
    "canton",   "emirate",  "borough",  "okrug",        "territory",  "division"};

/* Length of name without a trailing admin-type word ("Zhytomyr Oblast" -> 8), or the
 * whole length when it has none. */
static size_t admin_base_len(const char *name)
{
    size_t n = strlen(name);
    const char *sp = strrchr(name, ' ');
    if (!sp || sp == name)
        return n;
    for (size_t i = 0; i < sizeof admin_suffixes / sizeof admin_suffixes[0]; i++)
        if (strcasecmp(sp + 1, admin_suffixes[i]) == 0)
            return (size_t)(sp - name);
    return n;
}

/* Formal leading type phrases of GeoNames admin names ("Province of Nueva Ecija"). "District
 * of" is not one: "District of Columbia" is not "Columbia". */
static const char *const admin_prefixes[] = {
    "Province of ",  "Provincia de ",  "Provincia di ",      "Provincia del ",    "Provincia ",
    "Province de ",  "Province du ",   "Departamento de ",   "Departamento del ", "Department of ",
    "Municipio de ", "Municipio del ", "Municipio ",         "Municipality of ",  "Distrito de ",
    "City of ",      "County of ",     "Arrondissement de ", "Powiat ",           "Obshtina ",
    "Opština ",      "Bezirk ",        "Regierungsbezirk ",  "Canton of ",        "Canton de "};

/* Length of a leading type phrase of name, 0 when it has none (or nothing follows it). */
static size_t admin_prefix_len(const char *name)
{
    for (size_t i = 0; i < sizeof admin_prefixes / sizeof admin_prefixes[0]; i++) {
        size_t l = strlen(admin_prefixes[i]);
        if (strncasecmp(name, admin_prefixes[i], l) == 0 && name[l])
            return l;
    }
    return 0;
}

static evm_err load_admin_names(build *b, const char *file, strmap *m)
{
    reader r;
    evm_err err = reader_open(b, &r, file, true);
    if (err)
        return err;
    char *line;
    while ((line = reader_next(&r))) {
        char *f[2];
        if (split_tabs(line, f, 2) < 2) {
            reader_close(&r);
            return bad_line(b, &r, "expected: code<TAB>name");
        }
        *strmap_put(m, f[0], strlen(f[0]), 0, NULL) = intern_z(b, f[1]);
    }
    reader_close(&r);
    return EVM_OK;
}

/* admin-types.tsv: CC<TAB>level<TAB>display suffix or -<TAB>type words (comma-separated). */
static evm_err load_types(build *b)
{
    reader r;
    evm_err err = reader_open(b, &r, "admin-types.tsv", true);
    if (err)
        return err;
    char *line, k[16], v[512];
    while ((line = reader_next(&r))) {
        char *f[4];
        if (split_tabs(line, f, 4) < 4) {
            reader_close(&r);
            return bad_line(b, &r, "expected: CC<TAB>level<TAB>suffix<TAB>words");
        }
        snprintf(k, sizeof k, "%s.%s", f[0], f[1]);
        snprintf(v, sizeof v, "%s|%s", strcmp(f[2], "-") == 0 ? "" : f[2], f[3]);
        *strmap_put(&b->types, k, strlen(k), 0, NULL) = intern_z(b, v);
    }
    reader_close(&r);
    return EVM_OK;
}

/* The display suffix and type words for a country and admin level ("" when none). */
static void admin_types(build *b, const char *cc, int level, char *suffix, size_t scap, char *words,
                        size_t wcap)
{
    /* The suffix comes from the country's row; the type words are the country's and the
     * generic ones ("region") together. */
    char k[16];
    snprintf(k, sizeof k, "%s.%d", cc, level);
    uint32_t *v = strmap_get(&b->types, k, strlen(k));
    snprintf(k, sizeof k, "*.%d", level);
    uint32_t *any = strmap_get(&b->types, k, strlen(k));
    const char *s = v ? str_of(b, *v) : "|";
    const char *bar = strchr(s, '|');
    const char *gen = any ? strchr(str_of(b, *any), '|') + 1 : "";
    snprintf(suffix, scap, "%.*s", (int)(bar - s), s);
    snprintf(words, wcap, "%s%s%s", bar + 1, bar[1] && gen[0] ? "," : "", gen);
}

/* admin-aliases.tsv: code<TAB>name<TAB>flag: "name" (display name), "abbr" (abbreviation),
 * or empty (an alternate name). Display names are applied before places load. */
static evm_err load_admin_aliases(build *b, bool display_only)
{
    reader r;
    evm_err err = reader_open(b, &r, "admin-aliases.tsv", true);
    if (err)
        return err;
    char *line;
    while ((line = reader_next(&r))) {
        char *f[3];
        if (split_tabs(line, f, 3) < 2) {
            reader_close(&r);
            return bad_line(b, &r, "expected: code<TAB>name[<TAB>flag]");
        }
        bool is_name = strcmp(f[2], "name") == 0;
        if (display_only) {
            if (is_name) {
                *strmap_put(&b->admin1_display, f[0], strlen(f[0]), 0, NULL) = intern_z(b, f[1]);
                *strmap_put(&b->admin_flags, f[0], strlen(f[0]), 0, NULL) |= 1;
            }
            continue;
        }
        char ek[80];
        snprintf(ek, sizeof ek, "entry:%s", f[0]);
        uint32_t *e = strmap_get(&b->aggs, ek, strlen(ek));
        if (!e)
            continue;
        bool abbr = strcmp(f[2], "abbr") == 0;
        add_name_flags(b, f[1], *e, abbr ? EVM_GAZ_ABBREV_WEIGHT : 0.92f, EVM_MATCH_ALTERNATE,
                       is_name, abbr ? EVM_GAZ_POST_ABBREV : 0);
    }
    reader_close(&r);
    return EVM_OK;
}

/* The display name of an admin1 code: an override, else the source name with the country's
 * display suffix when it has no type word ("Donetsk" -> "Donetsk Oblast"). */
static void admin1_displays(build *b)
{
    for (size_t i = 0; i < b->admin1_names.cap; i++) {
        const char *code = b->admin1_names.keys[i];
        if (!code || strmap_get(&b->admin1_display, code, strlen(code)))
            continue;
        const char *name = str_of(b, b->admin1_names.vals[i]);
        char cc[3] = {code[0], code[1], 0}, suffix[64], words[256], disp[512];
        admin_types(b, cc, 1, suffix, sizeof suffix, words, sizeof words);
        if (suffix[0] && admin_base_len(name) == strlen(name))
            snprintf(disp, sizeof disp, "%s %s", name, suffix);
        else
            snprintf(disp, sizeof disp, "%s", name);
        *strmap_put(&b->admin1_display, code, strlen(code), 0, NULL) = intern_z(b, disp);
    }
}

/* Whether a bare region name more likely means a place of the same name: the capital of
 * the country, the seat of the region's admin1, or a place with at least a fifth of the
 * region's population ("Donetsk", "New York", "Paris" the department; not "Wyoming"). */
static bool clashes_with_place(build *b, const char *cc, const char *a1code, double region_pop,
                               const char *name, size_t n)
{
    char key[EVM_GAZ_KEY_MAX], ck[EVM_GAZ_KEY_MAX + 80];
    size_t kn = evm_gazetteer_key(name, n, key, sizeof key);
    if (!kn)
        return false;
    key_in_country(ck, sizeof ck, cc, key);
    uint32_t *pop = strmap_get(&b->place_pop, ck, strlen(ck));
    if (pop && (*pop == UINT32_MAX || (*pop >= 10000 && *pop >= 0.2 * region_pop)))
        return true;
    snprintf(ck, sizeof ck, "%s.%s\t%s", cc, a1code, key);
    return strmap_get(&b->seats, ck, strlen(ck)) != NULL;
}

static void add_admin_entries(build *b, int level)
{
    strmap *names = level == 1 ? &b->admin1_names : &b->admin2_names;
    for (size_t i = 0; i < names->cap; i++) {
        const char *code = names->keys[i];
        if (!code)
            continue;
        uint32_t *ai = strmap_get(&b->aggs, code, strlen(code));
        if (!ai || b->agg[*ai].members == 0) {
            b->st.n_dropped_admin++;
            continue;
        }
        const agg *a = &b->agg[*ai];
        /* Copies: interning below may move the string pool. */
        char src[512], display[512];
        snprintf(src, sizeof src, "%s", str_of(b, names->vals[i]));
        char cc[3] = {code[0], code[1], 0}, a1code[64] = "", parent[80];
        const char *dot = strchr(code, '.');
        if (dot) {
            const char *dot2 = strchr(dot + 1, '.');
            size_t l = dot2 ? (size_t)(dot2 - dot - 1) : strlen(dot + 1);
            snprintf(a1code, sizeof a1code, "%.*s", (int)l, dot + 1);
        }
        snprintf(parent, sizeof parent, "%s.%s", cc, a1code);
        uint32_t *pd = strmap_get(&b->admin1_display, parent, strlen(parent));
        snprintf(display, sizeof display, "%s", level == 1 && pd ? str_of(b, *pd) : src);

        evm_gaz_entry e = {0};
        e.geonameid = -1;
        e.lat = a->lat;
        e.lon = a->lon;
        e.population = a->pop > UINT32_MAX ? UINT32_MAX : (uint32_t)a->pop;
        e.name = intern_z(b, display);
        e.feature = intern_z(b, level == 1 ? "ADM1" : "ADM2");
        e.country[0] = cc[0];
        e.country[1] = cc[1];
        e.admin1_code = intern_z(b, a1code);
        e.admin1 = pd ? *pd : 0;
        e.admin2 = level == 2 ? intern_z(b, src) : 0;
        e.level = level == 1 ? EVM_GEO_ADMIN1 : EVM_GEO_ADMIN2;
        e.prior = (level == 1 ? 0.45f : 0.30f) + 0.4f * pop_part(a->pop);
        uint32_t idx = add_entry(b, &e);
        char ek[80];
        snprintf(ek, sizeof ek, "entry:%s", code);
        *strmap_put(&b->aggs, ek, strlen(ek), 0, NULL) = idx;
        add_code(b, code, idx);
        if (level == 1)
            b->st.n_admin1++;
        else
            b->st.n_admin2++;

        /* Names: the display name, the source name, the bare name without its type word
         * (a low-prior alternate for admin2 and when a big place of the country bears it)
         * and "<bare> <type word>" ("Donetsk region"). */
        add_name(b, display, idx, 1.0f, EVM_MATCH_EXACT, true);
        size_t bl = admin_base_len(src), pl = admin_prefix_len(src);
        const char *base = src + pl;
        bl -= pl;
        bool src_clash = clashes_with_place(b, cc, a1code, a->pop, base, bl);
        if (strcmp(src, display) != 0)
            add_name(b, src, idx, bl == strlen(src) && src_clash ? 0.5f : 0.95f,
                     EVM_MATCH_ALTERNATE, true);
        char suffix[64], words[256], buf[600];
        if (bl < strlen(src)) {
            /* A name without its formal prefix is how news names it ("Nueva Ecija"); one
             * without its type word is less sure for counties ("Rapides"). */
            float w = src_clash ? 0.5f : pl ? 0.85f : level == 2 ? 0.5f : 0.92f;
            snprintf(buf, sizeof buf, "%.*s", (int)bl, base);
            add_name(b, buf, idx, w, EVM_MATCH_ALTERNATE, pl > 0);
        }
        admin_types(b, cc, level, suffix, sizeof suffix, words, sizeof words);
        for (char *w = words; *w;) {
            char *comma = strchr(w, ',');
            size_t wl = comma ? (size_t)(comma - w) : strlen(w);
            snprintf(buf, sizeof buf, "%.*s %.*s", (int)bl, base, (int)wl, w);
            add_name(b, buf, idx, 0.92f, EVM_MATCH_ALTERNATE, false);
            if (!comma)
                break;
            w = comma + 1;
        }
    }
}

/* An admin region whose display name is the name of a big place of the same country
 * ("New York", "Paris" the department) keeps that name only as a low-prior alternate. */
static void demote_bare_exact(build *b)
{
    for (size_t i = 0; i < b->names.n; i++) {
        name_rec *r = &b->names.v[i];
        const evm_gaz_entry *e = &b->entries[r->entry];
        if (r->match != EVM_MATCH_EXACT ||
            (e->level != EVM_GEO_ADMIN1 && e->level != EVM_GEO_ADMIN2))
            continue;
        char cc[3] = {e->country[0], e->country[1], 0};
        const char *key = key_of(b, r->key);
        if (clashes_with_place(b, cc, str_of(b, e->admin1_code), e->population, key, strlen(key))) {
            r->weight = (uint16_t)lrintf(0.5f * 65535.0f);
            r->match = EVM_MATCH_ALTERNATE;
        }
    }
}

/* ---- countries, regions, landmarks, demonyms -------------------------------------------- */

static evm_err load_countries(build *b)
{
    /* Aliases first: display names, and codes with no polygon that still get an entry. */
    reader ra;
    evm_err err = reader_open(b, &ra, "country-aliases.tsv", true);
    if (err)
        return err;
    strmap display = {0};
    char *line;
    typedef struct alias {
        char cc[3];
        uint32_t name;
        bool is_name;
    } alias;
    alias *al = NULL;
    size_t n_al = 0, cap_al = 0;
    while ((line = reader_next(&ra))) {
        char *f[3];
        if (split_tabs(line, f, 3) < 2 || strlen(f[0]) != 2) {
            reader_close(&ra);
            free(al);
            strmap_free(&display);
            return bad_line(b, &ra, "expected: CC<TAB>name[<TAB>name]");
        }
        evm_grow((void **)&al, &cap_al, n_al + 1, sizeof *al);
        al[n_al] = (alias){{f[0][0], f[0][1], 0}, intern_z(b, f[1]), strcmp(f[2], "name") == 0};
        if (al[n_al].is_name)
            *strmap_put(&display, f[0], 2, 0, NULL) = al[n_al].name;
        n_al++;
    }
    reader_close(&ra);

    strmap done = {0};
    reader r;
    if ((err = reader_open(b, &r, "countries.tsv", true))) {
        free(al);
        strmap_free(&display);
        return err;
    }
    for (int pass = 0; pass < 2 && !err; pass++) {
        /* Pass 0: countries.tsv rows; pass 1: display-name aliases without a row. */
        size_t i = 0;
        for (;;) {
            char cc[3], nebuf[256] = "";
            double lat = 0, lon = 0;
            bool have_point = false;
            if (pass == 0) {
                line = reader_next(&r);
                if (!line)
                    break;
                char *f[6];
                if (split_tabs(line, f, 6) < 5 || strlen(f[0]) != 2) {
                    err = bad_line(b, &r, "expected: CC<TAB>numeric<TAB>name<TAB>lat<TAB>lon");
                    break;
                }
                memcpy(cc, f[0], 3);
                snprintf(nebuf, sizeof nebuf, "%s", f[2]);
                lat = atof(f[3]);
                lon = atof(f[4]);
                have_point = true;
            } else {
                if (i >= n_al)
                    break;
                alias *a = &al[i++];
                if (!a->is_name || strmap_get(&done, a->cc, 2))
                    continue;
                memcpy(cc, a->cc, 3);
            }
            uint32_t *ai = strmap_get(&b->aggs, cc, 2);
            const agg *a = ai ? &b->agg[*ai] : NULL;
            if (!have_point) {
                if (!a || !a->members)
                    continue;
                lat = a->lat;
                lon = a->lon;
            }
            strmap_put(&done, cc, 2, 1, NULL);
            uint32_t *disp = strmap_get(&display, cc, 2);
            const char *name = disp ? str_of(b, *disp) : nebuf;
            evm_gaz_entry e = {0};
            e.geonameid = -1;
            e.lat = (float)lat;
            e.lon = (float)lon;
            double pop = a ? a->pop : 0;
            e.population = pop > UINT32_MAX ? UINT32_MAX : (uint32_t)pop;
            e.name = intern_z(b, name);
            e.feature = intern_z(b, "COUNTRY");
            e.country[0] = cc[0];
            e.country[1] = cc[1];
            e.level = EVM_GEO_COUNTRY;
            e.prior = 0.90f + 0.09f * pop_part(pop);
            uint32_t idx = add_entry(b, &e);
            b->st.n_countries++;
            char ek[16];
            snprintf(ek, sizeof ek, "entry:%s", cc);
            *strmap_put(&b->aggs, ek, strlen(ek), 0, NULL) = idx;
            add_code(b, cc, idx);
            add_name(b, name, idx, 1.0f, EVM_MATCH_EXACT, true);
            if (nebuf[0] && strcmp(nebuf, name) != 0)
                add_name(b, nebuf, idx, 0.95f, EVM_MATCH_ALTERNATE, true);
        }
    }
    reader_close(&r);
    if (!err)
        for (size_t i = 0; i < n_al; i++) {
            char ek[16];
            snprintf(ek, sizeof ek, "entry:%s", al[i].cc);
            uint32_t *e = strmap_get(&b->aggs, ek, strlen(ek));
            if (e && !al[i].is_name)
                add_name(b, str_of(b, al[i].name), *e, 0.95f, EVM_MATCH_ALTERNATE, false);
        }
    free(al);
    strmap_free(&display);
    strmap_free(&done);
    return err;
}

/* Adds the |-separated alternate names of `list` to entry idx (the list is cut in place). */
static void add_aliases(build *b, char *list, uint32_t idx)
{
    for (char *a = list; *a;) {
        char *bar = strchr(a, '|');
        if (bar)
            *bar = '\0';
        add_name(b, a, idx, 0.95f, EVM_MATCH_ALTERNATE, true);
        if (!bar)
            break;
        a = bar + 1;
    }
}

/* regions.tsv: name<TAB>CONT|REGION<TAB>CC or -<TAB>lat<TAB>lon<TAB>aliases (|-separated)
 * [<TAB>population, where it is known] */
static evm_err load_regions(build *b)
{
    reader r;
    evm_err err = reader_open(b, &r, "regions.tsv", true);
    if (err)
        return err;
    char *line;
    while ((line = reader_next(&r))) {
        char *f[7];
        char *end = NULL;
        if (split_tabs(line, f, 7) < 5 ||
            (strcmp(f[1], "CONT") != 0 && strcmp(f[1], "REGION") != 0)) {
            reader_close(&r);
            return bad_line(b, &r, "expected: name<TAB>CONT|REGION<TAB>CC|-<TAB>lat<TAB>lon");
        }
        unsigned long pop = f[6][0] ? strtoul(f[6], &end, 10) : 0;
        if (f[6][0] && (*end != '\0' || pop > UINT32_MAX)) {
            reader_close(&r);
            return bad_line(b, &r, "population: expected a whole number of people");
        }
        evm_gaz_entry e = {0};
        e.geonameid = -1;
        e.lat = (float)atof(f[3]);
        e.lon = (float)atof(f[4]);
        e.name = intern_z(b, f[0]);
        e.feature = intern_z(b, f[1]);
        if (strlen(f[2]) == 2) {
            e.country[0] = f[2][0];
            e.country[1] = f[2][1];
        }
        e.level = EVM_GEO_REGION;
        e.population = (uint32_t)pop;
        e.prior = f[1][0] == 'C' ? 0.97f : 0.85f;
        uint32_t idx = add_entry(b, &e);
        b->st.n_regions++;
        add_name(b, f[0], idx, 1.0f, EVM_MATCH_EXACT, true);
        add_aliases(b, f[5], idx);
    }
    reader_close(&r);
    return EVM_OK;
}

/* landmarks.tsv: name<TAB>city<TAB>CC<TAB>aliases (|-separated): placed at the most
 * populous place of that country whose name is the city. */
static evm_err load_landmarks(build *b)
{
    reader r;
    evm_err err = reader_open(b, &r, "landmarks.tsv", true);
    if (err)
        return err;
    char *line, key[EVM_GAZ_KEY_MAX], ck[EVM_GAZ_KEY_MAX + 8];
    while ((line = reader_next(&r))) {
        char *f[4];
        if (split_tabs(line, f, 4) < 3 || strlen(f[2]) != 2) {
            reader_close(&r);
            return bad_line(b, &r, "expected: landmark<TAB>city<TAB>CC[<TAB>aliases]");
        }
        size_t kn = evm_gazetteer_key(f[1], strlen(f[1]), key, sizeof key);
        key_in_country(ck, sizeof ck, f[2], key);
        uint32_t *ci = kn ? strmap_get(&b->place_by_key, ck, strlen(ck)) : NULL;
        if (!ci) {
            reader_close(&r);
            return bad_line(b, &r, "no such city in the places");
        }
        evm_gaz_entry e = b->entries[*ci - 1];
        e.geonameid = -1;
        e.population = 0;
        e.city = e.name;
        e.name = intern_z(b, f[0]);
        e.feature = intern_z(b, "LANDMARK");
        e.level = EVM_GEO_POINT;
        e.flags = 0;
        e.prior = 0.80f;
        uint32_t idx = add_entry(b, &e);
        b->st.n_landmarks++;
        add_name(b, f[0], idx, 1.0f, EVM_MATCH_EXACT, true);
        add_aliases(b, f[3], idx);
    }
    reader_close(&r);
    return EVM_OK;
}

/* place-aliases.tsv: alias<TAB>place<TAB>CC: another name of the most populous place of
 * that country named so ("L.A." for Los Angeles). */
static evm_err load_place_aliases(build *b)
{
    reader r;
    evm_err err = reader_open(b, &r, "place-aliases.tsv", true);
    if (err)
        return err;
    char *line, key[EVM_GAZ_KEY_MAX], ck[EVM_GAZ_KEY_MAX + 8];
    while ((line = reader_next(&r))) {
        char *f[3];
        if (split_tabs(line, f, 3) < 3 || strlen(f[2]) != 2) {
            reader_close(&r);
            return bad_line(b, &r, "expected: alias<TAB>place<TAB>CC");
        }
        size_t kn = evm_gazetteer_key(f[1], strlen(f[1]), key, sizeof key);
        key_in_country(ck, sizeof ck, f[2], key);
        uint32_t *pi = kn ? strmap_get(&b->place_by_key, ck, strlen(ck)) : NULL;
        if (!pi) {
            reader_close(&r);
            return bad_line(b, &r, "no such place");
        }
        add_name(b, f[0], *pi - 1, 0.95f, EVM_MATCH_ALTERNATE, false);
    }
    reader_close(&r);
    return EVM_OK;
}

static evm_err load_demonyms(build *b)
{
    reader r;
    evm_err err = reader_open(b, &r, "demonyms.tsv", true);
    if (err)
        return err;
    char *line, key[EVM_GAZ_KEY_MAX];
    while ((line = reader_next(&r))) {
        char *f[2];
        if (split_tabs(line, f, 2) < 2 || strlen(f[1]) != 2) {
            reader_close(&r);
            return bad_line(b, &r, "expected: demonym<TAB>CC");
        }
        size_t kn = evm_gazetteer_key(f[0], strlen(f[0]), key, sizeof key);
        if (kn)
            add_name_rec(&b->demonyms, intern_key(b, key, kn), intern_z(b, f[1]), 1.0f,
                         EVM_MATCH_EXACT, false, 0);
        /* The word and its plural also find the country in the name dictionary, flagged,
         * so that a spotter sees "Ukrainian" but knows what it is. */
        char ek[16], plural[256];
        snprintf(ek, sizeof ek, "entry:%s", f[1]);
        uint32_t *e = strmap_get(&b->aggs, ek, strlen(ek));
        if (!e)
            continue;
        add_name_flags(b, f[0], *e, 0.7f, EVM_MATCH_ALTERNATE, false, EVM_GAZ_POST_DEMONYM);
        size_t n = strlen(f[0]);
        bool no_plural =
            (n >= 1 && (f[0][n - 1] == 's' || f[0][n - 1] == 'x')) ||
            (n >= 2 && (strcmp(f[0] + n - 2, "sh") == 0 || strcmp(f[0] + n - 2, "ch") == 0)) ||
            (n >= 3 && strcmp(f[0] + n - 3, "ese") == 0);
        if (!no_plural && strchr(f[0], ' ') == NULL) {
            snprintf(plural, sizeof plural, "%ss", f[0]);
            add_name_flags(b, plural, *e, 0.7f, EVM_MATCH_ALTERNATE, false, EVM_GAZ_POST_DEMONYM);
        }
    }
    reader_close(&r);
    return EVM_OK;
}

/* ---- dictionaries ----------------------------------------------------------------------- */

static const build *sort_ctx;

static float rec_score(const build *b, const name_rec *r, bool demonym)
{
    return demonym ? 65535.0f : b->entries[r->entry].prior * r->weight;
}

static int cmp_rec(const void *pa, const void *pb)
{
    const name_rec *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->entry != b->entry)
        return a->entry < b->entry ? -1 : 1;
    if (a->weight != b->weight)
        return a->weight > b->weight ? -1 : 1;
    return (int)a->match - (int)b->match;
}

static bool g_demonym_sort;

static int cmp_rank(const void *pa, const void *pb)
{
    const name_rec *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    float sa = rec_score(sort_ctx, a, g_demonym_sort), sb = rec_score(sort_ctx, b, g_demonym_sort);
    if (sa != sb)
        return sa > sb ? -1 : 1;
    return a->entry < b->entry ? -1 : a->entry > b->entry;
}

typedef struct dkey {
    uint32_t key;    /* offset in b->keys */
    uint32_t first;  /* first name_rec */
    uint32_t n_post; /* name_recs of this key */
    uint32_t rec;    /* record offset / 4 in the RECS blob */
} dkey;

typedef struct dict_out {
    uint64_t *slots;
    size_t n_slots;
    dkey *keys;
    size_t n_keys;
    bytes recs;
} dict_out;

/* Sorts and deduplicates recs (best weight per key and entry), ranks each key's postings
 * by score, writes the records and lays out the hash slots. */
static void dict_build(build *b, name_vec *v, bool demonym, dict_out *d)
{
    memset(d, 0, sizeof *d);
    qsort(v->v, v->n, sizeof *v->v, cmp_rec);
    size_t w = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (w > 0 && v->v[w - 1].key == v->v[i].key && v->v[w - 1].entry == v->v[i].entry) {
            v->v[w - 1].primary |= v->v[i].primary;
            continue;
        }
        v->v[w++] = v->v[i];
    }
    v->n = w;
    sort_ctx = b;
    g_demonym_sort = demonym;
    qsort(v->v, v->n, sizeof *v->v, cmp_rank);
    size_t n_keys = 0;
    for (size_t i = 0; i < v->n; i++)
        if (i == 0 || v->v[i].key != v->v[i - 1].key)
            n_keys++;
    d->keys = evm_xcalloc(n_keys ? n_keys : 1, sizeof *d->keys);
    for (size_t i = 0; i < v->n; i++) {
        if (i == 0 || v->v[i].key != v->v[i - 1].key)
            d->keys[d->n_keys++] = (dkey){v->v[i].key, (uint32_t)i, 0, 0};
        d->keys[d->n_keys - 1].n_post++;
    }
    d->n_slots = 16;
    while (d->n_slots * 4 < n_keys * 5) /* at most 80% full: slots hold the hash */
        d->n_slots *= 2;
    d->slots = evm_xcalloc(d->n_slots, sizeof *d->slots);
    static const char zero[4] = {0};
    for (size_t k = 0; k < d->n_keys; k++) {
        dkey *dk = &d->keys[k];
        const char *ks = key_of(b, dk->key);
        size_t kn = strlen(ks);
        uint64_t h = evm_gaz_hash(ks, kn);
        dk->rec = (uint32_t)(d->recs.n / 4);
        evm_gaz_rec r = {(uint32_t)h, (uint32_t)kn, dk->n_post};
        bytes_add(&d->recs, &r, sizeof r);
        bytes_add(&d->recs, ks, kn);
        bytes_add(&d->recs, zero, 4 - kn % 4);
        for (uint32_t j = 0; j < dk->n_post; j++) {
            const name_rec *nr = &v->v[dk->first + j];
            float sc = rec_score(b, nr, demonym) / 65535.0f;
            evm_gaz_post p = {nr->entry, (uint16_t)lrintf((sc > 1 ? 1 : sc) * 65535.0f), nr->match,
                              nr->flags};
            bytes_add(&d->recs, &p, sizeof p);
        }
        size_t s = (size_t)(h >> 32) & (d->n_slots - 1);
        while (d->slots[s])
            s = (s + 1) & (d->n_slots - 1);
        d->slots[s] = (uint64_t)(uint32_t)h << 32 | (dk->rec + 1);
    }
}

static void dict_free(dict_out *d)
{
    free(d->slots);
    free(d->keys);
    free(d->recs.p);
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

static int cmp_fuzzy(const void *pa, const void *pb)
{
    const evm_gaz_fuzzy *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a->rec < b->rec ? -1 : a->rec > b->rec;
}

/* ---- writing ---------------------------------------------------------------------------- */

static void section(bytes *out, evm_gaz_header *h, int s, const void *p, size_t n)
{
    static const unsigned char zero[8] = {0};
    bytes_add(out, zero, (8 - out->n % 8) % 8);
    h->sec[s].off = out->n;
    h->sec[s].size = n;
    if (n)
        bytes_add(out, p, n);
}

static evm_err write_file(build *b, const char *path, const bytes *out)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return evm_diag_set(b->diag, EVM_ERR_IO, "%s: %s", tmp, strerror(errno));
    bool ok = fwrite(out->p, 1, out->n, f) == out->n;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return evm_diag_set(b->diag, EVM_ERR_IO, "%s: %s", path, strerror(e));
    }
    return EVM_OK;
}

static void build_free(build *b)
{
    free(b->strings.p);
    strmap_free(&b->string_ix);
    free(b->keys.p);
    strmap_free(&b->key_ix);
    free(b->entries);
    free(b->names.v);
    free(b->demonyms.v);
    strmap_free(&b->aggs);
    free(b->agg);
    strmap_free(&b->admin1_names);
    strmap_free(&b->admin2_names);
    strmap_free(&b->admin1_display);
    strmap_free(&b->admin_flags);
    strmap_free(&b->types);
    strmap_free(&b->place_pop);
    strmap_free(&b->seats);
    strmap_free(&b->place_by_key);
}

evm_err evm_gazbuild_run(const char *srcdir, const char *out_path, evm_gazbuild_stats *stats,
                         evm_diag *diag)
{
    build b;
    memset(&b, 0, sizeof b);
    b.dir = srcdir;
    b.diag = diag;
    intern(&b, "", 0);
    evm_err err = EVM_OK;
    if (!err)
        err = load_admin_names(&b, "geonames-admin1.tsv.gz", &b.admin1_names);
    if (!err)
        err = load_admin_names(&b, "geonames-admin2.tsv.gz", &b.admin2_names);
    if (!err)
        err = load_types(&b);
    if (!err)
        err = load_admin_aliases(&b, true);
    if (!err)
        admin1_displays(&b);
    if (!err)
        err = load_places(&b);
    if (!err)
        err = load_countries(&b);
    if (!err) {
        add_admin_entries(&b, 1);
        add_admin_entries(&b, 2);
        demote_bare_exact(&b);
        err = load_admin_aliases(&b, false);
    }
    if (!err)
        err = load_regions(&b);
    if (!err)
        err = load_landmarks(&b);
    if (!err)
        err = load_place_aliases(&b);
    if (!err)
        err = load_demonyms(&b);
    if (err) {
        build_free(&b);
        return err;
    }

    /* Variant names: the variant key of every name key, same entry, weight and primacy. */
    name_vec variants = {0};
    char sk[EVM_GAZ_KEY_MAX];
    for (size_t i = 0; i < b.names.n; i++) {
        const name_rec *r = &b.names.v[i];
        const char *k = key_of(&b, r->key);
        if (k[0] == EVM_GAZ_CODE_MARK)
            continue;
        size_t sn = evm_gazetteer_variant_key(k, strlen(k), sk, sizeof sk);
        if (sn)
            add_name_rec(&variants, intern_key(&b, sk, sn), r->entry, r->weight / 65535.0f,
                         (evm_match)r->match, r->primary, r->flags);
    }
    dict_out dn, dv, dd;
    dict_build(&b, &b.names, false, &dn);
    dict_build(&b, &variants, false, &dv);
    dict_build(&b, &b.demonyms, true, &dd);

    /* Prefixes of multi-word name keys: their hashes, deduplicated, in a half-full table. */
    uint64_t *ph = NULL;
    size_t n_ph = 0, cap_ph = 0;
    for (size_t i = 0; i < dn.n_keys; i++) {
        const char *ks = key_of(&b, dn.keys[i].key);
        for (const char *p = ks; *p; p++)
            if (*p == ' ') {
                evm_grow((void **)&ph, &cap_ph, n_ph + 1, sizeof *ph);
                ph[n_ph++] = evm_gaz_hash(ks, (size_t)(p - ks));
            }
    }
    qsort(ph, n_ph, sizeof *ph, cmp_u64);
    size_t n_unique = 0;
    for (size_t i = 0; i < n_ph; i++)
        if (i == 0 || ph[i] != ph[i - 1])
            ph[n_unique++] = ph[i];
    size_t pcap = 16;
    while (pcap < n_unique * 2)
        pcap *= 2;
    uint64_t *prefix = evm_xcalloc(pcap, sizeof *prefix);
    for (size_t i = 0; i < n_unique; i++) {
        size_t s = (size_t)(ph[i] >> 32) & (pcap - 1);
        while (prefix[s])
            s = (s + 1) & (pcap - 1);
        prefix[s] = ph[i];
    }
    free(ph);

    /* Fuzzy neighbours: each variant key of a preferred name, and its single deletions. */
    evm_gaz_fuzzy *fz = NULL;
    size_t n_fz = 0, cap_fz = 0;
    for (size_t ki = 0; ki < dv.n_keys; ki++) {
        bool primary = false;
        for (uint32_t j = 0; j < dv.keys[ki].n_post; j++)
            primary |= variants.v[dv.keys[ki].first + j].primary != 0;
        const char *ks = key_of(&b, dv.keys[ki].key);
        size_t kn = strlen(ks);
        if (!primary || kn < 6)
            continue;
        char del[EVM_GAZ_KEY_MAX];
        for (size_t i = 0; i <= kn; i++) {
            if (i < kn && i > 0 && ks[i] == ks[i - 1])
                continue;
            size_t dl = kn;
            if (i < kn) {
                memcpy(del, ks, i);
                memcpy(del + i, ks + i + 1, kn - i - 1);
                dl = kn - 1;
            } else {
                memcpy(del, ks, kn);
            }
            evm_grow((void **)&fz, &cap_fz, n_fz + 1, sizeof *fz);
            fz[n_fz++] = (evm_gaz_fuzzy){(uint32_t)evm_gaz_hash(del, dl), dv.keys[ki].rec};
        }
    }
    qsort(fz, n_fz, sizeof *fz, cmp_fuzzy);

    /* Lay the file out. */
    bytes out = {0};
    evm_gaz_header h;
    memset(&h, 0, sizeof h);
    bytes_add(&out, &h, sizeof h);
    section(&out, &h, EVM_GAZ_SEC_ENTRIES, b.entries, b.n_entries * sizeof *b.entries);
    section(&out, &h, EVM_GAZ_SEC_STRINGS, b.strings.p, b.strings.n);
    const dict_out *ds[3] = {&dn, &dv, &dd};
    for (int i = 0; i < 3; i++) {
        section(&out, &h, EVM_GAZ_SEC_NAME_SLOTS + 2 * i, ds[i]->slots,
                ds[i]->n_slots * sizeof(uint64_t));
        section(&out, &h, EVM_GAZ_SEC_NAME_RECS + 2 * i, ds[i]->recs.p, ds[i]->recs.n);
    }
    section(&out, &h, EVM_GAZ_SEC_PREFIX, prefix, pcap * sizeof *prefix);
    section(&out, &h, EVM_GAZ_SEC_FUZZY, fz, n_fz * sizeof *fz);
    memcpy(h.magic, EVM_GAZ_MAGIC, 8);
    h.version = EVM_GAZ_VERSION;
    h.header_size = sizeof h;
    h.file_size = out.n;
    h.n_sections = EVM_GAZ_NSEC;
    h.n_entries = (uint32_t)b.n_entries;
    h.body_sum = evm_gaz_checksum(out.p + sizeof h, out.n - sizeof h);
    h.header_sum = evm_gaz_checksum(&h, offsetof(evm_gaz_header, header_sum));
    memcpy(out.p, &h, sizeof h);

    b.st.n_entries = b.n_entries;
    b.st.n_keys = dn.n_keys;
    b.st.n_variant_keys = dv.n_keys;
    b.st.n_fuzzy = n_fz;
    b.st.file_size = out.n;
    err = write_file(&b, out_path, &out);
    if (stats)
        *stats = b.st;
    free(out.p);
    free(fz);
    free(prefix);
    dict_free(&dn);
    dict_free(&dv);
    dict_free(&dd);
    free(variants.v);
    build_free(&b);
    return err;
}
