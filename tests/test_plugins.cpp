#include "formats/datasetformat.h"
#include "formats/formatregistry.h"
#include "testsupport.h"
#include "train/backendregistry.h"
#include "util/plugincatalog.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

namespace {

const PluginEntry *find(const PluginCatalog &catalog, const QString &id)
{
    for (const PluginEntry &e : catalog.entries())
        if (e.id == id)
            return &e;
    return nullptr;
}

} // namespace

class TestPlugins : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void listsTheBuiltPlugins();
    void interfaceVersionsMatchTheHeaders();
    void incompatibleIsListedNotLoaded();
    void garbageFileIsBroken();
    void failedLoadIsReportedNotFatal();
    void disabledPluginsAreLeftOut();
    void firstFolderWins();
    void settingsRoundTrip();
    void cliTurnsPluginsOffAndOn();

private:
    QStringList folders() const { return {QStringLiteral(TANDEM_TEST_PLUGINS), QStringLiteral(TANDEM_PLUGINS)}; }
    QTemporaryDir m_dir;
};

void TestPlugins::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Settings go to a scratch folder, for this process and the tandem-cli it starts.
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
}

void TestPlugins::listsTheBuiltPlugins()
{
    PluginCatalog catalog({QStringLiteral(TANDEM_PLUGINS)}, {});
    QStringList keys;
    for (const PluginEntry *e : catalog.usable(PluginKind::Format))
        keys << PluginCatalog::key(e->kind, e->id);
    for (const char *expected : {"format/coco", "format/csv", "format/llava", "format/vqa"})
        QVERIFY2(keys.contains(QLatin1String(expected)), qPrintable(keys.join(' ')));
    const auto backends = catalog.usable(PluginKind::Backend);
    QCOMPARE(backends.size(), 1);
    QCOMPARE(backends[0]->id, QStringLiteral("torch"));
    QCOMPARE(backends[0]->state, PluginState::Available); // metadata only: LibTorch not loaded
    QVERIFY(!backends[0]->metadata.value(QStringLiteral("tasks")).toArray().isEmpty());
}

void TestPlugins::interfaceVersionsMatchTheHeaders()
{
    PluginCatalog catalog({QStringLiteral(TANDEM_PLUGINS)}, {});
    QCOMPARE(find(catalog, QStringLiteral("coco"))->interfaceId, QStringLiteral(TandemDatasetFormat_iid));
    QCOMPARE(find(catalog, QStringLiteral("torch"))->interfaceId, QStringLiteral(TandemModelBackend_iid));
    for (const PluginEntry &e : catalog.entries())
        QVERIFY2(e.state == PluginState::Available, qPrintable(e.file + QLatin1Char(' ') + e.problem));
}

void TestPlugins::incompatibleIsListedNotLoaded()
{
    PluginCatalog catalog(folders(), {});
    const PluginEntry *old = find(catalog, QStringLiteral("old"));
    QVERIFY(old);
    QCOMPARE(old->state, PluginState::Incompatible);
    QVERIFY2(old->problem.contains(QStringLiteral("interface 0.9")) && old->problem.contains(QStringLiteral("version 1.0")),
             qPrintable(old->problem));
    QVERIFY(!catalog.usable(PluginKind::Format).contains(old));
    QVERIFY(catalog.instance(*old) == nullptr);
}

void TestPlugins::garbageFileIsBroken()
{
    QTemporaryDir folder;
    test::writeFile(folder.filePath(QStringLiteral("garbage.so")), QByteArray("\x7f" "ELF but not really", 20));
    test::writeFile(folder.filePath(QStringLiteral("text.so")), "just some text");
    PluginCatalog catalog({folder.path()}, {});
    QCOMPARE(catalog.entries().size(), 2);
    for (const PluginEntry &e : catalog.entries()) {
        QCOMPARE(e.state, PluginState::Broken);
        QVERIFY2(e.problem.contains(QStringLiteral("not a Qt plugin")), qPrintable(e.problem));
    }
    QVERIFY(catalog.usable(PluginKind::Format).isEmpty());
}

