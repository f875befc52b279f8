/* render.c: the render stage: fits a projected view to a batch's events, draws the Natural
 * Earth basemap, symbols, labels and furniture with Cairo, and writes the PNG (png.c) with
 * its world file and .aux.xml, atomically. */
#include "render.h"

#include <cairo-ft.h>
#include <cairo.h>
#include <ctype.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <pthread.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "basemap.h"
#include "outfile.h"
#include "png.h"
#include "projapi.h"
#include "when.h"

#define FONT "DejaVu Sans"
#define SIZE_RANGE "(200 to 16384 pixels a side, at most 64 megapixels)"
_Static_assert(EVM_RENDER_MIN_SIDE == 200 && EVM_RENDER_MAX_SIDE == 16384 &&
                   EVM_RENDER_MAX_PIXELS == 64L * 1024 * 1024,
               "SIZE_RANGE states the limits");

static const evm_render_palette palettes[2] = {
    {{201, 223, 240},
     {244, 241, 233},
     {150, 144, 136},
     {98, 128, 156},
     {215, 48, 31},
     {33, 102, 172},
     {60, 60, 60},
     {28, 28, 28},
     {255, 255, 255},
     {255, 255, 255}},
    {{22, 32, 43},
     {45, 52, 62},
     {105, 114, 126},
     {120, 146, 170},
     {255, 82, 64},
     {86, 166, 255},
     {214, 220, 228},
     {236, 239, 243},
     {16, 21, 27},
     {27, 34, 43}},
};

const evm_render_palette *evm_render_palette_of(evm_theme theme)
{
    return &palettes[theme == EVM_THEME_DARK ? 1 : 0];
}

void evm_render_opts_init(evm_render_opts *o)
{
    memset(o, 0, sizeof *o);
    o->kinds = EVM_RENDER_ALL;
    o->width = 1600;
    o->height = 1200;
    o->dpi = 96;
}

evm_err evm_render_opts_set(evm_render_opts *o, const char *key, const char *value, evm_diag *diag)
{
    char *end;
    if (strcmp(key, "size") == 0) {
        errno = 0;
        long w = strtol(value, &end, 10);
        if (end == value || (*end != 'x' && *end != 'X'))
            return evm_diag_set(diag, EVM_ERR_USAGE, "--size '%s': expected WIDTHxHEIGHT", value);
        const char *hs = end + 1;
        long h = strtol(hs, &end, 10);
        if (end == hs || *end || errno || w < 1 || h < 1 || w > 1000000 || h > 1000000)
            return evm_diag_set(diag, EVM_ERR_USAGE, "--size '%s': expected WIDTHxHEIGHT", value);
        if (w < EVM_RENDER_MIN_SIDE || h < EVM_RENDER_MIN_SIDE || w > EVM_RENDER_MAX_SIDE ||
            h > EVM_RENDER_MAX_SIDE || w * h > EVM_RENDER_MAX_PIXELS)
            return evm_diag_set(diag, EVM_ERR_USAGE, "--size %ldx%ld out of range " SIZE_RANGE, w,
                                h);
        o->width = (int)w;
        o->height = (int)h;
    } else if (strcmp(key, "dpi") == 0) {
        double d = strtod(value, &end);
        if (end == value || *end || !(d >= 10 && d <= 2400))
            return evm_diag_set(diag, EVM_ERR_USAGE, "--dpi '%s': expected a number 10..2400",
                                value);
        o->dpi = d;
    } else if (strcmp(key, "theme") == 0) {
        if (strcmp(value, "light") == 0)
            o->theme = EVM_THEME_LIGHT;
        else if (strcmp(value, "dark") == 0)
            o->theme = EVM_THEME_DARK;
        else
            return evm_diag_set(diag, EVM_ERR_USAGE, "--theme '%s': expected light or dark", value);
    } else if (strcmp(key, "kinds") == 0) {
        if (strcmp(value, "all") == 0)
            o->kinds = EVM_RENDER_ALL;
        else if (strcmp(value, "strikes") == 0)
            o->kinds = EVM_RENDER_STRIKES;
        else if (strcmp(value, "meetings") == 0)
            o->kinds = EVM_RENDER_MEETINGS;
        else
            return evm_diag_set(diag, EVM_ERR_USAGE,
                                "--kinds '%s': expected all, strikes or meetings", value);
    } else if (strcmp(key, "crs") == 0) {
        if (!value[0])
            return evm_diag_set(diag, EVM_ERR_USAGE, "--crs: empty");
        o->crs = value;
    } else if (strcmp(key, "title") == 0) {
        o->title = value;
    } else if (strcmp(key, "extent") == 0) {
        double q[4];
        const char *p = value;
        for (int i = 0; i < 4; i++) {
            q[i] = strtod(p, &end);
            if (end == p || (i < 3 && *end != ',') || (i == 3 && *end) || !isfinite(q[i]))
                return evm_diag_set(diag, EVM_ERR_USAGE,
                                    "--extent '%s': expected X_MIN,Y_MIN,X_MAX,Y_MAX", value);
            p = end + 1;
        }
        if (!(q[0] < q[2] && q[1] < q[3]))
            return evm_diag_set(diag, EVM_ERR_USAGE,
                                "--extent '%s': the minimums must be below the maximums", value);
        memcpy(o->extent, q, sizeof q);
        o->has_extent = true;
    } else if (strcmp(key, "bbox") == 0) {
        double q[4];
        const char *p = value;
        for (int i = 0; i < 4; i++) {
            q[i] = strtod(p, &end);
            if (end == p || (i < 3 && *end != ',') || (i == 3 && *end))
                return evm_diag_set(diag, EVM_ERR_USAGE,
                                    "--bbox '%s': expected LON_MIN,LAT_MIN,LON_MAX,LAT_MAX", value);
            p = end + 1;
        }
        if (!(q[1] < q[3]) || q[1] < -90 || q[3] > 90 || fabs(q[0]) > 180 || fabs(q[2]) > 180 ||
            q[0] == q[2])
            return evm_diag_set(diag, EVM_ERR_USAGE,
                                "--bbox '%s': longitudes -180..180 (west first; west > east "
                                "crosses 180), latitudes -90..90 (south < north)",
                                value);
        memcpy(o->bbox, q, sizeof q);
        o->has_bbox = true;
    } else {
        return evm_diag_set(diag, EVM_ERR_INTERNAL, "render: unknown option '%s'", key);
    }
    return EVM_OK;
}

void evm_render_info_clear(evm_render_info *info)
{
    if (!info)
        return;
    free(info->crs);
    free(info->labels);
    free(info->legend);
    memset(info, 0, sizeof *info);
}

/* ---- small helpers ------------------------------------------------------------------- */

static void set_rgb(cairo_t *cr, evm_rgb c)
{
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

static void set_rgba(cairo_t *cr, evm_rgb c, double a)
{
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, a);
}

static const char *const month_abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "13 Apr 2025", "Apr 2025", "2025", "" by precision. */
static void format_date(evm_date d, char *buf, size_t n)
{
    buf[0] = '\0';
    if (d.precision == EVM_DATE_UNKNOWN || d.year <= 0)
        return;
    if (d.precision == EVM_DATE_YEAR || d.month < 1 || d.month > 12)
        snprintf(buf, n, "%d", d.year);
    else if (d.precision == EVM_DATE_MONTH || d.day < 1)
        snprintf(buf, n, "%s %d", month_abbr[d.month - 1], d.year);
    else
        snprintf(buf, n, "%s%d %s %d", d.precision == EVM_DATE_WEEK ? "week of " : "", d.day,
                 month_abbr[d.month - 1], d.year);
}

typedef struct strbuf {
    char *s;
    size_t n, cap;
} strbuf;

