/* test_layers.c: unit tests of the export stage (layers.c, style.c): the files OGR writes,
 * reopened with OGR and read as JSON; atomic replacement and write failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cpl_string.h>
#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "batch.h"
#include "layers.h"
#include "style.h"

#include "layers_sample.h"

static char *make_tmpdir(void)
{
    char *dir = strdup("/tmp/evm-layers-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *p = path_in(dir, de->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

static json_object *load_json(const char *dir, const char *name)
{
    char *p = path_in(dir, name);
    char *text = slurp(p, NULL);
    free(p);
    assert_non_null(text);
    json_object *o = json_tokener_parse(text);
    free(text);
    assert_non_null(o);
    return o;
}

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

/* A folder's listing with every file's size and hash, to prove that a failed write changed nothing.
 */
typedef struct snapshot {
    char *text;
} snapshot;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static snapshot take_snapshot(const char *dir)
{
    char *names[64];
    size_t n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n < 64)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    for (size_t i = 0; i < n; i++) {
        char *p = path_in(dir, names[i]);
        struct stat st;
        lstat(p, &st);
        fprintf(out, "== %s %s\n", names[i], S_ISDIR(st.st_mode) ? "(folder)" : "");
        if (S_ISREG(st.st_mode)) {
            size_t flen = 0;
            char *data = slurp(p, &flen);
            uint64_t h = 1469598103934665603ull; /* FNV-1a of the bytes */
            for (size_t k = 0; k < flen; k++)
                h = (h ^ (unsigned char)data[k]) * 1099511628211ull;
            fprintf(out, "%zu bytes, hash %016llx\n", flen, (unsigned long long)h);
            free(data);
        }
        free(p);
        free(names[i]);
    }
    fclose(out);
    return (snapshot){buf};
}

static bool has_staging_leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    bool found = false;
    while ((de = readdir(d)) != NULL)
        if (strncmp(de->d_name, ".tmp-", 5) == 0)
            found = true;
    closedir(d);
    return found;
}

/* ---- GeoJSON as text ------------------------------------------------------------------------ */

static void test_geojson_rfc7946(void **state)
{
    (void)state;
    evm_batch *b = sample_batch();
    char *dir = make_tmpdir();
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_write(b, dir, NULL, &diag), EVM_OK);

    json_object *fc = load_json(dir, "strikes.geojson");
    assert_string_equal(json_object_get_string(member(fc, "type")), "FeatureCollection");
    assert_null(member(fc, "crs"));
    json_object *bbox = member(fc, "bbox");
    assert_non_null(bbox);
    assert_int_equal(json_object_array_length(bbox), 4);
    /* west, south, east, north over Kryvyi Rih, Dnipro and Sumy */
    assert_float_equal(json_object_get_double(json_object_array_get_idx(bbox, 0)), 33.39404, 1e-6);
    assert_float_equal(json_object_get_double(json_object_array_get_idx(bbox, 3)), 50.9216, 1e-6);
    assert_non_null(strstr(json_object_get_string(member(fc, "description")), "GeoNames"));
    assert_non_null(strstr(json_object_get_string(member(fc, "description")), "evmap"));

    json_object *feats = member(fc, "features");
    assert_int_equal(json_object_array_length(feats), 3);
    /* ordered by date, unknown last: Sumy (13th), Dnipro (16th), Kryvyi Rih */
    const char *ids[] = {"strike-sumy", "strike-dnipro", "strike-kryvyi"};
    for (size_t i = 0; i < 3; i++) {
        json_object *f = json_object_array_get_idx(feats, i);
        json_object *props = member(f, "properties");
        assert_string_equal(json_object_get_string(member(props, "id")), ids[i]);
        assert_int_equal(json_object_get_int(member(f, "id")), (int)i + 1);
        assert_string_equal(json_object_get_string(member(props, "kind")), "strike");
    }
    json_object *sumy = json_object_array_get_idx(feats, 0);
    json_object *props = member(sumy, "properties");
    json_object *coords = member(member(sumy, "geometry"), "coordinates");
    assert_float_equal(json_object_get_double(json_object_array_get_idx(coords, 0)), 34.80029,
                       1e-9); /* longitude first */
    assert_float_equal(json_object_get_double(json_object_array_get_idx(coords, 1)), 50.9216, 1e-9);
    assert_true(json_object_is_type(member(props, "killed"), json_type_int));
    assert_int_equal(json_object_get_int(member(props, "killed")), 35);
    assert_true(json_object_get_boolean(member(props, "killed_at_least")));
    assert_true(json_object_is_type(member(props, "injured"), json_type_null));
    assert_string_equal(json_object_get_string(member(props, "date")), "2025-04-13");
    assert_string_equal(json_object_get_string(member(props, "date_precision")), "day");
    assert_string_equal(json_object_get_string(member(props, "geo_precision")), "city");
    assert_int_equal(json_object_get_int64(member(props, "geonameid")), 692194);
    assert_true(json_object_is_type(member(props, "confidence"), json_type_double));
    json_object *sources = member(props, "sources");
    assert_true(json_object_is_type(sources, json_type_array));
    assert_int_equal(json_object_array_length(sources), 2);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(sources, 1)),
                        "news:a1:9:900-1010");

    json_object *kryvyi = json_object_array_get_idx(feats, 2);
    props = member(kryvyi, "properties");
    assert_true(json_object_is_type(member(props, "date"), json_type_null));
    assert_string_equal(json_object_get_string(member(props, "date_precision")), "unknown");
    assert_true(json_object_is_type(member(props, "killed"), json_type_null));
    assert_string_equal(json_object_get_string(member(props, "place_mention")), "Kryvyi Rig");
    assert_string_equal(json_object_get_string(member(props, "place")), "Kryvyi Rih");
    json_object_put(fc);

    /* 6 decimals: Paris's longitude was given with 10 */
    fc = load_json(dir, "meetings.geojson");
    feats = member(fc, "features");
    assert_int_equal(json_object_array_length(feats), 2);
    json_object *paris = json_object_array_get_idx(feats, 1);
    props = member(paris, "properties");
    assert_string_equal(json_object_get_string(member(props, "place")), "Paris");
    coords = member(member(paris, "geometry"), "coordinates");
    assert_float_equal(json_object_get_double(json_object_array_get_idx(coords, 0)), 2.348812,
                       1e-9);
    json_object *parts = member(props, "participants");
    assert_int_equal(json_object_array_length(parts), 2);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(parts, 0)),
                        "Marco Rubio (U.S. Secretary of State)");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(parts, 1)),
                        "Emmanuel Macron");
    props = member(json_object_array_get_idx(feats, 0), "properties");
    assert_string_equal(json_object_get_string(member(props, "status")), "planned");
    json_object_put(fc);

    remove_tree(dir);
    free(dir);
    evm_batch_free(b);
}

