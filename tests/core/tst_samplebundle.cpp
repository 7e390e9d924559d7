// SPDX-License-Identifier: MIT
// The committed sample incident (resources/sample-incident) is generated content: this suite
// regenerates it with the same arguments and demands the same bytes, so the generator stays
// deterministic and the sample never drifts from it unnoticed.
#include "bundlegenerator.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

class TestSampleBundle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void regeneratesByteForByte();
    void staysSmall();
    void tellsThePoolExhaustionStory();
    void singleFileIsDeterministic();
    void shapesAreDeterministicJsonLines_data();
    void shapesAreDeterministicJsonLines();

private:
    static bundlegen::GeneratorOptions sampleOptions();
    QTemporaryDir m_temp;
    bundlegen::GeneratorReport m_report;
};

bundlegen::GeneratorOptions TestSampleBundle::sampleOptions()
{
    bundlegen::GeneratorOptions options;
    options.seed = TL_SAMPLE_SEED;
    options.targetBytes = TL_SAMPLE_SIZE;
    options.workers = TL_SAMPLE_WORKERS;
    return options;
}

void TestSampleBundle::initTestCase()
{
    QVERIFY(m_temp.isValid());
    m_report = bundlegen::generateBundle(m_temp.path().toStdString(), sampleOptions());
    QVERIFY2(m_report.ok, m_report.error.c_str());
}

void TestSampleBundle::regeneratesByteForByte()
{
    const QDir committed(QStringLiteral(TL_SAMPLE_INCIDENT_DIR));
    QVERIFY2(committed.exists(), "resources/sample-incident is missing: run `ninja update-sample-incident`");

    QStringList generatedNames;
    for (const auto &file : m_report.files)
        generatedNames << QString::fromStdString(file.name);
    generatedNames.sort();
    const QStringList committedNames = committed.entryList(QDir::Files, QDir::Name);
    QCOMPARE(committedNames, generatedNames);

    for (const QString &name : generatedNames) {
        QFile expectedFile(committed.filePath(name));
        QFile actualFile(QDir(m_temp.path()).filePath(name));
        QVERIFY(expectedFile.open(QIODevice::ReadOnly));
        QVERIFY(actualFile.open(QIODevice::ReadOnly));
        const QByteArray expected = expectedFile.readAll();
        const QByteArray actual = actualFile.readAll();
        if (expected != actual) {
            const auto mismatch = std::mismatch(expected.begin(), expected.end(), actual.begin(), actual.end());
            const auto offset = mismatch.first - expected.begin();
            const QByteArray message = name.toUtf8() + " differs at byte " + QByteArray::number(offset)
                + " (line " + QByteArray::number(expected.left(offset).count('\n') + 1)
                + "); if the generator changed on purpose, run `ninja update-sample-incident`";
            QFAIL(message.constData());
        }
    }
}

void TestSampleBundle::staysSmall()
{
    // It ships in the repository and in the package: under 1 MB, yet thousands of events.
    QVERIFY2(m_report.bytes < 1000 * 1000, QByteArray::number(qulonglong(m_report.bytes)).constData());
    QVERIFY(m_report.events >= 2000);
    std::uint64_t onDisk = 0;
    const QDir committed(QStringLiteral(TL_SAMPLE_INCIDENT_DIR));
    for (const QFileInfo &info : committed.entryInfoList(QDir::Files))
        onDisk += static_cast<std::uint64_t>(info.size());
    QCOMPARE(onDisk, m_report.bytes);
}

void TestSampleBundle::tellsThePoolExhaustionStory()
{
    QVERIFY(m_report.poolTimeouts > 0);
    QVERIFY(m_report.retries > 0);
    QVERIFY(m_report.failedTasks > 0);
    QVERIFY(m_report.failedTasks < m_report.tasks / 4);
    QVERIFY(m_report.exhaustedUs > m_report.firstUs);
    QVERIFY(m_report.recoveredUs > m_report.exhaustedUs);
    QVERIFY(m_report.lastUs > m_report.recoveredUs); // recovery is followed by normal traffic
    // Every format is represented once per service file.
    QCOMPARE(m_report.files.size(), std::size_t(2 + TL_SAMPLE_WORKERS));
    for (const auto format : {bundlegen::LogFormat::StructlogJson, bundlegen::LogFormat::StructlogConsole,
                              bundlegen::LogFormat::PinoJson, bundlegen::LogFormat::Logfmt}) {
        QVERIFY(std::any_of(m_report.files.begin(), m_report.files.end(),
                            [format](const auto &file) { return file.format == format; }));
    }
}

