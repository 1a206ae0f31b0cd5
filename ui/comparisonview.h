#pragma once
// Fusion comparisons side by side, for teaching: the project's comparisons,
// and for the one chosen a row per fusion method (its best validation
// accuracy, epochs, loss, time and speed) with what the method computes, its
// formula and a small diagram; buttons plot the comparison's curves in the
// dashboard and open the selected model's attention view.
#include "jobs/comparejobs.h"

#include <QSet>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace tandem {

class ComparisonView : public QWidget {
    Q_OBJECT
public:
    explicit ComparisonView(QWidget *parent = nullptr);
    void setComparisons(std::vector<Comparison> comparisons);
    const Comparison *current() const;

signals:
    void plotRuns(const QSet<qint64> &runIds);
    void explainModel(const QString &checkpoint);

private:
    void showComparison();
    void showDetails();

    std::vector<Comparison> m_comparisons;
    QComboBox *m_choice;
    QTableWidget *m_table;
    QLabel *m_details, *m_diagram;
    QPushButton *m_plot, *m_explain;
};

} // namespace tandem
