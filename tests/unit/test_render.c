/* test_render.c: the maps, checked on the picture: size and DPI read back from the PNG,
 * strike colour at each strike's position (found through the world file and PROJ, not the
 * renderer), sea colour at sea, labels that do not overlap, empty and antimeridian batches,
 * and bad input that fails cleanly without leaving files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basemap.h"
#include "png.h"
#include "render.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/evm_test_render_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (getenv("EVM_KEEP_TEST_OUTPUT")) /* to look at the pictures */
        return 0;
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(tmpdir);
    return 0;
}

static const char *out(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static int32_t add_place(evm_batch *b, const char *name, double lat, double lon, int capital)
{
    evm_place p;
    memset(&p, 0, sizeof p);
    p.geonameid = -1;
    p.name = name;
    p.admin1 = "";
    p.feature = capital ? "PPLC" : "PPL";
    p.level = EVM_GEO_POINT;
    p.lat = lat;
    p.lon = lon;
    p.capital = capital;
    return evm_batch_place(b, &p);
}

static void add_event(evm_batch *b, evm_event_kind kind, int32_t place, int killed, int day)
{
    evm_event *e = evm_doc_add_event(b->store);
    e->kind = kind;
    e->place = place;
    e->mention = -1;
    e->killed = killed;
    e->injured = -1;
    e->date = (evm_date){2025, 4, (int8_t)day, EVM_DATE_DAY};
    e->subtype = kind == EVM_EVENT_STRIKE ? "missile strike" : "talks";
    b->events = b->store->events;
    b->n_events = b->store->n_events;
}

typedef struct pt {
    double lat, lon;
} pt;

static const pt sumy = {50.9216, 34.80029}, dnipro = {48.46664, 35.04066},
                kryvyi_rih = {47.90572, 33.39404}, paris = {48.85341, 2.3488},
                spb = {59.93863, 30.31413};

static evm_batch *seed_batch(void)
{
    evm_batch *b = evm_batch_new("seed");
    b->title = "Strikes in Ukraine and talks in Paris";
    add_event(b, EVM_EVENT_STRIKE, add_place(b, "Sumy", sumy.lat, sumy.lon, 0), 35, 13);
    add_event(b, EVM_EVENT_STRIKE, add_place(b, "Dnipro", dnipro.lat, dnipro.lon, 0), 3, 12);
    add_event(b, EVM_EVENT_STRIKE, add_place(b, "Kryvyi Rih", kryvyi_rih.lat, kryvyi_rih.lon, 0),
              -1, 13);
    add_event(b, EVM_EVENT_MEETING, add_place(b, "Paris", paris.lat, paris.lon, 1), -1, 11);
    add_event(b, EVM_EVENT_MEETING, add_place(b, "Saint Petersburg", spb.lat, spb.lon, 0), -1, 11);
    add_place(b, "Kyiv", 50.45466, 30.5238, 1);
    add_place(b, "Kharkiv", 49.98081, 36.25272, 0);
    add_place(b, "Moscow", 55.75222, 37.61556, 1);
    return b;
}

/* The picture and its georeferencing, read back from the files alone. */
typedef struct pic {
    evm_png_image img;
    double wf[6]; /* world file: A D B E C F */
    PJ_CONTEXT *ctx;
    PJ *pj;
} pic;

static void pic_open(pic *p, const char *path)
{
    evm_diag d = {{0}};
    assert_int_equal(evm_png_read(path, &p->img, &d), EVM_OK);
    char wpath[600];
    snprintf(wpath, sizeof wpath, "%s", path);
    strcpy(strrchr(wpath, '.'), ".pgw");
    FILE *fp = fopen(wpath, "r");
    assert_non_null(fp);
    for (int i = 0; i < 6; i++)
        assert_int_equal(fscanf(fp, "%lf", &p->wf[i]), 1);
    fclose(fp);
    assert_non_null(p->img.crs);
    p->ctx = proj_context_create();
    PJ *op = proj_create_crs_to_crs(p->ctx, "EPSG:4326", p->img.crs, NULL);
    assert_non_null(op);
    p->pj = proj_normalize_for_visualization(p->ctx, op);
    proj_destroy(op);
    assert_non_null(p->pj);
}

static void pic_close(pic *p)
{
    evm_png_image_clear(&p->img);
    proj_destroy(p->pj);
    proj_context_destroy(p->ctx);
}

/* The RGB at a lon/lat, through PROJ and the world file (which names pixel centres). */
static evm_rgb pic_at(const pic *p, pt where, int *px, int *py)
{
    PJ_COORD c = proj_trans(p->pj, PJ_FWD, proj_coord(where.lon, where.lat, 0, 0));
    double fx = (c.xy.x - p->wf[4]) / p->wf[0] + 0.5;
    double fy = (c.xy.y - p->wf[5]) / p->wf[3] + 0.5;
    *px = (int)floor(fx), *py = (int)floor(fy);
    assert_true(*px >= 0 && *px < p->img.width && *py >= 0 && *py < p->img.height);
    const unsigned char *q = p->img.rgba + 4 * ((size_t)*py * p->img.width + *px);
    return (evm_rgb){q[0], q[1], q[2]};
}

static int same(evm_rgb a, evm_rgb b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* 1 when the point is land colour, 0 when a label covers it; fails when it is neither. */
static int land_unless_labelled(const pic *p, const evm_render_info *info, pt where,
                                const evm_render_palette *P)
{
    int x, y;
    evm_rgb c = pic_at(p, where, &x, &y);
    for (size_t k = 0; k < info->n_labels; k++)
        if (x >= info->labels[k].x0 - 2 && x <= info->labels[k].x1 + 2 &&
            y >= info->labels[k].y0 - 2 && y <= info->labels[k].y1 + 2)
            return 0;
    assert_true(c.r == P->land.r && c.g == P->land.g && c.b == P->land.b);
    return 1;
}

static void assert_labels_apart(const evm_render_info *info, int w, int h)
{
    for (size_t i = 0; i < info->n_labels; i++) {
        const evm_box *a = &info->labels[i];
        assert_true(a->x0 >= 0 && a->y0 >= 0 && a->x1 <= w && a->y1 <= h);
        for (size_t j = i + 1; j < info->n_labels; j++)
            assert_false(evm_box_intersects(*a, info->labels[j]));
    }
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int dir_entries(void)
{
    int n = 0;
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_seed_map(void **state)
{
    (void)state;
    evm_batch *b = seed_batch();
    evm_render_opts o;
    evm_render_opts_init(&o);
    evm_render_info info;
    evm_diag d = {{0}};
    const char *path = out("map.png");
    assert_int_equal(evm_render_map_info(b, &o, path, &info, &d), EVM_OK);
    assert_true(file_exists(out("map.pgw")));
    assert_true(file_exists(out("map.png.aux.xml")));

    pic p = {0};
    pic_open(&p, path);
    assert_int_equal(p.img.width, 1600);
    assert_int_equal(p.img.height, 1200);
    assert_true(fabs(p.img.dpi - 96) < 0.1);
    assert_string_equal(p.img.title, b->title);
    const evm_render_palette *P = evm_render_palette_of(EVM_THEME_LIGHT);
    int x, y;
    assert_true(same(pic_at(&p, sumy, &x, &y), P->strike));
    assert_true(same(pic_at(&p, dnipro, &x, &y), P->strike));
    assert_true(same(pic_at(&p, kryvyi_rih, &x, &y), P->strike));
    assert_true(same(pic_at(&p, paris, &x, &y), P->meeting));
    /* open water: the Black Sea south of Crimea, and the North Sea */
    assert_true(same(pic_at(&p, (pt){43.6, 34.0}, &x, &y), P->sea));
    assert_true(same(pic_at(&p, (pt){56.0, 3.0}, &x, &y), P->sea));
    /* land far from any symbol (and off the country names): Poland, Belarus */
    assert_true(land_unless_labelled(&p, &info, (pt){52.0, 19.0}, P) +
                    land_unless_labelled(&p, &info, (pt){53.5, 16.0}, P) +
                    land_unless_labelled(&p, &info, (pt){52.5, 27.0}, P) >=
                2);
    /* Sumy's 35 dead make the largest symbol: its red spans more pixels than Dnipro's */
    int sx, sy, dx, dy;
    pic_at(&p, sumy, &sx, &sy);
    pic_at(&p, dnipro, &dx, &dy);
    int run_s = 0, run_d = 0;
    for (int k = 0; k < 60; k++) {
        const unsigned char *q = p.img.rgba + 4 * ((size_t)sy * p.img.width + sx + k);
        if (q[0] != P->strike.r || q[1] != P->strike.g)
            break;
        run_s++;
    }
    for (int k = 0; k < 60; k++) {
        const unsigned char *q = p.img.rgba + 4 * ((size_t)dy * p.img.width + dx + k);
        if (q[0] != P->strike.r || q[1] != P->strike.g)
            break;
        run_d++;
    }
    assert_true(run_s > 2 * run_d);

    assert_int_equal(info.n_strikes, 3);
    assert_int_equal(info.n_meetings, 2);
    assert_true(info.n_labels >= 5);
    assert_labels_apart(&info, 1600, 1200);
    assert_non_null(strstr(info.legend, "Meeting"));
    assert_null(strstr(info.legend, "No events"));
    pic_close(&p);
    evm_render_info_clear(&info);

    /* strikes only: the meeting at Paris is gone, the strikes stay */
    o.kinds = EVM_RENDER_STRIKES;
    o.theme = EVM_THEME_DARK;
    path = out("strikes.png");
    assert_int_equal(evm_render_map_info(b, &o, path, &info, &d), EVM_OK);
    pic_open(&p, path);
    P = evm_render_palette_of(EVM_THEME_DARK);
    assert_true(same(pic_at(&p, sumy, &x, &y), P->strike));
    assert_false(same(pic_at(&p, paris, &x, &y), P->meeting));
    assert_true(same(pic_at(&p, (pt){43.6, 34.0}, &x, &y), P->sea));
    assert_int_equal(info.n_meetings, 0);
    pic_close(&p);
    evm_render_info_clear(&info);
    evm_batch_free(b);
}

static void test_three_maps(void **state)
{
    (void)state;
    evm_batch *b = seed_batch();
    evm_render_opts o;
    evm_render_opts_init(&o);
    o.width = 800;
    o.height = 600;
    evm_diag d = {{0}};
    assert_int_equal(evm_render_maps(b, &o, tmpdir, &d), EVM_OK);
    const evm_render_palette *P = evm_render_palette_of(EVM_THEME_LIGHT);
    pic all = {0}, st = {0}, me = {0};
    pic_open(&all, out("map.png"));
    pic_open(&st, out("strikes.png"));
    pic_open(&me, out("meetings.png"));
    int x, y;
    assert_true(same(pic_at(&all, sumy, &x, &y), P->strike));
    assert_true(same(pic_at(&all, paris, &x, &y), P->meeting));
    assert_true(same(pic_at(&st, sumy, &x, &y), P->strike));
    assert_false(same(pic_at(&st, paris, &x, &y), P->meeting));
    assert_true(same(pic_at(&me, paris, &x, &y), P->meeting));
    assert_false(same(pic_at(&me, sumy, &x, &y), P->strike));
    /* one extent for the three, so that they compare */
    for (int i = 0; i < 6; i++) {
        assert_true(all.wf[i] == st.wf[i]);
        assert_true(all.wf[i] == me.wf[i]);
    }
    /* the shared basemap gives the same pixels as a map drawn on its own */
    o.kinds = EVM_RENDER_ALL;
    assert_int_equal(evm_render_map(b, &o, out("alone.png"), &d), EVM_OK);
    pic alone = {0};
    pic_open(&alone, out("alone.png"));
    assert_memory_equal(alone.img.rgba, all.img.rgba, (size_t)800 * 600 * 4);
    pic_close(&all);
    pic_close(&st);
    pic_close(&me);
    pic_close(&alone);
    evm_batch_free(b);
}

static void test_size_dpi_crs(void **state)
{
    (void)state;
    evm_batch *b = seed_batch();
    evm_render_opts o;
    evm_render_opts_init(&o);
    o.width = 900;
    o.height = 700;
    o.dpi = 150;
    o.crs = "EPSG:3857";
    evm_diag d = {{0}};
    const char *path = out("merc.png");
    assert_int_equal(evm_render_map(b, &o, path, &d), EVM_OK);
    pic p = {0};
    pic_open(&p, path);
    assert_int_equal(p.img.width, 900);
    assert_int_equal(p.img.height, 700);
    assert_true(fabs(p.img.dpi - 150) < 0.1);
    assert_string_equal(p.img.crs, "EPSG:3857");
    int x, y;
    const evm_render_palette *P = evm_render_palette_of(EVM_THEME_LIGHT);
    assert_true(same(pic_at(&p, sumy, &x, &y), P->strike));
    assert_true(same(pic_at(&p, kryvyi_rih, &x, &y), P->strike));
    pic_close(&p);
    evm_batch_free(b);
}

static void test_empty_batch(void **state)
{
    (void)state;
    evm_batch *b = evm_batch_new("empty");
    evm_render_opts o;
    evm_render_opts_init(&o);
    o.width = 800;
    o.height = 600;
    evm_render_info info;
    evm_diag d = {{0}};
    const char *path = out("empty.png");
    assert_int_equal(evm_render_map_info(b, &o, path, &info, &d), EVM_OK);
    assert_non_null(strstr(info.legend, "No events"));
    assert_int_equal(info.n_strikes + info.n_meetings, 0);
    pic p = {0};
    pic_open(&p, path);
    const evm_render_palette *P = evm_render_palette_of(EVM_THEME_LIGHT);
    int x, y;
    /* a world map: mid-Pacific is sea; central Africa, the Canadian Shield and Siberia are
     * land, unless a country's name is written there */
    assert_true(same(pic_at(&p, (pt){5.0, -150.0}, &x, &y), P->sea));
    assert_true(land_unless_labelled(&p, &info, (pt){0.0, 22.0}, P) +
                    land_unless_labelled(&p, &info, (pt){58.0, -100.0}, P) +
                    land_unless_labelled(&p, &info, (pt){62.0, 100.0}, P) >=
                2);
    pic_close(&p);
    evm_render_info_clear(&info);
    evm_batch_free(b);
}

static void test_antimeridian(void **state)
{
    (void)state;
    evm_batch *b = evm_batch_new("pacific");
    pt suva = {-18.14161, 178.44149}, apia = {-13.83333, -171.76666},
       nukualofa = {-21.13938, -175.2018};
    add_event(b, EVM_EVENT_STRIKE, add_place(b, "Suva", suva.lat, suva.lon, 1), 4, 2);
    add_event(b, EVM_EVENT_STRIKE, add_place(b, "Apia", apia.lat, apia.lon, 1), 12, 3);
    add_event(b, EVM_EVENT_MEETING,
              add_place(b,
                        "Nuku\xCA\xBB"
                        "alofa",
                        nukualofa.lat, nukualofa.lon, 1),
              -1, 3);
    evm_render_opts o;
    evm_render_opts_init(&o);
    o.width = 1000;
    o.height = 800;
    evm_render_info info;
    evm_diag d = {{0}};
    const char *path = out("pacific.png");
    assert_int_equal(evm_render_map_info(b, &o, path, &info, &d), EVM_OK);
    /* a regional map across 180 degrees, not a world map stretched between the points */
    assert_true(info.geotransform[1] * 1000 < 4000e3);
    pic p = {0};
    pic_open(&p, path);
    const evm_render_palette *P = evm_render_palette_of(EVM_THEME_LIGHT);
    int x1, y1, x2, y2, x3, y3;
    assert_true(same(pic_at(&p, suva, &x1, &y1), P->strike));
    assert_true(same(pic_at(&p, apia, &x2, &y2), P->strike));
    assert_true(same(pic_at(&p, nukualofa, &x3, &y3), P->meeting));
    assert_true(x1 < x3 && x3 < x2); /* west to east across the antimeridian */
    /* Fiji's islands are drawn as land; the open ocean between stays sea */
    assert_true(same(pic_at(&p, (pt){-17.0, -178.0}, &x1, &y1), P->sea));
    assert_labels_apart(&info, 1000, 800);
    pic_close(&p);
    evm_render_info_clear(&info);
    evm_batch_free(b);
}

static void test_single_point(void **state)
{
    (void)state;
    evm_batch *b = evm_batch_new("one");
    add_event(b, EVM_EVENT_STRIKE, add_place(b, "Sumy", sumy.lat, sumy.lon, 0), 1, 13);
    evm_render_opts o;
    evm_render_opts_init(&o);
    o.width = 800;
    o.height = 600;
    evm_render_info info;
    evm_diag d = {{0}};
    const char *path = out("one.png");
    assert_int_equal(evm_render_map_info(b, &o, path, &info, &d), EVM_OK);
    double span = info.geotransform[1] * 800;
    assert_true(span >= 400e3 && span < 3000e3); /* zoomed to a region, not to a dot */
    pic p = {0};
    pic_open(&p, path);
    int x, y;
    assert_true(same(pic_at(&p, sumy, &x, &y), evm_render_palette_of(EVM_THEME_LIGHT)->strike));
    assert_true(abs(x - 400) < 200 && abs(y - 300) < 200);
    /* labels go in priority order: the first is the strike's, beside its symbol */
    assert_true(info.n_labels >= 1);
    assert_true(fabs((info.labels[0].x0 + info.labels[0].x1) / 2 - x) < 120);
    assert_true(fabs((info.labels[0].y0 + info.labels[0].y1) / 2 - y) < 40);
    pic_close(&p);
    evm_render_info_clear(&info);
    evm_batch_free(b);
}

static void test_wide_and_horizon(void **state)
{
    (void)state;
    evm_batch *b = evm_batch_new("wide");
    add_event(b, EVM_EVENT_MEETING, add_place(b, "Paris", paris.lat, paris.lon, 1), -1, 3);
    add_event(b, EVM_EVENT_STRIKE, add_place(b, "Sydney", -33.87, 151.21, 0), 2, 3);
    add_event(b, EVM_EVENT_MEETING, add_place(b, "Anchorage", 61.22, -149.9, 0), -1, 3);
    add_event(b, EVM_EVENT_STRIKE, add_place(b, "Suva", -18.14, 178.44, 1), 120, 3);
    evm_render_opts o;
    evm_render_opts_init(&o);
    o.width = 1000;
    o.height = 750;
    evm_render_info info;
    evm_diag d = {{0}};
    const evm_render_palette *P = evm_render_palette_of(EVM_THEME_LIGHT);
    /* points half a world apart: a world projection centred on them, not a smeared
     * azimuthal one; no polygon may streak across the seam (the North Pacific stays sea) */
    assert_int_equal(evm_render_map_info(b, &o, out("wide.png"), &info, &d), EVM_OK);
    assert_non_null(strstr(info.crs, "eqearth"));
    pic p = {0};
    pic_open(&p, out("wide.png"));
    int x, y;
    assert_true(same(pic_at(&p, (pt){-18.14, 178.44}, &x, &y), P->strike));
    for (int lat = 30; lat <= 50; lat += 5)
        assert_true(same(pic_at(&p, (pt){lat, -170.0}, &x, &y), P->sea));
    assert_true(land_unless_labelled(&p, &info, (pt){-25.0, 135.0}, P) +
                    land_unless_labelled(&p, &info, (pt){-30.0, 120.0}, P) +
                    land_unless_labelled(&p, &info, (pt){-22.0, 145.0}, P) >=
                2); /* Australia */
    pic_close(&p);
    evm_render_info_clear(&info);

    /* an orthographic globe: land behind the horizon does not cut across the visible side */
    o.crs = "+proj=ortho +lat_0=0 +lon_0=170 +datum=WGS84";
    assert_int_equal(evm_render_map_info(b, &o, out("globe.png"), &info, &d), EVM_OK);
    pic_open(&p, out("globe.png"));
    assert_true(same(pic_at(&p, (pt){-18.14, 178.44}, &x, &y), P->strike));
    assert_true(same(pic_at(&p, (pt){35.0, 160.0}, &x, &y), P->sea));
    assert_true(same(pic_at(&p, (pt){20.0, -150.0}, &x, &y), P->sea));
    pic_close(&p);
    evm_render_info_clear(&info);
    evm_batch_free(b);
}

static void test_options(void **state)
{
    (void)state;
    evm_render_opts o;
    evm_render_opts_init(&o);
    evm_diag d = {{0}};
    assert_int_equal(evm_render_opts_set(&o, "size", "800x600", &d), EVM_OK);
    assert_int_equal(o.width, 800);
    assert_int_equal(o.height, 600);
    assert_int_equal(evm_render_opts_set(&o, "size", "800x", &d), EVM_ERR_USAGE);
    assert_int_equal(evm_render_opts_set(&o, "size", "199x600", &d), EVM_ERR_USAGE);
    assert_int_equal(evm_render_opts_set(&o, "size", "16384x16384", &d), EVM_ERR_USAGE);
    assert_int_equal(o.width, 800); /* unchanged by the failures */
    assert_int_equal(evm_render_opts_set(&o, "dpi", "300", &d), EVM_OK);
    assert_true(o.dpi == 300);
    assert_int_equal(evm_render_opts_set(&o, "dpi", "3x", &d), EVM_ERR_USAGE);
    assert_int_equal(evm_render_opts_set(&o, "theme", "dark", &d), EVM_OK);
    assert_int_equal(o.theme, EVM_THEME_DARK);
    assert_int_equal(evm_render_opts_set(&o, "kinds", "meetings", &d), EVM_OK);
    assert_int_equal(o.kinds, EVM_RENDER_MEETINGS);
    assert_int_equal(evm_render_opts_set(&o, "kinds", "riots", &d), EVM_ERR_USAGE);
    assert_int_equal(evm_render_opts_set(&o, "bbox", "170,-25,-170,-10", &d), EVM_OK);
    assert_true(o.has_bbox && o.bbox[0] == 170 && o.bbox[2] == -170);
    assert_int_equal(evm_render_opts_set(&o, "bbox", "10,60,20,50", &d), EVM_ERR_USAGE);
    assert_int_equal(evm_render_opts_set(&o, "bbox", "10,40,20", &d), EVM_ERR_USAGE);
    assert_non_null(strstr(d.msg, "--bbox"));
}

static void test_bad_input(void **state)
{
    (void)state;
    evm_batch *b = seed_batch();
    evm_render_opts o;
    evm_diag d = {{0}};
    int before = dir_entries();

    evm_render_opts_init(&o);
    o.crs = "EPSG:999999";
    assert_int_equal(evm_render_map(b, &o, out("bad.png"), &d), EVM_ERR_PROJ);
    assert_non_null(strstr(d.msg, "EPSG:999999"));
    o.crs = "+proj=nonsense";
    assert_int_equal(evm_render_map(b, &o, out("bad.png"), &d), EVM_ERR_PROJ);

    evm_render_opts_init(&o);
    o.width = o.height = 1;
    assert_int_equal(evm_render_map(b, &o, out("bad.png"), &d), EVM_ERR_USAGE);
    assert_non_null(strstr(d.msg, "1x1"));
    o.width = o.height = 100000;
    assert_int_equal(evm_render_map(b, &o, out("bad.png"), &d), EVM_ERR_USAGE);
    assert_non_null(strstr(d.msg, "100000x100000"));
    o.width = 1600, o.height = 1200, o.dpi = 0;
    assert_int_equal(evm_render_map(b, &o, out("bad.png"), &d), EVM_ERR_USAGE);

    evm_render_opts_init(&o);
    assert_int_equal(evm_render_map(b, &o, "/nonexistent-dir/x/map.png", &d), EVM_ERR_IO);
    assert_non_null(strstr(d.msg, "/nonexistent-dir/x/map.png"));
    /* a folder that exists but where nobody may write */
    if (geteuid() != 0) {
        char ro[600];
        snprintf(ro, sizeof ro, "%s/ro", tmpdir);
        mkdir(ro, 0555);
        snprintf(ro, sizeof ro, "%s/ro/map.png", tmpdir);
        assert_int_equal(evm_render_map(b, &o, ro, &d), EVM_ERR_IO);
        snprintf(ro, sizeof ro, "%s/ro", tmpdir);
        rmdir(ro);
    }
    /* the output is a directory: rename fails, nothing is left behind */
    mkdir(out("dir.png"), 0755);
    assert_int_equal(evm_render_map(b, &o, out("dir.png"), &d), EVM_ERR_IO);
    rmdir(out("dir.png"));
    assert_false(file_exists(out("dir.pgw")));
    assert_false(file_exists(out("bad.png")));
    assert_int_equal(dir_entries(), before);
    evm_batch_free(b);
}

/* The view's projection equals PROJ's own operation from EPSG:4326, for PROJ strings (which
 * the view builds from WGS 84 as a PROJ string, skipping PROJ's database search) and EPSG
 * codes alike. */
static void test_view_matches_proj(void **state)
{
    (void)state;
    const char *crss[] = {
        "+proj=laea +lat_0=50 +lon_0=31 +datum=WGS84",
        "+proj=laea +lat_0=50.0000 +lon_0=31.0000 +datum=WGS84 +units=m +no_defs +type=crs",
        "+proj=eqearth +lon_0=150 +datum=WGS84 +units=m +no_defs +type=crs",
        "+proj=tmerc +lon_0=33 +k=0.9996 +x_0=500000 +ellps=WGS84 +units=us-ft",
        "+proj=lcc +lat_1=45 +lat_2=55 +lon_0=30 +ellps=GRS80 +towgs84=0,0,0",
        "EPSG:3857",
        "EPSG:32636",
    };
    const double pts[][2] = {{34.80029, 50.9216}, {2.3488, 48.85341}, {30.3141, 59.9386}};
    PJ_CONTEXT *ctx = proj_context_create();
    PJ *wgs = proj_create(ctx, "EPSG:4326");
    for (size_t i = 0; i < sizeof crss / sizeof crss[0]; i++) {
        evm_view v;
        evm_diag d = {{0}};
        assert_int_equal(evm_view_open(&v, crss[i], &d), EVM_OK);
        char text[256];
        snprintf(text, sizeof text, "%s%s", crss[i],
                 crss[i][0] == '+' && !strstr(crss[i], "type=crs") ? " +type=crs" : "");
        PJ *target = proj_create(ctx, text);
        assert_non_null(target);
        PJ *op = proj_create_crs_to_crs_from_pj(ctx, wgs, target, NULL, NULL);
        PJ *norm = proj_normalize_for_visualization(ctx, op);
        assert_non_null(norm);
        for (size_t k = 0; k < sizeof pts / sizeof pts[0]; k++) {
            double x, y;
            assert_true(evm_view_to_map(&v, pts[k][0], pts[k][1], &x, &y));
            PJ_COORD c = proj_trans(norm, PJ_FWD, proj_coord(pts[k][0], pts[k][1], 0, 0));
            assert_float_equal(x, c.xy.x, 1e-6);
            assert_float_equal(y, c.xy.y, 1e-6);
        }
        proj_destroy(norm);
        proj_destroy(op);
        proj_destroy(target);
        evm_view_close(&v);
    }
    proj_destroy(wgs);
    proj_context_destroy(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_map),         cmocka_unit_test(test_three_maps),
        cmocka_unit_test(test_size_dpi_crs),     cmocka_unit_test(test_empty_batch),
        cmocka_unit_test(test_antimeridian),     cmocka_unit_test(test_single_point),
        cmocka_unit_test(test_wide_and_horizon), cmocka_unit_test(test_options),
        cmocka_unit_test(test_bad_input),        cmocka_unit_test(test_view_matches_proj),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
