/* render.h: PNG maps of a batch (the pipeline's last stage, beside export): a projected
 * Natural Earth basemap, strike and meeting symbols, collision-free labels, title, legend,
 * scale bar and credits; written with a world file and a GDAL .aux.xml holding the CRS. */
#ifndef EVM_RENDER_H
#define EVM_RENDER_H

#include <stdbool.h>

#include "batch.h"
#include "label.h"

typedef enum evm_theme { EVM_THEME_LIGHT = 0, EVM_THEME_DARK } evm_theme;

/* Which events a map shows (a mask). */
enum { EVM_RENDER_STRIKES = 1u, EVM_RENDER_MEETINGS = 2u, EVM_RENDER_ALL = 3u };

/* Accepted image sizes. */
#define EVM_RENDER_MIN_SIDE 200
#define EVM_RENDER_MAX_SIDE 16384
#define EVM_RENDER_MAX_PIXELS (64L * 1024 * 1024)
/* The attribution the gazetteer's data asks of maps (gazetteer/README.md), one line each. */
#define EVM_RENDER_DEFAULT_ATTRIBUTION                                                             \
    "Place names and coordinates: GeoNames (www.geonames.org), CC BY 4.0.\n"                       \
    "Country boundaries: Natural Earth (public domain), via world-atlas."

typedef struct evm_render_opts {
    unsigned kinds;    /* EVM_RENDER_* mask; 0 means all */
    int width, height; /* pixels, default 1600 x 1200 */
    double dpi;        /* written to the PNG; sizes of text and symbols scale with dpi/96 */
    evm_theme theme;   /* light (default) or dark */
    const char *crs;   /* EPSG code, WKT or PROJ string; NULL: LAEA centred on the events */
    bool has_bbox;     /* when true, the map shows `bbox` instead of fitting the events */
    double bbox[4];    /* lon_min, lat_min, lon_max, lat_max (lon_min > lon_max crosses 180) */
    bool has_extent;   /* when true, the map shows `extent` (map units of crs), exactly */
    double extent[4];  /* x_min, y_min, x_max, y_max of the image's edges */
    const char *title; /* NULL: the batch's title */
    const char *attribution; /* data credits, lines split at '\n' (at most 3); NULL:
                              * EVM_RENDER_DEFAULT_ATTRIBUTION */
} evm_render_opts;

/* Fills the defaults (all events, 1600x1200, 96 dpi, light theme). */
void evm_render_opts_init(evm_render_opts *o);

typedef struct evm_rgb {
    unsigned char r, g, b;
} evm_rgb;

/* The colours of a theme (tests compare pixels against them). */
typedef struct evm_render_palette {
    evm_rgb sea, land, border, coast, strike, meeting, place, text, halo, panel;
} evm_render_palette;

const evm_render_palette *evm_render_palette_of(evm_theme theme);

/* Sets one option from its command-line text: "size" ("1600x1200"), "dpi" ("150"), "theme"
 * ("light", "dark"), "crs" (kept as given), "bbox" ("lon_min,lat_min,lon_max,lat_max"),
 * "extent" ("x_min,y_min,x_max,y_max" in the CRS's units),
 * "title", "kinds" ("all", "strikes", "meetings"). String values are borrowed, not copied.
 * Errors: EVM_ERR_USAGE with a message naming the option and the accepted form. */
evm_err evm_render_opts_set(evm_render_opts *o, const char *key, const char *value, evm_diag *diag);

/* What a render drew, for callers that check it (tests) or report it. */
typedef struct evm_render_info {
    double geotransform[6]; /* GDAL order: x0, res, 0, y0, 0, -res (pixel corners) */
    char *crs;              /* the CRS definition used (PROJ string or user's input) */
    evm_box *labels;        /* boxes of the labels drawn, pixels */
    size_t n_labels;
    char *legend;                           /* the legend's texts, one per line */
    size_t n_strikes, n_meetings, n_places; /* symbols drawn */
} evm_render_info;

/* Frees what a render put in info; accepts a zeroed info. */
void evm_render_info_clear(evm_render_info *info);

/* Draws the events of b selected by opts (NULL: defaults) and writes `path` (PNG), the world
 * file beside it (.pgw) and `path`.aux.xml, each through a temporary file renamed at the
 * end, so a failure leaves no partial file. Errors: EVM_ERR_USAGE (size, dpi, path),
 * EVM_ERR_PROJ (CRS), EVM_ERR_IO, EVM_ERR_GDAL (basemap), EVM_ERR_RENDER. */
evm_err evm_render_map(const evm_batch *b, const evm_render_opts *opts, const char *path,
                       evm_diag *diag);

/* As evm_render_map, and fills info (when not NULL) with what was drawn. */
evm_err evm_render_map_info(const evm_batch *b, const evm_render_opts *opts, const char *path,
                            evm_render_info *info, evm_diag *diag);

/* Writes the three maps of a batch into folder `dir` (which must exist): map.png (all
 * events), strikes.png and meetings.png, each with its .pgw and .aux.xml, all on the same
 * extent so that they compare. opts->kinds is ignored. Stops at the first error. */
evm_err evm_render_maps(const evm_batch *b, const evm_render_opts *opts, const char *dir,
                        evm_diag *diag);

#endif