static void sb_add(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    evm_grow((void **)&b->s, &b->cap, b->n + (size_t)k + 1, 1);
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

/* A round number (1, 2 or 5 times a power of ten) not above v. */
static double nice_floor(double v)
{
    if (v <= 0)
        return 0;
    double p = pow(10.0, floor(log10(v)));
    double m = v / p;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

/* ---- what to draw -------------------------------------------------------------------- */

/* Everything drawn at one place: its strikes and meetings merged into one symbol each. */
typedef struct spot {
    int32_t place;
    const char *label; /* what the label says */
    double px, py;
    int n_strikes, n_meetings;
    long killed;       /* sum of the stated tolls */
    int killed_known;  /* strikes whose toll is stated */
    int at_least;      /* some toll was "at least" */
    evm_date dates[3]; /* distinct event dates, first three */
    int n_dates;
    double r_strike, r_meeting;
    double mx, my; /* meeting symbol centre (beside the strike when both) */
} spot;

static int place_ok(const evm_batch *b, int32_t i)
{
    return i >= 0 && (size_t)i < b->n_places && isfinite(b->places[i].lat) &&
           isfinite(b->places[i].lon) && fabs(b->places[i].lat) <= 90.0;
}

static int place_drawable(const evm_place *p)
{
    if (p->level != EVM_GEO_POINT)
        return 0;
    if (p->mentions > 0 && p->metonymic >= p->mentions)
        return 0; /* only ever named as an actor ("Moscow said"), never as a location */
    return 1;
}

/* A place's label: the gazetteer's name, the same in every article of a batch however each
 * spelt it. */
static const char *place_label(const evm_place *p)
{
    return p->name;
}

static double place_priority(const evm_place *p)
{
    double pop = p->population > 0 ? log10((double)p->population) : 0;
    return (p->capital ? 500.0 : 100.0) + 10.0 * p->mentions + pop;
}

/* ---- fitting the view ---------------------------------------------------------------- */

typedef struct layout {
    double s;           /* pixels per CSS pixel (dpi / 96) */
    double top, bottom; /* reserved bands where the title and credits go */
    double left;        /* reserved column where the legend goes */
    double margin;
} layout;

/* Map units per metre at lon/lat: the projected length of a short northward step. */
static double units_per_metre(const evm_view *v, double lon, double lat)
{
    double x0, y0, x1, y1;
    double dlat = lat > 89 ? -0.01 : 0.01;
    if (!evm_view_to_map(v, lon, lat, &x0, &y0) || !evm_view_to_map(v, lon, lat + dlat, &x1, &y1))
        return 1.0;
    double metres = fabs(dlat) * 111132.0;
    double d = hypot(x1 - x0, y1 - y0);
    return d > 0 ? d / metres : 1.0;
}

/* Geodesic metres per pixel horizontally at the image centre (WGS 84 ellipsoid). */
static double metres_per_pixel(const evm_view *v)
{
    double cx = v->x0 + v->res * v->width / 2.0, cy = v->y0 - v->res * v->height / 2.0;
    double d = v->res * 50.0;
    double lon0, lat0, lon1, lat1;
    if (!evm_view_to_lonlat(v, cx - d, cy, &lon0, &lat0) ||
        !evm_view_to_lonlat(v, cx + d, cy, &lon1, &lat1))
        return v->res;
    PJ *geod = proj_create(v->ctx, "+proj=longlat +ellps=WGS84");
    if (!geod)
        return v->res;
    PJ_COORD a = proj_coord(lon0 * M_PI / 180, lat0 * M_PI / 180, 0, 0);
    PJ_COORD b = proj_coord(lon1 * M_PI / 180, lat1 * M_PI / 180, 0, 0);
    double m = proj_lp_dist(geod, a, b);
    proj_destroy(geod);
    return isfinite(m) && m > 0 ? m / 100.0 : v->res;
}

/* Chooses the frame: the user's bbox, else the events (else the places) with room for the
 * furniture, never narrower than 400 km, else the whole world. */
static evm_err fit_view(evm_view *v, const evm_batch *b, const evm_render_opts *o,
                        const double *pts, size_t n_pts, const layout *L, evm_diag *diag)
{
    int w = o->width, h = o->height;
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    (void)b;
    if (o->has_extent) {
        const double *e = o->extent;
        double res = fmax((e[2] - e[0]) / w, (e[3] - e[1]) / h);
        double cx = (e[0] + e[2]) / 2, cy = (e[1] + e[3]) / 2;
        evm_view_set_frame(v, cx - res * w / 2, cy + res * h / 2, res, w, h);
        return EVM_OK;
    }
    if (o->has_bbox) {
        double l0 = o->bbox[0], l1 = o->bbox[2];
        if (l1 < l0)
            l1 += 360.0;
        for (int i = 0; i <= 32; i++)
            for (int k = 0; k < 4; k++) {
                double f = i / 32.0;
                double lon = k < 2 ? l0 + f * (l1 - l0) : (k == 2 ? l0 : l1);
                double lat = k < 2 ? (k == 0 ? o->bbox[1] : o->bbox[3])
                                   : o->bbox[1] + f * (o->bbox[3] - o->bbox[1]);
                double x, y;
                if (evm_view_to_map(v, lon, lat, &x, &y)) {
                    xmin = fmin(xmin, x), xmax = fmax(xmax, x);
                    ymin = fmin(ymin, y), ymax = fmax(ymax, y);
                }
            }
        if (!(xmin < xmax && ymin < ymax))
            return evm_diag_set(diag, EVM_ERR_PROJ, "the bbox has no extent in CRS '%s'",
                                o->crs ? o->crs : "(default)");
        double res = fmax((xmax - xmin) / w, (ymax - ymin) / h);
        double cx = (xmin + xmax) / 2, cy = (ymin + ymax) / 2;
        evm_view_set_frame(v, cx - res * w / 2, cy + res * h / 2, res, w, h);
        return EVM_OK;
    }
    for (size_t i = 0; i < n_pts; i++) {
        double x, y;
        if (evm_view_to_map(v, pts[2 * i], pts[2 * i + 1], &x, &y)) {
            xmin = fmin(xmin, x), xmax = fmax(xmax, x);
            ymin = fmin(ymin, y), ymax = fmax(ymax, y);
        }
    }
    if (!(xmin <= xmax)) {
        /* nothing to fit: the whole world */
        for (int i = 0; i <= 72; i++)
            for (int j = 0; j <= 36; j++) {
                double x, y;
                if (evm_view_to_map(v, -180 + 5 * i, -90 + 5 * j, &x, &y)) {
                    xmin = fmin(xmin, x), xmax = fmax(xmax, x);
                    ymin = fmin(ymin, y), ymax = fmax(ymax, y);
                }
            }
        if (!(xmin < xmax && ymin < ymax))
            return evm_diag_set(diag, EVM_ERR_PROJ, "CRS '%s' maps no part of the world",
                                o->crs ? o->crs : "(default)");
        double inner_h = h - L->top - L->bottom;
        double res = fmax((xmax - xmin) / (w - 2 * L->margin), (ymax - ymin) / inner_h);
        double cx = (xmin + xmax) / 2, cy = (ymin + ymax) / 2;
        double y0 = cy + res * (inner_h / 2 + L->top);
        evm_view_set_frame(v, cx - res * w / 2, y0, res, w, h);
        return EVM_OK;
    }
    double cx = (xmin + xmax) / 2, cy = (ymin + ymax) / 2;
    double clon, clat;
    double upm = 1.0;
    if (evm_view_to_lonlat(v, cx, cy, &clon, &clat))
        upm = units_per_metre(v, clon, clat);
    double min_span = 400000.0 * upm;
    double sx = fmax(xmax - xmin, min_span), sy = fmax(ymax - ymin, min_span * h / w);
    /* the points go in the inner area, with a quarter of their span around them */
    double inner_w = w - 2 * L->margin - L->left, inner_h = h - L->top - L->bottom - 2 * L->margin;
    double res = fmax(sx * 1.3 / inner_w, sy * 1.3 / inner_h);
    double mid_x = L->left + L->margin + inner_w / 2; /* pixel of the points' centre */
    double mid_y = L->top + L->margin + inner_h / 2;
    evm_view_set_frame(v, cx - res * mid_x, cy + res * mid_y, res, w, h);
    return EVM_OK;
}

/* ---- drawing ------------------------------------------------------------------------- */

/* DejaVu Sans loaded straight from its files through FreeType (cairo-ft): this skips
 * fontconfig's start-up, which costs more than drawing a whole map. Falls back to Cairo's
 * toy API (fontconfig) when the files are not where distributions put them. */
static cairo_font_face_t *faces[2];
static pthread_once_t faces_once = PTHREAD_ONCE_INIT;

static void load_faces(void)
{
    static const char *const dirs[] = {"/usr/share/fonts/truetype/dejavu",
                                       "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
                                       "/usr/local/share/fonts/truetype/dejavu"};
    static const char *const files[2] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"};
    static FT_Library lib;
    if (FT_Init_FreeType(&lib) != 0)
        return;
    const char *env = getenv("EVMAP_FONT_DIR");
    for (int k = 0; k < 2; k++)
        for (int d = -1; d < (int)(sizeof dirs / sizeof dirs[0]) && !faces[k]; d++) {
            const char *dir = d < 0 ? env : dirs[d];
            if (!dir || !dir[0])
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, files[k]);
            FT_Face face;
            if (access(path, R_OK) != 0 || FT_New_Face(lib, path, 0, &face) != 0)
                continue;
            faces[k] = cairo_ft_font_face_create_for_ft_face(face, 0);
        }
    if (!faces[0] || !faces[1]) {
        cairo_font_face_destroy(faces[0]);
        cairo_font_face_destroy(faces[1]);
        faces[0] = faces[1] = NULL;
    }
}

static void use_font(cairo_t *cr, double size, int bold)
{
    pthread_once(&faces_once, load_faces);
    if (faces[0])
        cairo_set_font_face(cr, faces[bold ? 1 : 0]);
    else
        cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

/* Text from articles and layers may hold tabs or line breaks: drawn as spaces. The copy
 * keeps at most n - 1 bytes, never cutting a UTF-8 sequence. */
static const char *clean_text(const char *t, char *buf, size_t n)
{
    size_t k = 0;
    for (; t[k] && k + 1 < n; k++)
        buf[k] = (unsigned char)t[k] < 0x20 || t[k] == 0x7f ? ' ' : t[k];
    if (t[k])
        while (k > 0 && ((unsigned char)buf[k] & 0xC0) == 0x80)
            k--;
    buf[k] = '\0';
    return buf;
}

static double text_width(cairo_t *cr, const char *t)
{
    char buf[512];
    cairo_text_extents_t e;
    cairo_text_extents(cr, clean_text(t, buf, sizeof buf), &e);
    return e.x_advance;
}

/* Text with a halo; (x, y) is the baseline start. */
static void halo_text(cairo_t *cr, const char *t, double x, double y, evm_rgb fill, evm_rgb halo,
                      double halo_w)
{
    char buf[512];
    t = clean_text(t, buf, sizeof buf);
    cairo_new_path(cr);
    /* glyph outlines flattened to 0.25 px instead of 0.1: invisible once anti-aliased, and
     * the halo's stroke is the costliest thing on the map */
    cairo_set_tolerance(cr, 0.25);
    cairo_move_to(cr, x, y);
    cairo_text_path(cr, t);
    if (halo_w > 0) {
        set_rgba(cr, halo, 0.92);
        cairo_set_line_width(cr, 2 * halo_w);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        /* the halo's soft edge with Cairo's 4x4 coverage instead of its finest: at most 20
         * of 255 levels apart at its rim, for half the instructions of the stroke */
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST);
        cairo_stroke_preserve(cr);
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    }
    set_rgb(cr, fill);
    cairo_fill(cr);
    cairo_set_tolerance(cr, 0.1);
}

static void draw_star(cairo_t *cr, double x, double y, double r)
{
    cairo_new_path(cr);
    for (int i = 0; i < 10; i++) {
        double a = -M_PI / 2 + i * M_PI / 5;
        double rr = i % 2 ? r * 0.45 : r;
        if (i == 0)
            cairo_move_to(cr, x + rr * cos(a), y + rr * sin(a));
        else
            cairo_line_to(cr, x + rr * cos(a), y + rr * sin(a));
    }
    cairo_close_path(cr);
}

static void symbol_strike(cairo_t *cr, const evm_render_palette *P, double x, double y, double r,
                          int known, double s)
{
    cairo_new_path(cr);
    if (known) {
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        set_rgb(cr, P->strike);
        cairo_fill_preserve(cr);
        set_rgba(cr, P->halo, 0.95);
        cairo_set_line_width(cr, 1.3 * s);
        cairo_stroke(cr);
        return;
    }
    /* toll not stated: a dashed ring around a solid core */
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    set_rgba(cr, P->halo, 0.75);
    cairo_fill_preserve(cr);
    double dash[2] = {3.0 * s, 2.2 * s};
    cairo_set_dash(cr, dash, 2, 0);
    set_rgb(cr, P->strike);
    cairo_set_line_width(cr, 2.0 * s);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_arc(cr, x, y, r * 0.42, 0, 2 * M_PI);
    cairo_fill(cr);
}

static void symbol_meeting(cairo_t *cr, const evm_render_palette *P, double x, double y, double r,
                           double s)
{
    draw_star(cr, x, y, r);
    set_rgb(cr, P->meeting);
    cairo_fill_preserve(cr);
    set_rgba(cr, P->halo, 0.95);
    cairo_set_line_width(cr, 1.2 * s);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
}

static void symbol_place(cairo_t *cr, const evm_render_palette *P, double x, double y, int capital,
                         double s)
{
    cairo_new_path(cr);
    if (capital) {
        cairo_arc(cr, x, y, 4.6 * s, 0, 2 * M_PI);
        set_rgba(cr, P->halo, 0.9);
        cairo_fill_preserve(cr);
        set_rgb(cr, P->place);
        cairo_set_line_width(cr, 1.4 * s);
        cairo_stroke(cr);
        cairo_arc(cr, x, y, 2.0 * s, 0, 2 * M_PI);
        cairo_fill(cr);
    } else {
        cairo_arc(cr, x, y, 2.8 * s, 0, 2 * M_PI);
        set_rgb(cr, P->place);
        cairo_fill_preserve(cr);
        set_rgba(cr, P->halo, 0.9);
        cairo_set_line_width(cr, 1.0 * s);
        cairo_stroke(cr);
    }
}

static void rounded_panel(cairo_t *cr, const evm_render_palette *P, evm_box b, double s)
{
    double r = 6 * s;
    cairo_new_path(cr);
    cairo_arc(cr, b.x1 - r, b.y0 + r, r, -M_PI / 2, 0);
    cairo_arc(cr, b.x1 - r, b.y1 - r, r, 0, M_PI / 2);
    cairo_arc(cr, b.x0 + r, b.y1 - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, b.x0 + r, b.y0 + r, r, M_PI, 1.5 * M_PI);
    cairo_close_path(cr);
    set_rgba(cr, P->panel, 0.88);
    cairo_fill_preserve(cr);
    set_rgba(cr, P->border, 0.7);
    cairo_set_line_width(cr, 1.0 * s);
    cairo_stroke(cr);
}

/* Sea colour over the globe. When the frame shows the whole world (a world projection
 * zoomed out), the area outside the projected globe gets the panel colour and the globe's
 * edge (the seam opposite the centre, closed over the poles) a thin outline. */
static void paint_globe(cairo_t *cr, const evm_render_palette *P, const evm_view *v, double s)
{
    set_rgb(cr, P->sea);
    if (v->lon_max - v->lon_min < 359.0) {
        cairo_paint(cr);
        return;
    }
    cairo_new_path(cr);
    double area = 0, fx = 0, fy = 0, px = 0, py = 0;
    int n = 0;
    for (int side = 0; side < 2; side++)
        for (int i = 0; i <= 180; i++) {
            double lat = side ? 90.0 - i : -90.0 + i;
            double lon = v->lon_c + (side ? 179.9999 : -179.9999);
            double x, y;
            if (!evm_view_to_pixel(v, lon, lat, &x, &y))
                continue;
            if (n++ == 0) {
                cairo_move_to(cr, x, y);
                fx = x, fy = y;
            } else {
                cairo_line_to(cr, x, y);
                area += px * y - x * py;
            }
            px = x, py = y;
        }
    area += px * fy - fx * py;
    cairo_close_path(cr);
    if (n < 10 || fabs(area) / 2 < 0.05 * v->width * v->height) {
        /* no area: an azimuthal or other projection whose seam is a line */
        cairo_new_path(cr);
        cairo_paint(cr);
        return;
    }
    cairo_path_t *globe = cairo_copy_path(cr);
    cairo_new_path(cr);
    set_rgb(cr, P->panel);
    cairo_paint(cr);
    set_rgba(cr, P->border, 0.25);
    cairo_paint(cr);
    cairo_append_path(cr, globe);
    set_rgb(cr, P->sea);
    cairo_fill_preserve(cr);
    set_rgb(cr, P->coast);
    cairo_set_line_width(cr, 1.0 * s);
    cairo_stroke(cr);
    cairo_path_destroy(globe);
}

/* Breaks `title` into at most two lines no wider than maxw, ending the second with an
 * ellipsis when it does not fit. Lines go to l1/l2 (each n bytes). */
static void wrap2(cairo_t *cr, const char *title, double maxw, char *l1, char *l2, size_t n)
{
    char clean[512];
    const char *t = clean_text(title, clean, sizeof clean);
    snprintf(l1, n, "%s", t);
    l2[0] = '\0';
    if (text_width(cr, l1) <= maxw)
        return;
    size_t len = strlen(l1);
    size_t cut = 0;
    for (size_t i = 1; i < len; i++)
        if (l1[i] == ' ') {
            char save = l1[i];
            l1[i] = '\0';
            int ok = text_width(cr, l1) <= maxw;
            l1[i] = save;
            if (!ok)
                break;
            cut = i;
        }
    if (cut == 0)
        cut = len;
    snprintf(l2, n, "%s", cut < len ? t + cut + 1 : "");
    l1[cut] = '\0';
    if (text_width(cr, l2) > maxw) {
        size_t k = strlen(l2);
        while (k > 0) {
            k--;
            while (k > 0 && ((unsigned char)l2[k] & 0xC0) == 0x80)
                k--;
            if (k + 4 >= n)
                continue;
            memcpy(l2 + k, "\xE2\x80\xA6", 4);
            if (text_width(cr, l2) <= maxw)
                break;
        }
    }
}

typedef struct legend_row {
    int kind; /* 0 strike scale, 1 strike unknown, 2 meeting, 3 place, 4 capital, 5 text */
    char text[96];
    double h;
} legend_row;

/* ---- writing the files --------------------------------------------------------------- */

/* One output under its temporary name (outfile.h: renamed into place only when complete,
 * removed by the signal handler if the run is interrupted). */
typedef struct tmpfile_t {
    char *tmp;
    const char *final;
    FILE *fp;
} tmpfile_t;

static evm_err tmp_open(tmpfile_t *t, const char *final, evm_diag *diag)
{
    t->final = final;
    t->tmp = evm_outfile_begin(final);
    t->fp = fopen(t->tmp, "wb");
    if (!t->fp) {
        evm_err e = evm_diag_set(diag, EVM_ERR_IO, "cannot write %s: %s", final, strerror(errno));
        evm_outfile_abort(t->tmp);
        t->tmp = NULL;
        return e;
    }
    return EVM_OK;
}

/* The map's ARGB32 surface, over memory that asks the kernel for 2 MiB pages: a 1600x1200
 * map is 7.3 MiB, some 1900 page faults in 4 KiB pages and a handful in huge ones. Not
 * cleared: the basemap's first paint covers every pixel. The memory goes with the surface
 * (its user data). Falls back to Cairo's own allocation. */
static cairo_surface_t *map_surface(int width, int height)
{
    static const cairo_user_data_key_t key;
    void *mem = NULL;
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, width);
#ifdef MADV_HUGEPAGE
    const size_t huge = (size_t)2 << 20;
    size_t size = stride > 0 ? (size_t)stride * (size_t)height : 0;
    size_t rounded = (size + huge - 1) / huge * huge;
    if (size >= huge && posix_memalign(&mem, huge, rounded) == 0)
        madvise(mem, rounded, MADV_HUGEPAGE);
    else
        mem = NULL;
#endif
    if (!mem)
        return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    cairo_surface_t *s =
        cairo_image_surface_create_for_data(mem, CAIRO_FORMAT_ARGB32, width, height, stride);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_set_user_data(s, &key, mem, free) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        free(mem);
        return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    }
    return s;
}

