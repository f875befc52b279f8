/* layers.c: the export stage: strikes, meetings and places written through GDAL/OGR, and
 * read back for the renderer (see layers.h). The only file that uses GDAL's vector API. */
/* GDAL's VSIStatBufL is struct stat64 on glibc. */
#define _LARGEFILE64_SOURCE
#include "layers.h"

#include "gdalapi.h"

#include <json-c/json.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event.h"
#include "outfile.h"
#include "style.h"
#include "when.h"

#define ATTRIBUTION                                                                                \
    "Places: GeoNames (geonames.org), CC BY 4.0. Basemap data: Natural Earth "                     \
    "(naturalearthdata.com), public domain. Written by " EVM_NAME " " EVM_VERSION "."

#define GPKG_NAME "events.gpkg"

static const char *const LAYER_NAMES[EVM_LAYER_COUNT] = {"strikes", "meetings", "places"};

const char *evm_layers_name(evm_layer_kind kind)
{
    return kind < EVM_LAYER_COUNT ? LAYER_NAMES[kind] : "";
}

void evm_layers_opts_init(evm_layers_opts *opts)
{
    opts->format = "GeoJSON";
    opts->gpkg = true;
    opts->styles = true;
}

static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_all(void)
{
    GDALAllRegister();
}

/* Loads GDAL (evm_gdal_load) and registers its drivers, once. */
static evm_err ensure_registered(evm_diag *diag)
{
    evm_err rc = evm_gdal_load(diag);
    if (rc == EVM_OK)
        pthread_once(&registered, register_all);
    return rc;
}

/* ---- GDAL errors -------------------------------------------------------------------- */

/* Errors GDAL reports while a handler is pushed: counted, the first one kept for the diag.
 * Warnings are dropped (the library never prints). */
typedef struct gdal_errs {
    int failures;
    char first[256];
} gdal_errs;

static void CPL_STDCALL on_gdal_error(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)num;
    gdal_errs *e = CPLGetErrorHandlerUserData();
    if (e && cls >= CE_Failure && e->failures++ == 0)
        snprintf(e->first, sizeof e->first, "%s", msg ? msg : "unknown error");
}

static evm_err gdal_fail(evm_diag *diag, const gdal_errs *e, const char *what)
{
    return evm_diag_set(diag, EVM_ERR_GDAL, "%s: %s", what,
                        e->failures ? e->first : "the driver reported no detail");
}

/* ---- drivers -------------------------------------------------------------------------- */

/* True when the space-separated `list` holds `word` (case-insensitive). */
static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        while (*p == ' ')
            p++;
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncasecmp(p, word, n) == 0)
            return true;
        p += len;
    }
    return false;
}

/* The file extension evmap gives a driver's files: the one of its extensions that spells the
 * driver's name (geojson), else its main extension, else the first listed; NULL when none.
 * Returns a pointer into `buf`. */
