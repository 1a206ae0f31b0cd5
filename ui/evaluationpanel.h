#pragma once
// The evaluation panel: every run's metrics in a sortable table; for a run
// with predictions, its accuracy per answer type and per question type (VQA)
// or its caption scores per image, a per-sample list sorted by error whose
// rows open the image, a confusion matrix of the most common answers whose
// cells show their samples, and a second run to compare (the samples where
// the two disagree). Everything is computed in a worker (jobs/evaljobs.h).
#include "jobs/evaljobs.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace tandem {

class EvaluationPanel : public QWidget {
    Q_OBJECT
public:
    explicit EvaluationPanel(QWidget *parent = nullptr);
    void setProject(const QString &path);
    const RunEvaluation *evaluation() const { return m_evaluation ? &*m_evaluation : nullptr; }

public slots:
    void refresh();
    void evaluate(qint64 runId, qint64 compareWith = 0);
    void filterSamples(const QString &reference, const QString &predicted); // "" = any

signals:
    void openImage(qint64 imageId);
    void evaluated();            // a run's samples are shown
    void message(const QString &text);

private:
    void showRuns(const std::vector<RunRecord> &runs);
    void showEvaluation(RunEvaluation evaluation);
    void showTypes();
    void showConfusion();
    void showSamples();
    qint64 chosenRun(QComboBox *box) const;

    QString m_project;
    std::vector<RunRecord> m_runs;
    std::optional<RunEvaluation> m_evaluation;
    QString m_onlyReference, m_onlyPredicted;
    QComboBox *m_run, *m_compare, *m_show;
    QTableWidget *m_runTable, *m_types, *m_confusion, *m_samples;
    QLabel *m_summary;
};

} // namespace tandem