static void tmp_discard(tmpfile_t *t)
{
    if (t->fp)
        fclose(t->fp);
    evm_outfile_abort(t->tmp);
    memset(t, 0, sizeof *t);
}

static evm_err tmp_close(tmpfile_t *t, evm_diag *diag)
{
    int bad = ferror(t->fp) != 0;
    if (fclose(t->fp) != 0)
        bad = 1;
    t->fp = NULL;
    if (bad)
        return evm_diag_set(diag, EVM_ERR_IO, "write %s: %s", t->final, strerror(errno));
    return EVM_OK;
}

/* The WKT of the view's target CRS (WKT1 as GDAL writes it, else WKT2), and whether its
 * first axis points north (then data x/y map to axes 2,1). */
static char *crs_wkt(const evm_view *v, int *north_first)
{
    *north_first = 0;
    const PJ *crs = v->crs;
    if (!crs)
        return NULL;
    const char *wkt = proj_as_wkt(v->ctx, crs, PJ_WKT1_GDAL, NULL);
    if (!wkt)
        wkt = proj_as_wkt(v->ctx, crs, PJ_WKT2_2019, NULL);
    char *out = wkt ? evm_xstrdup(wkt) : NULL;
    PJ *cs = proj_crs_get_coordinate_system(v->ctx, crs);
    if (cs) {
        const char *dir = NULL;
        if (proj_cs_get_axis_info(v->ctx, cs, 0, NULL, NULL, &dir, NULL, NULL, NULL, NULL) && dir &&
            (strcmp(dir, "north") == 0 || strcmp(dir, "south") == 0))
            *north_first = 1;
        proj_destroy(cs);
    }
    proj_errno_reset(v->pj);
    return out;
}

