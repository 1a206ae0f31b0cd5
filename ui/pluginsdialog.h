#pragma once
// Help > Plugins: every plugin the catalogue found (util/plugincatalog.h),
// what it provides, its state, and why it cannot be used when it cannot; a
// check box turns a format or backend off or on for the window and tandem-cli
// alike, from the next start (a loaded plugin cannot be unloaded safely).
#include <QDialog>

class QLabel;
class QTableWidget;

namespace tandem {

class PluginCatalog;

class PluginsDialog : public QDialog {
    Q_OBJECT
public:
    explicit PluginsDialog(const PluginCatalog &catalog, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    QLabel *details() const { return m_details; }

private:
    void fill();
    void showDetails();
    void toggled(int row, int column);

    const PluginCatalog &m_catalog;
    QTableWidget *m_table;
    QLabel *m_details;
    QLabel *m_restartNote;
};

} // namespace tandem