static const char *driver_ext(GDALDriverH drv, char *buf, size_t size)
{
    const char *main_ext = GDALGetMetadataItem(drv, GDAL_DMD_EXTENSION, NULL);
    const char *exts = GDALGetMetadataItem(drv, GDAL_DMD_EXTENSIONS, NULL);
    const char *name = GDALGetDriverShortName(drv);
    if (exts && has_word(exts, name)) {
        snprintf(buf, size, "%s", name);
        for (char *p = buf; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        return buf;
    }
    if (main_ext && *main_ext) {
        snprintf(buf, size, "%s", main_ext);
        return buf;
    }
    if (exts && *exts) {
        while (*exts == ' ')
            exts++;
        size_t n = strcspn(exts, " ");
        snprintf(buf, size, "%.*s", (int)n, exts);
        return n ? buf : NULL;
    }
    return NULL;
}

/* A driver evmap can write with: vector, creates datasets, writes through GDAL's virtual
 * file system (evmap builds files in memory first), and has a file extension. */
static bool driver_usable(GDALDriverH drv)
{
    char ext[32];
    return GDALGetMetadataItem(drv, GDAL_DCAP_VECTOR, NULL) &&
           GDALGetMetadataItem(drv, GDAL_DCAP_CREATE, NULL) &&
           GDALGetMetadataItem(drv, GDAL_DCAP_VIRTUALIO, NULL) &&
           driver_ext(drv, ext, sizeof ext) != NULL;
}

static int cmp_names(const void *a, const void *b)
{
    return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* The usable drivers' short names, sorted; a heap array of `*n` pointers into GDAL. */
static const char **usable_names(size_t *n)
{
    int count = GDALGetDriverCount();
    const char **names = evm_xcalloc((size_t)count + 1, sizeof *names);
    *n = 0;
    for (int i = 0; i < count; i++) {
        GDALDriverH drv = GDALGetDriver(i);
        if (driver_usable(drv))
            names[(*n)++] = GDALGetDriverShortName(drv);
    }
    qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

evm_err evm_layers_check_format(const char *format, evm_diag *diag)
{
    evm_err rc = ensure_registered(diag);
    if (rc != EVM_OK)
        return rc;
    GDALDriverH drv = format && *format ? GDALGetDriverByName(format) : NULL;
    if (drv && driver_usable(drv))
        return EVM_OK;
    size_t n;
    const char **names = usable_names(&n);
    char list[EVM_DIAG_MAX];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    free(names);
    return evm_diag_set(diag, EVM_ERR_USAGE, "unknown output format '%s' (valid: %s)",
                        format ? format : "", list);
}

evm_err evm_layers_list_formats(FILE *out, evm_diag *diag)
{
    evm_err rc = ensure_registered(diag);
    if (rc != EVM_OK)
        return rc;
    size_t n;
    const char **names = usable_names(&n);
    for (size_t i = 0; i < n; i++) {
        GDALDriverH drv = GDALGetDriverByName(names[i]);
        char ext[32];
        const char *longname = GDALGetMetadataItem(drv, GDAL_DMD_LONGNAME, NULL);
        fprintf(out, "%s\t%s\t%s\n", names[i], driver_ext(drv, ext, sizeof ext),
                longname ? longname : "");
    }
    free(names);
    if (fflush(out) != 0 || ferror(out))
        return evm_diag_set(diag, EVM_ERR_IO, "writing the format list: %s", strerror(errno));
    return EVM_OK;
}

/* What a driver can store, read from its metadata. */
typedef struct caps {
    bool lists;       /* StringList fields (else lists are JSON text) */
    bool int64;       /* Integer64 fields */
    bool description; /* a DESCRIPTION layer creation option (else a `source` field) */
    bool rfc7946, precision, bbox, xy, rs, encoding;
} caps;

static bool layer_option(GDALDriverH drv, const char *name)
{
    const char *xml = GDALGetMetadataItem(drv, GDAL_DS_LAYER_CREATIONOPTIONLIST, NULL);
    if (!xml)
        return false;
    char a[64], b[64];
    snprintf(a, sizeof a, "name='%s'", name);
    snprintf(b, sizeof b, "name=\"%s\"", name);
    return strstr(xml, a) || strstr(xml, b);
}

static caps driver_caps(GDALDriverH drv)
{
    const char *types = GDALGetMetadataItem(drv, GDAL_DMD_CREATIONFIELDDATATYPES, NULL);
    const char *xml = GDALGetMetadataItem(drv, GDAL_DS_LAYER_CREATIONOPTIONLIST, NULL);
    caps c;
    c.lists = types && has_word(types, "StringList");
    c.int64 = !types || has_word(types, "Integer64");
    c.description = layer_option(drv, "DESCRIPTION");
    c.rfc7946 = layer_option(drv, "RFC7946");
    c.precision = layer_option(drv, "COORDINATE_PRECISION");
    c.bbox = layer_option(drv, "WRITE_BBOX");
    c.xy = layer_option(drv, "GEOMETRY") && xml && strstr(xml, "AS_XY");
    c.rs = layer_option(drv, "RS");
    c.encoding = layer_option(drv, "ENCODING");
    return c;
}

/* ---- fields ------------------------------------------------------------------------------ */

typedef enum ftype { F_STR, F_INT, F_INT64, F_REAL, F_BOOL, F_LIST } ftype;

typedef struct field_def {
    const char *name;
    ftype type;
} field_def;

/* The event fields, in layer order (docs/layers.md explains each). */
enum {
    EF_ID,
    EF_KIND,
    EF_SUBTYPE,
    EF_DATE,
    EF_DATE_PRECISION,
    EF_PLACE,
    EF_PLACE_MENTION,
    EF_COUNTRY,
    EF_ADMIN1,
    EF_GEONAMEID,
    EF_GEO_PRECISION,
    EF_KILLED,
    EF_KILLED_AT_LEAST,
    EF_INJURED,
    EF_INJURED_AT_LEAST,
    EF_WEAPON,
    EF_ACTOR,
    EF_PARTICIPANTS,
    EF_STATUS,
    EF_CAMEO,
    EF_ACLED_SUB_EVENT,
    EF_SOURCES,
    EF_CONFIDENCE,
    EF_COUNT
};

static const field_def EVENT_FIELDS[EF_COUNT] = {
    {"id", F_STR},
    {"kind", F_STR},
    {"subtype", F_STR},
    {"date", F_STR},
    {"date_precision", F_STR},
    {"place", F_STR},
    {"place_mention", F_STR},
    {"country", F_STR},
    {"admin1", F_STR},
    {"geonameid", F_INT64},
    {"geo_precision", F_STR},
    {"killed", F_INT},
    {"killed_at_least", F_BOOL},
    {"injured", F_INT},
    {"injured_at_least", F_BOOL},
    {"weapon", F_STR},
    {"actor", F_STR},
    {"participants", F_LIST},
    {"status", F_STR},
    {"cameo", F_STR},
    {"acled_sub_event", F_STR},
    {"sources", F_LIST},
    {"confidence", F_REAL},
};

/* The place fields, in layer order. */
enum {
    PF_NAME,
    PF_COUNTRY,
    PF_ADMIN1,
    PF_FEATURE,
    PF_GEONAMEID,
    PF_GEO_PRECISION,
    PF_POPULATION,
    PF_CAPITAL,
    PF_MENTIONS,
    PF_METONYMIC_ONLY,
    PF_FORMS,
    PF_SCORE,
    PF_COUNT
};

static const field_def PLACE_FIELDS[PF_COUNT] = {
    {"name", F_STR},         {"country", F_STR},
    {"admin1", F_STR},       {"feature", F_STR},
    {"geonameid", F_INT64},  {"geo_precision", F_STR},
    {"population", F_INT64}, {"capital", F_BOOL},
    {"mentions", F_INT},     {"metonymic_only", F_BOOL},
    {"forms", F_LIST},       {"score", F_REAL},
};

_Static_assert((int)EF_COUNT >= (int)PF_COUNT, "a value array sized for events holds places");

/* One field value; `null` wins over the rest. */
typedef struct value {
    bool null;
    const char *s;
    long long i;
    double d;
    const char **list; /* for F_LIST: `n` strings */
    size_t n;
} value;

static value v_str(const char *s)
{
    value v = {0};
    v.null = !s || !*s;
    v.s = s;
    return v;
}

static value v_int(long long i, bool null)
{
    value v = {0};
    v.null = null;
    v.i = i;
    return v;
}

static value v_real(double d)
{
    value v = {0};
    v.d = d;
    return v;
}

/* An empty list is written as null: OGR's GeoJSON reader would take an empty array for
 * JSON text and type the whole field as such. */
static value v_list(const char **list, size_t n)
{
    value v = {0};
    v.null = n == 0;
    v.list = list;
    v.n = n;
    return v;
}

static evm_err create_fields(OGRLayerH layer, const field_def *defs, size_t n, const caps *c,
                             gdal_errs *errs, evm_diag *diag)
{
    for (size_t i = 0; i < n; i++) {
        OGRFieldType t = OFTString;
        OGRFieldSubType sub = OFSTNone;
        switch (defs[i].type) {
        case F_STR:
            break;
        case F_INT:
            t = OFTInteger;
            break;
        case F_INT64:
            t = c->int64 ? OFTInteger64 : OFTInteger;
            break;
        case F_REAL:
            t = OFTReal;
            break;
        case F_BOOL:
            t = OFTInteger;
            sub = OFSTBoolean;
            break;
        case F_LIST:
            t = c->lists ? OFTStringList : OFTString;
            sub = c->lists ? OFSTNone : OFSTJSON;
            break;
        }
        OGRFieldDefnH fd = OGR_Fld_Create(defs[i].name, t);
        OGR_Fld_SetSubType(fd, sub);
        OGRErr err = OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return gdal_fail(diag, errs, defs[i].name);
    }
    return EVM_OK;
}

/* A JSON array of the strings, in a heap string. */
static char *json_list(const char **list, size_t n)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, json_object_new_string(list[i] ? list[i] : ""));
    char *s = evm_xstrdup(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
                                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(arr);
    return s;
}

static void set_fields(OGRFeatureH f, const field_def *defs, const value *vals, size_t n,
                       const caps *c)
{
    for (size_t i = 0; i < n; i++) {
        const value *v = &vals[i];
        int k = (int)i;
        if (v->null) {
            OGR_F_SetFieldNull(f, k);
            continue;
        }
        switch (defs[i].type) {
        case F_STR:
            OGR_F_SetFieldString(f, k, v->s);
            break;
        case F_INT:
        case F_BOOL:
        case F_INT64:
            OGR_F_SetFieldInteger64(f, k, v->i);
            break;
        case F_REAL:
            OGR_F_SetFieldDouble(f, k, v->d);
            break;
        case F_LIST:
            if (c->lists) {
                char **items = evm_xcalloc(v->n + 1, sizeof *items);
                for (size_t j = 0; j < v->n; j++)
                    items[j] = (char *)(v->list[j] ? v->list[j] : "");
                OGR_F_SetFieldStringList(f, k, (CSLConstList)items);
                free(items);
            } else {
                char *s = json_list(v->list, v->n);
                OGR_F_SetFieldString(f, k, s);
                free(s);
            }
            break;
        }
    }
}

/* ---- batch to values -------------------------------------------------------------------- */

/* The batch's arrays, read from its store so that events appended straight to
 * b->store are seen too. */
static const evm_event *batch_events(const evm_batch *b, size_t *n)
{
    *n = b->store ? b->store->n_events : b->n_events;
    return b->store ? b->store->events : b->events;
}

static const evm_place *batch_places(const evm_batch *b, size_t *n)
{
    *n = b->store ? b->store->n_places : b->n_places;
    return b->store ? b->store->places : b->places;
}

static const char *level_name(evm_geo_level level)
{
    switch (level) {
    case EVM_GEO_POINT:
        return "city";
    case EVM_GEO_COUNTRY:
        return "country";
    case EVM_GEO_ADMIN1:
    case EVM_GEO_ADMIN2:
    case EVM_GEO_REGION:
        break;
    }
    return "region";
}

/* Scratch strings for one feature's lists; reset per feature. */
typedef struct scratch {
    char **strs;
    size_t n, cap;
    const char **items;
    size_t n_items, cap_items;
} scratch;

static const char *scratch_keep(scratch *s, char *str)
{
    evm_grow((void **)&s->strs, &s->cap, s->n + 1, sizeof *s->strs);
    s->strs[s->n++] = str;
    return str;
}

static void scratch_reset(scratch *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->strs[i]);
    s->n = 0;
    s->n_items = 0;
}

static void scratch_free(scratch *s)
{
    scratch_reset(s);
    free(s->strs);
    free(s->items);
}

/* Reserves `n` list slots in the scratch; returns the first. Slots of earlier calls move,
 * so callers take list pointers only after every reservation of a feature. */
static size_t scratch_items(scratch *s, size_t n)
{
    evm_grow((void **)&s->items, &s->cap_items, s->n_items + n + 1, sizeof *s->items);
    size_t first = s->n_items;
    s->n_items += n;
    return first;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = evm_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(p, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    return p;
}

static double round3(double x)
{
    return round(x * 1000.0) / 1000.0;
}

/* The field values of one event. `date` is caller storage (11 bytes). */
static void event_values(const evm_place *places, size_t n_places, const evm_event *e,
                         value vals[EF_COUNT], char date[11], scratch *s)
{
    const evm_place *p = (e->place >= 0 && (size_t)e->place < n_places) ? &places[e->place] : NULL;
    size_t pi = scratch_items(s, e->n_participants);
    size_t si = scratch_items(s, e->n_sources);
    for (size_t k = 0; k < e->n_participants; k++) {
        const evm_participant *q = &e->participants[k];
        const char *name = q->name ? q->name : "";
        s->items[pi + k] = scratch_keep(s, q->role && *q->role ? xprintf("%s (%s)", name, q->role)
                                                               : xprintf("%s", name));
    }
    for (size_t k = 0; k < e->n_sources; k++) {
        const evm_source *q = &e->sources[k];
        s->items[si + k] = scratch_keep(
            s, xprintf("%s:%u:%u-%u", q->article ? q->article : "", q->sentence, q->start, q->end));
    }
    evm_when_format(e->date, date);

    vals[EF_ID] = v_str(e->id);
    vals[EF_KIND] = v_str(e->kind == EVM_EVENT_MEETING ? "meeting" : "strike");
    vals[EF_SUBTYPE] = v_str(e->subtype);
    vals[EF_DATE] = v_str(date);
    vals[EF_DATE_PRECISION] = v_str(evm_event_precision_name(e->date.precision));
    vals[EF_PLACE] = v_str(p ? p->name : NULL);
    vals[EF_PLACE_MENTION] = v_str(e->place_mention);
    vals[EF_COUNTRY] = v_str(p ? p->country : NULL);
    vals[EF_ADMIN1] = v_str(p ? p->admin1 : NULL);
    vals[EF_GEONAMEID] = v_int(p ? p->geonameid : -1, !p || p->geonameid < 0);
    vals[EF_GEO_PRECISION] = v_str(p ? level_name(p->level) : NULL);
    vals[EF_KILLED] = v_int(e->killed, e->killed < 0);
    vals[EF_KILLED_AT_LEAST] = v_int(e->killed_at_least, e->killed < 0);
    vals[EF_INJURED] = v_int(e->injured, e->injured < 0);
    vals[EF_INJURED_AT_LEAST] = v_int(e->injured_at_least, e->injured < 0);
    vals[EF_WEAPON] = v_str(e->weapon);
    vals[EF_ACTOR] = v_str(e->actor);
    vals[EF_PARTICIPANTS] = v_list(s->items + pi, e->n_participants);
    vals[EF_STATUS] = v_str(e->status == EVM_STATUS_PLANNED ? "planned" : "occurred");
    vals[EF_CAMEO] = v_str(e->cameo);
    vals[EF_ACLED_SUB_EVENT] = v_str(e->acled_sub_event);
    vals[EF_SOURCES] = v_list(s->items + si, e->n_sources);
    vals[EF_CONFIDENCE] = v_real(round3(e->confidence));
}

static void place_values(const evm_place *p, value vals[PF_COUNT])
{
    vals[PF_NAME] = v_str(p->name);
    vals[PF_COUNTRY] = v_str(p->country);
    vals[PF_ADMIN1] = v_str(p->admin1);
    vals[PF_FEATURE] = v_str(p->feature);
    vals[PF_GEONAMEID] = v_int(p->geonameid, p->geonameid < 0);
    vals[PF_GEO_PRECISION] = v_str(level_name(p->level));
    vals[PF_POPULATION] = v_int(p->population, p->population <= 0);
    vals[PF_CAPITAL] = v_int(p->capital, false);
    vals[PF_MENTIONS] = v_int(p->mentions, false);
    vals[PF_METONYMIC_ONLY] = v_int(p->mentions > 0 && p->metonymic >= p->mentions, false);
    vals[PF_FORMS] = v_list(p->forms, p->n_forms);
    vals[PF_SCORE] = v_real(round3(p->best_score));
}

/* ---- feature order ---------------------------------------------------------------------- */

/* Events sort by date (known dates first, earliest first), then id, then input order;
 * places by name, country, geonameid. The order gives feature ids 1, 2, ... */
typedef struct ordered {
    size_t index;
    const evm_event *e;
    const evm_place *p;
} ordered;

static int date_cmp(evm_date a, evm_date b)
{
    bool ua = a.precision == EVM_DATE_UNKNOWN, ub = b.precision == EVM_DATE_UNKNOWN;
    if (ua != ub)
        return ua ? 1 : -1;
    return evm_when_cmp(a, b);
}

static int cmp_events(const void *pa, const void *pb)
{
    const ordered *a = pa, *b = pb;
    int c = date_cmp(a->e->date, b->e->date);
    if (c)
        return c;
    c = strcmp(a->e->id ? a->e->id : "", b->e->id ? b->e->id : "");
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

static int cmp_places(const void *pa, const void *pb)
{
    const ordered *a = pa, *b = pb;
    int c = strcmp(a->p->name ? a->p->name : "", b->p->name ? b->p->name : "");
    if (!c)
        c = strcmp(a->p->country, b->p->country);
    if (!c && a->p->geonameid != b->p->geonameid)
        c = a->p->geonameid < b->p->geonameid ? -1 : 1;
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* The events of one kind (all when `all`), sorted; a heap array of `*n`. */
static ordered *sorted_events(const evm_batch *b, evm_event_kind kind, bool all, size_t *n)
{
    size_t total;
    const evm_event *ev = batch_events(b, &total);
    ordered *o = evm_xcalloc(total ? total : 1, sizeof *o);
    *n = 0;
    for (size_t i = 0; i < total; i++)
        if (all || ev[i].kind == kind)
            o[(*n)++] = (ordered){i, &ev[i], NULL};
    qsort(o, *n, sizeof *o, cmp_events);
    return o;
}

static ordered *sorted_places(const evm_batch *b, size_t *n)
{
    const evm_place *pl = batch_places(b, n);
    ordered *o = evm_xcalloc(*n ? *n : 1, sizeof *o);
    for (size_t i = 0; i < *n; i++)
        o[i] = (ordered){i, NULL, &pl[i]};
    qsort(o, *n, sizeof *o, cmp_places);
    return o;
}

/* ---- writing one layer ------------------------------------------------------------------ */

static OGRSpatialReferenceH wgs84(void)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

static OGRLayerH create_layer(GDALDatasetH ds, const char *name, const caps *c, bool seq)
{
    char **lco = NULL;
    if (c->rfc7946)
        lco = CSLSetNameValue(lco, "RFC7946", "YES");
    if (c->precision)
        lco = CSLSetNameValue(lco, "COORDINATE_PRECISION", "6");
    if (c->bbox && !seq)
        lco = CSLSetNameValue(lco, "WRITE_BBOX", "YES");
    if (c->description)
        lco = CSLSetNameValue(lco, "DESCRIPTION", ATTRIBUTION);
    if (c->xy)
        lco = CSLSetNameValue(lco, "GEOMETRY", "AS_XY");
    if (c->encoding)
        lco = CSLSetNameValue(lco, "ENCODING", "UTF-8");
    if (c->rs && seq)
        lco = CSLSetNameValue(lco, "RS", "YES");
    OGRSpatialReferenceH srs = wgs84();
    OGRLayerH layer = GDALDatasetCreateLayer(ds, name, srs, wkbPoint, lco);
    OSRRelease(srs);
    CSLDestroy(lco);
    if (layer) {
        GDALSetMetadataItem((GDALMajorObjectH)layer, "ATTRIBUTION", ATTRIBUTION, NULL);
        GDALSetMetadataItem((GDALMajorObjectH)layer, "GENERATOR", EVM_NAME " " EVM_VERSION, NULL);
    }
    return layer;
}

/* Appends the `source` field (attribution) for formats without a layer description. */
static const field_def SOURCE_FIELD = {"source", F_STR};

static evm_err write_feature(OGRLayerH layer, const field_def *defs, const value *vals, size_t n,
                             const caps *c, GIntBig fid, bool *set_fid, const evm_place *where,
                             gdal_errs *errs, evm_diag *diag, const char *what)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    set_fields(f, defs, vals, n, c);
    if (!c->description)
        OGR_F_SetFieldString(f, (int)n, ATTRIBUTION);
    if (*set_fid)
        OGR_F_SetFID(f, fid);
    if (where) {
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, where->lon, where->lat);
        OGR_F_SetGeometryDirectly(f, g);
    }
    OGRErr err = OGR_L_CreateFeature(layer, f);
    if (err != OGRERR_NONE && *set_fid && fid == 1) {
        /* Some drivers (MapInfo) number features themselves and refuse a preset id. */
        OGR_F_SetFID(f, OGRNullFID);
        if (OGR_L_CreateFeature(layer, f) == OGRERR_NONE) {
            err = OGRERR_NONE;
            *set_fid = false;
            *errs = (gdal_errs){0};
        }
    }
    OGR_F_Destroy(f);
    if (err != OGRERR_NONE)
        return gdal_fail(diag, errs, what);
    return EVM_OK;
}

/* Writes layer `kind` of the batch (or, with `seq`, every event into one `events` layer). */
static evm_err write_layer(GDALDatasetH ds, const evm_batch *b, evm_layer_kind kind, const caps *c,
                           bool seq, gdal_errs *errs, evm_diag *diag)
{
    const char *name = seq ? "events" : LAYER_NAMES[kind];
    OGRLayerH layer = create_layer(ds, name, c, seq);
    if (!layer)
        return gdal_fail(diag, errs, name);
    bool places_layer = kind == EVM_LAYER_PLACES && !seq;
    const field_def *defs = places_layer ? PLACE_FIELDS : EVENT_FIELDS;
    size_t nf = places_layer ? PF_COUNT : EF_COUNT;
    evm_err rc = create_fields(layer, defs, nf, c, errs, diag);
    if (rc == EVM_OK && !c->description)
        rc = create_fields(layer, &SOURCE_FIELD, 1, c, errs, diag);
    if (rc != EVM_OK)
        return rc;

    size_t n_places;
    const evm_place *places = batch_places(b, &n_places);
    size_t n;
    ordered *o =
        places_layer
            ? sorted_places(b, &n)
            : sorted_events(b, kind == EVM_LAYER_MEETINGS ? EVM_EVENT_MEETING : EVM_EVENT_STRIKE,
                            seq, &n);
    scratch s = {0};
    bool set_fid = true;
    for (size_t i = 0; i < n && rc == EVM_OK; i++) {
        value vals[EF_COUNT];
        const evm_place *where = o[i].p;
        char date[11];
        if (!places_layer) {
            const evm_event *e = o[i].e;
            event_values(places, n_places, e, vals, date, &s);
            where = (e->place >= 0 && (size_t)e->place < n_places) ? &places[e->place] : NULL;
        } else {
            place_values(o[i].p, vals);
        }
        rc = write_feature(layer, defs, vals, nf, c, (GIntBig)(i + 1), &set_fid, where, errs, diag,
                           name);
        scratch_reset(&s);
    }
    scratch_free(&s);
    free(o);
    return rc;
}

/* ---- the GeoPackage's layer_styles table -------------------------------------------------- */

/* QGIS reads a layer's default style from this table (the layout QGIS itself creates). */
static evm_err write_styles_table(GDALDatasetH ds, gdal_errs *errs, evm_diag *diag)
{
    static const struct {
        const char *name;
        OGRFieldType type;
        OGRFieldSubType sub;
        int width;
    } cols[] = {
        {"f_table_catalog", OFTString, OFSTNone, 256},
        {"f_table_schema", OFTString, OFSTNone, 256},
        {"f_table_name", OFTString, OFSTNone, 256},
        {"f_geometry_column", OFTString, OFSTNone, 256},
        {"styleName", OFTString, OFSTNone, 30},
        {"styleQML", OFTString, OFSTNone, 0},
        {"styleSLD", OFTString, OFSTNone, 0},
        {"useAsDefault", OFTInteger, OFSTBoolean, 0},
        {"description", OFTString, OFSTNone, 0},
        {"owner", OFTString, OFSTNone, 30},
        {"ui", OFTString, OFSTNone, 30},
        {"update_time", OFTDateTime, OFSTNone, 0},
    };
    size_t ncols = sizeof cols / sizeof cols[0];
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone, NULL);
    if (!layer)
        return gdal_fail(diag, errs, "layer_styles");
    for (size_t i = 0; i < ncols; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(cols[i].name, cols[i].type);
        OGR_Fld_SetSubType(fd, cols[i].sub);
        OGR_Fld_SetWidth(fd, cols[i].width);
        OGRErr err = OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return gdal_fail(diag, errs, "layer_styles");
    }
    for (int k = 0; k < EVM_LAYER_COUNT; k++) {
        OGRLayerH data = GDALDatasetGetLayerByName(ds, LAYER_NAMES[k]);
        const char *geom = data ? OGR_L_GetGeometryColumn(data) : "geom";
        char *qml = evm_style_qml((evm_layer_kind)k);
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        OGR_F_SetFieldString(f, 0, "");
        OGR_F_SetFieldString(f, 1, "");
        OGR_F_SetFieldString(f, 2, LAYER_NAMES[k]);
        OGR_F_SetFieldString(f, 3, geom && *geom ? geom : "geom");
        OGR_F_SetFieldString(f, 4, LAYER_NAMES[k]);
        OGR_F_SetFieldString(f, 5, qml);
        OGR_F_SetFieldString(f, 6, "");
        OGR_F_SetFieldInteger(f, 7, 1);
        OGR_F_SetFieldString(f, 8, EVM_NAME " " EVM_VERSION " default style");
        OGR_F_SetFieldString(f, 9, "");
        OGR_F_SetFieldNull(f, 10);
        OGR_F_SetFieldNull(f, 11);
        OGRErr err = OGR_L_CreateFeature(layer, f);
        OGR_F_Destroy(f);
        free(qml);
        if (err != OGRERR_NONE)
            return gdal_fail(diag, errs, "layer_styles");
    }
    return EVM_OK;
}

/* ---- datasets in memory -------------------------------------------------------------------- */

static atomic_ulong vsimem_counter;

/* A fresh /vsimem/ folder name for one write. */
static char *vsimem_dir(void)
{
    return xprintf("/vsimem/evmap-%ld-%lu", (long)getpid(),
                   (unsigned long)atomic_fetch_add(&vsimem_counter, 1));
}

/* Builds dataset `file` inside vsimem folder `vdir` with driver `drv`, holding the given
 * layers (and the styles table when `styles_table`), in one transaction when the driver
 * has them. */
static evm_err build_dataset(GDALDriverH drv, const char *vdir, const char *file,
                             const evm_batch *b, const evm_layer_kind *kinds, size_t n_kinds,
                             bool styles_table, bool seq, evm_diag *diag)
{
    gdal_errs errs = {0};
    caps c = driver_caps(drv);
    char *path = xprintf("%s/%s", vdir, file);
    evm_err rc = EVM_OK;
    CPLPushErrorHandlerEx(on_gdal_error, &errs);
    VSIMkdir(vdir, 0755);
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        rc = gdal_fail(diag, &errs, file);
    } else {
        bool tx = GDALDatasetStartTransaction(ds, FALSE) == OGRERR_NONE;
        for (size_t i = 0; i < n_kinds && rc == EVM_OK; i++)
            rc = write_layer(ds, b, kinds[i], &c, seq, &errs, diag);
        if (rc == EVM_OK && styles_table)
            rc = write_styles_table(ds, &errs, diag);
        if (tx && rc == EVM_OK && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
            rc = gdal_fail(diag, &errs, file);
        if (rc == EVM_OK && styles_table)
            GDALSetMetadataItem(ds, "ATTRIBUTION", ATTRIBUTION, NULL);
        int before = errs.failures;
        GDALClose(ds);
        if (rc == EVM_OK && errs.failures > before)
            rc = gdal_fail(diag, &errs, file);
    }
    CPLPopErrorHandler();
    free(path);
    return rc;
}

/* ---- staging files on disk ------------------------------------------------------------------ */

/* Files written under temporary names in the output folder (evm_outfile_begin: registered
 * so that a signal handler removes them), renamed over their final names by stage_commit
 * only once every file is complete; stage_close removes whatever is left. */
typedef struct stage {
    char *dir;    /* the output folder */
    char **tmp;   /* temporary paths (owned until committed) */
    char **final; /* their final paths */
    size_t n, cap, cap2;
} stage;

static evm_err make_dirs(const char *dir, evm_diag *diag)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return evm_diag_set(diag, EVM_ERR_IO, "%s: exists and is not a folder", dir);
        return EVM_OK;
    }
    char *path = evm_xstrdup(dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            evm_err rc = evm_diag_set(diag, EVM_ERR_IO, "cannot create folder %s: %s", path,
                                      strerror(errno));
            free(path);
            return rc;
        }
        *p = '/';
    }
    free(path);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return evm_diag_set(diag, EVM_ERR_IO, "cannot create folder %s: %s", dir, strerror(errno));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return evm_diag_set(diag, EVM_ERR_IO, "%s: exists and is not a folder", dir);
    return EVM_OK;
}