static void xml_escape(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '&':
            fputs("&amp;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        default:
            fputc(*s, fp);
        }
    }
}

static char *world_file_path(const char *path)
{
    size_t n = strlen(path);
    char *p = evm_xmalloc(n + 5);
    memcpy(p, path, n + 1);
    char *dot = strrchr(p, '.'), *slash = strrchr(p, '/');
    if (dot && (!slash || dot > slash) && strcasecmp(dot, ".png") == 0)
        strcpy(dot, ".pgw");
    else
        strcpy(p + n, ".pgw");
    return p;
}

/* ---- the map ------------------------------------------------------------------------- */

evm_err evm_render_map(const evm_batch *b, const evm_render_opts *opts, const char *path,
                       evm_diag *diag)
{
    return evm_render_map_info(b, opts, path, NULL, diag);
}

static evm_err check_opts(const evm_render_opts *o, const char *path, evm_diag *diag)
{
    if (!path || !path[0])
        return evm_diag_set(diag, EVM_ERR_USAGE, "render: no output path");
    if (o->width < EVM_RENDER_MIN_SIDE || o->height < EVM_RENDER_MIN_SIDE ||
        o->width > EVM_RENDER_MAX_SIDE || o->height > EVM_RENDER_MAX_SIDE ||
        (long)o->width * o->height > EVM_RENDER_MAX_PIXELS)
        return evm_diag_set(diag, EVM_ERR_USAGE, "render: size %dx%d out of range " SIZE_RANGE,
                            o->width, o->height);
    if (!(o->dpi >= 10 && o->dpi <= 2400))
        return evm_diag_set(diag, EVM_ERR_USAGE, "render: dpi %g out of range (10 to 2400)",
                            o->dpi);
    if (o->has_extent && !(o->extent[0] < o->extent[2] && o->extent[1] < o->extent[3]))
        return evm_diag_set(diag, EVM_ERR_USAGE, "render: bad extent %g,%g,%g,%g", o->extent[0],
                            o->extent[1], o->extent[2], o->extent[3]);
    if (o->has_bbox) {
        const double *q = o->bbox;
        if (!(q[1] < q[3]) || q[1] < -90 || q[3] > 90 || q[0] < -180 || q[0] > 180 || q[2] < -180 ||
            q[2] > 180 || q[0] == q[2])
            return evm_diag_set(diag, EVM_ERR_USAGE,
                                "render: bad bbox %g,%g,%g,%g (lon_min,lat_min,lon_max,lat_max)",
                                q[0], q[1], q[2], q[3]);
    }
    return EVM_OK;
}

typedef struct ctx {
    const evm_batch *b;
    const evm_render_opts *o;
    const evm_render_palette *P;
    layout L;
    evm_view view;
    spot *spots;
    size_t n_spots;
    double kscale; /* strike radius = kscale * sqrt(killed) */
    double rmin;
    long max_killed;
    int n_strike_events, n_meeting_events, any_unknown;
    strbuf legend;
    struct base_cache *base; /* the basemap raster shared by the maps of one batch, or NULL */
    const char *crs;         /* the CRS definition in use */
} ctx;

/* The drawn basemap of the last map, reused by the next map on the same frame (the three
 * maps of a batch share their extent): a copy of the pixels costs far less than drawing. */
typedef struct base_cache {
    cairo_surface_t *surf;
    double x0, y0, res, dpi;
    int width, height;
    evm_theme theme;
    char crs[256];
    evm_view view; /* the projection, kept open for the next map (PROJ opens its
                    * database once per context: tens of milliseconds) */
    char view_crs[256];
} base_cache;

static double strike_radius(const ctx *c, long killed)
{
    return fmax(c->rmin, c->kscale * sqrt((double)killed));
}

static void collect_spots(ctx *c)
{
    const evm_batch *b = c->b;
    unsigned kinds = c->o->kinds ? c->o->kinds : EVM_RENDER_ALL;
    int32_t *slot = evm_xmalloc((b->n_places ? b->n_places : 1) * sizeof *slot);
    for (size_t i = 0; i < b->n_places; i++)
        slot[i] = -1;
    c->spots = evm_xcalloc(b->n_events ? b->n_events : 1, sizeof *c->spots);
    for (size_t i = 0; i < b->n_events; i++) {
        const evm_event *e = &b->events[i];
        if (!place_ok(b, e->place))
            continue;
        if (!((e->kind == EVM_EVENT_STRIKE && (kinds & EVM_RENDER_STRIKES)) ||
              (e->kind == EVM_EVENT_MEETING && (kinds & EVM_RENDER_MEETINGS))))
            continue;
        if (slot[e->place] < 0) {
            slot[e->place] = (int32_t)c->n_spots;
            c->spots[c->n_spots++] =
                (spot){.place = e->place, .label = place_label(&b->places[e->place])};
        }
        spot *sp = &c->spots[slot[e->place]];
        if (e->kind == EVM_EVENT_STRIKE) {
            sp->n_strikes++;
            c->n_strike_events++;
            if (e->killed >= 0) {
                sp->killed += e->killed;
                sp->killed_known++;
                sp->at_least |= e->killed_at_least;
            }
        } else {
            sp->n_meetings++;
            c->n_meeting_events++;
        }
        if (e->date.precision != EVM_DATE_UNKNOWN) {
            int seen = 0;
            for (int k = 0; k < sp->n_dates; k++)
                seen |= evm_when_cmp(sp->dates[k], e->date) == 0;
            if (!seen && sp->n_dates < 3)
                sp->dates[sp->n_dates++] = e->date;
        }
    }
    free(slot);
    for (size_t i = 0; i < c->n_spots; i++) {
        const spot *sp = &c->spots[i];
        if (sp->n_strikes && sp->killed_known && sp->killed > c->max_killed)
            c->max_killed = sp->killed;
        if (sp->n_strikes && !sp->killed_known)
            c->any_unknown = 1;
    }
    double s = c->L.s;
    c->rmin = 4.5 * s;
    c->kscale = s * fmin(3.6, 26.0 / sqrt(fmax(1.0, (double)c->max_killed)));
}

static const char *kinds_noun(unsigned kinds)
{
    return kinds == EVM_RENDER_STRIKES    ? "strikes"
           : kinds == EVM_RENDER_MEETINGS ? "meetings"
                                          : "events";
}

/* Subtitle: kinds, date range and counts. */
static void subtitle(const ctx *c, char *buf, size_t n)
{
    const evm_batch *b = c->b;
    unsigned kinds = c->o->kinds ? c->o->kinds : EVM_RENDER_ALL;
    evm_date lo = {0}, hi = {0};
    for (size_t i = 0; i < b->n_events; i++) {
        const evm_event *e = &b->events[i];
        int want = (e->kind == EVM_EVENT_STRIKE && (kinds & EVM_RENDER_STRIKES)) ||
                   (e->kind == EVM_EVENT_MEETING && (kinds & EVM_RENDER_MEETINGS));
        if (!want || e->date.precision == EVM_DATE_UNKNOWN || !place_ok(b, e->place))
            continue;
        if (lo.precision == EVM_DATE_UNKNOWN || evm_when_cmp(e->date, lo) < 0)
            lo = e->date;
        if (hi.precision == EVM_DATE_UNKNOWN || evm_when_cmp(e->date, hi) > 0)
            hi = e->date;
    }
    if (lo.precision == EVM_DATE_UNKNOWN) {
        lo = b->first;
        hi = b->last;
    }
    char d0[40], d1[40], range[90] = "";
    format_date(lo, d0, sizeof d0);
    format_date(hi, d1, sizeof d1);
    if (d0[0] && strcmp(d0, d1) != 0)
        snprintf(range, sizeof range, "%s \xE2\x80\x93 %s \xC2\xB7 ", d0, d1);
    else if (d0[0])
        snprintf(range, sizeof range, "%s \xC2\xB7 ", d0);
    char counts[120] = "";
    size_t k = 0;
    if (kinds & EVM_RENDER_STRIKES)
        k += (size_t)snprintf(counts + k, sizeof counts - k, "%d strike%s", c->n_strike_events,
                              c->n_strike_events == 1 ? "" : "s");
    if ((kinds & EVM_RENDER_MEETINGS) && k < sizeof counts)
        snprintf(counts + k, sizeof counts - k, "%s%d meeting%s", k ? ", " : "",
                 c->n_meeting_events, c->n_meeting_events == 1 ? "" : "s");
    snprintf(buf, n, "%s%s", range, counts);
}

