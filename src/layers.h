/* layers.h: export of a batch's strikes, meetings and places through GDAL/OGR (GeoJSON in
 * RFC 7946 mode by default, a styled GeoPackage, any OGR vector format), GeoJSON Text
 * Sequences for pipes, and reading such layers back into a batch for the renderer.
 *
 * layers.c is the only file of evmap that uses GDAL's vector API.
 */
#ifndef EVM_LAYERS_H
#define EVM_LAYERS_H

#include <stdbool.h>
#include <stdio.h>

#include "batch.h"

/* The three layers, in the order they are written. */
typedef enum evm_layer_kind {
    EVM_LAYER_STRIKES = 0,
    EVM_LAYER_MEETINGS,
    EVM_LAYER_PLACES,
    EVM_LAYER_COUNT
} evm_layer_kind;

/* The layer names: "strikes", "meetings", "places". */
const char *evm_layers_name(evm_layer_kind kind);

/* How evm_layers_write writes. Fill with evm_layers_opts_init, then change fields. */
typedef struct evm_layers_opts {
    const char *format; /* OGR driver short name ("GeoJSON", "FlatGeobuf", ...); NULL: GeoJSON */
    bool gpkg;          /* also write events.gpkg with all layers and their styles (default on) */
    bool styles;        /* write a QGIS .qml style beside each per-layer file (default on) */
} evm_layers_opts;

/* Sets the defaults: GeoJSON, gpkg on, styles on. */
void evm_layers_opts_init(evm_layers_opts *opts);

/* Checks that `format` names an OGR vector driver that can create files. Returns EVM_OK,
 * or EVM_ERR_USAGE with a diag that lists the valid names. */
evm_err evm_layers_check_format(const char *format, evm_diag *diag);

/* Writes one line per usable output format to `out`: "NAME<TAB>EXTENSION<TAB>LONG NAME",
 * sorted by name. Returns EVM_ERR_IO (with diag) when `out` reports a write error. */
evm_err evm_layers_list_formats(FILE *out, evm_diag *diag);

/* Writes the `strikes`, `meetings` and `places` layers of `b` into folder `dir` (created
 * when missing): one file per layer in the chosen format (strikes.geojson, ...), a .qml
 * style beside each, and events.gpkg holding the three layers with their styles in its
 * `layer_styles` table. Empty layers are written too. Features are ordered by date, then
 * id; the event `id` is a field and the order gives the integer feature ids (1, 2, ...).
 *
 * All or nothing: every file is built in memory, copied to a temporary name in `dir`
 * (outfile.h) and renamed into place only when every file is complete, so an existing good
 * file is only replaced by a complete new one. Errors: EVM_ERR_USAGE (unknown format),
 * EVM_ERR_IO (folder not writable, a folder in the way, disk full: nothing partial is left
 * behind), EVM_ERR_GDAL (the driver failed). `opts` may be NULL for the defaults. */
evm_err evm_layers_write(const evm_batch *b, const char *dir, const evm_layers_opts *opts,
                         evm_diag *diag);

/* Writes every event of `b` (both kinds, with a `kind` field) to `out` as GeoJSON Text
 * Sequences (RFC 8142: RS before and LF after each feature), in the same order and with the
 * same fields as the layers. EVM_ERR_IO when `out` reports a write error. */
evm_err evm_layers_write_seq(const evm_batch *b, FILE *out, evm_diag *diag);

/* Reads every layer OGR can open at `path` into `b`: layers named like strikes/meetings
 * (or with a `kind` field) become events, other layers places. Fields written by
 * evm_layers_write are mapped back (unknown fields ignored, missing ones left unset: counts
 * -1); non-point geometries contribute their centroid, other coordinate systems are
 * transformed to WGS 84. Errors: EVM_ERR_IO (cannot open), EVM_ERR_GDAL. */
evm_err evm_layers_read(const char *path, evm_batch *b, evm_diag *diag);

#endif