static evm_err stage_open(stage *st, const char *dir, evm_diag *diag)
{
    memset(st, 0, sizeof *st);
    evm_err rc = make_dirs(dir, diag);
    if (rc == EVM_OK)
        st->dir = evm_xstrdup(dir);
    return rc;
}

/* Writes `len` bytes as file `name` of the output folder, under its temporary name. */
static evm_err stage_bytes(stage *st, const char *name, const void *data, size_t len,
                           evm_diag *diag)
{
    char *final = xprintf("%s/%s", st->dir, name);
    char *tmp = evm_outfile_begin(final);
    evm_grow((void **)&st->tmp, &st->cap, st->n + 1, sizeof *st->tmp);
    evm_grow((void **)&st->final, &st->cap2, st->n + 1, sizeof *st->final);
    st->tmp[st->n] = tmp;
    st->final[st->n++] = final;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        return evm_diag_set(diag, EVM_ERR_IO, "cannot write into folder %s: %s", st->dir,
                            strerror(errno));
    evm_err rc = EVM_OK;
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = evm_diag_set(diag, EVM_ERR_IO, "cannot write %s: %s", final,
                              w < 0 ? strerror(errno) : "no space left");
            break;
        }
        p += w;
        len -= (size_t)w;
    }
    if (close(fd) != 0 && rc == EVM_OK)
        rc = evm_diag_set(diag, EVM_ERR_IO, "cannot write %s: %s", final, strerror(errno));
    return rc;
}