/* The legend's rows for what the map shows. */
static size_t legend_rows(ctx *c, legend_row *rows, int any_place, int any_capital)
{
    unsigned kinds = c->o->kinds ? c->o->kinds : EVM_RENDER_ALL;
    double s = c->L.s;
    size_t n = 0;
    int have_strike_known = 0;
    for (size_t i = 0; i < c->n_spots; i++)
        have_strike_known |= c->spots[i].n_strikes && c->spots[i].killed_known;
    if (have_strike_known) {
        rows[n] = (legend_row){0, "Strike: people killed", 0};
        rows[n].h = 2 * strike_radius(c, (long)nice_floor((double)c->max_killed)) + 26 * s;
        n++;
    }
    if (c->any_unknown)
        rows[n++] = (legend_row){1, "Strike, toll not stated", 22 * s};
    if ((kinds & EVM_RENDER_MEETINGS) && c->n_meeting_events)
        rows[n++] = (legend_row){2, "Meeting", 22 * s};
    if (any_capital)
        rows[n++] = (legend_row){4, "Capital", 20 * s};
    if (any_place)
        rows[n++] = (legend_row){3, "Place", 20 * s};
    if (c->n_strike_events + c->n_meeting_events == 0) {
        rows[n] = (legend_row){5, "", 22 * s};
        snprintf(rows[n].text, sizeof rows[n].text, "No %s to show", kinds_noun(kinds));
        n++;
    }
    for (size_t i = 0; i < n; i++)
        sb_add(&c->legend, "%s\n", rows[i].text);
    return n;
}

