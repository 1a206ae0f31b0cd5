// Help > Plugins: the dialog lists the catalogue, shows why a plugin cannot
// load, and its check boxes turn plugins off and on in the settings. With
// TANDEM_SCREENSHOTS the dialog is saved there.
#include "pluginsdialog.h"
#include "testsupport.h"
#include "util/plugincatalog.h"

#include <QLabel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

class TestGuiPlugins : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void listsAndExplains();
    void checkBoxesTurnPluginsOff();

private:
    int rowOf(const PluginsDialog &dialog, const QString &id) const;
    QTemporaryDir m_dir;
    std::unique_ptr<PluginCatalog> m_catalog;
};

void TestGuiPlugins::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
    test::writeFile(m_dir.filePath(QStringLiteral("broken.so")), "not a library");
    m_catalog = std::make_unique<PluginCatalog>(
        QStringList{QStringLiteral(TANDEM_TEST_PLUGINS), m_dir.path(), QStringLiteral(TANDEM_PLUGINS)}, QStringList{});
}

int TestGuiPlugins::rowOf(const PluginsDialog &dialog, const QString &id) const
{
    for (int row = 0; row < dialog.table()->rowCount(); ++row)
        if (dialog.table()->item(row, 3)->text() == id)
            return row;
    return -1;
}

void TestGuiPlugins::listsAndExplains()
{
    PluginsDialog dialog(*m_catalog);
    dialog.show();
    QCOMPARE(dialog.table()->rowCount(), int(m_catalog->entries().size()));
    const int old = rowOf(dialog, QStringLiteral("old"));
    QVERIFY(old >= 0);
    QCOMPARE(dialog.table()->item(old, 4)->text(), QStringLiteral("incompatible"));
    QVERIFY(!(dialog.table()->item(old, 0)->flags() & Qt::ItemIsUserCheckable)); // nothing to turn on
    dialog.table()->selectRow(old);
    QVERIFY2(dialog.details()->text().contains(QStringLiteral("this Tandem loads version 1.0")), qPrintable(dialog.details()->text()));
    const int coco = rowOf(dialog, QStringLiteral("coco"));
    QCOMPARE(dialog.table()->item(coco, 0)->checkState(), Qt::Checked);
    dialog.table()->selectRow(coco);
    QVERIFY(dialog.details()->text().contains(QStringLiteral("format/coco")));
    if (const QString dir = qEnvironmentVariable("TANDEM_SCREENSHOTS"); !dir.isEmpty()) {
        dialog.table()->selectRow(old);
        QTest::qWait(50);
        QVERIFY(dialog.grab().save(dir + QStringLiteral("/plugins_dialog.png")));
    }
}

void TestGuiPlugins::checkBoxesTurnPluginsOff()
{
    PluginsDialog dialog(*m_catalog);
    const int csv = rowOf(dialog, QStringLiteral("csv"));
    dialog.table()->item(csv, 0)->setCheckState(Qt::Unchecked);
    QCOMPARE(PluginCatalog::disabledKeys(), QStringList{QStringLiteral("format/csv")});
    PluginsDialog reopened(*m_catalog);
    QCOMPARE(reopened.table()->item(csv, 0)->checkState(), Qt::Unchecked);
    reopened.table()->item(csv, 0)->setCheckState(Qt::Checked);
    QVERIFY(PluginCatalog::disabledKeys().isEmpty());
}

QTEST_MAIN(TestGuiPlugins)
#include "test_gui_plugins.moc"
