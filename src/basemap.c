/* basemap.c: the render stage's geography: Natural Earth polygons read with OGR (once per
 * process, and kept in a disk cache), the PROJ view, and clipping/projection of rings into
 * Cairo paths. */
#include "basemap.h"

#include <zlib.h>

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdalapi.h"
#include "projapi.h"

/* One ring of a layer, in continuous longitudes (unwrapped across the antimeridian, so a
 * ring may reach past +-180) with its bounding box. Rings around a pole are closed along
 * the pole, so every ring is a plain planar polygon in (lon, lat). */
typedef struct bm_ring {
    uint32_t first, n;
    double lon0, lon1, lat0, lat1;
} bm_ring;

typedef struct bm_layer {
    double *pts; /* lon, lat pairs */
    size_t n_pts, cap_pts;
    bm_ring *rings;
    size_t n_rings, cap_rings;
} bm_layer;

/* A country: its name and its rings in the countries layer. */
typedef struct bm_country {
    uint32_t name;       /* offset into names */
    uint32_t ring_first; /* first ring in layers[EVM_BASEMAP_COUNTRIES] */
    uint32_t n_rings;
} bm_country;

struct evm_basemap {
    bm_layer layers[3]; /* countries, land, borders (open polylines) */
    bm_country *countries;
    size_t n_countries, cap_countries;
    char *names; /* NUL-terminated names, one after the other */
    size_t names_len, cap_names;
};

static const char *const detail_names[] = {"110m", "50m", "10m"};

/* ---- finding the data ---------------------------------------------------------------- */

static int has_data(const char *dir)
{
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s/natural-earth/countries-50m.json.gz", dir) >= (int)sizeof p)
        return 0;
    return access(p, R_OK) == 0;
}

static int try_dir(char *buf, size_t n, const char *dir)
{
    if (!dir || !dir[0] || !has_data(dir))
        return 0;
    return snprintf(buf, n, "%s", dir) < (int)n;
}

int evm_basemap_find_data(char *buf, size_t n)
{
    if (try_dir(buf, n, getenv("EVMAP_DATA")))
        return 1;
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char dir[PATH_MAX + 32];
            snprintf(dir, sizeof dir, "%s/../share/evmap", exe);
            if (try_dir(buf, n, dir))
                return 1;
        }
    }
#ifdef EVM_INSTALL_DATADIR
    if (try_dir(buf, n, EVM_INSTALL_DATADIR))
        return 1;
#endif
#ifdef EVM_SOURCE_DIR
    if (try_dir(buf, n, EVM_SOURCE_DIR "/gazetteer"))
        return 1;
#endif
    return 0;
}

/* ---- loading ------------------------------------------------------------------------- */

static double wrap180(double d)
{
    while (d > 180.0)
        d -= 360.0;
    while (d <= -180.0)
        d += 360.0;
    return d;
}

static void push_pt(bm_layer *l, double lon, double lat)
{
    evm_grow((void **)&l->pts, &l->cap_pts, l->n_pts + 1, 2 * sizeof(double));
    l->pts[2 * l->n_pts] = lon;
    l->pts[2 * l->n_pts + 1] = lat;
    l->n_pts++;
}

static void add_ring(bm_layer *l, OGRGeometryH ring)
{
    int n = OGR_G_GetPointCount(ring);
    if (n < 3)
        return;
    size_t first = l->n_pts;
    double plon = 0, prev_raw = 0, lat_sum = 0;
    for (int i = 0; i < n; i++) {
        double raw = OGR_G_GetX(ring, i), lat = OGR_G_GetY(ring, i);
        double lon = i == 0 ? raw : plon + wrap180(raw - prev_raw);
        push_pt(l, lon, lat);
        prev_raw = raw;
        plon = lon;
        lat_sum += lat;
    }
    double lon_first = l->pts[2 * first];
    double closing = plon + wrap180(lon_first - prev_raw) - lon_first;
    if (fabs(closing) > 180.0) {
        /* the ring goes once around a pole: close it along that pole */
        double pole = lat_sum < 0 ? -90.0 : 90.0;
        push_pt(l, plon, pole);
        push_pt(l, lon_first, pole);
    }
    bm_ring r = {(uint32_t)first, (uint32_t)(l->n_pts - first), INFINITY, -INFINITY, INFINITY,
                 -INFINITY};
    for (size_t i = first; i < l->n_pts; i++) {
        double lon = l->pts[2 * i], lat = l->pts[2 * i + 1];
        r.lon0 = fmin(r.lon0, lon);
        r.lon1 = fmax(r.lon1, lon);
        r.lat0 = fmin(r.lat0, lat);
        r.lat1 = fmax(r.lat1, lat);
    }
    evm_grow((void **)&l->rings, &l->cap_rings, l->n_rings + 1, sizeof *l->rings);
    l->rings[l->n_rings++] = r;
}

static void add_geometry(bm_layer *l, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            add_ring(l, OGR_G_GetGeometryRef(g, i));
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            add_geometry(l, OGR_G_GetGeometryRef(g, i));
    }
}

/* ---- borders --------------------------------------------------------------------------
 * Country outlines include the coastline, and every land border twice (once per country).
 * The land layer comes from the same TopoJSON arcs, so its edges are bit-identical to the
 * coastal edges of the countries: an edge of a country that is not an edge of the land, and
 * not seen before, is a border. Borders are kept as open polylines, drawn once. */

typedef struct edge_set {
    double *k; /* 4 doubles per slot; NaN in k[0] marks an empty slot */
    size_t cap;
} edge_set;