static void test_empty_layers_written(void **state)
{
    (void)state;
    evm_batch *b = evm_batch_new("empty");
    char *dir = make_tmpdir();
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_write(b, dir, NULL, &diag), EVM_OK);
    const char *names[] = {"strikes.geojson", "meetings.geojson", "places.geojson"};
    for (size_t i = 0; i < 3; i++) {
        json_object *fc = load_json(dir, names[i]);
        assert_string_equal(json_object_get_string(member(fc, "type")), "FeatureCollection");
        assert_int_equal(json_object_array_length(member(fc, "features")), 0);
        assert_null(member(fc, "crs"));
        json_object_put(fc);
    }
    char *gpkg = path_in(dir, "events.gpkg");
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    free(gpkg);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "meetings");
    assert_non_null(l);
    assert_int_equal(OGR_L_GetFeatureCount(l, TRUE), 0);
    GDALClose(ds);
    remove_tree(dir);
    free(dir);
    evm_batch_free(b);
}

/* ---- reopened with OGR ------------------------------------------------------------------------
 */

static void expect_field(OGRFeatureDefnH defn, const char *name, OGRFieldType type,
                         OGRFieldSubType sub)
{
    int i = OGR_FD_GetFieldIndex(defn, name);
    if (i < 0)
        fail_msg("no field %s", name);
    OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
    if (OGR_Fld_GetType(fd) != type || OGR_Fld_GetSubType(fd) != sub)
        fail_msg("field %s: type %s/%d, want %s/%d", name,
                 OGR_GetFieldTypeName(OGR_Fld_GetType(fd)), (int)OGR_Fld_GetSubType(fd),
                 OGR_GetFieldTypeName(type), (int)sub);
}

static void test_gpkg_layers_and_types(void **state)
{
    (void)state;
    evm_batch *b = sample_batch();
    char *dir = make_tmpdir();
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_write(b, dir, NULL, &diag), EVM_OK);
    char *path = path_in(dir, "events.gpkg");
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    assert_string_equal(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "GPKG");

    OGRLayerH strikes = GDALDatasetGetLayerByName(ds, "strikes");
    OGRLayerH meetings = GDALDatasetGetLayerByName(ds, "meetings");
    OGRLayerH places = GDALDatasetGetLayerByName(ds, "places");
    OGRLayerH styles = GDALDatasetGetLayerByName(ds, "layer_styles");
    assert_non_null(strikes);
    assert_non_null(meetings);
    assert_non_null(places);
    assert_non_null(styles);
    assert_int_equal(OGR_L_GetFeatureCount(strikes, TRUE), 3);
    assert_int_equal(OGR_L_GetFeatureCount(meetings, TRUE), 2);
    assert_int_equal(OGR_L_GetFeatureCount(places, TRUE), 6);
    assert_int_equal(OGR_L_GetGeomType(strikes), wkbPoint);

    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(strikes);
    expect_field(defn, "id", OFTString, OFSTNone);
    expect_field(defn, "date", OFTString, OFSTNone);
    expect_field(defn, "geonameid", OFTInteger64, OFSTNone);
    expect_field(defn, "killed", OFTInteger, OFSTNone);
    expect_field(defn, "killed_at_least", OFTInteger, OFSTBoolean);
    expect_field(defn, "injured", OFTInteger, OFSTNone);
    expect_field(defn, "participants", OFTString, OFSTJSON);
    expect_field(defn, "sources", OFTString, OFSTJSON);
    expect_field(defn, "confidence", OFTReal, OFSTNone);
    expect_field(OGR_L_GetLayerDefn(places), "population", OFTInteger64, OFSTNone);
    expect_field(OGR_L_GetLayerDefn(places), "mentions", OFTInteger, OFSTNone);
    expect_field(OGR_L_GetLayerDefn(places), "capital", OFTInteger, OFSTBoolean);
    expect_field(OGR_L_GetLayerDefn(places), "score", OFTReal, OFSTNone);

    /* feature ids follow the date order; values as written */
    OGRFeatureH f = OGR_L_GetFeature(strikes, 1);
    assert_non_null(f);
    assert_string_equal(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "id")), "strike-sumy");
    assert_int_equal(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "killed")), 35);
    assert_string_equal(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "sources")),
                        "[\"news:a1:2:140-260\",\"news:a1:9:900-1010\"]");
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    assert_float_equal(OGR_G_GetX(g, 0), 34.80029, 1e-9);
    OGR_F_Destroy(f);
    f = OGR_L_GetFeature(strikes, 3);
    assert_false(OGR_F_IsFieldSetAndNotNull(f, OGR_F_GetFieldIndex(f, "killed")));
    OGR_F_Destroy(f);

    /* a default QGIS style per layer */
    assert_int_equal(OGR_L_GetFeatureCount(styles, TRUE), 3);
    OGR_L_SetAttributeFilter(styles, "f_table_name = 'strikes' AND useAsDefault = 1");
    f = OGR_L_GetNextFeature(styles);
    assert_non_null(f);
    const char *qml = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "styleQML"));
    assert_non_null(strstr(qml, "RuleRenderer"));
    assert_non_null(strstr(qml, "215,48,31"));
    assert_string_equal(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "f_geometry_column")),
                        OGR_L_GetGeometryColumn(strikes));
    OGR_F_Destroy(f);

    const char *desc = GDALGetMetadataItem((GDALMajorObjectH)strikes, "DESCRIPTION", NULL);
    assert_non_null(desc);
    assert_non_null(strstr(desc, "CC BY 4.0"));
    GDALClose(ds);
    free(path);
    remove_tree(dir);
    free(dir);
    evm_batch_free(b);
}