/* Stages every file of the vsimem folder `vdir`, then deletes the folder. */
static evm_err stage_vsimem(stage *st, const char *vdir, evm_diag *diag)
{
    char **files = VSIReadDir(vdir);
    evm_err rc = EVM_OK;
    for (int i = 0; files && files[i] && rc == EVM_OK; i++) {
        if (strcmp(files[i], ".") == 0 || strcmp(files[i], "..") == 0)
            continue;
        char *path = xprintf("%s/%s", vdir, files[i]);
        VSIStatBufL sb;
        if (VSIStatL(path, &sb) == 0 && VSI_ISDIR(sb.st_mode)) {
            rc = evm_diag_set(diag, EVM_ERR_GDAL,
                              "%s: the driver wrote a folder; evmap writes only files", files[i]);
        } else {
            vsi_l_offset len = 0;
            GByte *buf = VSIGetMemFileBuffer(path, &len, FALSE);
            rc = stage_bytes(st, files[i], buf ? (const void *)buf : "", (size_t)len, diag);
        }
        free(path);
    }
    CSLDestroy(files);
    VSIRmdirRecursive(vdir);
    return rc;
}

/* Renames every staged file over its final name, after checking that no folder stands
 * where a file goes. */
static evm_err stage_commit(stage *st, evm_diag *diag)
{
    for (size_t i = 0; i < st->n; i++) {
        struct stat sb;
        if (lstat(st->final[i], &sb) == 0 && S_ISDIR(sb.st_mode))
            return evm_diag_set(diag, EVM_ERR_IO, "%s: a folder is in the way", st->final[i]);
    }
    for (size_t i = 0; i < st->n; i++) {
        char *tmp = st->tmp[i];
        st->tmp[i] = NULL; /* evm_outfile_commit frees it, on failure too */
        evm_diag why = {{0}};
        evm_err rc = evm_outfile_commit(tmp, st->final[i], &why);
        if (rc != EVM_OK)
            return evm_diag_set(diag, rc, "cannot replace %s", why.msg);
    }
    int fd = open(st->dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    return EVM_OK;
}

static void stage_close(stage *st)
{
    for (size_t i = 0; i < st->n; i++) {
        evm_outfile_abort(st->tmp[i]);
        free(st->final[i]);
    }
    free(st->tmp);
    free(st->final);
    free(st->dir);
    memset(st, 0, sizeof *st);
}

/* ---- evm_layers_write ---------------------------------------------------------------------- */

/* Builds one dataset in memory and stages its files. */
static evm_err build_and_stage(stage *st, GDALDriverH drv, const char *file, const evm_batch *b,
                               const evm_layer_kind *kinds, size_t n_kinds, bool styles_table,
                               evm_diag *diag)
{
    char *vdir = vsimem_dir();
    evm_err rc = build_dataset(drv, vdir, file, b, kinds, n_kinds, styles_table, false, diag);
    if (rc == EVM_OK)
        rc = stage_vsimem(st, vdir, diag);
    else
        VSIRmdirRecursive(vdir);
    free(vdir);
    return rc;
}

evm_err evm_layers_write(const evm_batch *b, const char *dir, const evm_layers_opts *opts,
                         evm_diag *diag)
{
    evm_layers_opts defaults;
    evm_layers_opts_init(&defaults);
    if (!opts)
        opts = &defaults;
    const char *format = opts->format && *opts->format ? opts->format : "GeoJSON";
    evm_err rc = evm_layers_check_format(format, diag);
    if (rc != EVM_OK)
        return rc;
    GDALDriverH drv = GDALGetDriverByName(format);
    GDALDriverH gpkg = GDALGetDriverByName("GPKG");
    bool is_gpkg = drv == gpkg;
    if (!dir || !*dir)
        return evm_diag_set(diag, EVM_ERR_USAGE, "no output folder given");

    stage st;
    rc = stage_open(&st, dir, diag);
    if (rc != EVM_OK)
        return rc;
    char ext[32];
    driver_ext(drv, ext, sizeof ext);
    for (int k = 0; k < EVM_LAYER_COUNT && rc == EVM_OK && !is_gpkg; k++) {
        evm_layer_kind kind = (evm_layer_kind)k;
        char *file = xprintf("%s.%s", LAYER_NAMES[k], ext);
        rc = build_and_stage(&st, drv, file, b, &kind, 1, false, diag);
        free(file);
        if (rc == EVM_OK && opts->styles) {
            char *qml = evm_style_qml(kind);
            char *name = xprintf("%s.qml", LAYER_NAMES[k]);
            rc = stage_bytes(&st, name, qml, strlen(qml), diag);
            free(name);
            free(qml);
        }
    }
    if (rc == EVM_OK && (opts->gpkg || is_gpkg) && gpkg) {
        static const evm_layer_kind all[] = {EVM_LAYER_STRIKES, EVM_LAYER_MEETINGS,
                                             EVM_LAYER_PLACES};
        rc = build_and_stage(&st, gpkg, GPKG_NAME, b, all, 3, true, diag);
    }
    if (rc == EVM_OK)
        rc = stage_commit(&st, diag);
    stage_close(&st);
    return rc;
}

/* ---- GeoJSON Text Sequences ------------------------------------------------------------------ */

evm_err evm_layers_write_seq(const evm_batch *b, FILE *out, evm_diag *diag)
{
    evm_err rc = ensure_registered(diag);
    if (rc != EVM_OK)
        return rc;
    GDALDriverH drv = GDALGetDriverByName("GeoJSONSeq");
    if (!drv)
        return evm_diag_set(diag, EVM_ERR_GDAL, "GDAL lacks the GeoJSONSeq driver");
    char *vdir = vsimem_dir();
    evm_layer_kind kind = EVM_LAYER_STRIKES;
    rc = build_dataset(drv, vdir, "events.geojsons", b, &kind, 1, false, true, diag);
    if (rc == EVM_OK) {
        char *path = xprintf("%s/events.geojsons", vdir);
        vsi_l_offset len = 0;
        GByte *buf = VSIGetMemFileBuffer(path, &len, FALSE);
        if (buf && len && fwrite(buf, 1, (size_t)len, out) != (size_t)len)
            rc = evm_diag_set(diag, EVM_ERR_IO, "writing events: %s", strerror(errno));
        if (rc == EVM_OK && (fflush(out) != 0 || ferror(out)))
            rc = evm_diag_set(diag, EVM_ERR_IO, "writing events: %s", strerror(errno));
        free(path);
    }
    VSIRmdirRecursive(vdir);
    free(vdir);
    return rc;
}

/* ---- reading layers back -----------------------------------------------------------------------
 */

/* One feature being read: an OGR feature, or a GeoJSON feature parsed with json-c (its
 * "properties" object, the layer's property names standing for field indexes). */
typedef struct feat {
    OGRFeatureH ogr;
    json_object *props;
    const char *const *keys;
    long long fid;
} feat;

/* The index of field `name` among a layer's field names, ignoring case as OGR does, also
 * found under a name cut short by the format (Shapefile keeps 10 characters); -1 when
 * absent. */
static int field_index(const char *const *names, int n, const char *name)
{
    for (int k = 0; k < n; k++)
        if (strcasecmp(names[k], name) == 0)
            return k;
    for (int k = 0; k < n; k++) {
        size_t len = strlen(names[k]);
        if (len >= 10 && len < strlen(name) && strncasecmp(names[k], name, len) == 0)
            return k;
    }
    return -1;
}

/* One layer's field indexes for every name evmap knows. */
typedef struct reader {
    int ev[EF_COUNT];
    int pl[PF_COUNT];
    int kind; /* the "kind" field */
} reader;

static void reader_init(reader *r, const char *const *names, int n)
{
    for (int i = 0; i < EF_COUNT; i++)
        r->ev[i] = field_index(names, n, EVENT_FIELDS[i].name);
    for (int i = 0; i < PF_COUNT; i++)
        r->pl[i] = field_index(names, n, PLACE_FIELDS[i].name);
    r->kind = field_index(names, n, "kind");
}

/* A GeoJSON property's value; NULL when absent or null. */
static json_object *jfield(const feat *f, int i)
{
    json_object *v = NULL;
    if (i >= 0 && f->props)
        json_object_object_get_ex(f->props, f->keys[i], &v);
    return v;
}

/* A GeoJSON value as OGR gives it as a string (booleans as 1/0, reals with 15 digits). */
static const char *jtext(json_object *v, char *buf, size_t n)
{
    switch (json_object_get_type(v)) {
    case json_type_string:
        return json_object_get_string(v);
    case json_type_boolean:
        return json_object_get_boolean(v) ? "1" : "0";
    case json_type_double:
        snprintf(buf, n, "%.15g", json_object_get_double(v));
        return buf;
    default:
        return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
    }
}

static bool is_set(const feat *f, int i)
{
    if (!f->ogr)
        return jfield(f, i) != NULL;
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f->ogr, i);
}

