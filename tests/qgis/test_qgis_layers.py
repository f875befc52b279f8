#!/usr/bin/python3
"""test_qgis_layers.py: QGIS itself (PyQGIS, headless) loads the layers evmap exports.

  test_qgis_layers.py WRITE_LAYERS

WRITE_LAYERS is the tests' writer program (tests/qgis/write_layers.c): it writes the sample
batch of tests/unit/layers_sample.h (3 strikes, 2 meetings, 6 places) into a folder with
evm_layers_write. Every layer of events.gpkg and every GeoJSON layer is loaded in QGIS and
checked: valid, point layer in WGS 84, feature count, field names and types, the style QGIS
applied on its own (from the GeoPackage's layer_styles table, or the .qml beside the
GeoJSON: a rule-based renderer with evmap's colours), and the map QGIS draws with it (red
at Sumy, blue at Paris). Empty layers load as valid layers with no features (keeping their
fields and style in the GeoPackage; an empty GeoJSON FeatureCollection has no schema).
FlatGeobuf and Shapefile layers load with the .qml beside them as well.

Exit 77 (ctest SKIP_RETURN_CODE) when PyQGIS cannot be imported.
"""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "XDG_RUNTIME_DIR" not in os.environ:  # Qt wants one; a private one, removed at exit
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="evm-xdg-")
    atexit.register(shutil.rmtree, os.environ["XDG_RUNTIME_DIR"], True)

try:
    from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapRendererSequentialJob,
                           QgsMapSettings, QgsPointXY, QgsVectorLayer, QgsWkbTypes)
    from qgis.PyQt.QtCore import QSize, Qt, QVariant
    from qgis.PyQt.QtGui import QColor
except ImportError as exc:  # PyQGIS is not installed: nothing to test here
    print(f"skipped: PyQGIS not importable ({exc})")
    sys.exit(77)

EVENT_FIELDS = ["id", "kind", "subtype", "date", "date_precision", "place", "place_mention",
                "country", "admin1", "geonameid", "geo_precision", "killed", "killed_at_least",
                "injured", "injured_at_least", "weapon", "actor", "participants", "status",
                "cameo", "acled_sub_event", "sources", "confidence"]
PLACE_FIELDS = ["name", "country", "admin1", "feature", "geonameid", "geo_precision", "population",
                "capital", "mentions", "metonymic_only", "forms", "score"]
COUNTS = {"strikes": 3, "meetings": 2, "places": 6}
# the light theme of the PNG maps (src/style.h)
STRIKE, MEETING, PLACE = QColor("#d7301f"), QColor("#2166ac"), QColor("#3c3c3c")

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def fields_of(layer):
    return [f.name() for f in layer.fields() if f.name() != "fid"]


def field_type(layer, name):
    i = layer.fields().indexOf(name)
    return layer.fields().at(i).type() if i >= 0 else None


def same_rgb(a, b):
    return (a.red(), a.green(), a.blue()) == (b.red(), b.green(), b.blue())