static void test_geojson_reopened_types(void **state)
{
    (void)state;
    evm_batch *b = sample_batch();
    char *dir = make_tmpdir();
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_write(b, dir, NULL, &diag), EVM_OK);
    char *path = path_in(dir, "meetings.geojson");
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    assert_string_equal(OGR_L_GetName(l), "meetings");
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    expect_field(defn, "participants", OFTStringList, OFSTNone);
    expect_field(defn, "geonameid", OFTInteger, OFSTNone);
    expect_field(defn, "confidence", OFTReal, OFSTNone);
    OGR_L_ResetReading(l);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    assert_int_equal(OGR_F_GetFID(f), 1);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(l);
    assert_int_equal(OGR_F_GetFID(f), 2);
    char **parts = OGR_F_GetFieldAsStringList(f, OGR_F_GetFieldIndex(f, "participants"));
    assert_int_equal(CSLCount(parts), 2);
    assert_string_equal(parts[1], "Emmanuel Macron");
    OGR_F_Destroy(f);
    GDALClose(ds);
    free(path);

    path = path_in(dir, "strikes.geojson");
    ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    defn = OGR_L_GetLayerDefn(GDALDatasetGetLayer(ds, 0));
    expect_field(defn, "killed", OFTInteger, OFSTNone);
    expect_field(defn, "killed_at_least", OFTInteger, OFSTBoolean);
    expect_field(defn, "sources", OFTStringList, OFSTNone);
    GDALClose(ds);
    free(path);
    remove_tree(dir);
    free(dir);
    evm_batch_free(b);
}

static void test_qml_beside_layers(void **state)
{
    (void)state;
    evm_batch *b = sample_batch();
    char *dir = make_tmpdir();
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_write(b, dir, NULL, &diag), EVM_OK);
    char *p = path_in(dir, "strikes.qml");
    char *qml = slurp(p, NULL);
    assert_non_null(qml);
    assert_memory_equal(qml, "<!DOCTYPE qgis", 14);
    assert_non_null(strstr(qml, "sqrt(&quot;killed&quot;)"));
    assert_non_null(strstr(qml, "filter=\"ELSE\""));
    free(qml);
    free(p);
    p = path_in(dir, "meetings.qml");
    qml = slurp(p, NULL);
    assert_non_null(strstr(qml, "33,102,172"));
    assert_non_null(strstr(qml, "\"star\""));
    free(qml);
    free(p);
    p = path_in(dir, "places.qml");
    qml = slurp(p, NULL);
    assert_non_null(strstr(qml, "&quot;capital&quot;"));
    assert_non_null(strstr(qml, "fieldName=\"name\""));
    free(qml);
    free(p);
    remove_tree(dir);
    free(dir);

    /* styles off, GeoPackage off: only the three GeoJSON files */
    dir = make_tmpdir();
    evm_layers_opts o;
    evm_layers_opts_init(&o);
    o.styles = false;
    o.gpkg = false;
    assert_int_equal(evm_layers_write(b, dir, &o, &diag), EVM_OK);
    snapshot s = take_snapshot(dir);
    assert_null(strstr(s.text, ".qml"));
    assert_null(strstr(s.text, "events.gpkg"));
    assert_non_null(strstr(s.text, "== places.geojson"));
    free(s.text);
    remove_tree(dir);
    free(dir);

    assert_true(evm_style_strike_mm(100) > evm_style_strike_mm(25));
    assert_float_equal(evm_style_strike_mm(100) / evm_style_strike_mm(25), 2.0, 1e-9);
    assert_float_equal(evm_style_strike_mm(0), evm_style_strike_mm(1), 1e-9);
    evm_batch_free(b);
}

/* ---- reading back
 * ---------------------------------------------------------------------------------- */