/* The field as text (OGR's string form), "" when unset. */
static const char *field_text(const feat *f, int i, char *buf, size_t n)
{
    if (!is_set(f, i))
        return "";
    if (!f->ogr)
        return jtext(jfield(f, i), buf, n);
    return OGR_F_GetFieldAsString(f->ogr, i);
}

/* The field as a string in the batch arena, NULL when unset or empty. */
static const char *get_str(evm_batch *b, const feat *f, int i)
{
    char buf[64];
    const char *s = field_text(f, i, buf, sizeof buf);
    return s && *s ? evm_doc_strdup(b->store, s) : NULL;
}

static long long get_int(const feat *f, int i, long long missing)
{
    if (!is_set(f, i))
        return missing;
    if (f->ogr)
        return (long long)OGR_F_GetFieldAsInteger64(f->ogr, i);
    json_object *v = jfield(f, i);
    switch (json_object_get_type(v)) {
    case json_type_int:
        return (long long)json_object_get_int64(v);
    case json_type_double:
        return (long long)json_object_get_double(v);
    case json_type_boolean:
        return json_object_get_boolean(v) ? 1 : 0;
    case json_type_string:
        return strtoll(json_object_get_string(v), NULL, 10);
    default:
        return 0;
    }
}

static double get_real(const feat *f, int i)
{
    if (!is_set(f, i))
        return 0;
    if (f->ogr)
        return OGR_F_GetFieldAsDouble(f->ogr, i);
    json_object *v = jfield(f, i);
    switch (json_object_get_type(v)) {
    case json_type_int:
    case json_type_double:
        return json_object_get_double(v);
    case json_type_boolean:
        return json_object_get_boolean(v) ? 1 : 0;
    case json_type_string:
        return strtod(json_object_get_string(v), NULL);
    default:
        return 0;
    }
}

