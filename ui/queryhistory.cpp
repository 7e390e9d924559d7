// SPDX-License-Identifier: MIT
#include "queryhistory.h"

#include <QCryptographicHash>
#include <QSettings>

namespace {

constexpr qsizetype MaxHistory = 200;
constexpr qsizetype MaxRecent = 10;

const QString RecentKey = QStringLiteral("recent/queries");

} // namespace

QString QueryHistory::key() const
{
    // Keyed by a hash of the path: QSettings keys cannot hold every path character.
    const QByteArray hash = QCryptographicHash::hash(m_storePath.toUtf8(), QCryptographicHash::Sha1).toHex();
    return QLatin1String("history/") + QString::fromLatin1(hash);
}

QStringList QueryHistory::queries() const
{
    return QSettings().value(key()).toStringList();
}

bool QueryHistory::remember(const QString &text)
{
    if (text.isEmpty() || m_storePath.isEmpty())
        return false;
    QSettings settings;
    QStringList history = settings.value(key()).toStringList();
    history.removeAll(text);
    history << text;
    while (history.size() > MaxHistory)
        history.removeFirst();
    settings.setValue(key(), history);
    QStringList recent = settings.value(RecentKey).toStringList();
    recent.removeAll(text);
    recent.prepend(text);
    settings.setValue(RecentKey, recent.mid(0, MaxRecent));
    return true;
}

QStringList QueryHistory::recentQueries()
{
    return QSettings().value(RecentKey).toStringList();
}
