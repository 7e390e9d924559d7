// SPDX-License-Identifier: MIT
#include "timescale.h"

#include <core/analysis/histogrambuckets.h>

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

double TimeScale::mapTimeToX(std::int64_t timeNs) const
{
    const double span = static_cast<double>(toNs - fromNs);
    return left + static_cast<double>(timeNs - fromNs) / span * width;
}

std::int64_t TimeScale::mapXToTime(double x) const
{
    const double span = static_cast<double>(toNs - fromNs);
    return fromNs + static_cast<std::int64_t>(std::llround((x - left) / width * span));
}

std::pair<std::int64_t, std::int64_t> TimeScale::zoom(double x1, double x2) const
{
    const double a = std::clamp(std::min(x1, x2), left, left + width);
    const double b = std::clamp(std::max(x1, x2), left, left + width);
    std::int64_t begin = mapXToTime(a);
    std::int64_t end = mapXToTime(b);
    if (end <= begin)
        end = begin + 1;
    return {begin, end};
}

std::int64_t TimeScale::tickStep(double minSpacing) const
{
    const double span = static_cast<double>(toNs - fromNs);
    // Below the histogram's finest bucket (a millisecond): one request's swimlane zooms to microseconds.
    static constexpr std::int64_t SubMillisecond[] = {1'000, 2'000, 5'000, 10'000, 20'000, 50'000, 100'000, 200'000, 500'000};
    for (const std::int64_t step : SubMillisecond)
        if (static_cast<double>(step) / span * width >= minSpacing)
            return step;
    for (const std::int64_t step : core::HistogramBuckets::niceSteps())
        if (static_cast<double>(step) / span * width >= minSpacing)
            return step;
    std::int64_t weeks = 2;
    while (static_cast<double>(weeks * core::HistogramBuckets::WeekNs) / span * width < minSpacing)
        weeks *= 2;
    return weeks * core::HistogramBuckets::WeekNs;
}

std::vector<TimeScale::Tick> TimeScale::ticks(double minSpacing, int offsetSeconds) const
{
    std::vector<Tick> out;
    if (toNs <= fromNs || width <= 0)
        return out;
    const std::int64_t step = tickStep(minSpacing);
    constexpr std::int64_t SecondNs = 1'000'000'000;
    constexpr std::int64_t DayNs = 86'400 * SecondNs;
    // Ticks fall on multiples of the step in the display zone, so 10:00 is a tick in local time too.
    const std::int64_t offsetNs = static_cast<std::int64_t>(offsetSeconds) * SecondNs;
    std::int64_t local = core::HistogramBuckets::floorTo(fromNs + offsetNs, step);
    if (local < fromNs + offsetNs)
        local += step;
    const QString format = step >= DayNs ? QStringLiteral("MMM d")
        : step >= 60 * SecondNs          ? QStringLiteral("HH:mm")
        : step >= SecondNs               ? QStringLiteral("HH:mm:ss")
                                         : QStringLiteral("HH:mm:ss.zzz");
    constexpr std::int64_t MsNs = 1'000'000;
    for (; local < toNs + offsetNs; local += step) {
        const std::int64_t time = local - offsetNs;
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(local / 1'000'000, QTimeZone::utc());
        QString label = at.toString(format);
        // Sub-millisecond steps need the microseconds, which QDateTime does not hold.
        if (step < MsNs)
            label += QString::number((local % MsNs + MsNs) % MsNs / 1'000).rightJustified(3, QLatin1Char('0'));
        if (step < DayNs && local % DayNs == 0)
            label = at.toString(QStringLiteral("MMM d"));
        out.push_back({time, mapTimeToX(time), label});
    }
    return out;
}