void TestSampleBundle::singleFileIsDeterministic()
{
    auto options = sampleOptions();
    options.singleFile = bundlegen::LogFormat::StructlogJson;
    QTemporaryDir first;
    QTemporaryDir second;
    const auto a = bundlegen::generateBundle(first.path().toStdString(), options);
    const auto b = bundlegen::generateBundle(second.path().toStdString(), options);
    QVERIFY(a.ok && b.ok);
    QCOMPARE(a.files.size(), std::size_t(1));
    // The same story in one file, one JSON document per event (tracebacks are strings inside).
    QVERIFY(a.failedTasks > 0 && a.recoveredUs > a.exhaustedUs);
    QCOMPARE(a.lines, a.events);
    const QString name = QString::fromStdString(a.files.front().name);
    QFile fileA(QDir(first.path()).filePath(name));
    QFile fileB(QDir(second.path()).filePath(name));
    QVERIFY(fileA.open(QIODevice::ReadOnly) && fileB.open(QIODevice::ReadOnly));
    QVERIFY(fileA.readAll() == fileB.readAll());
}

void TestSampleBundle::shapesAreDeterministicJsonLines_data()
{
    QTest::addColumn<int>("shapeIndex"); ///< a bundlegen::Shape
    QTest::addColumn<QString>("timeKey");
    QTest::addColumn<QStringList>("uniqueKey"); ///< the path of a value no two lines share
    QTest::newRow("uuid-structlog") << int(bundlegen::Shape::UuidStructlog) << QStringLiteral("timestamp")
                                    << QStringList{QStringLiteral("request_id")};
    QTest::newRow("otel-json") << int(bundlegen::Shape::OtelJson) << QStringLiteral("timestamp")
                               << QStringList{QStringLiteral("span_id")};
    QTest::newRow("k8s-json") << int(bundlegen::Shape::K8sJson) << QStringLiteral("time")
                              << QStringList{QStringLiteral("span"), QStringLiteral("id")};
}

void TestSampleBundle::shapesAreDeterministicJsonLines()
{
    QFETCH(int, shapeIndex);
    const auto shape = static_cast<bundlegen::Shape>(shapeIndex);
    QFETCH(QString, timeKey);
    QFETCH(QStringList, uniqueKey);
    bundlegen::GeneratorOptions options;
    options.shape = shape;
    options.targetBytes = 400'000;
    const auto read = [](const QTemporaryDir &dir, const bundlegen::GeneratorReport &report) {
        QFile file(QDir(dir.path()).filePath(QString::fromStdString(report.files.front().name)));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    QTemporaryDir first;
    QTemporaryDir second;
    QTemporaryDir otherSeed;
    const auto a = bundlegen::generateBundle(first.path().toStdString(), options);
    const auto b = bundlegen::generateBundle(second.path().toStdString(), options);
    options.seed = 2;
    const auto c = bundlegen::generateBundle(otherSeed.path().toStdString(), options);
    QVERIFY(a.ok && b.ok && c.ok);
    QCOMPARE(a.files.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(a.files.front().name), QString::fromStdString(bundlegen::shapeFileName(shape)));
    const QByteArray bytes = read(first, a);
    QCOMPARE(read(second, b), bytes);
    QVERIFY(read(otherSeed, c) != bytes);
    QVERIFY(a.bytes >= options.targetBytes && a.tasks > 0);

    // One JSON object a line, times never going back, the per-line ID never repeated.
    const QList<QByteArray> lines = bytes.trimmed().split('\n');
    QCOMPARE(std::uint64_t(lines.size()), a.events);
    QString previous;
    QSet<QString> seen;
    for (const QByteArray &line : lines) {
        QJsonParseError error;
        const QJsonObject object = QJsonDocument::fromJson(line, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
        const QString time = object.value(timeKey).toString();
        QVERIFY(!time.isEmpty() && time >= previous);
        previous = time;
        QJsonValue value = object;
        for (const QString &key : uniqueKey)
            value = value.toObject().value(key);
        QVERIFY(!value.toString().isEmpty());
        seen.insert(value.toString());
    }
    QCOMPARE(seen.size(), lines.size());
}

QTEST_GUILESS_MAIN(TestSampleBundle)

#include "tst_samplebundle.moc"
