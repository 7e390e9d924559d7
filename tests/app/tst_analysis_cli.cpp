// SPDX-License-Identifier: MIT
// `timberline histogram` and `timberline errors`: their JSON shapes, bucket options and queries.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "runtimberline.h"

namespace {

QJsonObject json(const Run &run)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(run.out, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << run.out << run.err;
    return document.object();
}

} // namespace

class TestAnalysisCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;

    Run verb(const char *name, QStringList arguments)
    {
        arguments.prepend(m_store);
        arguments.prepend(QStringLiteral("--store"));
        arguments.prepend(QString::fromLatin1(name));
        return timberline(arguments);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_store = m_dir.filePath(QStringLiteral("a.timberline"));
        const Run imported = timberline({QStringLiteral("import"), QStringLiteral("--store"), m_store,
                                         QStringLiteral(TL_FIXTURES_DIR "/analysis/errors.ndjson")});
        QCOMPARE(imported.exitCode, 0);
    }

    // requests, trace and first-failures on the sample incident: the keys scripts rely on.
    void requestsTraceAndFirstFailures()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("sample.timberline"));
        QCOMPARE(timberline({QStringLiteral("import"), QStringLiteral("--store"), store, QStringLiteral(TL_SOURCE_DIR "/resources/sample-incident")})
                     .exitCode,
                 0);
        const auto run = [&](QStringList arguments) {
            arguments.insert(1, QStringLiteral("--store"));
            arguments.insert(2, store);
            const Run result = timberline(arguments);
            if (result.exitCode != 0)
                qWarning("%s", result.err.constData());
            return QJsonDocument::fromJson(result.out).object();
        };
        const QJsonArray requests = run({QStringLiteral("requests"), QStringLiteral("--json"), QStringLiteral("--sort"), QStringLiteral("errors"),
                                         QStringLiteral("--limit"), QStringLiteral("3")})
                                        .value(QStringLiteral("requests"))
                                        .toArray();
        QCOMPARE(requests.size(), 3);
        const QJsonObject worst = requests.first().toObject();
        QCOMPARE(worst.keys(), (QStringList{QStringLiteral("duration_ms"), QStringLiteral("end"), QStringLiteral("errors"), QStringLiteral("events"),
                                           QStringLiteral("first_failure"), QStringLiteral("id"), QStringLiteral("services"), QStringLiteral("start")}));
        QVERIFY(worst.value(QStringLiteral("errors")).toInteger() >= requests.last().toObject().value(QStringLiteral("errors")).toInteger());
        const QJsonObject failure = worst.value(QStringLiteral("first_failure")).toObject();
        for (const char *key : {"service", "time", "message", "source", "line"})
            QVERIFY2(failure.contains(QLatin1String(key)), key);

        const QJsonObject trace = run({QStringLiteral("trace"), QStringLiteral("--json"), worst.value(QStringLiteral("id")).toString()});
        QCOMPARE(trace.value(QStringLiteral("id")), worst.value(QStringLiteral("id")));
        QCOMPARE(trace.value(QStringLiteral("services")), worst.value(QStringLiteral("services")));
        const QJsonArray lanes = trace.value(QStringLiteral("lanes")).toArray();
        QCOMPARE(lanes.size(), worst.value(QStringLiteral("services")).toArray().size());
        qint64 events = 0;
        for (const QJsonValue &lane : lanes)
            events += lane.toObject().value(QStringLiteral("events")).toArray().size();
        QCOMPARE(events, worst.value(QStringLiteral("events")).toInteger());
        QVERIFY(trace.contains(QStringLiteral("spans")) && trace.contains(QStringLiteral("trace_ids")) && trace.contains(QStringLiteral("skew")));

        const QJsonArray ranks = run({QStringLiteral("first-failures"), QStringLiteral("--json")}).value(QStringLiteral("first_failures")).toArray();
        QVERIFY(!ranks.isEmpty());
        for (const char *key : {"service", "requests", "first", "last", "sample_request", "signatures"})
            QVERIFY2(ranks.first().toObject().contains(QLatin1String(key)), key);

        // The report over the same store: written whole, with the author's text and every section.
        const QString markdown = dir.filePath(QStringLiteral("report.md"));
        const Run report = timberline({QStringLiteral("report"), QStringLiteral("--store"), store, QStringLiteral("--output"), markdown,
                                       QStringLiteral("--title"), QStringLiteral("Pool exhaustion"), QStringLiteral("--root-cause"),
                                       QStringLiteral("The pool was sized for one worker.")});
        QCOMPARE(report.exitCode, 0);
        QFile written(markdown);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray text = written.readAll();
        QVERIFY(text.startsWith("# Pool exhaustion\n"));
        for (const char *section : {"## Provenance", "## Summary", "## Timeline", "## Impact", "## Who failed first", "## Evidence",
                                    "## Key requests", "## Reproduce", "## Evidence gaps", "## Root cause", "## Solution", "## Prevention",
                                    "## Redaction"})
            QVERIFY2(text.contains(section), section);
        QVERIFY(text.contains("The pool was sized for one worker."));
        QVERIFY(text.contains("```mermaid\ngantt\n"));
        QCOMPARE(timberline({QStringLiteral("report"), QStringLiteral("--store"), store}).exitCode, 2); // no --output

        const Run unknown = timberline({QStringLiteral("trace"), QStringLiteral("--store"), store, QStringLiteral("req-none")});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY(unknown.err.contains("no event carries the request or trace ID req-none"));
    }

    // What the field sidebar shows, from the command line: a sample's fields, or one field exactly.
    void fieldsOfAResult()
    {
        const Run sample = verb("fields", {QStringLiteral("--json"), QStringLiteral("level:error")});
        QCOMPARE(sample.exitCode, 0);
        const QJsonObject root = json(sample);
        QCOMPARE(root.value(QStringLiteral("sampled")).toInteger(), 16);
        const QJsonArray fields = root.value(QStringLiteral("fields")).toArray();
        QCOMPARE(fields.first().toObject().value(QStringLiteral("path")).toString(), QStringLiteral("level"));
        bool sawService = false;
        for (const QJsonValue &field : fields) {
            const QJsonObject object = field.toObject();
            if (object.value(QStringLiteral("path")).toString() != QLatin1String("service"))
                continue;
            sawService = true;
            QCOMPARE(object.value(QStringLiteral("values")).toArray(),
                     (QJsonArray{QJsonArray{QStringLiteral("api"), 10}, QJsonArray{QStringLiteral("billing"), 6}}));
        }
        QVERIFY(sawService);

        const Run one = verb("fields", {QStringLiteral("--field"), QStringLiteral("error_type"), QStringLiteral("--limit"),
                                        QStringLiteral("1"), QStringLiteral("--json")});
        QCOMPARE(one.exitCode, 0);
        const QJsonObject exact = json(one);
        QCOMPARE(exact.value(QStringLiteral("events")).toInteger(), 19); // every event counted, not a sample
        const QJsonObject field = exact.value(QStringLiteral("fields")).toArray().first().toObject();
        QCOMPARE(field.value(QStringLiteral("events")).toInteger(), 2);
        QCOMPARE(field.value(QStringLiteral("values")).toArray().size(), 1);
    }

    void histogramJson()
    {
        const Run run = verb("histogram", {QStringLiteral("--json"), QStringLiteral("--bucket"), QStringLiteral("5s")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject root = json(run);
        QCOMPARE(root.value(QStringLiteral("bucket_ms")).toInteger(), 5000);
        const QJsonArray buckets = root.value(QStringLiteral("buckets")).toArray();
        // 10:30:00.1 to 10:30:18: four buckets of five seconds from 10:30:00.
        QCOMPARE(buckets.size(), 4);
        QCOMPARE(buckets[0].toObject().value(QStringLiteral("start")).toString(), QStringLiteral("2025-11-10T10:30:00.000000000Z"));
        const QJsonObject levels = buckets[0].toObject().value(QStringLiteral("levels")).toObject();
        QCOMPARE(levels.keys().size(), 7);
        for (const char *key : {"trace", "debug", "info", "warn", "error", "fatal", "unknown"})
            QVERIFY2(levels.contains(QLatin1String(key)), key);
        QCOMPARE(levels.value(QStringLiteral("info")).toInteger(), 1);
        QCOMPARE(levels.value(QStringLiteral("error")).toInteger(), 4);
        qint64 total = 0;
        for (const QJsonValue &bucket : buckets)
            for (const QJsonValue &count : bucket.toObject().value(QStringLiteral("levels")).toObject())
                total += count.toInteger();
        QCOMPARE(total, 19);
    }

    void histogramOptions()
    {
        const Run ranged = verb("histogram", {QStringLiteral("--json"), QStringLiteral("--bucket"), QStringLiteral("1m"),
                                              QStringLiteral("--from"), QStringLiteral("2025-11-10T10:30:05Z"), QStringLiteral("--to"),
                                              QStringLiteral("2025-11-10T10:30:10Z"), QStringLiteral("service:billing")});
        QCOMPARE(ranged.exitCode, 0);
        const QJsonArray buckets = json(ranged).value(QStringLiteral("buckets")).toArray();
        QCOMPARE(buckets.size(), 1);
        QCOMPARE(buckets[0].toObject().value(QStringLiteral("levels")).toObject().value(QStringLiteral("error")).toInteger(), 2);
        const Run text = verb("histogram", {QStringLiteral("level:error")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.startsWith("bucket 100ms\n"));
        QCOMPARE(verb("histogram", {QStringLiteral("--bucket"), QStringLiteral("5y")}).exitCode, 2);
        QCOMPARE(verb("histogram", {QStringLiteral("level:(")}).exitCode, 2);
    }

    void errorsJson()
    {
        const Run run = verb("errors", {QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray groups = json(run).value(QStringLiteral("groups")).toArray();
        QCOMPARE(groups.size(), 10);
        const QJsonObject first = groups[0].toObject();
        QCOMPARE(first.value(QStringLiteral("signature")).toString(), QStringLiteral("connection to <ip> failed after <num> retries"));
        QCOMPARE(first.value(QStringLiteral("count")).toInteger(), 3);
        QCOMPARE(first.value(QStringLiteral("first")).toString(), QStringLiteral("2025-11-10T10:30:01.000000000Z"));
        QCOMPARE(first.value(QStringLiteral("last")).toString(), QStringLiteral("2025-11-10T10:30:03.000000000Z"));
        const QJsonObject services = first.value(QStringLiteral("services")).toObject();
        QCOMPARE(services.value(QStringLiteral("api")).toInteger(), 2);
        QCOMPARE(services.value(QStringLiteral("billing")).toInteger(), 1);
        // The sample has the keys of `events --json`.
        const Run events = timberline({QStringLiteral("events"), QStringLiteral("--store"), m_store, QStringLiteral("--json"),
                                       QStringLiteral("--limit"), QStringLiteral("1")});
        const QStringList keys = QJsonDocument::fromJson(events.out).object().keys();
        QCOMPARE(first.value(QStringLiteral("sample")).toObject().keys(), keys);
        qint64 previous = INT64_MAX;
        for (const QJsonValue &group : groups) {
            const qint64 count = group.toObject().value(QStringLiteral("count")).toInteger();
            QVERIFY(count <= previous);
            previous = count;
        }
        const Run filtered = verb("errors", {QStringLiteral("--json"), QStringLiteral("level:fatal")});
        QCOMPARE(json(filtered).value(QStringLiteral("groups")).toArray().size(), 1);
    }

    void errorsByService()
    {
        const Run run = verb("errors", {QStringLiteral("--json"), QStringLiteral("--by-service")});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray services = json(run).value(QStringLiteral("services")).toArray();
        QCOMPARE(services.size(), 2);
        const QJsonObject api = services[0].toObject();
        QCOMPARE(api.value(QStringLiteral("name")).toString(), QStringLiteral("api"));
        QCOMPARE(api.value(QStringLiteral("first_error")).toString(), QStringLiteral("2025-11-10T10:30:01.000000000Z"));
        qint64 errors = 0;
        qint64 events = 0;
        for (const QJsonValue &bucket : api.value(QStringLiteral("buckets")).toArray()) {
            QVERIFY(bucket.toObject().contains(QStringLiteral("start")));
            errors += bucket.toObject().value(QStringLiteral("errors")).toInteger();
            events += bucket.toObject().value(QStringLiteral("events")).toInteger();
        }
        QCOMPARE(errors, 10);
        QCOMPARE(events, 12);
    }
};

QTEST_GUILESS_MAIN(TestAnalysisCli)
#include "tst_analysis_cli.moc"
