#include "comparisonview.h"

#include "tablecells.h"

#include "train/fusioncatalog.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace tandem {

namespace {

enum Column { Fusion, Best, BestEpoch, Loss, Minutes, Speed, RunState, ColumnCount };

} // namespace

ComparisonView::ComparisonView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_choice = new QComboBox(this);
    m_choice->setToolTip(tr("The project's fusion comparisons (Train ▸ Compare Fusion Methods…)"));
    m_plot = new QPushButton(tr("Plot Its Curves"), this);
    m_plot->setToolTip(tr("Show only this comparison's runs in the dashboard"));
    m_explain = new QPushButton(tr("Attention View"), this);
    m_explain->setToolTip(tr("Make the selected fusion's model the current one and show where it looks in the current image"));
    top->addWidget(new QLabel(tr("Comparison:"), this));
    top->addWidget(m_choice, 1);
    top->addWidget(m_plot);
    top->addWidget(m_explain);
    layout->addLayout(top);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("comparisonTable"));
    m_table->setHorizontalHeaderLabels({tr("Fusion"), tr("Best validation"), tr("at epoch"), tr("Final train loss"),
                                        tr("Minutes"), tr("Samples/s"), tr("Status")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSectionResizeMode(Fusion, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Fusion, QHeaderView::Stretch);
    auto *about = new QWidget(this);
    auto *aboutLayout = new QVBoxLayout(about);
    aboutLayout->setContentsMargins(0, 0, 0, 0);
    m_details = new QLabel(about);
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::RichText);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_diagram = new QLabel(about);
    m_diagram->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diagram->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_diagram->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    aboutLayout->addWidget(m_details, 1);
    aboutLayout->addWidget(m_diagram, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(about);
    split->setSizes({200, 160});
    layout->addWidget(split, 1);
    connect(m_choice, &QComboBox::currentIndexChanged, this, &ComparisonView::showComparison);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ComparisonView::showDetails);
    connect(m_plot, &QPushButton::clicked, this, [this] {
        if (const Comparison *c = current()) {
            QSet<qint64> ids;
            for (const CompareRow &r : c->rows)
                ids.insert(r.runId);
            emit plotRuns(ids);
        }
    });
    connect(m_explain, &QPushButton::clicked, this, [this] {
        const QTableWidgetItem *item = m_table->currentItem();
        if (item)
            emit explainModel(m_table->item(item->row(), Fusion)->data(Qt::UserRole).toString());
    });
    showComparison();
}

void ComparisonView::setComparisons(std::vector<Comparison> comparisons)
{
    const QString chosen = m_choice->currentText();
    m_comparisons = std::move(comparisons);
    const QSignalBlocker block(m_choice);
    m_choice->clear();
    for (const Comparison &c : m_comparisons)
        m_choice->addItem(c.name);
    m_choice->setCurrentIndex(std::max(0, m_choice->findText(chosen)));
    showComparison();
}

const Comparison *ComparisonView::current() const
{
    const int i = m_choice->currentIndex();
    return i >= 0 && i < int(m_comparisons.size()) ? &m_comparisons[size_t(i)] : nullptr;
}

void ComparisonView::showComparison()
{
    m_table->setSortingEnabled(false);
    m_table->setRowCount(0);
    const Comparison *c = current();
    m_plot->setEnabled(c != nullptr);
    m_explain->setEnabled(false);
    m_details->setText(c ? tr("Select a row for what its fusion computes.")
                         : tr("No comparison yet: Train ▸ Compare Fusion Methods… trains one VQA model per method on "
                              "the same data with the same seed."));
    m_diagram->clear();
    if (!c)
        return;
    for (const CompareRow &r : c->rows) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const FusionInfo *info = findFusion(r.fusion);
        auto *name = new QTableWidgetItem(info ? QStringLiteral("%1 (%2)").arg(info->title, r.fusion) : r.fusion);
        name->setData(Qt::UserRole, r.checkpoint);
        name->setData(Qt::UserRole + 1, r.fusion);
        if (info)
            name->setToolTip(info->summary);
        m_table->setItem(row, Fusion, name);
        m_table->setItem(row, Best, r.best ? numberItem(r.best->value, 2) : new QTableWidgetItem(QStringLiteral("–")));
        m_table->setItem(row, BestEpoch, numberItem(r.bestEpoch, 0));
        m_table->setItem(row, Loss, numberItem(r.finalTrainLoss, 4));
        m_table->setItem(row, Minutes, numberItem(r.minutes, 1));
        m_table->setItem(row, Speed, numberItem(r.samplesPerSecond, 0));
        m_table->setItem(row, RunState, new QTableWidgetItem(runStatusName(r.status)));
    }
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(Best, Qt::DescendingOrder);
}

void ComparisonView::showDetails()
{
    const QTableWidgetItem *item = m_table->currentItem();
    m_explain->setEnabled(item != nullptr);
    if (!item)
        return;
    const FusionInfo *info = findFusion(m_table->item(item->row(), Fusion)->data(Qt::UserRole + 1).toString());
    if (!info)
        return;
    m_details->setText(QStringLiteral("<b>%1</b> — %2<br><i>%3</i>").arg(info->title.toHtmlEscaped(), info->summary.toHtmlEscaped(),
                                                                      info->formula.toHtmlEscaped()));
    m_diagram->setText(info->diagram);
}

} // namespace tandem
