// SPDX-License-Identifier: MIT
#pragma once

#include "bundlegenerator.h"
#include <core/import/importer.h>
#include <core/backends/storelocation.h>

#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <memory>
#include <vector>

// A copy of the store at `path` without its stored time order, as during an import that is adding
// events: queries there take the engine's other paths (posting lists and the time index), so a
// suite can check both against the same truth. False when the copy could not be made.
inline bool copyStoreWithoutOrder(const QString &path, const QString &copy)
{
    if (!QFile::copy(path, copy))
        return false;
    sqlite3 *db = nullptr;
    const bool ok = sqlite3_open(copy.toUtf8().constData(), &db) == SQLITE_OK
        && sqlite3_exec(db, "DELETE FROM event_order; DELETE FROM meta WHERE key LIKE 'order_%'", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

// A generated incident imported into a store, the generator's own records beside it (the truth a
// suite checks the store's answers against), and the same store without its stored order. Both are
// opened from their location and asked through core::EventStore only: the suites that use this are
// the contract a second backend passes too.
struct GeneratedStore {
    std::vector<bundlegen::GeneratedRecord> records;
    std::unique_ptr<core::EventStore> store;
    std::unique_ptr<core::EventStore> withoutOrder;

    core::EventStore &of(bool withOrder) { return withOrder ? *store : *withoutOrder; }
};

// Fills `out` from a bundle generated with `options` into `dir`; a failed check (and null stores)
// when any step fails.
inline void makeGeneratedStore(const QTemporaryDir &dir, const bundlegen::GeneratorOptions &options, GeneratedStore &out)
{
    struct Quiet : core::ImportObserver {
        core::ProgressAnswer progress(const core::ImportProgress &) override { return core::ProgressAnswer::Continue; }
    };
    QVERIFY(dir.isValid());
    const std::string bundle = dir.filePath(QStringLiteral("bundle")).toStdString();
    const auto report = bundlegen::generateBundle(bundle, options, [&](const bundlegen::GeneratedRecord &r) { out.records.push_back(r); });
    QVERIFY2(report.ok, report.error.c_str());
    QCOMPARE(out.records.size(), std::size_t(report.events));
    core::ImportRequest request;
    request.storePath = dir.filePath(QStringLiteral("generated.timberline")).toStdString();
    request.paths = {bundle};
    Quiet quiet;
    QVERIFY(core::runImport(request, quiet).has_value());
    auto store = core::openStore(request.storePath, core::OpenMode::ReadOnly);
    QVERIFY(store.has_value());
    QCOMPARE(store.value()->eventCount().value(), std::uint64_t(out.records.size()));
    const QString copy = dir.filePath(QStringLiteral("without-order.timberline"));
    QVERIFY(copyStoreWithoutOrder(QString::fromStdString(request.storePath), copy));
    auto withoutOrder = core::openStore(copy.toStdString(), core::OpenMode::ReadOnly);
    QVERIFY(withoutOrder.has_value());
    out.store = std::move(store.value());
    out.withoutOrder = std::move(withoutOrder.value());
}