static const evm_event *find_event(const evm_batch *b, const char *id)
{
    for (size_t i = 0; i < b->n_events; i++)
        if (b->events[i].id && strcmp(b->events[i].id, id) == 0)
            return &b->events[i];
    return NULL;
}

static void check_round_trip(const evm_batch *r)
{
    assert_int_equal(evm_batch_count(r, EVM_EVENT_STRIKE), 3);
    assert_int_equal(evm_batch_count(r, EVM_EVENT_MEETING), 2);
    const evm_event *e = find_event(r, "strike-sumy");
    assert_non_null(e);
    assert_int_equal(e->kind, EVM_EVENT_STRIKE);
    assert_int_equal(e->killed, 35);
    assert_true(e->killed_at_least);
    assert_int_equal(e->injured, -1);
    assert_int_equal(e->date.year, 2025);
    assert_int_equal(e->date.month, 4);
    assert_int_equal(e->date.day, 13);
    assert_int_equal(e->date.precision, EVM_DATE_DAY);
    assert_string_equal(e->weapon, "ballistic missile");
    assert_int_equal(e->n_sources, 2);
    assert_string_equal(e->sources[1].article, "news:a1");
    assert_int_equal(e->sources[1].sentence, 9);
    assert_int_equal(e->sources[1].start, 900);
    assert_int_equal(e->sources[1].end, 1010);
    const evm_place *p = &r->places[e->place];
    assert_string_equal(p->name, "Sumy");
    assert_string_equal(p->country, "UA");
    assert_int_equal(p->geonameid, 692194);
    assert_float_equal(p->lon, 34.80029, 1e-6);
    assert_float_equal(p->lat, 50.9216, 1e-6);

    e = find_event(r, "strike-kryvyi");
    assert_non_null(e);
    assert_int_equal(e->date.precision, EVM_DATE_UNKNOWN);
    assert_int_equal(e->killed, -1);
    assert_string_equal(e->place_mention, "Kryvyi Rig");

    e = find_event(r, "strike-dnipro");
    assert_int_equal(e->injured, 30);
    assert_true(e->injured_at_least);
    assert_false(e->killed_at_least);

    e = find_event(r, "meeting-paris");
    assert_non_null(e);
    assert_int_equal(e->kind, EVM_EVENT_MEETING);
    assert_int_equal(e->n_participants, 2);
    assert_string_equal(e->participants[0].name, "Marco Rubio");
    assert_string_equal(e->participants[0].role, "U.S. Secretary of State");
    assert_string_equal(e->participants[1].name, "Emmanuel Macron");
    assert_string_equal(e->participants[1].role, "");
    assert_int_equal(e->status, EVM_STATUS_OCCURRED);
    assert_int_equal(find_event(r, "meeting-spb")->status, EVM_STATUS_PLANNED);
}

static void test_read_back_geojson_and_gpkg(void **state)
{
    (void)state;
    evm_batch *b = sample_batch();
    char *dir = make_tmpdir();
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_write(b, dir, NULL, &diag), EVM_OK);

    evm_batch *r = evm_batch_new("back");
    const char *names[] = {"strikes.geojson", "meetings.geojson", "places.geojson"};
    for (size_t i = 0; i < 3; i++) {
        char *p = path_in(dir, names[i]);
        assert_int_equal(evm_layers_read(p, r, &diag), EVM_OK);
        free(p);
    }
    check_round_trip(r);
    /* the places layer: Paris is a capital with three mentions, nothing duplicated */
    assert_int_equal(r->n_places, 6);
    bool seen_paris = false;
    for (size_t i = 0; i < r->n_places; i++) {
        if (strcmp(r->places[i].name, "Paris") != 0)
            continue;
        seen_paris = true;
        assert_true(r->places[i].capital);
        assert_int_equal(r->places[i].mentions, 3);
        assert_int_equal(r->places[i].n_forms, 1);
    }
    assert_true(seen_paris);
    evm_batch_free(r);

    r = evm_batch_new("back-gpkg");
    char *p = path_in(dir, "events.gpkg");
    assert_int_equal(evm_layers_read(p, r, &diag), EVM_OK);
    free(p);
    check_round_trip(r);
    assert_int_equal(r->n_places, 6);
    evm_batch_free(r);

    r = evm_batch_new("missing");
    p = path_in(dir, "nope.geojson");
    assert_int_equal(evm_layers_read(p, r, &diag), EVM_ERR_IO);
    assert_non_null(strstr(diag.msg, "nope.geojson"));
    free(p);
    p = path_in(dir, "strikes.qml");
    assert_int_equal(evm_layers_read(p, r, &diag), EVM_ERR_IO);
    free(p);
    evm_batch_free(r);

    remove_tree(dir);
    free(dir);
    evm_batch_free(b);
}

static void assert_same_str(const char *a, const char *b)
{
    assert_string_equal(a ? a : "(null)", b ? b : "(null)");
}