/* A boolean written as an integer, as true/false text (CSV, KML) or as "1"/"yes". */
static bool get_bool(const feat *f, int i)
{
    if (!is_set(f, i))
        return false;
    const char *s;
    if (f->ogr) {
        OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f->ogr, i));
        if (t == OFTInteger || t == OFTInteger64 || t == OFTReal)
            return OGR_F_GetFieldAsDouble(f->ogr, i) != 0;
        s = OGR_F_GetFieldAsString(f->ogr, i);
    } else {
        json_object *v = jfield(f, i);
        json_type t = json_object_get_type(v);
        if (t == json_type_boolean)
            return json_object_get_boolean(v);
        if (t == json_type_int || t == json_type_double)
            return json_object_get_double(v) != 0;
        if (t != json_type_string)
            return false;
        s = json_object_get_string(v);
    }
    return strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcmp(s, "1") == 0;
}

/* The strings of a JSON array, copied into the batch arena; returns the count. */
static size_t list_from_array(evm_batch *b, json_object *arr, const char ***out)
{
    size_t n = json_object_array_length(arr);
    const char **list = evm_doc_alloc(b->store, (n ? n : 1) * sizeof *list);
    for (size_t k = 0; k < n; k++) {
        const char *item = json_object_get_string(json_object_array_get_idx(arr, k));
        list[k] = evm_doc_strdup(b->store, item ? item : "");
    }
    *out = list;
    return n;
}

/* A list field: a StringList, a JSON array, or text holding a JSON array of strings, or one
 * plain string. Items are copied into the batch arena; returns the count. */
static size_t get_list(evm_batch *b, const feat *f, int i, const char ***out)
{
    *out = NULL;
    if (!is_set(f, i))
        return 0;
    if (f->ogr && OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f->ogr, i)) == OFTStringList) {
        char **items = OGR_F_GetFieldAsStringList(f->ogr, i);
        size_t n = (size_t)CSLCount(items);
        const char **list = evm_doc_alloc(b->store, (n ? n : 1) * sizeof *list);
        for (size_t k = 0; k < n; k++)
            list[k] = evm_doc_strdup(b->store, items[k]);
        *out = list;
        return n;
    }
    if (!f->ogr && json_object_is_type(jfield(f, i), json_type_array))
        return list_from_array(b, jfield(f, i), out);
    char buf[64];
    const char *s = field_text(f, i, buf, sizeof buf);
    while (*s == ' ')
        s++;
    if (!*s)
        return 0;
    json_object *arr = *s == '[' ? json_tokener_parse(s) : NULL;
    if (arr && json_object_is_type(arr, json_type_array)) {
        size_t n = list_from_array(b, arr, out);
        json_object_put(arr);
        return n;
    }
    if (arr)
        json_object_put(arr);
    const char **list = evm_doc_alloc(b->store, sizeof *list);
    list[0] = evm_doc_strdup(b->store, s);
    *out = list;
    return 1;
}

/* "2025-04-13", "2025-04", "2025" (or with '/' as OGR prints Date fields). */
static evm_date parse_date(const char *s)
{
    evm_date d = {0};
    if (!s)
        return d;
    char buf[16];
    size_t n = strlen(s) < 10 ? strlen(s) : 10;
    memcpy(buf, s, n);
    buf[n] = '\0';
    for (char *p = buf; *p; p++)
        if (*p == '/')
            *p = '-';
    if (n == 10 && evm_when_parse_iso(buf, 10, &d))
        return d;
    int y, m;
    char tail;
    if (n == 7 && sscanf(buf, "%4d-%2d%c", &y, &m, &tail) == 2 && y > 0 && m >= 1 && m <= 12)
        return (evm_date){(int16_t)y, (int8_t)m, 0, EVM_DATE_MONTH};
    if (n == 4 && sscanf(buf, "%4d%c", &y, &tail) == 1 && y > 0)
        return (evm_date){(int16_t)y, 0, 0, EVM_DATE_YEAR};
    return (evm_date){0};
}

static evm_geo_level parse_level(const char *s, evm_geo_level fallback)
{
    if (!s)
        return fallback;
    if (strcmp(s, "city") == 0)
        return EVM_GEO_POINT;
    if (strcmp(s, "country") == 0)
        return EVM_GEO_COUNTRY;
    if (strcmp(s, "region") == 0)
        return EVM_GEO_ADMIN1;
    return fallback;
}

/* The feature's position in WGS 84 (the centroid for non-points); false without one. */
static bool feature_point(OGRFeatureH f, OGRCoordinateTransformationH ct, double *lon, double *lat)
{
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g))
        return false;
    double x, y;
    if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint) {
        x = OGR_G_GetX(g, 0);
        y = OGR_G_GetY(g, 0);
    } else {
        OGRGeometryH c = OGR_G_CreateGeometry(wkbPoint);
        bool ok = OGR_G_Centroid(g, c) == OGRERR_NONE && !OGR_G_IsEmpty(c);
        x = OGR_G_GetX(c, 0);
        y = OGR_G_GetY(c, 0);
        OGR_G_DestroyGeometry(c);
        if (!ok)
            return false;
    }
    if (ct && !OCTTransform(ct, 1, &x, &y, NULL))
        return false;
    if (!isfinite(x) || !isfinite(y))
        return false;
    *lon = x;
    *lat = y;
    return true;
}

