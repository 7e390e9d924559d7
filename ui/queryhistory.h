// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

// The queries run, kept in QSettings: one history per store, which the query bar walks with the arrow
// keys, and a short list of recent queries across stores for the menu.
class QueryHistory
{
public:
    // Later calls read and write `storePath`'s history.
    void setStore(const QString &storePath) { m_storePath = storePath; }
    // This store's queries, oldest first.
    QStringList queries() const;
    // Moves `text` to the end of this store's history and the front of the recent list. Nothing while
    // no store is open or for an empty query. Returns whether anything changed.
    bool remember(const QString &text);
    // Recent queries across stores, latest first.
    static QStringList recentQueries();

private:
    QString key() const;

    QString m_storePath;
};