/* Two batches read from the same layers hold the same events and places, in order. */
static void assert_same_batch(const evm_batch *a, const evm_batch *b)
{
    assert_int_equal(a->n_events, b->n_events);
    assert_int_equal(a->n_places, b->n_places);
    for (size_t i = 0; i < a->n_events; i++) {
        const evm_event *x = &a->events[i], *y = &b->events[i];
        assert_int_equal(x->kind, y->kind);
        assert_same_str(x->id, y->id);
        assert_same_str(x->subtype, y->subtype);
        assert_memory_equal(&x->date, &y->date, sizeof x->date);
        assert_int_equal(x->place, y->place);
        assert_same_str(x->place_mention, y->place_mention);
        assert_int_equal(x->killed, y->killed);
        assert_int_equal(x->injured, y->injured);
        assert_int_equal(x->killed_at_least, y->killed_at_least);
        assert_int_equal(x->injured_at_least, y->injured_at_least);
        assert_same_str(x->weapon, y->weapon);
        assert_same_str(x->actor, y->actor);
        assert_int_equal(x->n_participants, y->n_participants);
        for (size_t k = 0; k < x->n_participants; k++) {
            assert_same_str(x->participants[k].name, y->participants[k].name);
            assert_same_str(x->participants[k].role, y->participants[k].role);
        }
        assert_int_equal(x->status, y->status);
        assert_same_str(x->cameo, y->cameo);
        assert_same_str(x->acled_sub_event, y->acled_sub_event);
        assert_int_equal(x->n_sources, y->n_sources);
        for (size_t k = 0; k < x->n_sources; k++) {
            assert_same_str(x->sources[k].article, y->sources[k].article);
            assert_int_equal(x->sources[k].sentence, y->sources[k].sentence);
            assert_int_equal(x->sources[k].start, y->sources[k].start);
            assert_int_equal(x->sources[k].end, y->sources[k].end);
        }
        assert_float_equal(x->confidence, y->confidence, 1e-6);
    }
    for (size_t i = 0; i < a->n_places; i++) {
        const evm_place *x = &a->places[i], *y = &b->places[i];
        assert_int_equal(x->geonameid, y->geonameid);
        assert_same_str(x->name, y->name);
        assert_same_str(x->country, y->country);
        assert_same_str(x->admin1, y->admin1);
        assert_same_str(x->feature, y->feature);
        assert_int_equal(x->level, y->level);
        assert_float_equal(x->lon, y->lon, 1e-9);
        assert_float_equal(x->lat, y->lat, 1e-9);
        assert_int_equal(x->population, y->population);
        assert_int_equal(x->capital, y->capital);
        assert_int_equal(x->mentions, y->mentions);
        assert_int_equal(x->metonymic, y->metonymic);
        assert_float_equal(x->best_score, y->best_score, 1e-6);
        assert_int_equal(x->n_forms, y->n_forms);
        for (size_t k = 0; k < x->n_forms; k++)
            assert_same_str(x->forms[k], y->forms[k]);
    }
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* GeoJSON of points is read without OGR; the result must be OGR's to the field. The same
 * bytes under a .txt name go through OGR's GeoJSON driver (it identifies the content). */
static void test_read_geojson_direct_as_ogr(void **state)
{
    (void)state;
    evm_batch *b = sample_batch();
    char *dir = make_tmpdir();
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_write(b, dir, NULL, &diag), EVM_OK);
    evm_batch *direct = evm_batch_new("direct"), *ogr = evm_batch_new("ogr");
    const char *names[] = {"strikes", "meetings", "places"};
    for (size_t i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.geojson", names[i]);
        char *p = path_in(dir, name);
        size_t len;
        char *text = slurp(p, &len);
        assert_int_equal(evm_layers_read(p, direct, &diag), EVM_OK);
        free(p);
        snprintf(name, sizeof name, "%s.txt", names[i]);
        p = path_in(dir, name);
        write_text(p, text);
        assert_int_equal(evm_layers_read(p, ogr, &diag), EVM_OK);
        free(p);
        free(text);
    }
    check_round_trip(direct);
    assert_same_batch(direct, ogr);
    evm_batch_free(direct);
    evm_batch_free(ogr);

    /* no "name": the layer is named after the file (a strike layer); typed values given as
     * text, a string feature id, a feature without geometry (skipped) */
    static const char hand[] =
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"id\":\"s1\",\"properties\":{\"place\":\"Sumy\",\"killed\":\"12\","
        "\"Killed_At_Least\":\"yes\",\"confidence\":0.5,\"date\":\"2025-04\"},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[34.80029,50.9216,150]}},"
        "{\"type\":\"Feature\",\"id\":7,\"properties\":{\"place\":\"Dnipro\","
        "\"Killed_At_Least\":true,"
        "\"injured\":4.0,\"sources\":\"[\\\"a:1:2-3\\\"]\"},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[35.04066,48.46664]}},"
        "{\"type\":\"Feature\",\"properties\":{\"place\":\"nowhere\"},\"geometry\":null}]}";
    direct = evm_batch_new("direct");
    ogr = evm_batch_new("ogr");
    char *p = path_in(dir, "strikes-edited.geojson");
    write_text(p, hand);
    assert_int_equal(evm_layers_read(p, direct, &diag), EVM_OK);
    free(p);
    p = path_in(dir, "strikes-edited.txt");
    write_text(p, hand);
    assert_int_equal(evm_layers_read(p, ogr, &diag), EVM_OK);
    free(p);
    assert_int_equal(direct->n_events, 2);
    assert_int_equal(evm_batch_count(direct, EVM_EVENT_STRIKE), 2);
    assert_string_equal(direct->events[0].id, "s1");
    assert_int_equal(direct->events[0].killed, 12);
    assert_true(direct->events[0].killed_at_least);
    assert_int_equal(direct->events[0].date.precision, EVM_DATE_MONTH);
    assert_true(direct->events[1].killed_at_least);
    assert_int_equal(direct->events[1].injured, 4);
    assert_int_equal(direct->events[1].n_sources, 1);
    assert_same_batch(direct, ogr);
    evm_batch_free(direct);
    evm_batch_free(ogr);

    /* what only OGR reads: a polygon (its centroid), Web Mercator coordinates */
    static const char poly[] =
        "{\"type\":\"FeatureCollection\",\"name\":\"strikes\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"place\":\"Sumy\"},\"geometry\":{\"type\":"
        "\"Polygon\","
        "\"coordinates\":[[[34.7,50.8],[34.9,50.8],[34.9,51.0],[34.7,51.0],[34.7,50.8]]]}}]}";
    static const char merc[] =
        "{\"type\":\"FeatureCollection\",\"name\":\"strikes\",\"crs\":{\"type\":\"name\","
        "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::3857\"}},\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"place\":\"Sumy\"},\"geometry\":{\"type\":"
        "\"Point\","
        "\"coordinates\":[3873950.562,6607437.370]}}]}";
    const char *other[] = {poly, merc};
    for (size_t i = 0; i < 2; i++) {
        evm_batch *r = evm_batch_new("other");
        p = path_in(dir, "other.geojson");
        write_text(p, other[i]);
        assert_int_equal(evm_layers_read(p, r, &diag), EVM_OK);
        free(p);
        assert_int_equal(r->n_events, 1);
        const evm_place *pl = &r->places[r->events[0].place];
        assert_float_equal(pl->lon, i == 0 ? 34.8 : 34.80029, 1e-5);
        assert_float_equal(pl->lat, i == 0 ? 50.9 : 50.9216, 1e-5);
        evm_batch_free(r);
    }

    remove_tree(dir);
    free(dir);
    evm_batch_free(b);
}