/* Interns the place a feature stands for; `ev` says which field set names it. */
static int32_t read_place(evm_batch *b, const feat *f, const reader *r, bool ev, double lon,
                          double lat)
{
    evm_place p = {0};
    const char *name = get_str(b, f, ev ? r->ev[EF_PLACE] : r->pl[PF_NAME]);
    if (!name)
        name = get_str(b, f, r->pl[PF_NAME]);
    const char *country = get_str(b, f, ev ? r->ev[EF_COUNTRY] : r->pl[PF_COUNTRY]);
    const char *admin1 = get_str(b, f, ev ? r->ev[EF_ADMIN1] : r->pl[PF_ADMIN1]);
    p.geonameid = get_int(f, ev ? r->ev[EF_GEONAMEID] : r->pl[PF_GEONAMEID], -1);
    p.name = name ? name : "";
    snprintf(p.country, sizeof p.country, "%s", country ? country : "");
    p.admin1 = admin1 ? admin1 : "";
    const char *feature = get_str(b, f, r->pl[PF_FEATURE]);
    p.feature = feature ? feature : "";
    p.level = parse_level(get_str(b, f, ev ? r->ev[EF_GEO_PRECISION] : r->pl[PF_GEO_PRECISION]),
                          EVM_GEO_POINT);
    p.lat = lat;
    p.lon = lon;
    p.population = get_int(f, r->pl[PF_POPULATION], 0);
    p.capital = get_bool(f, r->pl[PF_CAPITAL]);
    return evm_batch_place(b, &p);
}

static void read_place_feature(evm_batch *b, const feat *f, const reader *r, double lon, double lat)
{
    int32_t i = read_place(b, f, r, false, lon, lat);
    evm_place *p = &b->store->places[i];
    /* the places layer knows more than an event layer that named the place first */
    if (is_set(f, r->pl[PF_CAPITAL]))
        p->capital = get_bool(f, r->pl[PF_CAPITAL]);
    if (is_set(f, r->pl[PF_POPULATION]))
        p->population = get_int(f, r->pl[PF_POPULATION], 0);
    const char *feature = get_str(b, f, r->pl[PF_FEATURE]);
    if (feature)
        p->feature = feature;
    p->mentions += (uint32_t)get_int(f, r->pl[PF_MENTIONS], 0);
    if (get_bool(f, r->pl[PF_METONYMIC_ONLY]))
        p->metonymic = p->mentions;
    double score = get_real(f, r->pl[PF_SCORE]);
    if (score > p->best_score)
        p->best_score = (float)score;
    const char **forms;
    size_t n = get_list(b, f, r->pl[PF_FORMS], &forms);
    if (n) {
        p->forms = forms;
        p->n_forms = n;
    }
}

/* "Name (role)" back to a participant. */
static evm_participant parse_participant(evm_batch *b, const char *s)
{
    size_t n = strlen(s);
    const char *open = n > 2 && s[n - 1] == ')' ? strrchr(s, '(') : NULL;
    if (open && open > s && open[-1] == ' ')
        return (evm_participant){
            evm_doc_strndup(b->store, s, (size_t)(open - 1 - s)),
            evm_doc_strndup(b->store, open + 1, (size_t)(s + n - 1 - open - 1))};
    return (evm_participant){s, ""};
}

/* "article:sentence:start-end" back to a source; the article id may hold colons. */
static evm_source parse_source(evm_batch *b, const char *s)
{
    evm_source src = {s, 0, 0, 0};
    const char *c2 = strrchr(s, ':');
    if (!c2)
        return src;
    const char *c1 = c2;
    while (c1 > s && c1[-1] != ':')
        c1--;
    unsigned sent, start, end;
    char tail;
    if (c1 > s && sscanf(c1, "%u:%u-%u%c", &sent, &start, &end, &tail) == 3) {
        src.article = evm_doc_strndup(b->store, s, (size_t)(c1 - 1 - s));
        src.sentence = sent;
        src.start = start;
        src.end = end;
    }
    return src;
}

static void read_event(evm_batch *b, const feat *f, const reader *r, evm_event_kind kind,
                       double lon, double lat)
{
    int32_t place = read_place(b, f, r, true, lon, lat);
    const char **parts, **srcs;
    size_t np = get_list(b, f, r->ev[EF_PARTICIPANTS], &parts);
    size_t ns = get_list(b, f, r->ev[EF_SOURCES], &srcs);
    evm_participant *pp = np ? evm_doc_alloc(b->store, np * sizeof *pp) : NULL;
    for (size_t k = 0; k < np; k++)
        pp[k] = parse_participant(b, parts[k]);
    evm_source *ss = ns ? evm_doc_alloc(b->store, ns * sizeof *ss) : NULL;
    for (size_t k = 0; k < ns; k++)
        ss[k] = parse_source(b, srcs[k]);

    evm_event *e = evm_doc_add_event(b->store);
    e->kind = kind;
    e->id = get_str(b, f, r->ev[EF_ID]);
    if (!e->id)
        e->id =
            evm_doc_printf(b->store, "%s-%lld", kind == EVM_EVENT_MEETING ? "meeting" : "strike",
                           f->ogr ? (long long)OGR_F_GetFID(f->ogr) : f->fid);
    e->subtype = get_str(b, f, r->ev[EF_SUBTYPE]);
    e->date = parse_date(get_str(b, f, r->ev[EF_DATE]));
    const char *prec = get_str(b, f, r->ev[EF_DATE_PRECISION]);
    if (prec && strcmp(prec, "week") == 0 && e->date.precision == EVM_DATE_DAY)
        e->date.precision = EVM_DATE_WEEK;
    e->place = place;
    e->mention = -1;
    e->place_mention = get_str(b, f, r->ev[EF_PLACE_MENTION]);
    e->killed = (int32_t)get_int(f, r->ev[EF_KILLED], -1);
    e->killed_at_least = get_bool(f, r->ev[EF_KILLED_AT_LEAST]);
    e->injured = (int32_t)get_int(f, r->ev[EF_INJURED], -1);
    e->injured_at_least = get_bool(f, r->ev[EF_INJURED_AT_LEAST]);
    e->weapon = get_str(b, f, r->ev[EF_WEAPON]);
    e->actor = get_str(b, f, r->ev[EF_ACTOR]);
    e->participants = pp;
    e->n_participants = np;
    const char *status = get_str(b, f, r->ev[EF_STATUS]);
    e->status = status && strcmp(status, "planned") == 0 ? EVM_STATUS_PLANNED : EVM_STATUS_OCCURRED;
    e->cameo = get_str(b, f, r->ev[EF_CAMEO]);
    e->acled_sub_event = get_str(b, f, r->ev[EF_ACLED_SUB_EVENT]);
    e->sources = ss;
    e->n_sources = ns;
    e->confidence = (float)get_real(f, r->ev[EF_CONFIDENCE]);
}

/* The kind a layer's name gives (-1: none). */
static int kind_from_text(const char *s)
{
    if (!s)
        return -1;
    char low[64];
    snprintf(low, sizeof low, "%.63s", s);
    for (char *p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (strstr(low, "strike"))
        return EVM_EVENT_STRIKE;
    if (strstr(low, "meeting"))
        return EVM_EVENT_MEETING;
    return -1;
}

/* Adds one feature at lon/lat: an event when the layer's name or its "kind" field says
 * strike or meeting, else a place. */
static void read_feature(evm_batch *b, const feat *f, const reader *r, int layer_kind, double lon,
                         double lat)
{
    int kind = layer_kind;
    if (is_set(f, r->kind)) {
        char buf[64];
        kind = kind_from_text(field_text(f, r->kind, buf, sizeof buf));
    }
    if (kind >= 0)
        read_event(b, f, r, (evm_event_kind)kind, lon, lat);
    else
        read_place_feature(b, f, r, lon, lat);
}

static evm_err read_layer(OGRLayerH layer, evm_batch *b)
{
    if (OGR_L_GetGeomType(layer) == wkbNone)
        return EVM_OK;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int n_fields = OGR_FD_GetFieldCount(defn);
    const char **names = evm_xcalloc((size_t)n_fields + 1, sizeof *names);
    for (int k = 0; k < n_fields; k++)
        names[k] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, k));
    reader r;
    reader_init(&r, names, n_fields);
    free(names);
    int layer_kind = kind_from_text(OGR_L_GetName(layer));

    OGRCoordinateTransformationH ct = NULL;
    OGRSpatialReferenceH src = OGR_L_GetSpatialRef(layer);
    OGRSpatialReferenceH dst = wgs84();
    if (src && !OSRIsSame(src, dst)) {
        OGRSpatialReferenceH s2 = OSRClone(src);
        OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
        ct = OCTNewCoordinateTransformation(s2, dst);
        OSRRelease(s2);
    }
    OSRRelease(dst);

    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        double lon, lat;
        if (feature_point(f, ct, &lon, &lat)) {
            feat ft = {f, NULL, NULL, 0};
            read_feature(b, &ft, &r, layer_kind, lon, lat);
        }
        OGR_F_Destroy(f);
    }
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    return EVM_OK;
}