/* Sea, land, borders and coastline at the detail that fits the scale. */
static evm_err draw_basemap(ctx *c, cairo_t *cr, double mpp, evm_diag *diag)
{
    const evm_render_palette *P = c->P;
    const evm_view *v = &c->view;
    double s = c->L.s;
    paint_globe(cr, P, v, s);
    const evm_basemap *bm = NULL;
    evm_err err = evm_basemap_get(evm_basemap_detail_for(mpp), &bm, diag);
    if (err)
        return err;
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_new_path(cr);
    evm_basemap_path(bm, EVM_BASEMAP_LAND, v, cr);
    /* the land is filled, then stroked as the coastline over the borders: projected and
     * clipped once */
    cairo_path_t *land = cairo_copy_path(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    set_rgb(cr, P->land);
    cairo_fill(cr);
    cairo_new_path(cr);
    evm_basemap_path(bm, EVM_BASEMAP_BORDERS, v, cr);
    set_rgb(cr, P->border);
    cairo_set_line_width(cr, 0.9 * s);
    cairo_stroke(cr);
    cairo_new_path(cr);
    cairo_append_path(cr, land);
    cairo_path_destroy(land);
    set_rgb(cr, P->coast);
    cairo_set_line_width(cr, 0.8 * s);
    cairo_stroke(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);

    return EVM_OK;
}

/* The title panel: the title on one or two lines (t1, t2), and the subtitle. */
static void draw_title(const ctx *c, cairo_t *cr, evm_box box, const char *t1, const char *t2,
                       const char *sub)
{
    const evm_render_palette *P = c->P;
    double s = c->L.s, pad = 10 * s;
    rounded_panel(cr, P, box, s);
    use_font(cr, 22 * s, 1);
    set_rgb(cr, P->text);
    double y = box.y0 + pad + 21 * s;
    cairo_move_to(cr, box.x0 + pad, y);
    cairo_show_text(cr, t1);
    if (t2[0]) {
        y += 27 * s;
        cairo_move_to(cr, box.x0 + pad, y);
        cairo_show_text(cr, t2);
    }
    use_font(cr, 13.5 * s, 0);
    y += 22 * s;
    cairo_move_to(cr, box.x0 + pad, y);
    cairo_show_text(cr, sub);
}

/* The legend panel: a row per symbol the map uses (rows), then the scale bar, true at the
 * map centre (mpp: metres per pixel there). */
static void draw_legend(const ctx *c, cairo_t *cr, const legend_row *rows, size_t n_rows,
                        evm_box box, double sym_w, double mpp)
{
    const evm_render_palette *P = c->P;
    double s = c->L.s, pad = 10 * s;
    rounded_panel(cr, P, box, s);
    double ly = box.y0 + pad;
    double sx = box.x0 + pad + sym_w / 2;
    double tx = box.x0 + pad + sym_w + 2 * s;
    for (size_t i = 0; i < n_rows; i++) {
        const legend_row *r = &rows[i];
        double cy = ly + r->h / 2;
        use_font(cr, 12.5 * s, 0);
        switch (r->kind) {
        case 0: {
            /* nested outline circles of round tolls, bottoms aligned, values to the right */
            set_rgb(cr, P->text);
            cairo_move_to(cr, box.x0 + pad, ly + 12 * s);
            cairo_show_text(cr, r->text);
            double top = nice_floor((double)c->max_killed);
            double vals[3] = {top, nice_floor(top / 4), nice_floor(top / 20)};
            double rtop = strike_radius(c, (long)top);
            double cx0 = box.x0 + pad + rtop;
            double base = ly + r->h - 4 * s, prev_r = INFINITY;
            use_font(cr, 10.5 * s, 0);
            cairo_set_line_width(cr, 1.0 * s);
            for (int k = 0; k < 3; k++) {
                double rr = strike_radius(c, (long)vals[k]);
                if (vals[k] < 1 || 2 * rr > 2 * prev_r - 12 * s)
                    continue;
                prev_r = rr;
                cairo_new_path(cr);
                cairo_arc(cr, cx0, base - rr, rr, 0, 2 * M_PI);
                set_rgba(cr, P->strike, 0.18);
                cairo_fill_preserve(cr);
                set_rgb(cr, P->strike);
                cairo_stroke(cr);
                cairo_new_path(cr);
                cairo_move_to(cr, cx0, base - 2 * rr);
                cairo_line_to(cr, cx0 + rtop + 6 * s, base - 2 * rr);
                set_rgba(cr, P->text, 0.6);
                cairo_set_line_width(cr, 0.7 * s);
                cairo_stroke(cr);
                cairo_set_line_width(cr, 1.0 * s);
                char num[32];
                snprintf(num, sizeof num, "%.0f", vals[k]);
                set_rgb(cr, P->text);
                cairo_move_to(cr, cx0 + rtop + 9 * s, base - 2 * rr + 4 * s);
                cairo_show_text(cr, num);
            }
            use_font(cr, 12.5 * s, 0);
            ly += r->h;
            continue;
        }
        case 1:
            symbol_strike(cr, P, sx, cy, 8 * s, 0, s);
            break;
        case 2:
            symbol_meeting(cr, P, sx, cy, 10 * s, s);
            break;
        case 3:
            symbol_place(cr, P, sx, cy, 0, s);
            break;
        case 4:
            symbol_place(cr, P, sx, cy, 1, s);
            break;
        default:
            break;
        }
        set_rgb(cr, P->text);
        cairo_move_to(cr, r->kind == 5 ? box.x0 + pad : tx, cy + 4.5 * s);
        cairo_show_text(cr, r->text);
        ly += r->h;
    }
    /* scale bar, true at the map centre */
    double target = 0.85 * (box.x1 - box.x0 - 2 * pad);
    double dist = nice_floor(target * mpp);
    double len = dist / mpp;
    double bx = box.x0 + pad, by = ly + 20 * s;
    for (int k = 0; k < 4; k++) {
        cairo_rectangle(cr, bx + k * len / 4, by, len / 4, 5 * s);
        set_rgb(cr, k % 2 ? P->panel : P->text);
        cairo_fill_preserve(cr);
        set_rgb(cr, P->text);
        cairo_set_line_width(cr, 0.8 * s);
        cairo_stroke(cr);
    }
    char sc[64];
    if (dist >= 1000)
        snprintf(sc, sizeof sc, "%.0f km", dist / 1000);
    else
        snprintf(sc, sizeof sc, "%.0f m", dist);
    use_font(cr, 11 * s, 0);
    set_rgb(cr, P->text);
    cairo_move_to(cr, bx, by - 4 * s);
    cairo_show_text(cr, "0");
    cairo_move_to(cr, bx + len - text_width(cr, sc) / 2, by - 4 * s);
    cairo_show_text(cr, sc);
    cairo_move_to(cr, bx, by + 18 * s);
    cairo_show_text(cr, "scale at the map centre");
}

/* Places and draws the labels: events' names (and dates), places' names, country names,
 * clear of every symbol and of the furniture boxes; fills info's label boxes and counts. */
static void draw_labels(const ctx *c, cairo_t *cr, const double *dots, const int32_t *dot_place,
                        size_t n_dots, const evm_box *furniture, size_t n_furniture, double mpp,
                        evm_render_info *info)
{
    const evm_batch *b = c->b;
    const evm_render_palette *P = c->P;
    const evm_view *v = &c->view;
    double s = c->L.s;
    int w = c->o->width, h = c->o->height;
    evm_labeler *lb = evm_label_new(w, h, 4 * s, 3 * s);
    for (size_t i = 0; i < n_furniture; i++)
        evm_label_obstacle(lb, furniture[i]);
    for (size_t i = 0; i < c->n_spots; i++) {
        const spot *sp = &c->spots[i];
        double r = sp->r_strike;
        evm_label_obstacle(lb, (evm_box){sp->px - r, sp->py - r, sp->px + r, sp->py + r});
        if (sp->n_meetings) {
            double q = sp->r_meeting;
            evm_label_obstacle(lb, (evm_box){sp->mx - q, sp->my - q, sp->mx + q, sp->my + q});
        }
    }
    for (size_t i = 0; i < n_dots; i++) {
        double q = (b->places[dot_place[i]].capital ? 4.6 : 2.8) * s;
        evm_label_obstacle(lb, (evm_box){dots[2 * i] - q, dots[2 * i + 1] - q, dots[2 * i] + q,
                                         dots[2 * i + 1] + q});
    }
    double fs_event = 14 * s, fs_date = 11.5 * s, fs_place = 12.5 * s;
    cairo_font_extents_t fe_event, fe_date, fe_place;
    use_font(cr, fs_date, 0);
    cairo_font_extents(cr, &fe_date);
    use_font(cr, fs_place, 0);
    cairo_font_extents(cr, &fe_place);
    use_font(cr, fs_event, 1);
    cairo_font_extents(cr, &fe_event);
    char(*second)[128] = evm_xcalloc(c->n_spots ? c->n_spots : 1, sizeof *second);
    size_t *spot_label = evm_xmalloc((c->n_spots ? c->n_spots : 1) * sizeof *spot_label);
    for (size_t i = 0; i < c->n_spots; i++) {
        const spot *sp = &c->spots[i];
        size_t k = 0;
        for (int d = 0; d < sp->n_dates && k < sizeof second[i]; d++) {
            char buf[40];
            format_date(sp->dates[d], buf, sizeof buf);
            k += (size_t)snprintf(second[i] + k, sizeof second[i] - k, "%s%s", d ? ", " : "", buf);
        }
        if (sp->n_strikes && sp->killed_known && k < sizeof second[i])
            snprintf(second[i] + k, sizeof second[i] - k, "%s%s%ld killed", k ? " \xC2\xB7 " : "",
                     sp->at_least ? "at least " : "", sp->killed);
        use_font(cr, fs_event, 1);
        evm_label_item it = {.x = sp->px,
                             .y = sp->py,
                             .r = fmax(sp->r_strike, sp->r_meeting),
                             .w = text_width(cr, sp->label),
                             .h = fe_event.ascent + fe_event.descent};
        if (sp->n_strikes && sp->n_meetings) {
            it.x = (sp->px + sp->mx) / 2, it.y = (sp->py + sp->my) / 2;
            it.r = hypot(sp->mx - it.x, sp->my - it.y) + sp->r_meeting;
        }
        use_font(cr, fs_date, 0);
        if (second[i][0]) {
            it.w2 = text_width(cr, second[i]);
            it.h2 = fe_date.ascent + fe_date.descent;
        }
        it.priority =
            (sp->n_strikes ? 2000.0 + (sp->killed_known ? (double)sp->killed : 5.0) : 1500.0);
        spot_label[i] = evm_label_add(lb, &it);
    }
    size_t *dot_label = evm_xmalloc((n_dots ? n_dots : 1) * sizeof *dot_label);
    use_font(cr, fs_place, 0);
    for (size_t i = 0; i < n_dots; i++) {
        const evm_place *p = &b->places[dot_place[i]];
        evm_label_item it = {.x = dots[2 * i],
                             .y = dots[2 * i + 1],
                             .r = p->capital ? 4.6 * s : 2.8 * s,
                             .w = text_width(cr, place_label(p)),
                             .h = fe_place.ascent + fe_place.descent,
                             .priority = place_priority(p)};
        dot_label[i] = evm_label_add(lb, &it);
    }
    /* country names: lowest priority, centred in the country, only where they fit well */
    const evm_basemap *bm = NULL;
    evm_diag ignored;
    size_t n_countries = 0;
    size_t *country_label = NULL;
    char(*country_names)[64] = NULL;
    double fs_country = 11.5 * s;
    cairo_font_extents_t fe_country;
    use_font(cr, fs_country, 0);
    cairo_font_extents(cr, &fe_country);
    if (evm_basemap_get(evm_basemap_detail_for(mpp), &bm, &ignored) == EVM_OK) {
        n_countries = evm_basemap_country_count(bm);
        country_label = evm_xmalloc((n_countries ? n_countries : 1) * sizeof *country_label);
        country_names = evm_xcalloc(n_countries ? n_countries : 1, sizeof *country_names);
        for (size_t i = 0; i < n_countries; i++) {
            country_label[i] = (size_t)-1;
            double x, y, area, span;
            const char *name = evm_basemap_country_name(bm, i);
            if (!name[0] || !evm_basemap_country_anchor(bm, i, v, &x, &y, &area, &span))
                continue;
            size_t k = 0;
            for (; name[k] && k + 1 < sizeof country_names[i]; k++)
                country_names[i][k] =
                    (char)((unsigned char)name[k] < 0x80 ? toupper((unsigned char)name[k])
                                                         : name[k]);
            while (k > 0 && ((unsigned char)country_names[i][k - 1] & 0xC0) == 0x80)
                k--; /* never cut a UTF-8 sequence */
            if (k > 0 && (unsigned char)country_names[i][k - 1] >= 0xC0)
                k--;
            country_names[i][k] = '\0';
            double tw = text_width(cr, country_names[i]);
            double th = fe_country.ascent + fe_country.descent;
            if (tw > 0.8 * span || area < 6 * (tw + 8 * s) * (th + 4 * s))
                continue;
            evm_label_item it = {.x = x,
                                 .y = y,
                                 .w = tw,
                                 .h = th,
                                 .priority = 1.0 + area / (w * (double)h),
                                 .centred = 1};
            country_label[i] = evm_label_add(lb, &it);
        }
    }
    evm_label_place(lb);
    double halo = 2.0 * s;
    use_font(cr, fs_country, 0);
    for (size_t i = 0; i < n_countries; i++) {
        if (country_label[i] == (size_t)-1)
            continue;
        evm_label_pos lp = evm_label_get(lb, country_label[i]);
        if (lp.lines)
            halo_text(cr, country_names[i], lp.box.x0, lp.box.y0 + fe_country.ascent, P->border,
                      P->land, 1.5 * s);
    }
    free(country_label);
    free(country_names);
    for (size_t i = 0; i < c->n_spots; i++) {
        evm_label_pos lp = evm_label_get(lb, spot_label[i]);
        if (!lp.lines)
            continue;
        const char *name = c->spots[i].label;
        use_font(cr, fs_event, 1);
        double nw = text_width(cr, name);
        double bw = lp.box.x1 - lp.box.x0;
        double x = lp.align == 0   ? lp.box.x0
                   : lp.align == 2 ? lp.box.x1 - nw
                                   : lp.box.x0 + (bw - nw) / 2;
        halo_text(cr, name, x, lp.box.y0 + fe_event.ascent, P->text, P->halo, halo);
        if (lp.lines == 2) {
            use_font(cr, fs_date, 0);
            double dw = text_width(cr, second[i]);
            x = lp.align == 0   ? lp.box.x0
                : lp.align == 2 ? lp.box.x1 - dw
                                : lp.box.x0 + (bw - dw) / 2;
            halo_text(cr, second[i], x,
                      lp.box.y0 + fe_event.ascent + fe_event.descent + fe_date.ascent, P->text,
                      P->halo, halo);
        }
    }
    use_font(cr, fs_place, 0);
    for (size_t i = 0; i < n_dots; i++) {
        evm_label_pos lp = evm_label_get(lb, dot_label[i]);
        if (lp.lines)
            halo_text(cr, place_label(&b->places[dot_place[i]]), lp.box.x0,
                      lp.box.y0 + fe_place.ascent, P->text, P->halo, halo);
    }
    if (info) {
        size_t nb;
        const evm_box *boxes = evm_label_boxes(lb, &nb);
        info->labels = evm_xmalloc((nb ? nb : 1) * sizeof *info->labels);
        memcpy(info->labels, boxes, nb * sizeof *boxes);
        info->n_labels = nb;
        info->n_places = n_dots;
        for (size_t i = 0; i < c->n_spots; i++) {
            info->n_strikes += c->spots[i].n_strikes > 0;
            info->n_meetings += c->spots[i].n_meetings > 0;
        }
    }
    evm_label_free(lb);
    free(second);
    free(spot_label);
    free(dot_label);
}

static evm_err draw(ctx *c, cairo_t *cr, evm_render_info *info, evm_diag *diag)
{
    const evm_render_palette *P = c->P;
    const evm_batch *b = c->b;
    const evm_render_opts *o = c->o;
    evm_view *v = &c->view;
    double s = c->L.s;
    int w = o->width, h = o->height;

    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);

    /* basemap */
    double mpp = metres_per_pixel(v);
    base_cache *bc = c->base;
    if (bc && bc->surf && bc->x0 == v->x0 && bc->y0 == v->y0 && bc->res == v->res &&
        bc->width == w && bc->height == h && bc->theme == o->theme && bc->dpi == o->dpi &&
        strcmp(bc->crs, c->crs) == 0) {
        cairo_set_source_surface(cr, bc->surf, 0, 0);
        cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
        cairo_paint(cr);
        cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    } else {
        evm_err err = draw_basemap(c, cr, mpp, diag);
        if (err)
            return err;
        if (bc) {
            if (bc->surf)
                cairo_surface_destroy(bc->surf);
            cairo_surface_t *target = cairo_get_target(cr);
            cairo_surface_flush(target);
            bc->surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
            cairo_t *cc = cairo_create(bc->surf);
            cairo_set_source_surface(cc, target, 0, 0);
            cairo_set_operator(cc, CAIRO_OPERATOR_SOURCE);
            cairo_paint(cc);
            cairo_destroy(cc);
            bc->x0 = v->x0, bc->y0 = v->y0, bc->res = v->res;
            bc->width = w, bc->height = h, bc->theme = o->theme, bc->dpi = o->dpi;
            snprintf(bc->crs, sizeof bc->crs, "%s", c->crs);
        }
    }
    /* symbols' positions */
    for (size_t i = 0; i < c->n_spots; i++) {
        spot *sp = &c->spots[i];
        const evm_place *p = &b->places[sp->place];
        if (!evm_view_to_pixel(v, p->lon, p->lat, &sp->px, &sp->py))
            sp->px = sp->py = -1e9;
        sp->r_strike =
            sp->n_strikes ? (sp->killed_known ? strike_radius(c, sp->killed) : 8 * s) : 0;
        sp->r_meeting = sp->n_meetings ? 10 * s : 0;
        sp->mx = sp->px, sp->my = sp->py;
        if (sp->n_strikes && sp->n_meetings) {
            double d = (sp->r_strike + sp->r_meeting * 0.5) / M_SQRT2;
            sp->mx += d, sp->my -= d;
        }
    }
    char *is_event_place = evm_xcalloc(b->n_places ? b->n_places : 1, 1);
    for (size_t i = 0; i < c->n_spots; i++)
        is_event_place[c->spots[i].place] = 1;

    /* places: dots */
    size_t n_dots = 0;
    int any_place = 0, any_capital = 0;
    double *dots = evm_xmalloc((b->n_places ? b->n_places : 1) * 2 * sizeof *dots);
    int32_t *dot_place = evm_xmalloc((b->n_places ? b->n_places : 1) * sizeof *dot_place);
    for (size_t i = 0; i < b->n_places; i++) {
        const evm_place *p = &b->places[i];
        double px, py;
        if (is_event_place[i] || !place_ok(b, (int32_t)i) || !place_drawable(p) ||
            !evm_view_to_pixel(v, p->lon, p->lat, &px, &py) || px < 0 || py < 0 || px >= w ||
            py >= h)
            continue;
        /* a place under an event's symbol (the Elysee at Paris) adds nothing */
        int covered = 0;
        for (size_t k = 0; k < c->n_spots && !covered; k++) {
            const spot *sp = &c->spots[k];
            covered = hypot(px - sp->px, py - sp->py) < fmax(sp->r_strike, sp->r_meeting) + 2 * s;
        }
        if (covered)
            continue;
        dots[2 * n_dots] = px;
        dots[2 * n_dots + 1] = py;
        dot_place[n_dots++] = (int32_t)i;
        if (p->capital)
            any_capital = 1;
        else
            any_place = 1;
    }

    /* furniture sizes: title panel (top-left), legend, credits */
    legend_row rows[8];
    size_t n_rows = legend_rows(c, rows, any_place, any_capital);
    const char *title = o->title ? o->title : (b->title && b->title[0] ? b->title : b->name);
    if (!title || !title[0])
        title = "Events";
    char t1[512], t2[512], sub[256];
    use_font(cr, 22 * s, 1);
    wrap2(cr, title, fmin(0.62 * w, w - 60 * s), t1, t2, sizeof t1);
    double tw = fmax(text_width(cr, t1), text_width(cr, t2));
    subtitle(c, sub, sizeof sub);
    use_font(cr, 13.5 * s, 0);
    tw = fmax(tw, text_width(cr, sub));
    double pad = 10 * s;
    double title_h = pad + 27 * s * (t2[0] ? 2 : 1) + 20 * s + pad * 0.6;
    evm_box title_box = {12 * s, 12 * s, 12 * s + tw + 2 * pad, 12 * s + title_h};

    use_font(cr, 12.5 * s, 0);
    double lw = 0;
    for (size_t i = 0; i < n_rows; i++)
        lw = fmax(lw, text_width(cr, rows[i].text));
    double sym_w = 30 * s;
    for (size_t i = 0; i < n_rows; i++)
        if (rows[i].kind == 0)
            lw = fmax(lw, 2 * strike_radius(c, (long)nice_floor((double)c->max_killed)) + 40 * s -
                              sym_w);
    double lh = pad;
    for (size_t i = 0; i < n_rows; i++)
        lh += rows[i].h;
    double scale_h = 44 * s;
    lh += scale_h + pad;
    double legend_w = fmax(pad + sym_w + lw + pad, 180 * s);
    /* credits: the data's attribution lines, the last followed by the software, right-aligned
     * at the bottom; the type shrinks (not below 7 px) when a line would not fit */
    char credits[4][256];
    int n_credits = 0;
    {
        const char *a = o->attribution ? o->attribution : EVM_RENDER_DEFAULT_ATTRIBUTION;
        while (*a && n_credits < 3) {
            size_t k = strcspn(a, "\n");
            snprintf(credits[n_credits++], sizeof credits[0], "%.*s", (int)(k < 200 ? k : 200), a);
            a += k + (a[k] == '\n');
        }
        char sw[sizeof credits[0] + 32];
        snprintf(sw, sizeof sw, "%.200s%s%s %s", n_credits ? credits[n_credits - 1] : "",
                 n_credits ? " \xC2\xB7 " : "", EVM_NAME, EVM_VERSION);
        if (!n_credits)
            n_credits = 1;
        snprintf(credits[n_credits - 1], sizeof credits[0], "%.250s", sw);
    }
    double fs_credits = 11 * s, cw = 0;
    use_font(cr, fs_credits, 0);
    for (int i = 0; i < n_credits; i++)
        cw = fmax(cw, text_width(cr, credits[i]));
    if (cw > w - 16 * s) {
        fs_credits = fmax(7.0, fs_credits * (w - 16 * s) / cw);
        use_font(cr, fs_credits, 0);
        cw = 0;
        for (int i = 0; i < n_credits; i++)
            cw = fmax(cw, text_width(cr, credits[i]));
    }
    double line_h = fs_credits * 1.25;
    evm_box credits_box = {w - 8 * s - cw, h - 6 * s - line_h * n_credits, w - 8 * s, h - 6 * s};
    double m = 12 * s, credit_band = line_h * n_credits + 10 * s;
    evm_box cand[3] = {
        {m, h - credit_band - lh, m + legend_w, h - credit_band},
        {w - m - legend_w, h - credit_band - lh, w - m, h - credit_band},
        {w - m - legend_w, m, w - m, m + lh},
    };
    int best = 0;
    double best_cost = INFINITY;
    for (int k = 0; k < 3; k++) {
        double cost = k * 0.5; /* prefer bottom-left, then bottom-right */
        for (size_t i = 0; i < c->n_spots; i++) {
            double r = fmax(c->spots[i].r_strike, c->spots[i].r_meeting) + 14 * s;
            evm_box sb = {c->spots[i].px - r, c->spots[i].py - r, c->spots[i].px + r,
                          c->spots[i].py + r};
            if (evm_box_intersects(sb, cand[k]))
                cost += 100;
        }
        for (size_t i = 0; i < n_dots; i++) {
            evm_box db = {dots[2 * i] - 4, dots[2 * i + 1] - 4, dots[2 * i] + 4,
                          dots[2 * i + 1] + 4};
            if (evm_box_intersects(db, cand[k]))
                cost += 10;
        }
        if (evm_box_intersects(cand[k], title_box))
            cost += 1000;
        if (cost < best_cost)
            best_cost = cost, best = k;
    }
    evm_box legend_box = cand[best];
    /* on a map too small for both, the title and the map win over the legend */
    int show_legend =
        legend_box.y1 - legend_box.y0 < h - (title_box.y1 - title_box.y0) - credit_band - 3 * m;
    if (!show_legend)
        legend_box = (evm_box){0, 0, 0, 0};

    /* symbols: places, meetings, strikes (largest first so small ones stay visible) */
    for (size_t i = 0; i < n_dots; i++)
        symbol_place(cr, P, dots[2 * i], dots[2 * i + 1], b->places[dot_place[i]].capital, s);
    for (size_t i = 0; i < c->n_spots; i++)
        if (c->spots[i].n_meetings)
            symbol_meeting(cr, P, c->spots[i].mx, c->spots[i].my, c->spots[i].r_meeting, s);
    size_t *order = evm_xmalloc((c->n_spots ? c->n_spots : 1) * sizeof *order);
    size_t n_order = 0;
    for (size_t i = 0; i < c->n_spots; i++)
        if (c->spots[i].n_strikes)
            order[n_order++] = i;
    for (size_t i = 1; i < n_order; i++)
        for (size_t j = i; j > 0 && c->spots[order[j]].r_strike > c->spots[order[j - 1]].r_strike;
             j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t k = 0; k < n_order; k++) {
        const spot *sp = &c->spots[order[k]];
        symbol_strike(cr, P, sp->px, sp->py, sp->r_strike, sp->killed_known > 0, s);
    }
    free(order);
    evm_box furniture[3] = {title_box, credits_box, legend_box};
    draw_labels(c, cr, dots, dot_place, n_dots, furniture, show_legend ? 3 : 2, mpp, info);
    draw_title(c, cr, title_box, t1, t2, sub);
    if (show_legend)
        draw_legend(c, cr, rows, n_rows, legend_box, sym_w, mpp);

    /* credits */
    use_font(cr, fs_credits, 0);
    for (int i = 0; i < n_credits; i++)
        halo_text(cr, credits[i], credits_box.x1 - text_width(cr, credits[i]),
                  credits_box.y0 + line_h * (i + 1) - 0.3 * fs_credits, P->text, P->halo, 1.5 * s);
    free(is_event_place);
    free(dots);
    free(dot_place);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return evm_diag_set(diag, EVM_ERR_RENDER, "render: cairo: %s",
                            cairo_status_to_string(cairo_status(cr)));
    return EVM_OK;
}