/* A layer someone else made: Web Mercator, a polygon, few fields, a name that says
 * "strikes", and a "kind" field that overrides the layer name. */
static void test_read_foreign_layer(void **state)
{
    (void)state;
    char *dir = make_tmpdir();
    char *path = path_in(dir, "edited.gpkg");
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH merc = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(merc, 3857);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "Strikes_edited", merc, wkbUnknown, NULL);
    OSRRelease(merc);
    assert_non_null(l);
    OGRFieldDefnH fd = OGR_Fld_Create("place", OFTString);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("killed", OFTInteger);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("kind", OFTString);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    /* Sumy in Web Mercator metres: a point, then a small square around it (centroid) */
    const double x = 3873950.562, y = 6607437.370;
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(f, 0, "Sumy");
    OGR_F_SetFieldInteger(f, 1, 12);
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, x, y);
    OGR_F_SetGeometryDirectly(f, g);
    assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(f, 0, "Sumy talks");
    OGR_F_SetFieldString(f, 2, "meeting");
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGR_G_AddPoint_2D(ring, x - 1000, y - 1000);
    OGR_G_AddPoint_2D(ring, x + 1000, y - 1000);
    OGR_G_AddPoint_2D(ring, x + 1000, y + 1000);
    OGR_G_AddPoint_2D(ring, x - 1000, y + 1000);
    OGR_G_AddPoint_2D(ring, x - 1000, y - 1000);
    g = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(g, ring);
    OGR_F_SetGeometryDirectly(f, g);
    assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    GDALClose(ds);

    evm_batch *r = evm_batch_new("edited");
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_read(path, r, &diag), EVM_OK);
    assert_int_equal(r->n_events, 2);
    assert_int_equal(evm_batch_count(r, EVM_EVENT_STRIKE), 1);
    assert_int_equal(evm_batch_count(r, EVM_EVENT_MEETING), 1);
    for (size_t i = 0; i < 2; i++) {
        const evm_event *e = &r->events[i];
        const evm_place *p = &r->places[e->place];
        assert_float_equal(p->lon, 34.80029, 1e-6);
        assert_float_equal(p->lat, 50.9216, 1e-6);
        assert_int_equal(p->geonameid, -1);
        assert_non_null(e->id);
        assert_int_equal(e->date.precision, EVM_DATE_UNKNOWN);
        assert_int_equal(e->injured, -1);
        if (e->kind == EVM_EVENT_STRIKE) {
            assert_int_equal(e->killed, 12);
            assert_string_equal(p->name, "Sumy");
        } else {
            assert_int_equal(e->killed, -1);
        }
    }
    evm_batch_free(r);
    free(path);
    remove_tree(dir);
    free(dir);
}

/* ---- other formats
 * ----------------------------------------------------------------------------------- */