static void edge_key(const double *p, const double *q, double key[4])
{
    double a0 = wrap180(p[0]), a1 = p[1], b0 = wrap180(q[0]), b1 = q[1];
    if (a0 > b0 || (a0 == b0 && a1 > b1)) {
        double t0 = a0, t1 = a1;
        a0 = b0, a1 = b1, b0 = t0, b1 = t1;
    }
    key[0] = a0, key[1] = a1, key[2] = b0, key[3] = b1;
}

static size_t edge_hash(const double key[4], size_t mask)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < 4; i++) {
        uint64_t bits;
        double d = key[i] == 0 ? 0 : key[i]; /* -0 and 0 alike */
        memcpy(&bits, &d, sizeof bits);
        h = (h ^ bits) * 1099511628211ull;
        h ^= h >> 29;
    }
    return (size_t)h & mask;
}

static void edge_set_init(edge_set *s, size_t n)
{
    s->cap = 16;
    while (s->cap < 2 * n + 16)
        s->cap *= 2;
    s->k = evm_xmalloc(s->cap * 4 * sizeof(double));
    for (size_t i = 0; i < s->cap; i++)
        s->k[4 * i] = NAN;
}

/* Looks the key up, adding it when `add`; returns 1 when it was already there. The set is
 * sized so that it never fills (at least twice the edges put in). */
static int edge_set_find(edge_set *s, const double key[4], int add)
{
    size_t i = edge_hash(key, s->cap - 1);
    for (;; i = (i + 1) & (s->cap - 1)) {
        double *k = &s->k[4 * i];
        if (isnan(k[0])) {
            if (add)
                memcpy(k, key, 4 * sizeof(double));
            return 0;
        }
        if (memcmp(k, key, 4 * sizeof(double)) == 0)
            return 1;
    }
}

static void close_ring_bbox(bm_layer *l, size_t first)
{
    bm_ring r = {(uint32_t)first, (uint32_t)(l->n_pts - first), INFINITY, -INFINITY, INFINITY,
                 -INFINITY};
    for (size_t i = first; i < l->n_pts; i++) {
        r.lon0 = fmin(r.lon0, l->pts[2 * i]);
        r.lon1 = fmax(r.lon1, l->pts[2 * i]);
        r.lat0 = fmin(r.lat0, l->pts[2 * i + 1]);
        r.lat1 = fmax(r.lat1, l->pts[2 * i + 1]);
    }
    evm_grow((void **)&l->rings, &l->cap_rings, l->n_rings + 1, sizeof *l->rings);
    l->rings[l->n_rings++] = r;
}

static void derive_borders(evm_basemap *bm)
{
    const bm_layer *land = &bm->layers[EVM_BASEMAP_LAND];
    const bm_layer *countries = &bm->layers[EVM_BASEMAP_COUNTRIES];
    bm_layer *out = &bm->layers[EVM_BASEMAP_BORDERS];
    edge_set coast, seen;
    edge_set_init(&coast, land->n_pts);
    edge_set_init(&seen, countries->n_pts);
    double key[4];
    for (size_t r = 0; r < land->n_rings; r++) {
        const double *p = &land->pts[2 * (size_t)land->rings[r].first];
        for (uint32_t i = 0; i + 1 < land->rings[r].n; i++) {
            edge_key(&p[2 * i], &p[2 * i + 2], key);
            edge_set_find(&coast, key, 1);
        }
    }
    for (size_t r = 0; r < countries->n_rings; r++) {
        const double *p = &countries->pts[2 * (size_t)countries->rings[r].first];
        size_t first = (size_t)-1;
        for (uint32_t i = 0; i + 1 < countries->rings[r].n; i++) {
            edge_key(&p[2 * i], &p[2 * i + 2], key);
            int border = !edge_set_find(&coast, key, 0) && !edge_set_find(&seen, key, 1);
            if (!border) {
                if (first != (size_t)-1 && out->n_pts - first >= 2)
                    close_ring_bbox(out, first);
                else if (first != (size_t)-1)
                    out->n_pts = first;
                first = (size_t)-1;
                continue;
            }
            if (first == (size_t)-1) {
                first = out->n_pts;
                push_pt(out, p[2 * i], p[2 * i + 1]);
            }
            push_pt(out, p[2 * i + 2], p[2 * i + 3]);
        }
        if (first != (size_t)-1 && out->n_pts - first >= 2)
            close_ring_bbox(out, first);
    }
    free(coast.k);
    free(seen.k);
}

static void basemap_free(evm_basemap *bm)
{
    if (!bm)
        return;
    for (int k = 0; k < 3; k++) {
        free(bm->layers[k].pts);
        free(bm->layers[k].rings);
    }
    free(bm->countries);
    free(bm->names);
    free(bm);
}

static void add_country(evm_basemap *bm, const char *name, size_t ring_first)
{
    size_t n = strlen(name) + 1;
    evm_grow((void **)&bm->names, &bm->cap_names, bm->names_len + n, 1);
    memcpy(bm->names + bm->names_len, name, n);
    evm_grow((void **)&bm->countries, &bm->cap_countries, bm->n_countries + 1,
             sizeof *bm->countries);
    bm->countries[bm->n_countries++] =
        (bm_country){(uint32_t)bm->names_len, (uint32_t)ring_first,
                     (uint32_t)(bm->layers[EVM_BASEMAP_COUNTRIES].n_rings - ring_first)};
    bm->names_len += n;
}