void TestPlugins::failedLoadIsReportedNotFatal()
{
    PluginCatalog catalog(folders(), {});
    const PluginEntry *missing = find(catalog, QStringLiteral("missing"));
    QVERIFY(missing);
    QCOMPARE(missing->state, PluginState::Available); // the metadata is fine
    FormatRegistry formats(catalog);
    QVERIFY(formats.info(QStringLiteral("missing")));
    QVERIFY(formats.format(QStringLiteral("missing")) == nullptr);
    QCOMPARE(missing->state, PluginState::Broken);
    QVERIFY2(missing->problem.contains(QStringLiteral("tandemTestSymbolThatNoLibraryDefines")), qPrintable(missing->problem));
    // Detection goes on with the formats that load.
    auto detected = formats.detect(test::dataPath(QStringLiteral("coco/captions_val2017.json")));
    QVERIFY(detected);
    QCOMPARE(*detected, QStringLiteral("coco"));
}

void TestPlugins::disabledPluginsAreLeftOut()
{
    PluginCatalog catalog(folders(), {QStringLiteral("format/csv"), QStringLiteral("backend/torch")});
    QCOMPARE(find(catalog, QStringLiteral("csv"))->state, PluginState::Disabled);
    FormatRegistry formats(catalog);
    QVERIFY(!formats.ids().contains(QStringLiteral("csv")));
    QVERIFY(formats.ids().contains(QStringLiteral("coco")));
    BackendRegistry backends(catalog);
    auto backend = backends.backend();
    QVERIFY(!backend);
    QVERIFY2(backend.error().message.contains(QStringLiteral("turned off")), qPrintable(backend.error().message));
}

void TestPlugins::firstFolderWins()
{
    QTemporaryDir copy;
    QVERIFY(QFile::copy(QStringLiteral(TANDEM_PLUGINS "/tandem_format_coco.so"), copy.filePath(QStringLiteral("coco.so"))));
    PluginCatalog catalog({copy.path(), QStringLiteral(TANDEM_PLUGINS), QStringLiteral(TANDEM_PLUGINS)}, {});
    int cocos = 0, shadowed = 0;
    for (const PluginEntry &e : catalog.entries()) {
        cocos += e.id == QLatin1String("coco");
        shadowed += e.shadowed;
    }
    QCOMPARE(cocos, 2); // the folder listed twice is read once
    QCOMPARE(shadowed, 1);
    QCOMPARE(FormatRegistry(catalog).info(QStringLiteral("coco"))->pluginPath, QFileInfo(copy.filePath(QStringLiteral("coco.so"))).canonicalFilePath());
}

void TestPlugins::settingsRoundTrip()
{
    PluginCatalog::setDisabled(QStringLiteral("format/csv"), true);
    PluginCatalog::setDisabled(QStringLiteral("format/csv"), true);
    PluginCatalog::setDisabled(QStringLiteral("format/vqa"), true);
    QCOMPARE(PluginCatalog::disabledKeys(), (QStringList{"format/csv", "format/vqa"}));
    PluginCatalog::setDisabled(QStringLiteral("format/csv"), false);
    PluginCatalog::setDisabled(QStringLiteral("format/vqa"), false);
    QVERIFY(PluginCatalog::disabledKeys().isEmpty());
}

void TestPlugins::cliTurnsPluginsOffAndOn()
{
    auto off = test::runCli({QStringLiteral("plugins"), QStringLiteral("--disable"), QStringLiteral("format/csv")});
    QVERIFY2(off.exitCode == 0, off.err.constData());
    auto formats = test::runCli({QStringLiteral("formats")});
    QVERIFY(!formats.out.contains("\ncsv ") && !formats.out.startsWith("csv "));
    auto listed = test::runCli({QStringLiteral("plugins")});
    QVERIFY2(listed.out.contains("format/csv") && listed.out.contains("disabled"), listed.out.constData());
    auto unknown = test::runCli({QStringLiteral("plugins"), QStringLiteral("--enable"), QStringLiteral("format/nope")});
    QCOMPARE(unknown.exitCode, 2);
    auto on = test::runCli({QStringLiteral("plugins"), QStringLiteral("--enable"), QStringLiteral("format/csv")});
    QVERIFY2(on.exitCode == 0, on.err.constData());
    QVERIFY(test::runCli({QStringLiteral("formats")}).out.contains("csv "));
}

QTEST_GUILESS_MAIN(TestPlugins)
#include "test_plugins.moc"