static void test_formats(void **state)
{
    (void)state;
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_check_format("GeoJSON", &diag), EVM_OK);
    assert_int_equal(evm_layers_check_format("FlatGeobuf", &diag), EVM_OK);
    assert_int_equal(evm_layers_check_format("Memory", &diag), EVM_ERR_USAGE);
    assert_int_equal(evm_layers_check_format("NoSuchFormat", &diag), EVM_ERR_USAGE);
    assert_non_null(strstr(diag.msg, "NoSuchFormat"));
    assert_non_null(strstr(diag.msg, "GeoJSON"));
    assert_non_null(strstr(diag.msg, "GPKG"));

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(evm_layers_list_formats(out, &diag), EVM_OK);
    fclose(out);
    assert_non_null(strstr(buf, "GeoJSON\tgeojson\t"));
    assert_non_null(strstr(buf, "ESRI Shapefile\tshp\t"));
    assert_null(strstr(buf, "Memory\t"));
    free(buf);

    evm_batch *b = sample_batch();
    char *dir = make_tmpdir();
    evm_layers_opts o;
    evm_layers_opts_init(&o);
    o.format = "NoSuchFormat";
    assert_int_equal(evm_layers_write(b, dir, &o, &diag), EVM_ERR_USAGE);

    /* FlatGeobuf, a Shapefile (cut field names, sidecar files) and CSV (X, Y columns, lists
     * as JSON text), each read back */
    const char *formats[] = {"FlatGeobuf", "ESRI Shapefile", "CSV"};
    const char *files[] = {"strikes.fgb", "strikes.shp", "strikes.csv"};
    for (size_t i = 0; i < 3; i++) {
        o.format = formats[i];
        o.gpkg = false;
        assert_int_equal(evm_layers_write(b, dir, &o, &diag), EVM_OK);
        evm_batch *r = evm_batch_new("r");
        char *p = path_in(dir, files[i]);
        assert_int_equal(evm_layers_read(p, r, &diag), EVM_OK);
        free(p);
        assert_int_equal(r->n_events, 3);
        const evm_event *e = find_event(r, "strike-sumy");
        assert_non_null(e);
        assert_int_equal(e->killed, 35);
        assert_true(e->killed_at_least);
        assert_int_equal(e->n_sources, 2);
        assert_string_equal(e->sources[0].article, "news:a1");
        assert_float_equal(r->places[e->place].lon, 34.80029, 1e-6);
        evm_batch_free(r);
    }
    snapshot s = take_snapshot(dir);
    assert_non_null(strstr(s.text, "== strikes.dbf"));
    assert_non_null(strstr(s.text, "== strikes.qml"));
    assert_null(strstr(s.text, "events.gpkg"));
    free(s.text);

    /* GPKG as the format: just events.gpkg */
    remove_tree(dir);
    free(dir);
    dir = make_tmpdir();
    o.format = "GPKG";
    assert_int_equal(evm_layers_write(b, dir, &o, &diag), EVM_OK);
    s = take_snapshot(dir);
    assert_non_null(strstr(s.text, "== events.gpkg"));
    assert_null(strstr(s.text, ".geojson"));
    free(s.text);
    remove_tree(dir);
    free(dir);
    evm_batch_free(b);
}

static void test_seq(void **state)
{
    (void)state;
    evm_batch *b = sample_batch();
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_write_seq(b, out, &diag), EVM_OK);
    fclose(out);
    size_t records = 0, strikes = 0;
    char *p = buf;
    while (p < buf + len) {
        assert_int_equal(*p, 0x1e); /* RS */
        char *end = memchr(p, '\n', (size_t)(buf + len - p));
        assert_non_null(end);
        *end = '\0';
        json_object *f = json_tokener_parse(p + 1);
        assert_non_null(f);
        assert_string_equal(json_object_get_string(member(f, "type")), "Feature");
        json_object *props = member(f, "properties");
        if (strcmp(json_object_get_string(member(props, "kind")), "strike") == 0)
            strikes++;
        json_object *coords = member(member(f, "geometry"), "coordinates");
        double lon = json_object_get_double(json_object_array_get_idx(coords, 0));
        assert_true(lon > 2.0 && lon < 36.0);
        json_object_put(f);
        records++;
        p = end + 1;
    }
    assert_int_equal(records, 5);
    assert_int_equal(strikes, 3);

    /* the sequence reads back as events: kinds from the `kind` field */
    char *dir = make_tmpdir();
    char *path = path_in(dir, "events.geojsons");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(buf, 1, len, f);
    fclose(f);
    free(buf);
    evm_batch *r = evm_batch_new("seq");
    assert_int_equal(evm_layers_read(path, r, &diag), EVM_OK);
    check_round_trip(r);
    evm_batch_free(r);
    free(path);
    remove_tree(dir);
    free(dir);

    /* an empty batch writes nothing */
    evm_batch *empty = evm_batch_new("empty");
    out = open_memstream(&buf, &len);
    assert_int_equal(evm_layers_write_seq(empty, out, &diag), EVM_OK);
    fclose(out);
    assert_int_equal(len, 0);
    free(buf);
    evm_batch_free(empty);
    evm_batch_free(b);
}

/* ---- atomic writes and failures
 * -------------------------------------------------------------------------- */

