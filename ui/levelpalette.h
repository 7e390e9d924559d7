// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>

#include <core/model/record.h>

class QPalette;

// The one set of level colours: the table's and the detail pane's text, the histogram's bars and the
// sparklines take them from here, so an error is the same red wherever it is drawn, and a swimlane
// can use them too. Each comes in a light and a dark shade, chosen by the palette it is drawn on.
class LevelPalette
{
public:
    // Text on `palette`'s base colour, with the contrast the tests ask for; invalid for info and
    // unknown, which keep the view's own text colour.
    static QColor text(core::Level level, const QPalette &palette);
    // The fill of a level's bars on `palette`'s window colour.
    static QColor bar(core::Level level, const QPalette &palette);
};