static evm_err render_one(const evm_batch *b, const evm_render_opts *opts, const char *path,
                          evm_render_info *info, base_cache *base, evm_diag *diag);

evm_err evm_render_map_info(const evm_batch *b, const evm_render_opts *opts, const char *path,
                            evm_render_info *info, evm_diag *diag)
{
    return render_one(b, opts, path, info, NULL, diag);
}

static evm_err render_one(const evm_batch *b, const evm_render_opts *opts, const char *path,
                          evm_render_info *info, base_cache *base, evm_diag *diag)
{
    evm_render_opts defaults;
    evm_render_opts_init(&defaults);
    const evm_render_opts *o = opts ? opts : &defaults;
    if (info)
        memset(info, 0, sizeof *info);
    evm_err err = check_opts(o, path, diag);
    if (err)
        return err;

    ctx c = {.b = b, .o = o, .P = evm_render_palette_of(o->theme), .base = base};
    /* sizes in CSS pixels: dpi/96, and smaller type on maps below 900x675 (never under
     * 55 %) so that the furniture leaves room for the map */
    c.L.s = o->dpi / 96.0 * fmin(1.0, fmax(0.55, fmin(o->width / 900.0, o->height / 675.0)));
    c.L.margin = 0.04 * fmin(o->width, o->height);
    c.L.top = 12 * c.L.s + 100 * c.L.s;
    c.L.bottom = 36 * c.L.s;
    c.L.left = 190 * c.L.s;

    /* the points to fit, and the default projection's centre */
    size_t n_pts = 0;
    double *pts = evm_xmalloc(2 * (b->n_events + b->n_places + 1) * sizeof *pts);
    for (size_t i = 0; i < b->n_events; i++)
        if (place_ok(b, b->events[i].place)) {
            pts[2 * n_pts] = b->places[b->events[i].place].lon;
            pts[2 * n_pts + 1] = b->places[b->events[i].place].lat;
            n_pts++;
        }
    if (n_pts == 0)
        for (size_t i = 0; i < b->n_places; i++)
            if (place_ok(b, (int32_t)i) && place_drawable(&b->places[i])) {
                pts[2 * n_pts] = b->places[i].lon;
                pts[2 * n_pts + 1] = b->places[i].lat;
                n_pts++;
            }
    char crs[256];
    if (o->crs && o->crs[0]) {
        snprintf(crs, sizeof crs, "%s", o->crs);
    } else {
        double X = 0, Y = 0, Z = 0;
        size_t n_c = n_pts;
        const double *cp = pts;
        double bb[4];
        if (o->has_bbox) {
            double l0 = o->bbox[0], l1 = o->bbox[2] < l0 ? o->bbox[2] + 360 : o->bbox[2];
            bb[0] = (l0 + l1) / 2, bb[1] = (o->bbox[1] + o->bbox[3]) / 2;
            cp = bb, n_c = 1;
        }
        for (size_t i = 0; i < n_c; i++) {
            double lo = cp[2 * i] * M_PI / 180, la = cp[2 * i + 1] * M_PI / 180;
            X += cos(la) * cos(lo), Y += cos(la) * sin(lo), Z += sin(la);
        }
        double norm = hypot(hypot(X, Y), Z);
        double lat0 = atan2(Z, hypot(X, Y)), lon0 = atan2(Y, X);
        /* the angular radius of the points around their centre: beyond 60 degrees an
         * azimuthal projection smears the far side, so take a world map centred on them */
        double spread = 0;
        for (size_t i = 0; i < n_c && norm > 0; i++) {
            double lo = cp[2 * i] * M_PI / 180, la = cp[2 * i + 1] * M_PI / 180;
            double cosd = sin(lat0) * sin(la) + cos(lat0) * cos(la) * cos(lo - lon0);
            spread = fmax(spread, acos(fmax(-1.0, fmin(1.0, cosd))));
        }
        if (n_c && norm > 1e-9 * n_c && spread < 60 * M_PI / 180)
            snprintf(crs, sizeof crs,
                     "+proj=laea +lat_0=%.4f +lon_0=%.4f +datum=WGS84 +units=m +no_defs "
                     "+type=crs",
                     lat0 * 180 / M_PI, lon0 * 180 / M_PI);
        else
            snprintf(crs, sizeof crs,
                     "+proj=eqearth +lon_0=%.4f +datum=WGS84 +units=m +no_defs +type=crs",
                     n_c && norm > 1e-9 * n_c ? lon0 * 180 / M_PI : 0.0);
    }
    c.crs = crs;
    int shared_view = base && base->view.pj && strcmp(base->view_crs, crs) == 0;
    if (shared_view) {
        c.view = base->view;
    } else {
        err = evm_view_open(&c.view, crs, diag);
        if (!err && base) {
            evm_view_close(&base->view);
            base->view = c.view;
            snprintf(base->view_crs, sizeof base->view_crs, "%s", crs);
            shared_view = 1;
        }
    }
    if (!err)
        err = fit_view(&c.view, b, o, pts, n_pts, &c.L, diag);
    free(pts);
    if (err) {
        if (!shared_view)
            evm_view_close(&c.view);
        return err;
    }

    /* the output files first, so that an unwritable path fails before any drawing */
    char *pgw_path = world_file_path(path);
    size_t n_aux = strlen(path) + 9;
    char *aux_path = evm_xmalloc(n_aux);
    snprintf(aux_path, n_aux, "%s.aux.xml", path);
    tmpfile_t f_png = {0}, f_pgw = {0}, f_aux = {0};
    err = tmp_open(&f_png, path, diag);
    if (!err)
        err = tmp_open(&f_pgw, pgw_path, diag);
    if (!err)
        err = tmp_open(&f_aux, aux_path, diag);

    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    if (!err) {
        surf = map_surface(o->width, o->height);
        if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
            err = evm_diag_set(diag, EVM_ERR_RENDER, "render: cannot create a %dx%d image: %s",
                               o->width, o->height,
                               cairo_status_to_string(cairo_surface_status(surf)));
    }
    if (!err) {
        cr = cairo_create(surf);
        collect_spots(&c);
        err = draw(&c, cr, info, diag);
    }
    char *wkt = NULL;
    int north_first = 0;
    if (!err) {
        cairo_surface_flush(surf);
        wkt = crs_wkt(&c.view, &north_first);
        const char *title = o->title ? o->title : b->title;
        char software[64];
        snprintf(software, sizeof software, "%s %s", EVM_NAME, EVM_VERSION);
        evm_png_text texts[] = {
            {"Title", title},
            {"Source", o->attribution ? o->attribution : EVM_RENDER_DEFAULT_ATTRIBUTION},
            {"Software", software},
            {"CRS", crs},
        };
        /* the surface is destroyed next: the encoder may convert over its pixels */
        err =
            evm_png_write_consume(f_png.fp, cairo_image_surface_get_data(surf), o->width, o->height,
                                  cairo_image_surface_get_stride(surf), o->dpi, texts, 4, diag);
    }
    if (!err) {
        const evm_view *v = &c.view;
        fprintf(f_pgw.fp, "%.10f\n0.0\n0.0\n%.10f\n%.10f\n%.10f\n", v->res, -v->res,
                v->x0 + v->res / 2, v->y0 - v->res / 2);
        fputs("<PAMDataset>\n", f_aux.fp);
        if (wkt) {
            fprintf(f_aux.fp, "  <SRS dataAxisToSRSAxisMapping=\"%s\">",
                    north_first ? "2,1" : "1,2");
            xml_escape(f_aux.fp, wkt);
            fputs("</SRS>\n", f_aux.fp);
        }
        fputs("  <Metadata>\n    <MDI key=\"EVMAP_CRS\">", f_aux.fp);
        xml_escape(f_aux.fp, crs);
        fputs("</MDI>\n  </Metadata>\n</PAMDataset>\n", f_aux.fp);
        err = tmp_close(&f_png, diag);
        if (!err)
            err = tmp_close(&f_pgw, diag);
        if (!err)
            err = tmp_close(&f_aux, diag);
    }
    if (!err) {
        /* Renamed without evm_outfile_commit's fsync: maps are derived files that a rerun
         * rebuilds, and three fsyncs would cost more than drawing the map; the rename
         * alone keeps every file whole. */
        tmpfile_t *fs[3] = {&f_pgw, &f_aux, &f_png};
        int k = 0;
        for (; k < 3; k++) {
            if (rename(fs[k]->tmp, fs[k]->final) != 0) {
                err = evm_diag_set(diag, EVM_ERR_IO, "cannot write %s: %s", fs[k]->final,
                                   strerror(errno));
                break;
            }
            evm_outfile_abort(fs[k]->tmp); /* unregisters it; the name is gone already */
            fs[k]->tmp = NULL;
        }
        if (err) /* all or nothing: take back the files already renamed */
            while (k-- > 0)
                unlink(fs[k]->final);
    }
    if (info && !err) {
        const evm_view *v = &c.view;
        double gt[6] = {v->x0, v->res, 0, v->y0, 0, -v->res};
        memcpy(info->geotransform, gt, sizeof gt);
        info->crs = evm_xstrdup(crs);
        info->legend = c.legend.s ? evm_xstrdup(c.legend.s) : evm_xstrdup("");
    } else if (info) {
        evm_render_info_clear(info);
    }
    tmp_discard(&f_png);
    tmp_discard(&f_pgw);
    tmp_discard(&f_aux);
    free(wkt);
    free(pgw_path);
    free(aux_path);
    if (cr)
        cairo_destroy(cr);
    if (surf)
        cairo_surface_destroy(surf);
    free(c.spots);
    free(c.legend.s);
    if (shared_view)
        base->view = c.view; /* keeps the frame state; base closes it */
    else
        evm_view_close(&c.view);
    return err;
}

evm_err evm_render_maps(const evm_batch *b, const evm_render_opts *opts, const char *dir,
                        evm_diag *diag)
{
    static const struct {
        const char *name;
        unsigned kinds;
    } maps[] = {{"map.png", EVM_RENDER_ALL},
                {"strikes.png", EVM_RENDER_STRIKES},
                {"meetings.png", EVM_RENDER_MEETINGS}};
    evm_render_opts o;
    if (opts)
        o = *opts;
    else
        evm_render_opts_init(&o);
    base_cache base = {0};
    evm_err err = EVM_OK;
    for (size_t i = 0; i < sizeof maps / sizeof maps[0] && !err; i++) {
        size_t n = strlen(dir) + strlen(maps[i].name) + 2;
        char *path = evm_xmalloc(n);
        snprintf(path, n, "%s/%s", dir, maps[i].name);
        o.kinds = maps[i].kinds;
        err = render_one(b, &o, path, NULL, &base, diag);
        free(path);
    }
    if (base.surf)
        cairo_surface_destroy(base.surf);
    evm_view_close(&base.view);
    return err;
}
