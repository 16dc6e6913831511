/* assets.h - the style sheet and the script of every page, compiled into
 * the program (nothing is loaded from the network or the disk). */
#ifndef BS_UI_ASSETS_H
#define BS_UI_ASSETS_H
extern const char UI_CSS[];
extern const char UI_JS[];
#endif