/* ---- GeoJSON read directly ------------------------------------------------------------------
 * A .geojson/.json file holding what evmap writes, a FeatureCollection of points in WGS 84,
 * is read with json-c, as OGR's GeoJSON driver would read it (layer name from "name" or the
 * file's stem, integer "id" as feature id, a string "id" as a field): GDAL is then not even
 * loaded, which is most of the time `evmap render` takes. Anything else (other geometries,
 * another CRS, a file json-c cannot parse) goes to OGR. */

static bool has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

static const char *jstring(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

/* A GeoJSON "crs" member naming WGS 84 longitude/latitude (or none: RFC 7946). */
static bool crs_is_lonlat(json_object *crs)
{
    static const char *const names[] = {"urn:ogc:def:crs:OGC:1.3:CRS84",
                                        "urn:ogc:def:crs:OGC::CRS84", "OGC:CRS84",
                                        "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"};
    if (!crs)
        return true;
    json_object *props = NULL;
    json_object_object_get_ex(crs, "properties", &props);
    const char *name = props ? jstring(props, "name") : NULL;
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i]) == 0)
            return true;
    return false;
}

/* A feature's point: 1 with *x, *y; 0 when it has no position (no geometry, an empty
 * point); -1 for a geometry only OGR reads (centroids of lines and polygons). */
static int json_point(json_object *feature, double *x, double *y)
{
    json_object *g = NULL, *coords = NULL;
    if (!json_object_object_get_ex(feature, "geometry", &g) || !g)
        return 0;
    const char *type = jstring(g, "type");
    if (!type || strcmp(type, "Point") != 0 ||
        !json_object_object_get_ex(g, "coordinates", &coords) ||
        !json_object_is_type(coords, json_type_array))
        return -1;
    size_t n = json_object_array_length(coords);
    if (n == 0)
        return 0;
    json_object *cx = json_object_array_get_idx(coords, 0);
    json_object *cy = n > 1 ? json_object_array_get_idx(coords, 1) : NULL;
    bool numbers = true;
    for (json_object *c = cx; c; c = c == cx ? cy : NULL)
        numbers = numbers && (json_object_is_type(c, json_type_double) ||
                              json_object_is_type(c, json_type_int));
    if (!cy || !numbers)
        return -1;
    *x = json_object_get_double(cx);
    *y = json_object_get_double(cy);
    return isfinite(*x) && isfinite(*y) ? 1 : 0;
}

/* Whether some feature's "id" is not an integer: OGR then reads every feature's "id" as an
 * "id" field (unless the properties have one), else integer ids as feature ids. */
static bool ids_as_field(json_object *features)
{
    size_t n = json_object_array_length(features);
    for (size_t i = 0; i < n; i++) {
        json_object *id = NULL;
        if (json_object_object_get_ex(json_object_array_get_idx(features, i), "id", &id) && id &&
            !json_object_is_type(id, json_type_int))
            return true;
    }
    return false;
}

/* The property names of every feature, once each, in the order first seen; false when a
 * feature is not one json-c reading can take. */
static bool collect_keys(json_object *features, const char ***keys, int *n_keys)
{
    size_t n = json_object_array_length(features), cap = 0;
    bool id_field = ids_as_field(features);
    *keys = NULL;
    *n_keys = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *ft = json_object_array_get_idx(features, i), *props = NULL, *id = NULL;
        double x, y;
        const char *type = json_object_is_type(ft, json_type_object) ? jstring(ft, "type") : NULL;
        if (!type || strcmp(type, "Feature") != 0 || json_point(ft, &x, &y) < 0)
            return false;
        json_object_object_get_ex(ft, "properties", &props);
        if (props && !json_object_is_type(props, json_type_object))
            return false;
        if (id_field && json_object_object_get_ex(ft, "id", &id) && id &&
            !(props && json_object_object_get_ex(props, "id", NULL))) {
            if (!props) {
                props = json_object_new_object();
                json_object_object_add(ft, "properties", props);
            }
            json_object_object_add(props, "id", json_object_new_string(json_object_get_string(id)));
        }
        if (!props)
            continue;
        json_object_object_foreach(props, key, val)
        {
            (void)val;
            int k = 0;
            while (k < *n_keys && strcmp((*keys)[k], key) != 0)
                k++;
            if (k == *n_keys) {
                evm_grow((void **)keys, &cap, (size_t)*n_keys + 1, sizeof **keys);
                (*keys)[(*n_keys)++] = key;
            }
        }
    }
    return true;
}

/* Reads a GeoJSON file with json-c into b. False, with nothing added to b, when the file
 * is not one this reading takes (OGR reads it then). */
static bool read_geojson(const char *path, evm_batch *b)
{
    if (!has_ext(path, ".geojson") && !has_ext(path, ".json"))
        return false;
    json_object *root = json_object_from_file(path);
    json_object *features = NULL, *crs = NULL;
    const char *type = json_object_is_type(root, json_type_object) ? jstring(root, "type") : NULL;
    const char **keys = NULL;
    int n_keys = 0;
    bool ok = type && strcmp(type, "FeatureCollection") == 0 &&
              json_object_object_get_ex(root, "features", &features) &&
              json_object_is_type(features, json_type_array) &&
              (!json_object_object_get_ex(root, "crs", &crs) || crs_is_lonlat(crs)) &&
              collect_keys(features, &keys, &n_keys);
    if (ok) {
        /* OGR's layer name: the collection's "name", else the file name without extension */
        const char *name = jstring(root, "name");
        char stem[256];
        if (!name) {
            const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
            snprintf(stem, sizeof stem, "%s", base);
            char *dot = strrchr(stem, '.');
            if (dot && dot != stem)
                *dot = '\0';
            name = stem;
        }
        reader r;
        reader_init(&r, keys, n_keys);
        int layer_kind = kind_from_text(name);
        size_t n = json_object_array_length(features);
        bool id_field = ids_as_field(features);
        for (size_t i = 0; i < n; i++) {
            json_object *ft = json_object_array_get_idx(features, i), *props = NULL, *id = NULL;
            double lon, lat;
            if (json_point(ft, &lon, &lat) != 1)
                continue;
            json_object_object_get_ex(ft, "properties", &props);
            feat f = {NULL, props, keys, (long long)i};
            if (!id_field && json_object_object_get_ex(ft, "id", &id) &&
                json_object_is_type(id, json_type_int))
                f.fid = (long long)json_object_get_int64(id);
            read_feature(b, &f, &r, layer_kind, lon, lat);
        }
    }
    free(keys);
    json_object_put(root);
    return ok;
}

/* Reads every layer of a data set through OGR. */
static evm_err read_ogr(const char *path, evm_batch *b, evm_diag *diag)
{
    evm_err rc = ensure_registered(diag);
    if (rc != EVM_OK)
        return rc;
    gdal_errs errs = {0};
    CPLPushErrorHandlerEx(on_gdal_error, &errs);
    /* CSV and spreadsheets: points from coordinate columns (as evmap writes CSV) */
    const char *const open_opts[] = {"X_POSSIBLE_NAMES=X,lon,longitude,lng",
                                     "Y_POSSIBLE_NAMES=Y,lat,latitude", "KEEP_GEOM_COLUMNS=NO",
                                     NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, open_opts, NULL);
    if (!ds) {
        struct stat st;
        if (stat(path, &st) != 0)
            rc = evm_diag_set(diag, EVM_ERR_IO, "%s: %s", path, strerror(errno));
        else
            rc = evm_diag_set(diag, EVM_ERR_IO, "%s: not a vector data set OGR can open%s%s", path,
                              errs.failures ? ": " : "", errs.failures ? errs.first : "");
    } else {
        int n = GDALDatasetGetLayerCount(ds);
        for (int i = 0; i < n && rc == EVM_OK; i++) {
            OGRLayerH layer = GDALDatasetGetLayer(ds, i);
            if (strcmp(OGR_L_GetName(layer), "layer_styles") != 0)
                rc = read_layer(layer, b);
        }
        GDALClose(ds);
    }
    CPLPopErrorHandler();
    return rc;
}

evm_err evm_layers_read(const char *path, evm_batch *b, evm_diag *diag)
{
    evm_err rc = read_geojson(path, b) ? EVM_OK : read_ogr(path, b, diag);
    b->events = b->store->events;
    b->n_events = b->store->n_events;
    b->places = b->store->places;
    b->n_places = b->store->n_places;
    return rc;
}