def check_style(layer, name, where):
    r = layer.renderer()
    check(r is not None and r.type() == "RuleRenderer",
          f"{where}: renderer {r.type() if r else None}, want the stored RuleRenderer")
    if r is None or r.type() != "RuleRenderer":
        return
    rules = r.rootRule().children()
    check(len(rules) == 2, f"{where}: {len(rules)} rules, want 2")
    if name == "strikes":
        known, unknown = rules[0].symbol(), rules[1].symbol()
        check(same_rgb(known.color(), STRIKE), f"{where}: strike colour {known.color().name()}")
        size = known.symbolLayer(0).dataDefinedProperties().property(known.symbolLayer(0).PropertySize)
        check(size.isActive() and "sqrt" in size.expressionString(),
              f"{where}: strike size not data-defined by sqrt(killed)")
        ring = unknown.symbolLayer(0)
        check(unknown.symbolLayerCount() == 2 and ring.strokeStyle() == Qt.DashLine and
              same_rgb(ring.strokeColor(), STRIKE),
              f"{where}: unknown toll is not a dashed red ring around a core")
    elif name == "meetings":
        planned, held = rules[0].symbol(), rules[1].symbol()
        check(same_rgb(held.color(), MEETING), f"{where}: meeting colour {held.color().name()}")
        check(held.symbolLayer(0).shape() == held.symbolLayer(0).Star, f"{where}: not stars")
        check("planned" in rules[0].filterExpression(), f"{where}: no planned rule")
        check(planned.symbolLayer(0).strokeStyle() == Qt.DashLine, f"{where}: planned not dashed")
    else:
        capital, place = rules[0].symbol(), rules[1].symbol()
        check("capital" in rules[0].filterExpression(), f"{where}: no capital rule")
        check(capital.symbolLayerCount() == 2, f"{where}: capital symbol is not a ringed dot")
        check(same_rgb(place.color(), PLACE), f"{where}: place colour {place.color().name()}")
        check(layer.labelsEnabled(), f"{where}: place labels off")


def check_layer(layer, name, where, count):
    check(layer.isValid(), f"{where}: not valid")
    if not layer.isValid():
        return
    check(layer.geometryType() == QgsWkbTypes.PointGeometry, f"{where}: not points")
    check(layer.crs().authid() == "EPSG:4326", f"{where}: CRS {layer.crs().authid()}")
    check(layer.featureCount() == count, f"{where}: {layer.featureCount()} features, want {count}")
    want = PLACE_FIELDS if name == "places" else EVENT_FIELDS
    check(fields_of(layer) == want, f"{where}: fields {fields_of(layer)}")
    check_style(layer, name, where)


def check_types(layer, name, where, gpkg):
    """Types as QGIS reads them. GeoJSON has no schema, so only fields that hold a value in
    some feature keep their type there; the GeoPackage keeps every declared type."""
    if name == "strikes":
        check(field_type(layer, "killed") == QVariant.Int, f"{where}: killed not Int")
        check(field_type(layer, "killed_at_least") == QVariant.Bool, f"{where}: at_least not Bool")
        check(field_type(layer, "confidence") == QVariant.Double, f"{where}: confidence not Double")
        want = QVariant.Map if gpkg else QVariant.StringList
        check(field_type(layer, "sources") == want, f"{where}: sources {field_type(layer, 'sources')}")
        want = QVariant.LongLong if gpkg else QVariant.Int
        check(field_type(layer, "geonameid") == want, f"{where}: geonameid type")
        if gpkg:
            check(field_type(layer, "injured") == QVariant.Int, f"{where}: injured not Int")
        feats = {f["id"]: f for f in layer.getFeatures()}
        sumy = feats.get("strike-sumy")
        check(sumy is not None and sumy["killed"] == 35, f"{where}: Sumy toll")
        if sumy is not None:
            p = sumy.geometry().asPoint()
            check(abs(p.x() - 34.80029) < 1e-6 and abs(p.y() - 50.9216) < 1e-6,
                  f"{where}: Sumy at {p.x()}, {p.y()}")
    elif name == "meetings":
        want = QVariant.Map if gpkg else QVariant.StringList
        check(field_type(layer, "participants") == want, f"{where}: participants type")
        paris = [f for f in layer.getFeatures() if f["place"] == "Paris"]
        check(len(paris) == 1, f"{where}: no Paris meeting")
        if paris and not gpkg:
            check(list(paris[0]["participants"]) ==
                  ["Marco Rubio (U.S. Secretary of State)", "Emmanuel Macron"],
                  f"{where}: participants {paris[0]['participants']}")
    else:
        check(field_type(layer, "capital") == QVariant.Bool, f"{where}: capital not Bool")
        check(field_type(layer, "mentions") == QVariant.Int, f"{where}: mentions not Int")


def pixel_at(settings, image, lon, lat, dx=0):
    p = settings.mapToPixel().transform(QgsPointXY(lon, lat))
    return QColor(image.pixel(int(round(p.x())) + dx, int(round(p.y()))))


