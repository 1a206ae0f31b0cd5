#pragma once
// The bar above the grid: full-text search, filters and sort. Emits a new
// ImageQuery whenever one changes (the search text after a short pause).
#include "data/imagequery.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QTimer;
class QToolButton;

namespace tandem {

class FilterBar : public QWidget {
    Q_OBJECT
public:
    explicit FilterBar(QWidget *parent = nullptr);

    ImageQuery query() const;
    void setKnownTags(const QStringList &tags);
    void setKnownSplits(const QStringList &splits);
    void focusSearch();
    void reset();
    // Shows exactly these images in rank order with their scores (a search by
    // meaning, more like this, near duplicates) until the chip is closed or a
    // filter changes.
    void showRanked(const QString &label, const std::vector<qint64> &ids, const std::vector<float> &scores);

signals:
    void queryChanged(const tandem::ImageQuery &query);

private:
    QComboBox *addCombo(const QString &objectName, const QString &tooltip);
    void emitQuery();
    void clearRanked();

    QLineEdit *m_search;
    QComboBox *m_split;
    QComboBox *m_status;
    QComboBox *m_tag;
    QComboBox *m_flags;
    QComboBox *m_content;
    QComboBox *m_suggestions;
    QComboBox *m_sort;
    QToolButton *m_descending;
    QToolButton *m_rankedChip;
    std::vector<qint64> m_ranked;
    std::vector<float> m_rankScores;
    QTimer *m_typingPause;
};

} // namespace tandem