static void test_replace_keeps_complete_files(void **state)
{
    (void)state;
    evm_batch *b = sample_batch();
    char *dir = make_tmpdir();
    evm_diag diag = {{0}};
    assert_int_equal(evm_layers_write(b, dir, NULL, &diag), EVM_OK);
    evm_batch *empty = evm_batch_new("empty");
    assert_int_equal(evm_layers_write(empty, dir, NULL, &diag), EVM_OK);
    json_object *fc = load_json(dir, "strikes.geojson");
    assert_int_equal(json_object_array_length(member(fc, "features")), 0);
    json_object_put(fc);
    assert_false(has_staging_leftovers(dir));

    /* a folder where strikes.geojson goes: error, and nothing changes */
    assert_int_equal(evm_layers_write(b, dir, NULL, &diag), EVM_OK);
    char *blocker = path_in(dir, "meetings.geojson");
    assert_int_equal(unlink(blocker), 0);
    assert_int_equal(mkdir(blocker, 0755), 0);
    snapshot before = take_snapshot(dir);
    assert_int_equal(evm_layers_write(empty, dir, NULL, &diag), EVM_ERR_IO);
    assert_non_null(strstr(diag.msg, "meetings.geojson"));
    assert_non_null(strstr(diag.msg, "in the way"));
    snapshot after = take_snapshot(dir);
    assert_string_equal(before.text, after.text);
    assert_false(has_staging_leftovers(dir));
    free(before.text);
    free(after.text);
    free(blocker);

    /* the output folder is an existing file */
    char *file = path_in(dir, "strikes.geojson");
    assert_int_equal(evm_layers_write(b, file, NULL, &diag), EVM_ERR_IO);
    assert_non_null(strstr(diag.msg, "not a folder"));
    free(file);

    /* a folder that does not exist yet is created, parents too */
    char *nested = path_in(dir, "new/deeper");
    assert_int_equal(evm_layers_write(b, nested, NULL, &diag), EVM_OK);
    char *p = path_in(nested, "places.geojson");
    assert_int_equal(access(p, R_OK), 0);
    free(p);
    free(nested);

    remove_tree(dir);
    free(dir);
    evm_batch_free(empty);
    evm_batch_free(b);
}

/* Runs evm_layers_write in a child process after `setup` (which may drop privileges or
 * limit file sizes); returns the error code the child saw, its diag in `msg`. */
typedef void (*child_setup)(const char *dir);

static evm_err write_in_child(const evm_batch *b, const char *dir, child_setup setup, char *msg,
                              size_t msg_size)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        setup(dir);
        evm_diag diag = {{0}};
        evm_err rc = evm_layers_write(b, dir, NULL, &diag);
        ssize_t w = write(fds[1], diag.msg, strlen(diag.msg));
        (void)w;
        _exit((int)rc);
    }
    close(fds[1]);
    ssize_t n = read(fds[0], msg, msg_size - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    return (evm_err)WEXITSTATUS(status);
}

static void limit_file_size(const char *dir)
{
    (void)dir;
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {4096, 4096};
    setrlimit(RLIMIT_FSIZE, &rl);
}

static void drop_write_permission(const char *dir)
{
    chmod(dir, 0555);
    if (geteuid() == 0 && setuid(65534) != 0) /* root writes anywhere: become nobody */
        _exit(99);
}

static evm_batch *big_batch(void)
{
    evm_batch *b = sample_batch();
    for (int i = 0; i < 200; i++) {
        char id[32];
        snprintf(id, sizeof id, "extra-%03d", i);
        evm_event *e =
            add_event(b, EVM_EVENT_STRIKE, evm_doc_strdup(b->store, id), 1, 2025, 3, 1 + i % 28);
        e->killed = i;
    }
    return b;
}

static void test_disk_full_leaves_old_files(void **state)
{
    (void)state;
    evm_batch *small = sample_batch();
    evm_batch *big = big_batch();
    char *dir = make_tmpdir();
    evm_diag diag = {{0}};
    evm_layers_opts o;
    evm_layers_opts_init(&o);
    o.gpkg = false; /* keep the good files under the limit */
    assert_int_equal(evm_layers_write(small, dir, &o, &diag), EVM_OK);
    snapshot before = take_snapshot(dir);

    char msg[EVM_DIAG_MAX];
    evm_err rc = write_in_child(big, dir, limit_file_size, msg, sizeof msg);
    assert_int_equal(rc, EVM_ERR_IO);
    assert_non_null(strstr(msg, "cannot write"));
    assert_non_null(strstr(msg, "File too large"));
    snapshot after = take_snapshot(dir);
    assert_string_equal(before.text, after.text);
    assert_false(has_staging_leftovers(dir));
    free(before.text);
    free(after.text);
    remove_tree(dir);
    free(dir);
    evm_batch_free(small);
    evm_batch_free(big);
}

static void test_unwritable_folder(void **state)
{
    (void)state;
    evm_batch *b = sample_batch();
    char *dir = make_tmpdir();
    chmod(dir, 0755);
    char *out = path_in(dir, "out");
    assert_int_equal(mkdir(out, 0755), 0);
    char msg[EVM_DIAG_MAX];
    evm_err rc = write_in_child(b, out, drop_write_permission, msg, sizeof msg);
    if ((int)rc == 99)
        skip();
    assert_int_equal(rc, EVM_ERR_IO);
    assert_non_null(strstr(msg, "cannot write into folder"));
    assert_non_null(strstr(msg, "ermission denied"));
    chmod(out, 0755);
    snapshot s = take_snapshot(out);
    assert_string_equal(s.text, "");
    free(s.text);
    remove_tree(dir);
    free(out);
    free(dir);
    evm_batch_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geojson_rfc7946),
        cmocka_unit_test(test_empty_layers_written),
        cmocka_unit_test(test_gpkg_layers_and_types),
        cmocka_unit_test(test_geojson_reopened_types),
        cmocka_unit_test(test_qml_beside_layers),
        cmocka_unit_test(test_read_back_geojson_and_gpkg),
        cmocka_unit_test(test_read_foreign_layer),
        cmocka_unit_test(test_read_geojson_direct_as_ogr),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_seq),
        cmocka_unit_test(test_replace_keeps_complete_files),
        cmocka_unit_test(test_disk_full_leaves_old_files),
        cmocka_unit_test(test_unwritable_folder),
    };
    GDALAllRegister();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
