/* style.h: QGIS styles (QML documents) for the exported layers, drawn like the PNG maps:
 * strikes as red circles whose area grows with the death toll (hollow grey when the toll is
 * not stated), meetings as blue diamonds (hollow when planned), places as small dots with
 * national capitals ringed. Used by layers.c; the colours are shared with the renderer. */
#ifndef EVM_STYLE_H
#define EVM_STYLE_H

#include "layers.h"

/* Symbol colours, as "#rrggbb". */
#define EVM_STYLE_STRIKE "#d7191c"
#define EVM_STYLE_UNKNOWN "#7f7f7f"
#define EVM_STYLE_MEETING "#2b83ba"
#define EVM_STYLE_PLACE "#404040"

/* Strike symbol diameter in millimetres for a death toll (area proportional to `killed`,
 * with a floor so that one death stays visible); the .qml uses the same formula. */
double evm_style_strike_mm(int killed);

/* The QML document for one layer, NUL-terminated, in a heap string the caller frees. */
char *evm_style_qml(evm_layer_kind kind);

#endif