def check_drawing(strikes, meetings, where):
    """QGIS draws the layers with the stored styles: red at Sumy, blue at Paris, and at Kryvyi
    Rih (toll unknown) a red core inside a light ring."""
    settings = QgsMapSettings()
    settings.setLayers([strikes, meetings])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    settings.setOutputDpi(96)
    extent = strikes.extent()
    extent.combineExtentWith(meetings.extent())
    settings.setExtent(extent.buffered(2.0))
    settings.setOutputSize(QSize(400, 300))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    c = pixel_at(settings, image, 34.80029, 50.9216)
    check(c.red() > 180 and c.green() < 120 and c.blue() < 120, f"{where}: Sumy drawn {c.name()}")
    c = pixel_at(settings, image, 2.3488, 48.85341)
    check(c.blue() > 120 and c.red() < 100, f"{where}: Paris drawn {c.name()}")
    c = pixel_at(settings, image, 33.39404, 47.90572)
    check(c.red() > 180 and c.green() < 120, f"{where}: Kryvyi Rih core drawn {c.name()}")
    c = pixel_at(settings, image, 33.39404, 47.90572, dx=5)  # 1.3 mm out: inside the ring
    check(c.red() > 200 and c.green() > 200 and c.blue() > 200,
          f"{where}: Kryvyi Rih (unknown toll) filled {c.name()} inside its ring")


def run(writer, empty):
    with tempfile.TemporaryDirectory(prefix="evm-qgis-") as tmp:
        out = os.path.join(tmp, "out")
        subprocess.run([writer, out] + (["empty"] if empty else []), check=True)
        tag = "empty " if empty else ""
        gpkg = os.path.join(out, "events.gpkg")
        loaded = {}
        for name in ("strikes", "meetings", "places"):
            count = 0 if empty else COUNTS[name]
            for kind, uri in (("gpkg", f"{gpkg}|layername={name}"),
                              ("geojson", os.path.join(out, f"{name}.geojson"))):
                where = f"{tag}{kind}:{name}"
                layer = QgsVectorLayer(uri, name, "ogr")
                if empty and kind == "geojson":
                    # an empty FeatureCollection carries no schema: valid, no features
                    check(layer.isValid(), f"{where}: not valid")
                    check(layer.featureCount() == 0, f"{where}: {layer.featureCount()} features")
                    continue
                check_layer(layer, name, where, count)
                if layer.isValid() and not empty:
                    check_types(layer, name, where, kind == "gpkg")
                loaded[(kind, name)] = layer
        if not empty:
            for kind in ("gpkg", "geojson"):
                check_drawing(loaded[(kind, "strikes")], loaded[(kind, "meetings")], kind)


def run_other_formats(writer):
    """Other OGR formats pick up the .qml beside them too (QGIS matches it by file name)."""
    for fmt, ext in (("FlatGeobuf", "fgb"), ("ESRI Shapefile", "shp")):
        with tempfile.TemporaryDirectory(prefix="evm-qgis-") as tmp:
            out = os.path.join(tmp, "out")
            subprocess.run([writer, out, fmt], check=True)
            for name in ("strikes", "meetings", "places"):
                where = f"{fmt}:{name}"
                layer = QgsVectorLayer(os.path.join(out, f"{name}.{ext}"), name, "ogr")
                check(layer.isValid(), f"{where}: not valid")
                if not layer.isValid():
                    continue
                check(layer.featureCount() == COUNTS[name], f"{where}: {layer.featureCount()} features")
                check(layer.crs().authid() == "EPSG:4326", f"{where}: CRS {layer.crs().authid()}")
                check_style(layer, name, where)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    app = QgsApplication([], False)
    app.initQgis()
    try:
        run(sys.argv[1], empty=False)
        run(sys.argv[1], empty=True)
        run_other_formats(sys.argv[1])
    finally:
        app.exitQgis()
    for f in failures:
        print("FAIL:", f)
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


main()