/* ---- the parsed-basemap cache ---------------------------------------------------------
 * Parsing the TopoJSON takes OGR 0.1 s (50m) to 0.8 s (10m); the rings it yields are kept
 * in a small binary file keyed by the source's size and CRC-32, so that a process reads them
 * in a millisecond. The build writes these files next to evmap (evmap-gazbuild --basemap),
 * where evmap reads them and never writes; $EVMAP_CACHE names a folder to use instead,
 * read and written (evmap otherwise writes nothing outside the output folder it is
 * given). A missing, stale or damaged cache falls back to OGR. */

#define CACHE_MAGIC "EVMBM004"

typedef struct cache_key {
    char magic[8];
    uint64_t size;
    uint64_t crc;
    uint64_t detail;
} cache_key;

/* The cache file of a detail: in $EVMAP_CACHE (writable) when set, else the build's copy
 * next to the executable or in ../share/evmap (read-only). Returns 0 when there is none. */
static int cache_path(char *buf, size_t n, evm_basemap_detail detail, int *writable)
{
    const char *dir = getenv("EVMAP_CACHE");
    *writable = 0;
    if (dir && dir[0]) {
        *writable = 1;
        return snprintf(buf, n, "%s/basemap-%s.bin", dir, detail_names[detail]) < (int)n;
    }
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0)
        return 0;
    exe[k] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    static const char *const where[] = {"%s/basemap-%s.bin", "%s/../share/evmap/basemap-%s.bin"};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++)
        if (snprintf(buf, n, where[i], exe, detail_names[detail]) < (int)n &&
            access(buf, R_OK) == 0)
            return 1;
    return 0;
}

static int source_key(const char *src, evm_basemap_detail detail, cache_key *k)
{
    FILE *fp = fopen(src, "rb");
    if (!fp)
        return 0;
    memset(k, 0, sizeof *k);
    memcpy(k->magic, CACHE_MAGIC, 8);
    uLong crc = crc32(0L, Z_NULL, 0);
    unsigned char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0) {
        crc = crc32(crc, buf, (uInt)got);
        k->size += got;
    }
    int ok = !ferror(fp);
    fclose(fp);
    k->crc = crc;
    k->detail = (uint64_t)detail;
    return ok;
}

static evm_basemap *cache_read(const char *path, const cache_key *key)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    cache_key k;
    evm_basemap *bm = NULL;
    if (fread(&k, sizeof k, 1, fp) != 1 || memcmp(&k, key, sizeof k) != 0)
        goto fail;
    bm = evm_xcalloc(1, sizeof *bm);
    for (int li = 0; li < 3; li++) {
        bm_layer *l = &bm->layers[li];
        uint64_t np, nr;
        if (fread(&np, 8, 1, fp) != 1 || fread(&nr, 8, 1, fp) != 1 || np > (1u << 28) ||
            nr > (1u << 24))
            goto fail;
        l->pts = evm_xmalloc(np * 2 * sizeof(double));
        l->rings = evm_xmalloc(nr * sizeof *l->rings);
        l->n_pts = l->cap_pts = np;
        l->n_rings = l->cap_rings = nr;
        if (fread(l->pts, 2 * sizeof(double), np, fp) != np ||
            fread(l->rings, sizeof *l->rings, nr, fp) != nr)
            goto fail;
        for (size_t i = 0; i < nr; i++)
            if ((uint64_t)l->rings[i].first + l->rings[i].n > np)
                goto fail;
    }
    uint64_t nc, nl;
    if (fread(&nc, 8, 1, fp) != 1 || fread(&nl, 8, 1, fp) != 1 || nc > (1u << 16) ||
        nl > (1u << 24))
        goto fail;
    bm->countries = evm_xmalloc((nc ? nc : 1) * sizeof *bm->countries);
    bm->names = evm_xmalloc(nl + 1);
    bm->n_countries = bm->cap_countries = nc;
    bm->names_len = bm->cap_names = nl;
    if (fread(bm->countries, sizeof *bm->countries, nc, fp) != nc ||
        fread(bm->names, 1, nl, fp) != nl)
        goto fail;
    bm->names[nl] = '\0';
    for (size_t i = 0; i < nc; i++)
        if (bm->countries[i].name >= nl ||
            (uint64_t)bm->countries[i].ring_first + bm->countries[i].n_rings >
                bm->layers[EVM_BASEMAP_COUNTRIES].n_rings)
            goto fail;
    fclose(fp);
    return bm;
fail:
    fclose(fp);
    basemap_free(bm);
    return NULL;
}

static void mkdirs(char *dir)
{
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0755);
            *p = '/';
        }
    mkdir(dir, 0755);
}

static int cache_write(const char *path, const cache_key *key, const evm_basemap *bm)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        mkdirs(dir);
    }
    char tmp[PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return 0;
    fchmod(fd, 0644); /* read by whoever runs evmap, as the index is */
    FILE *fp = fdopen(fd, "wb");
    if (!fp) {
        close(fd);
        unlink(tmp);
        return 0;
    }
    int ok = fwrite(key, sizeof *key, 1, fp) == 1;
    for (int li = 0; li < 3 && ok; li++) {
        const bm_layer *l = &bm->layers[li];
        uint64_t np = l->n_pts, nr = l->n_rings;
        ok = fwrite(&np, 8, 1, fp) == 1 && fwrite(&nr, 8, 1, fp) == 1 &&
             fwrite(l->pts, 2 * sizeof(double), np, fp) == np &&
             fwrite(l->rings, sizeof *l->rings, nr, fp) == nr;
    }
    uint64_t nc = bm->n_countries, nl = bm->names_len;
    ok = ok && fwrite(&nc, 8, 1, fp) == 1 && fwrite(&nl, 8, 1, fp) == 1 &&
         fwrite(bm->countries, sizeof *bm->countries, nc, fp) == nc &&
         fwrite(bm->names, 1, nl, fp) == nl;
    if (fclose(fp) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return 0;
    }
    return 1;
}

