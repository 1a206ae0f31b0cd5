#pragma once
// Model › Accept Suggestions of a Run: every open suggestion of one run that
// scores at least a threshold, over the selected images or all of them,
// becomes a human label in one undoable step.
#include "data/runstore.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QRadioButton;

namespace tandem {

class AcceptRunDialog : public QDialog {
    Q_OBJECT
public:
    AcceptRunDialog(const std::vector<RunRecord> &runs, int selectedImages, QWidget *parent = nullptr);

    qint64 runId() const;
    double minScore() const;
    bool selectionOnly() const;

private:
    QComboBox *m_run;
    QDoubleSpinBox *m_minScore;
    QRadioButton *m_selection;
};

} // namespace tandem
