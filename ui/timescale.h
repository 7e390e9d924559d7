// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <cstdint>
#include <utility>
#include <vector>

// A time axis across pixels: the visible range [fromNs, toNs) over `width` pixels from `left`, shared by
// the histogram and whatever draws beside it on the same axis (swimlanes, a waterfall).
// A plain value, so time ↔ pixel, zoom and the axis ticks are tested without a GUI.
struct TimeScale {
    std::int64_t fromNs = 0;
    std::int64_t toNs = 1;
    double left = 0;
    double width = 1;

    double mapTimeToX(std::int64_t timeNs) const;
    std::int64_t mapXToTime(double x) const;
    // The range between two x positions (a drag, either direction), clamped to the visible range.
    std::pair<std::int64_t, std::int64_t> zoom(double x1, double x2) const;

    struct Tick {
        std::int64_t timeNs = 0;
        double x = 0;
        QString label;
    };
    // Ticks at multiples of a nice step, at least `minSpacing` pixels apart, labelled as precisely as
    // the step needs (the date where a day starts); `offsetSeconds` is the display zone's offset from UTC.
    std::vector<Tick> ticks(double minSpacing = 90, int offsetSeconds = 0) const;
    // The tick step ticks() picks.
    std::int64_t tickStep(double minSpacing = 90) const;
};