/* Reads one detail: from the cache when it matches the source, else with OGR (then
 * refreshing a writable cache). `cache_dir`, when not NULL, forces that folder, writable. */
static evm_err load_with(evm_basemap_detail detail, const char *cache_dir, evm_basemap **out,
                         evm_diag *diag)
{
    char dir[PATH_MAX];
    if (!evm_basemap_find_data(dir, sizeof dir))
        return evm_diag_set(diag, EVM_ERR_IO,
                            "basemap: natural-earth/countries-*.json.gz not found (set EVMAP_DATA "
                            "to the folder that holds natural-earth/)");
    char src[PATH_MAX + 64], cpath[PATH_MAX];
    snprintf(src, sizeof src, "%s/natural-earth/countries-%s.json.gz", dir, detail_names[detail]);
    cache_key key;
    int writable = 0, cached;
    if (cache_dir) {
        writable = 1;
        cached = source_key(src, detail, &key) &&
                 snprintf(cpath, sizeof cpath, "%s/basemap-%s.bin", cache_dir,
                          detail_names[detail]) < (int)sizeof cpath;
    } else {
        cached =
            cache_path(cpath, sizeof cpath, detail, &writable) && source_key(src, detail, &key);
        if (cached && (*out = cache_read(cpath, &key)) != NULL)
            return EVM_OK;
    }
    char path[PATH_MAX + 80];
    snprintf(path, sizeof path, "/vsigzip/%s", src);
    evm_err rc = evm_gdal_load(diag);
    if (rc != EVM_OK)
        return rc;
    if (GDALGetDriverByName("TopoJSON") == NULL)
        GDALAllRegister();
    const char *drivers[] = {"TopoJSON", NULL};
    CPLPushErrorHandler(CPLQuietErrorHandler); /* the message goes into diag, not stderr */
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds)
        return evm_diag_set(diag, EVM_ERR_GDAL, "basemap: %s: %s", path + 9,
                            CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg()
                                                    : "not a readable TopoJSON file");
    evm_basemap *bm = evm_xcalloc(1, sizeof *bm);
    const char *names[2] = {"countries", "land"};
    for (int li = 0; li < 2; li++) {
        OGRLayerH layer = GDALDatasetGetLayerByName(ds, names[li]);
        if (!layer) {
            GDALClose(ds);
            basemap_free(bm);
            return evm_diag_set(diag, EVM_ERR_GDAL, "basemap: %s has no layer '%s'", path + 9,
                                names[li]);
        }
        OGR_L_ResetReading(layer);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            size_t first = bm->layers[li].n_rings;
            if (g)
                add_geometry(&bm->layers[li], g);
            if (li == EVM_BASEMAP_COUNTRIES) {
                int fi = OGR_F_GetFieldIndex(f, "name");
                add_country(bm, fi >= 0 ? OGR_F_GetFieldAsString(f, fi) : "", first);
            }
            OGR_F_Destroy(f);
        }
    }
    GDALClose(ds);
    derive_borders(bm);
    if (cached && writable && !cache_write(cpath, &key, bm) && cache_dir) {
        basemap_free(bm);
        return evm_diag_set(diag, EVM_ERR_IO, "basemap: cannot write %s", cpath);
    }
    *out = bm;
    return EVM_OK;
}

static evm_err load(evm_basemap_detail detail, evm_basemap **out, evm_diag *diag)
{
    return load_with(detail, NULL, out, diag);
}

