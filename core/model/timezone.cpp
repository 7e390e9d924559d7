// SPDX-License-Identifier: MIT
#include "timezone.h"

#include <QDateTime>
#include <QTimeZone>

namespace core {

Result<NaiveToUtc> naiveToUtcIn(const std::string &zoneName)
{
    if (zoneName.empty() || zoneName == "UTC")
        return NaiveToUtc{};
    const QTimeZone zone(QByteArray::fromStdString(zoneName));
    if (!zone.isValid())
        return makeError(ErrorCode::Usage, "unknown time zone: " + zoneName);
    return NaiveToUtc([zone](std::int64_t naiveNs) {
        // The offset in force at that wall-clock time, looked up as if it were UTC: off by the offset
        // itself only within hours of a transition.
        const auto utc = QDateTime::fromMSecsSinceEpoch(naiveNs / 1'000'000, QTimeZone::utc());
        return naiveNs - static_cast<std::int64_t>(zone.offsetFromUtc(utc)) * 1'000'000'000;
    });
}

} // namespace core
