/* render-peers-harness.c: draws the render-peers scene (../shared/bench/render-peers) with
 * evmap's renderer, for bench/render-peers-evmap: the same projection, extent, size and
 * points (read from the scene's points.geojson), one process per map like the peers. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "render.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s POINTS.geojson OUT.png\n", argv[0]);
        return 2;
    }
    json_object *fc = json_object_from_file(argv[1]), *feats;
    if (!fc || !json_object_object_get_ex(fc, "features", &feats)) {
        fprintf(stderr, "%s: not a GeoJSON FeatureCollection\n", argv[1]);
        return 1;
    }
    evm_batch *b = evm_batch_new("render-peers");
    b->title = "render-peers scene";
    for (size_t i = 0; i < json_object_array_length(feats); i++) {
        json_object *f = json_object_array_get_idx(feats, i), *props, *geom, *coords, *v;
        if (!json_object_object_get_ex(f, "properties", &props) ||
            !json_object_object_get_ex(f, "geometry", &geom) ||
            !json_object_object_get_ex(geom, "coordinates", &coords))
            continue;
        evm_place p = {.geonameid = -1, .admin1 = "", .feature = "PPL"};
        p.name = json_object_object_get_ex(props, "name", &v) ? json_object_get_string(v) : "";
        p.lon = json_object_get_double(json_object_array_get_idx(coords, 0));
        p.lat = json_object_get_double(json_object_array_get_idx(coords, 1));
        int32_t pi = evm_batch_place(b, &p);
        const char *kind =
            json_object_object_get_ex(props, "kind", &v) ? json_object_get_string(v) : "";
        evm_event *e = evm_doc_add_event(b->store);
        e->kind = strcmp(kind, "meeting") == 0 ? EVM_EVENT_MEETING : EVM_EVENT_STRIKE;
        e->place = pi;
        e->mention = -1;
        e->killed = e->injured = -1;
        b->events = b->store->events;
        b->n_events = b->store->n_events;
    }
    json_object_put(fc);
    evm_render_opts o;
    evm_render_opts_init(&o);
    o.crs = "+proj=laea +lat_0=50 +lon_0=31 +datum=WGS84";
    o.has_extent = true;
    o.extent[0] = -1080000, o.extent[1] = -785000, o.extent[2] = 1080000, o.extent[3] = 835000;
    evm_diag d = {{0}};
    evm_err err = evm_render_map(b, &o, argv[2], &d);
    evm_batch_free(b);
    if (err) {
        fprintf(stderr, "evmap: %s\n", d.msg);
        return 1;
    }
    return 0;
}