evm_err evm_basemap_write_cache(const char *dir, evm_diag *diag)
{
    for (int d = 0; d < 3; d++) {
        evm_basemap *bm = NULL;
        evm_err e = load_with((evm_basemap_detail)d, dir, &bm, diag);
        basemap_free(bm);
        if (e)
            return e;
    }
    return EVM_OK;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static evm_basemap *cache[3];

evm_err evm_basemap_get(evm_basemap_detail detail, const evm_basemap **out, evm_diag *diag)
{
    if ((unsigned)detail > EVM_BASEMAP_10M)
        return evm_diag_set(diag, EVM_ERR_INTERNAL, "basemap: bad detail %d", (int)detail);
    pthread_mutex_lock(&cache_lock);
    evm_err err = EVM_OK;
    if (!cache[detail])
        err = load(detail, &cache[detail], diag);
    *out = cache[detail];
    pthread_mutex_unlock(&cache_lock);
    return err;
}

evm_basemap_detail evm_basemap_detail_for(double metres_per_pixel)
{
    if (metres_per_pixel < 600.0)
        return EVM_BASEMAP_10M;
    if (metres_per_pixel < 6000.0)
        return EVM_BASEMAP_50M;
    return EVM_BASEMAP_110M;
}

/* ---- the view ------------------------------------------------------------------------ */

/* The projection's central meridian (its seam is the meridian opposite) and latitude of
 * origin: the conversion's "longitude/latitude of natural origin / of projection centre /
 * of origin" parameters, 0 for geographic CRSs and projections without them. */
static double central_meridian(const evm_view *v, double *lat0)
{
    double lon0 = 0;
    *lat0 = 0;
    PJ *conv = v->crs ? proj_crs_get_coordoperation(v->ctx, v->crs) : NULL;
    int n = conv ? proj_coordoperation_get_param_count(v->ctx, conv) : 0;
    for (int i = 0; i < n; i++) {
        const char *name = NULL;
        double value, factor;
        if (!proj_coordoperation_get_param(v->ctx, conv, i, &name, NULL, NULL, &value, NULL,
                                           &factor, NULL, NULL, NULL, NULL) ||
            !name)
            continue;
        if (strncmp(name, "Longitude of natural origin", 27) == 0 ||
            strncmp(name, "Longitude of projection centre", 30) == 0 ||
            strncmp(name, "Longitude of origin", 19) == 0 ||
            strncmp(name, "Longitude of false origin", 25) == 0) {
            lon0 = value * factor * 180.0 / M_PI;
        } else if (strncmp(name, "Latitude of natural origin", 26) == 0 ||
                   strncmp(name, "Latitude of projection centre", 29) == 0 ||
                   strncmp(name, "Latitude of origin", 18) == 0 ||
                   strncmp(name, "Latitude of false origin", 24) == 0) {
            *lat0 = value * factor * 180.0 / M_PI;
        }
    }
    proj_destroy(conv);
    proj_errno_reset(v->pj);
    return wrap180(lon0);
}

static void quiet_log(void *data, int level, const char *msg)
{
    (void)data;
    (void)level;
    (void)msg;
}

static int is_proj_string(const char *crs)
{
    return strncmp(crs, "+proj", 5) == 0 || strncmp(crs, "proj=", 5) == 0;
}

/* A PROJ string on the WGS 84 datum (or ellipsoid) with no datum shift of its own: from
 * WGS 84 given as a PROJ string, PROJ builds the same operation as from EPSG:4326 without
 * searching its database for candidate operations (about 10 ms). */
static int plain_wgs84(const char *crs)
{
    return is_proj_string(crs) && (strstr(crs, "datum=WGS84") || strstr(crs, "ellps=WGS84")) &&
           !strstr(crs, "towgs84") && !strstr(crs, "nadgrids") && !strstr(crs, "geoidgrids") &&
           !strstr(crs, "pm=") && !strstr(crs, "init=");
}

evm_err evm_view_open(evm_view *v, const char *crs, evm_diag *diag)
{
    memset(v, 0, sizeof *v);
    evm_err loaded = evm_proj_load(diag);
    if (loaded != EVM_OK)
        return loaded;
    v->ctx = proj_context_create();
    proj_log_func(v->ctx, NULL, quiet_log); /* errors reach the caller through diag */
    /* a bare "+proj=..." string is a conversion; make it a CRS (creating the conversion
     * first would cost PROJ a database connection) */
    char buf[1024];
    const char *text = crs;
    if (is_proj_string(crs) && !strstr(crs, "type=crs") &&
        snprintf(buf, sizeof buf, "%s +type=crs", crs) < (int)sizeof buf)
        text = buf;
    PJ *target = proj_create(v->ctx, text);
    if (!target || !proj_is_crs(target)) {
        int e = proj_context_errno(v->ctx);
        evm_err r = evm_diag_set(diag, EVM_ERR_PROJ, "unknown CRS '%s'%s%s", crs, e ? ": " : "",
                                 e ? proj_context_errno_string(v->ctx, e) : "");
        proj_destroy(target);
        evm_view_close(v);
        return r;
    }
    PJ_TYPE t = proj_get_type(target);
    if (t == PJ_TYPE_GEOCENTRIC_CRS || t == PJ_TYPE_VERTICAL_CRS || t == PJ_TYPE_ENGINEERING_CRS) {
        proj_destroy(target);
        evm_view_close(v);
        return evm_diag_set(diag, EVM_ERR_PROJ, "CRS '%s' is not a map projection", crs);
    }
    PJ *wgs = proj_create(v->ctx, plain_wgs84(crs) ? "+proj=longlat +datum=WGS84 +no_defs +type=crs"
                                                   : "EPSG:4326");
    PJ *op = proj_create_crs_to_crs_from_pj(v->ctx, wgs, target, NULL, NULL);
    proj_destroy(wgs);
    v->crs = target;
    PJ *norm = op ? proj_normalize_for_visualization(v->ctx, op) : NULL;
    proj_destroy(op);
    if (!norm) {
        int e = proj_context_errno(v->ctx);
        evm_view_close(v);
        return evm_diag_set(diag, EVM_ERR_PROJ, "no transformation from WGS 84 to '%s': %s", crs,
                            e ? proj_context_errno_string(NULL, e) : "unknown");
    }
    v->pj = norm;
    v->lon_c = central_meridian(v, &v->lat_c);
    return EVM_OK;
}

int evm_view_to_map(const evm_view *v, double lon, double lat, double *x, double *y)
{
    PJ_COORD c = proj_coord(lon, lat, 0, 0);
    c = proj_trans(v->pj, PJ_FWD, c);
    if (!isfinite(c.xy.x) || !isfinite(c.xy.y) || fabs(c.xy.x) > 1e15 || fabs(c.xy.y) > 1e15) {
        proj_errno_reset(v->pj);
        return 0;
    }
    *x = c.xy.x;
    *y = c.xy.y;
    return 1;
}

int evm_view_to_pixel(const evm_view *v, double lon, double lat, double *px, double *py)
{
    double x, y;
    if (!evm_view_to_map(v, lon, lat, &x, &y))
        return 0;
    *px = (x - v->x0) / v->res;
    *py = (v->y0 - y) / v->res;
    return 1;
}

int evm_view_to_lonlat(const evm_view *v, double x, double y, double *lon, double *lat)
{
    PJ_COORD c = proj_coord(x, y, 0, 0);
    c = proj_trans(v->pj, PJ_INV, c);
    if (!isfinite(c.lp.lam) || !isfinite(c.lp.phi) || fabs(c.lp.phi) > 90.0 + 1e-9) {
        proj_errno_reset(v->pj);
        return 0;
    }
    *lon = c.lp.lam;
    *lat = c.lp.phi;
    return 1;
}

void evm_view_set_frame(evm_view *v, double x0, double y0, double res, int width, int height)
{
    v->x0 = x0;
    v->y0 = y0;
    v->res = res;
    v->width = width;
    v->height = height;
    double lon, lat;
    double lmin = INFINITY, lmax = -INFINITY, pmin = INFINITY, pmax = -INFINITY;
    enum { EDGE = 48, GRID = 12 };
    for (int i = 0; i <= EDGE; i++) {
        double f = (double)i / EDGE;
        double xs[4] = {x0 + f * res * width, x0 + f * res * width, x0, x0 + res * width};
        double ys[4] = {y0, y0 - res * height, y0 - f * res * height, y0 - f * res * height};
        for (int k = 0; k < 4; k++)
            if (evm_view_to_lonlat(v, xs[k], ys[k], &lon, &lat)) {
                double l = wrap180(lon - v->lon_c);
                lmin = fmin(lmin, l), lmax = fmax(lmax, l);
                pmin = fmin(pmin, lat), pmax = fmax(pmax, lat);
            }
    }
    for (int i = 0; i <= GRID; i++)
        for (int j = 0; j <= GRID; j++)
            if (evm_view_to_lonlat(v, x0 + res * width * i / GRID, y0 - res * height * j / GRID,
                                   &lon, &lat)) {
                double l = wrap180(lon - v->lon_c);
                lmin = fmin(lmin, l), lmax = fmax(lmax, l);
                pmin = fmin(pmin, lat), pmax = fmax(pmax, lat);
            }
    if (!(lmin <= lmax)) {
        lmin = -180, lmax = 180, pmin = -90, pmax = 90;
    }
    double dl = fmax(2.0, 0.1 * (lmax - lmin)), dp = fmax(2.0, 0.1 * (pmax - pmin));
    lmin -= dl, lmax += dl, pmin -= dp, pmax += dp;
    for (int pole = -1; pole <= 1; pole += 2) {
        double px, py;
        if (evm_view_to_pixel(v, v->lon_c, 90.0 * pole, &px, &py) && px > -width * 0.1 &&
            px < width * 1.1 && py > -height * 0.1 && py < height * 1.1) {
            if (pole > 0)
                pmax = 90;
            else
                pmin = -90;
            lmin = -180, lmax = 180;
        }
    }
    if (lmax - lmin > 300.0 || pmax - pmin > 150.0)
        lmin = -180, lmax = 180;
    /* a hair inside the seam, so that clipped points project to their own side of it */
    v->lon_min = fmax(lmin, -179.99999);
    v->lon_max = fmin(lmax, 179.99999);
    v->lat_min = fmax(pmin, -90.0);
    v->lat_max = fmin(pmax, 90.0);
}

void evm_view_close(evm_view *v)
{
    if (!v)
        return;
    if (v->ctx || v->pj || v->crs) { /* (then PROJ is loaded: evm_view_open loaded it) */
        proj_destroy(v->pj);
        proj_destroy(v->crs);
        if (v->ctx)
            proj_context_destroy(v->ctx);
    }
    memset(v, 0, sizeof *v);
}

/* ---- clipping and drawing ------------------------------------------------------------ */

typedef struct ptbuf {
    double *p;
    size_t n, cap;
} ptbuf;

static void ptbuf_push(ptbuf *b, double x, double y)
{
    evm_grow((void **)&b->p, &b->cap, b->n + 1, 2 * sizeof(double));
    b->p[2 * b->n] = x;
    b->p[2 * b->n + 1] = y;
    b->n++;
}

/* One Sutherland-Hodgman pass: keeps the side of axis `axis` (0 lon, 1 lat) where
 * sign * (coord - lim) <= 0. */
static void clip_pass(const ptbuf *in, ptbuf *out, int axis, double lim, double sign)
{
    out->n = 0;
    if (in->n == 0)
        return;
    const double *prev = &in->p[2 * (in->n - 1)];
    int prev_in = sign * (prev[axis] - lim) <= 0;
    for (size_t i = 0; i < in->n; i++) {
        const double *cur = &in->p[2 * i];
        int cur_in = sign * (cur[axis] - lim) <= 0;
        if (cur_in != prev_in) {
            double t = (lim - prev[axis]) / (cur[axis] - prev[axis]);
            double q[2];
            q[axis] = lim;
            q[1 - axis] = prev[1 - axis] + t * (cur[1 - axis] - prev[1 - axis]);
            ptbuf_push(out, q[0], q[1]);
        }
        if (cur_in)
            ptbuf_push(out, cur[0], cur[1]);
        prev = cur;
        prev_in = cur_in;
    }
}

/* For a point beyond the projection's horizon (orthographic, perspective views): the
 * farthest point that still projects on the great circle from the projection's origin
 * towards it, i.e. where that direction meets the horizon. Hidden parts of a polygon then
 * run along the globe's limb instead of cutting across it. */
static int limb_point(const evm_view *v, double lon, double lat, double *x, double *y)
{
    const double d2r = M_PI / 180;
    double a[3] = {cos(v->lat_c * d2r) * cos(v->lon_c * d2r),
                   cos(v->lat_c * d2r) * sin(v->lon_c * d2r), sin(v->lat_c * d2r)};
    double b[3] = {cos(lat * d2r) * cos(lon * d2r), cos(lat * d2r) * sin(lon * d2r),
                   sin(lat * d2r)};
    double w = acos(fmax(-1.0, fmin(1.0, a[0] * b[0] + a[1] * b[1] + a[2] * b[2])));
    if (sin(w) < 1e-9)
        return 0;
    double lo = 0, hi = 1;
    int found = 0;
    for (int it = 0; it < 22; it++) {
        double t = (lo + hi) / 2, p[3];
        for (int k = 0; k < 3; k++)
            p[k] = (sin((1 - t) * w) * a[k] + sin(t * w) * b[k]) / sin(w);
        double plat = asin(fmax(-1.0, fmin(1.0, p[2]))) / d2r, plon = atan2(p[1], p[0]) / d2r;
        if (evm_view_to_map(v, plon, plat, x, y)) {
            lo = t;
            found = 1;
        } else {
            hi = t;
        }
    }
    return found;
}

/* Projects the ring in a (lon/lat) to pixels, into px (points beyond a horizon moved to
 * the limb, points without any image dropped). */
static void project_ring(const evm_view *v, ptbuf *a, ptbuf *orig, ptbuf *px)
{
    orig->n = 0;
    for (size_t i = 0; i < a->n; i++)
        ptbuf_push(orig, a->p[2 * i], a->p[2 * i + 1]);
    proj_trans_generic(v->pj, PJ_FWD, a->p, 2 * sizeof(double), a->n, a->p + 1, 2 * sizeof(double),
                       a->n, NULL, 0, 0, NULL, 0, 0);
    proj_errno_reset(v->pj);
    px->n = 0;
    for (size_t i = 0; i < a->n; i++) {
        double x = a->p[2 * i], y = a->p[2 * i + 1];
        if (!isfinite(x) || !isfinite(y) || fabs(x) > 1e15 || fabs(y) > 1e15) {
            if (!limb_point(v, orig->p[2 * i], orig->p[2 * i + 1], &x, &y))
                continue;
        }
        ptbuf_push(px, (x - v->x0) / v->res, (v->y0 - y) / v->res);
    }
}

/* Projects the ring in a (lon/lat) into pixels and appends it to the path. */
static int emit_ring(const evm_view *v, ptbuf *a, ptbuf *orig, ptbuf *px, cairo_t *cr)
{
    if (a->n < 3)
        return 0;
    project_ring(v, a, orig, px);
    if (px->n < 3)
        return 0;
    double lx = px->p[0], ly = px->p[1];
    cairo_move_to(cr, lx, ly);
    for (size_t i = 1; i < px->n; i++) {
        double x = px->p[2 * i], y = px->p[2 * i + 1];
        if (fabs(x - lx) + fabs(y - ly) < 0.35 && i + 1 < px->n)
            continue;
        cairo_line_to(cr, x, y);
        lx = x, ly = y;
    }
    cairo_close_path(cr);
    return 1;
}

/* Clips ring a (lon/lat) copy shifted by `s` to the window; false when nothing is left. */
static int clip_to_window(const evm_view *v, const bm_ring *ring, const double *p, double s,
                          ptbuf *a, ptbuf *b)
{
    double wl = v->lon_c + v->lon_min, wr = v->lon_c + v->lon_max;
    a->n = 0;
    for (uint32_t i = 0; i < ring->n; i++)
        ptbuf_push(a, p[2 * i] + s, p[2 * i + 1]);
    int inside = ring->lon0 + s >= wl && ring->lon1 + s <= wr && ring->lat0 >= v->lat_min &&
                 ring->lat1 <= v->lat_max;
    if (!inside) {
        clip_pass(a, b, 0, wr, 1.0);
        clip_pass(b, a, 0, wl, -1.0);
        clip_pass(a, b, 1, v->lat_max, 1.0);
        clip_pass(b, a, 1, v->lat_min, -1.0);
    }
    return a->n >= 3;
}

/* Appends the parts of an open line inside the window; a point outside the window or
 * without a projection ends a part. */
static size_t emit_line(const evm_view *v, const double *p, uint32_t n, double shift, ptbuf *a,
                        cairo_t *cr)
{
    double wl = v->lon_c + v->lon_min, wr = v->lon_c + v->lon_max;
    a->n = 0;
    for (uint32_t i = 0; i < n; i++)
        ptbuf_push(a, p[2 * i] + shift, p[2 * i + 1]);
    char *in = evm_xmalloc(n);
    for (uint32_t i = 0; i < n; i++)
        in[i] = a->p[2 * i] >= wl && a->p[2 * i] <= wr && a->p[2 * i + 1] >= v->lat_min &&
                a->p[2 * i + 1] <= v->lat_max;
    proj_trans_generic(v->pj, PJ_FWD, a->p, 2 * sizeof(double), n, a->p + 1, 2 * sizeof(double), n,
                       NULL, 0, 0, NULL, 0, 0);
    proj_errno_reset(v->pj);
    size_t parts = 0;
    int run = 0;
    double lx = 0, ly = 0;
    for (uint32_t i = 0; i < n; i++) {
        double x = a->p[2 * i], y = a->p[2 * i + 1];
        if (!in[i] || !isfinite(x) || !isfinite(y) || fabs(x) > 1e15 || fabs(y) > 1e15) {
            run = 0;
            continue;
        }
        double px = (x - v->x0) / v->res, py = (v->y0 - y) / v->res;
        if (!run) {
            cairo_move_to(cr, px, py);
            run = 1;
            parts++;
        } else if (fabs(px - lx) + fabs(py - ly) < 0.35 && i + 1 < n) {
            continue;
        } else {
            cairo_line_to(cr, px, py);
        }
        lx = px, ly = py;
    }
    free(in);
    return parts;
}

size_t evm_basemap_path(const evm_basemap *bm, evm_basemap_layer layer, const evm_view *v,
                        cairo_t *cr)
{
    const bm_layer *l = &bm->layers[layer];
    double wl = v->lon_c + v->lon_min, wr = v->lon_c + v->lon_max;
    ptbuf a = {0}, b = {0}, orig = {0}, px = {0};
    size_t added = 0;
    for (size_t r = 0; r < l->n_rings; r++) {
        const bm_ring *ring = &l->rings[r];
        if (ring->lat1 < v->lat_min || ring->lat0 > v->lat_max)
            continue;
        for (int k = -2; k <= 2; k++) {
            double s = 360.0 * k;
            if (ring->lon0 + s > wr || ring->lon1 + s < wl)
                continue;
            const double *p = &l->pts[2 * (size_t)ring->first];
            if (layer == EVM_BASEMAP_BORDERS) {
                added += emit_line(v, p, ring->n, s, &a, cr);
                continue;
            }
            if (clip_to_window(v, ring, p, s, &a, &b))
                added += emit_ring(v, &a, &orig, &px, cr);
        }
    }
    free(a.p);
    free(b.p);
    free(orig.p);
    free(px.p);
    return added;
}

size_t evm_basemap_country_count(const evm_basemap *bm)
{
    return bm->n_countries;
}

const char *evm_basemap_country_name(const evm_basemap *bm, size_t i)
{
    return i < bm->n_countries ? bm->names + bm->countries[i].name : "";
}

int evm_basemap_country_anchor(const evm_basemap *bm, size_t i, const evm_view *v, double *x,
                               double *y, double *area, double *span)
{
    if (i >= bm->n_countries)
        return 0;
    const bm_layer *l = &bm->layers[EVM_BASEMAP_COUNTRIES];
    const bm_country *c = &bm->countries[i];
    double wl = v->lon_c + v->lon_min, wr = v->lon_c + v->lon_max;
    ptbuf a = {0}, b = {0}, orig = {0}, px = {0};
    double best = 0;
    for (uint32_t r = c->ring_first; r < c->ring_first + c->n_rings; r++) {
        const bm_ring *ring = &l->rings[r];
        if (ring->lat1 < v->lat_min || ring->lat0 > v->lat_max)
            continue;
        /* a part less than about 12 px tall (metric CRSs) cannot hold a name */
        if ((ring->lat1 - ring->lat0) * 111000.0 < 12 * v->res)
            continue;
        for (int k = -2; k <= 2; k++) {
            double s = 360.0 * k;
            if (ring->lon0 + s > wr || ring->lon1 + s < wl ||
                !clip_to_window(v, ring, &l->pts[2 * (size_t)ring->first], s, &a, &b))
                continue;
            project_ring(v, &a, &orig, &px);
            /* the part inside the image */
            clip_pass(&px, &a, 0, v->width, 1.0);
            clip_pass(&a, &px, 0, 0, -1.0);
            clip_pass(&px, &a, 1, v->height, 1.0);
            clip_pass(&a, &px, 1, 0, -1.0);
            double sa = 0, cy = 0; /* the centroid's row is all that is needed */
            for (size_t j = 0; j < px.n; j++) {
                const double *p = &px.p[2 * j], *q = &px.p[2 * ((j + 1) % px.n)];
                double cr = p[0] * q[1] - q[0] * p[1];
                sa += cr;
                cy += (p[1] + q[1]) * cr;
            }
            if (fabs(sa / 2) > best && fabs(sa) > 1e-9) {
                /* on the centroid's row, the middle of the widest run inside the part: inside
                 * even when the part is concave */
                double yc = cy / (3 * sa), xs[64];
                int nx = 0;
                for (size_t j = 0; j < px.n && nx < 64; j++) {
                    const double *p = &px.p[2 * j], *q = &px.p[2 * ((j + 1) % px.n)];
                    if ((p[1] <= yc) != (q[1] <= yc))
                        xs[nx++] = p[0] + (yc - p[1]) / (q[1] - p[1]) * (q[0] - p[0]);
                }
                for (int m = 1; m < nx; m++)
                    for (int n = m; n > 0 && xs[n] < xs[n - 1]; n--) {
                        double t = xs[n];
                        xs[n] = xs[n - 1];
                        xs[n - 1] = t;
                    }
                double wbest = 0;
                for (int m = 0; m + 1 < nx; m += 2)
                    if (xs[m + 1] - xs[m] > wbest) {
                        wbest = xs[m + 1] - xs[m];
                        *x = (xs[m] + xs[m + 1]) / 2;
                    }
                if (wbest > 0) {
                    best = fabs(sa / 2);
                    *y = yc;
                    *span = wbest;
                }
            }
        }
    }
    free(a.p);
    free(b.p);
    free(orig.p);
    free(px.p);
    *area = best;
    return best > 0;
}
