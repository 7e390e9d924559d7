// SPDX-License-Identifier: MIT
#include <core/base/jsonwriter.h>
#include <core/base/textformat.h>
#include <core/base/utf8.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace core;

// How times and strings are written for people and scripts: every --json output must parse.
class TestTextFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void timesInTheExactWindowAreWrittenAsBefore()
    {
        QCOMPARE(format::rfc3339(1762770600123456000), std::string("2025-11-10T10:30:00.123456000Z"));
        QCOMPARE(format::displayTime(1762770600123456000), std::string("2025-11-10 10:30:00.123456"));
        QCOMPARE(format::rfc3339(-1'000'000'000), std::string("1969-12-31T23:59:59.000000000Z"));
        QCOMPARE(format::rfc3339(NoTimeNs), std::string());
    }

    void jsonStringsAreAlwaysUtf8_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("ascii and escapes") << QByteArray("a\"b\\c\n\t\x01") << QByteArray("\"a\\\"b\\\\c\\n\\t\\u0001\"");
        QTest::newRow("valid multi-byte") << QByteArray("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") << QByteArray("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
        QTest::newRow("latin-1 byte") << QByteArray("caf\xe9!") << QByteArray("\"caf\xef\xbf\xbd!\"");
        QTest::newRow("cut sequence") << QByteArray("\xe2\x82") << QByteArray("\"\xef\xbf\xbd\xef\xbf\xbd\"");
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << QByteArray("\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
        QTest::newRow("overlong") << QByteArray("\xc0\xaf") << QByteArray("\"\xef\xbf\xbd\xef\xbf\xbd\"");
        QTest::newRow("past U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << QByteArray("\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
        QTest::newRow("stray continuation") << QByteArray("a\x80z") << QByteArray("\"a\xef\xbf\xbdz\"");
    }

    void jsonStringsAreAlwaysUtf8()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, expected);
        std::string out;
        format::appendJsonString(out, {input.constData(), std::size_t(input.size())});
        QCOMPARE(QByteArray::fromStdString(out), expected);
        QCOMPARE(utf8::firstInvalid(out), out.size());
        JsonWriter writer;
        writer.beginObject().key("v").value(std::string_view(input.constData(), std::size_t(input.size()))).endObject();
        QJsonParseError error{};
        QJsonDocument::fromJson(QByteArray::fromStdString(writer.text()), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
    }
};

QTEST_GUILESS_MAIN(TestTextFormat)
#include "tst_textformat.moc"
