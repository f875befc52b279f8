/* style.h: QGIS styles (QML documents) for the exported layers, drawn like the PNG maps:
 * strikes as red circles whose area grows with the death toll (a dashed ring around a small
 * core when the toll is not stated), meetings as blue stars (pale when planned), places as
 * small dots with national capitals ringed. Used by layers.c; the colours are shared with the
 * renderer. */
#ifndef EVM_STYLE_H
#define EVM_STYLE_H

#include "layers.h"

/* Symbol colours, as "#rrggbb": the light theme of the PNG maps (render.c). */
#define EVM_STYLE_STRIKE "#d7301f"
#define EVM_STYLE_MEETING "#2166ac"
#define EVM_STYLE_PLACE "#3c3c3c"

/* Strike symbol diameter in millimetres for a death toll (area proportional to `killed`,
 * with a floor so that one death stays visible); the .qml uses the same formula. */
double evm_style_strike_mm(int killed);

/* The QML document for one layer, NUL-terminated, in a heap string the caller frees. */
char *evm_style_qml(evm_layer_kind kind);

#endif
