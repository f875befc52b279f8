/* basemap.h: the Natural Earth basemap (countries and land from world-atlas TopoJSON, read
 * with OGR once per process) and the map view that projects it: PROJ transformation,
 * geographic window, clipping across the antimeridian, and Cairo paths in pixels. */
#ifndef EVM_BASEMAP_H
#define EVM_BASEMAP_H

#include <cairo.h>
#include <proj.h>

#include "evmap.h"

/* Natural Earth scales bundled: 1:110m, 1:50m, 1:10m. */
typedef enum evm_basemap_detail {
    EVM_BASEMAP_110M = 0,
    EVM_BASEMAP_50M,
    EVM_BASEMAP_10M
} evm_basemap_detail;

/* The layers: world-atlas's country polygons and dissolved land (its fill is land, its
 * outline the coastline), and the land borders derived from them (open lines, each once). */
typedef enum evm_basemap_layer {
    EVM_BASEMAP_COUNTRIES = 0,
    EVM_BASEMAP_LAND,
    EVM_BASEMAP_BORDERS
} evm_basemap_layer;

typedef struct evm_basemap evm_basemap;

/* A map view: a projection from lon/lat degrees to map units, and the pixel grid over it
 * (north up). The geographic window (lon relative to lon_c) bounds everything visible. */
typedef struct evm_view {
    PJ_CONTEXT *ctx;
    PJ *pj;            /* lon/lat (degrees, WGS 84) -> map x/y, normalized for visualization */
    PJ *crs;           /* the map's CRS as given (its WKT goes into the .aux.xml) */
    double x0, y0;     /* map coordinates of the top-left corner of the image */
    double res;        /* map units per pixel */
    int width, height; /* pixels */
    double lon_c;      /* the projection's central meridian; its seam is lon_c + 180 */
    double lat_c;      /* its latitude of origin (the centre of azimuthal views) */
    double lon_min, lon_max, lat_min, lat_max; /* window; lon_* relative to lon_c */
} evm_view;

/* The folder holding `natural-earth/countries-*.json.gz`, found in this order: $EVMAP_DATA,
 * <exe>/../share/evmap, the install prefix, the source tree's gazetteer/. Writes it to buf
 * and returns true when found. */
int evm_basemap_find_data(char *buf, size_t n);

/* Parses every detail of the basemap with OGR and writes the parsed rings into `dir`
 * (basemap-{10m,50m,110m}.bin), which evmap then reads instead of the TopoJSON when the
 * files sit next to it. The build runs this once (evmap-gazbuild --basemap DIR). */
evm_err evm_basemap_write_cache(const char *dir, evm_diag *diag);

/* The basemap at one detail, loaded on first use (thread-safe) and kept until exit; the
 * caller does not free it. Errors: EVM_ERR_IO (data not found), EVM_ERR_GDAL (OGR failed). */
evm_err evm_basemap_get(evm_basemap_detail detail, const evm_basemap **out, evm_diag *diag);

/* The detail fitting a view of `res` metres per pixel. */
evm_basemap_detail evm_basemap_detail_for(double metres_per_pixel);

/* Creates the transformation lon/lat -> `crs` (an EPSG code, WKT or PROJ string) in v.
 * Errors: EVM_ERR_PROJ with PROJ's message (unknown CRS, not a projected/geographic CRS). */
evm_err evm_view_open(evm_view *v, const char *crs, evm_diag *diag);

/* Sets the pixel grid (top-left map corner, units per pixel, size) and computes the
 * geographic window by inverse-projecting the frame. */
void evm_view_set_frame(evm_view *v, double x0, double y0, double res, int width, int height);

/* Projects lon/lat degrees to pixel coordinates; false when the point has no image. */
int evm_view_to_pixel(const evm_view *v, double lon, double lat, double *px, double *py);

/* Projects lon/lat degrees to map coordinates; false when the point has no image. */
int evm_view_to_map(const evm_view *v, double lon, double lat, double *x, double *y);

/* Inverse: map coordinates to lon/lat degrees; false outside the projection's domain. */
int evm_view_to_lonlat(const evm_view *v, double x, double y, double *lon, double *lat);

/* Frees the PROJ objects; accepts a zeroed view. */
void evm_view_close(evm_view *v);

/* Appends the layer's rings inside the view to cr's current path (pixel coordinates),
 * clipped to the geographic window and split at the seam opposite lon_c (borders: the
 * lines' parts inside the window). Returns the number of rings or lines added. */
size_t evm_basemap_path(const evm_basemap *bm, evm_basemap_layer layer, const evm_view *v,
                        cairo_t *cr);

/* The countries of the basemap (world-atlas's `countries` layer): how many, and the name of
 * country i ("" when it has none). */
size_t evm_basemap_country_count(const evm_basemap *bm);
const char *evm_basemap_country_name(const evm_basemap *bm, size_t i);

/* Where to write country i's name in view v (pixels): on the row of the centroid of its
 * largest part inside the image, the middle of the widest run of that row inside the part
 * (so inside even a concave country). Gives the part's area (square pixels) and the run's
 * width. False when no part is inside the image. */
int evm_basemap_country_anchor(const evm_basemap *bm, size_t i, const evm_view *v, double *x,
                               double *y, double *area, double *span);

#endif
