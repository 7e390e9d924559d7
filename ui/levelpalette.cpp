// SPDX-License-Identifier: MIT
#include "levelpalette.h"

#include <QPalette>

QColor LevelPalette::text(core::Level level, const QPalette &palette)
{
    // Text sits on the base colour: that is what decides which shade keeps its contrast.
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    switch (level) {
    case core::Level::Error:
    case core::Level::Fatal:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
    case core::Level::Warn:
        return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0x8d, 0x63, 0x00);
    case core::Level::Debug:
    case core::Level::Trace:
        return dark ? QColor(0x9e, 0x9e, 0x9e) : QColor(0x75, 0x75, 0x75);
    case core::Level::Info:
    case core::Level::Unknown:
        break;
    }
    return {};
}

QColor LevelPalette::bar(core::Level level, const QPalette &palette)
{
    // Bars are filled areas seen against the window around them; fatal stands apart from error, and
    // the quiet levels fade into the background so the eye lands on the loud ones.
    const bool dark = palette.color(QPalette::Window).lightness() < 128;
    switch (level) {
    case core::Level::Fatal: return dark ? QColor(255, 80, 80) : QColor(150, 0, 0);
    case core::Level::Error: return QColor(220, 40, 40);
    case core::Level::Warn: return QColor(235, 160, 30);
    case core::Level::Info: return dark ? QColor(90, 150, 220) : QColor(70, 120, 190);
    case core::Level::Debug: return dark ? QColor(120, 120, 135) : QColor(160, 165, 175);
    case core::Level::Trace: return dark ? QColor(95, 95, 105) : QColor(195, 198, 205);
    case core::Level::Unknown: return dark ? QColor(110, 105, 95) : QColor(185, 180, 170);
    }
    return Qt::gray;
}
