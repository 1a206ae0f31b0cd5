#include "pluginsdialog.h"

#include "util/plugincatalog.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tandem {

namespace {

enum Column { On, Kind, Name, Id, State, File, Columns };

bool usable(const PluginEntry &e)
{
    return e.state != PluginState::Broken && e.state != PluginState::Incompatible;
}

} // namespace

PluginsDialog::PluginsDialog(const PluginCatalog &catalog, QWidget *parent)
    : QDialog(parent), m_catalog(catalog), m_table(new QTableWidget(this)), m_details(new QLabel(this)),
      m_restartNote(new QLabel(tr("Changes apply the next time Tandem starts."), this))
{
    setWindowTitle(tr("Plugins"));
    m_table->setColumnCount(Columns);
    m_table->setHorizontalHeaderLabels({tr("On"), tr("Kind"), tr("Name"), tr("Id"), tr("State"), tr("File")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setMinimumHeight(3 * fontMetrics().height());
    m_restartNote->setVisible(false);
    fill();
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &PluginsDialog::showDetails);
    connect(m_table, &QTableWidget::cellChanged, this, &PluginsDialog::toggled);
    auto *folders = new QLabel(tr("Searched, in order: %1").arg(catalog.folders().join(QStringLiteral(", "))), this);
    folders->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_details);
    layout->addWidget(folders);
    layout->addWidget(m_restartNote);
    layout->addWidget(buttons);
    resize(900, 420);
    if (m_table->rowCount() > 0)
        m_table->selectRow(0);
}

void PluginsDialog::fill()
{
    const QStringList disabled = PluginCatalog::disabledKeys();
    const QList<PluginEntry> &entries = m_catalog.entries();
    m_table->setRowCount(int(entries.size()));
    for (int row = 0; row < entries.size(); ++row) {
        const PluginEntry &e = entries[row];
        auto *on = new QTableWidgetItem;
        on->setFlags(usable(e) ? Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable : Qt::ItemIsSelectable);
        on->setCheckState(usable(e) && !disabled.contains(PluginCatalog::key(e.kind, e.id)) ? Qt::Checked : Qt::Unchecked);
        on->setToolTip(usable(e) ? tr("Turn this plugin on or off") : tr("This plugin cannot be used: %1").arg(e.problem));
        m_table->setItem(row, On, on);
        QString state = pluginStateName(e.state);
        if (e.shadowed)
            state = tr("skipped (found earlier)");
        const QString texts[] = {QString(), pluginKindName(e.kind), e.name.isEmpty() ? QFileInfo(e.file).fileName() : e.name,
                                 e.id, state, e.file};
        for (int column = Kind; column < Columns; ++column) {
            auto *item = new QTableWidgetItem(texts[column]);
            item->setToolTip(e.problem.isEmpty() ? e.description : e.problem);
            if (!usable(e))
                item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
            m_table->setItem(row, column, item);
        }
        if (!usable(e))
            m_table->item(row, State)->setForeground(Qt::red);
    }
}

void PluginsDialog::showDetails()
{
    const QList<QTableWidgetItem *> selected = m_table->selectedItems();
    if (selected.isEmpty())
        return;
    const PluginEntry &e = m_catalog.entries()[selected.first()->row()];
    QString text = QStringLiteral("<b>%1</b> (%2, interface %3)<br>%4")
                       .arg(e.name.toHtmlEscaped(), PluginCatalog::key(e.kind, e.id).toHtmlEscaped(),
                            e.interfaceId.toHtmlEscaped(), e.description.toHtmlEscaped());
    if (!e.problem.isEmpty())
        text += QStringLiteral("<br><span style='color:#b00020'>%1</span>").arg(e.problem.toHtmlEscaped());
    m_details->setText(text);
}

void PluginsDialog::toggled(int row, int column)
{
    if (column != On)
        return;
    const PluginEntry &e = m_catalog.entries()[row];
    PluginCatalog::setDisabled(PluginCatalog::key(e.kind, e.id), m_table->item(row, On)->checkState() != Qt::Checked);
    m_restartNote->setVisible(true);
}

} // namespace tandem
