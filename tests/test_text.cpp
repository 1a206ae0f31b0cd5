#include "util/text.h"
#include "util/paths.h"

#include <QTest>

using namespace tandem;

class TestText : public QObject {
    Q_OBJECT
private slots:
    void decodesBomAndUtf16();
    void fallsBackToWindows1252();
    void positions();
    void splitsAnyLineEnd();
    void unsafeNames_data();
    void unsafeNames();
    void sanitizedStaysInside();
};

void TestText::decodesBomAndUtf16()
{
    QCOMPARE(text::toUtf8("\xEF\xBB\xBFhello").utf8, QByteArray("hello"));
    const QByteArray utf16le("\xFF\xFEh\0i\0", 6);
    QCOMPARE(text::toUtf8(utf16le).utf8, QByteArray("hi"));
    QVERIFY(text::toUtf8("caf\xC3\xA9").warning.isEmpty());
}

void TestText::fallsBackToWindows1252()
{
    const auto decoded = text::toUtf8("caf\xE9 \x93quoted\x94");
    QCOMPARE(QString::fromUtf8(decoded.utf8), QString::fromUtf8("café “quoted”"));
    QVERIFY(!decoded.warning.isEmpty());
}

void TestText::positions()
{
    const std::string s = "ab\ncd\xC3\xA9x";
    QCOMPARE(text::positionOf(s, 0).line, 1);
    QCOMPARE(text::positionOf(s, 4).line, 2);
    QCOMPARE(text::positionOf(s, 4).column, 2);
    QCOMPARE(text::positionOf(s, 7).column, 4); // é counts as one column
    const std::string mixed = "a\r\nb\rcd";
    QCOMPARE(text::positionOf(mixed, 3).line, 2);   // after \r\n
    QCOMPARE(text::positionOf(mixed, 3).column, 1);
    QCOMPARE(text::positionOf(mixed, 6).line, 3);   // after a lone \r
    QCOMPARE(text::positionOf(mixed, 6).column, 2);
}

void TestText::splitsAnyLineEnd()
{
    const auto lines = text::splitLines("a\r\nb\rc\nd");
    QCOMPARE(int(lines.size()), 4);
    QCOMPARE(QByteArray(lines[1].data(), int(lines[1].size())), QByteArray("b"));
    QCOMPARE(QByteArray(lines[3].data(), int(lines[3].size())), QByteArray("d"));
}

void TestText::unsafeNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("normalized");
    QTest::addColumn<bool>("unsafe");
    QTest::newRow("plain") << "a/b.jpg" << "a/b.jpg" << false;
    QTest::newRow("dot") << "./a//b.jpg" << "a/b.jpg" << false;
    QTest::newRow("backslash") << "a\\b.jpg" << "a/b.jpg" << false;
    QTest::newRow("parent") << "../b.jpg" << "../b.jpg" << true;
    QTest::newRow("inner parent") << "a/../../b.jpg" << "a/../../b.jpg" << true;
    QTest::newRow("absolute") << "/etc/passwd" << "/etc/passwd" << true;
    QTest::newRow("drive") << "C:\\x.jpg" << "C:/x.jpg" << true;
    QTest::newRow("dots in name") << "a..b.jpg" << "a..b.jpg" << false;
}

void TestText::unsafeNames()
{
    QFETCH(QString, name);
    QFETCH(QString, normalized);
    QFETCH(bool, unsafe);
    const std::string n = paths::normalizeName(name.toStdString());
    QCOMPARE(QString::fromStdString(n), normalized);
    QCOMPARE(paths::isUnsafe(n), unsafe);
}

void TestText::sanitizedStaysInside()
{
    QCOMPARE(paths::sanitizedRelative(QStringLiteral("../../etc/passwd")), QStringLiteral("etc/passwd"));
    QCOMPARE(paths::sanitizedRelative(QStringLiteral("C:\\x\\..\\y.jpg")), QStringLiteral("x/y.jpg"));
    QCOMPARE(paths::sanitizedRelative(QStringLiteral("/..")), QStringLiteral("unnamed"));
    QVERIFY(paths::insideFolder(QStringLiteral("/tmp/out"), QStringLiteral("/../../x")).startsWith(QStringLiteral("/tmp/out/")));
}

QTEST_GUILESS_MAIN(TestText)
#include "test_text.moc"
