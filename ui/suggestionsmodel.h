#pragma once
// A model's suggestions for the current image, for the side panel: each
// predicted caption or answer with its score and the run that made it, marked
// as a prediction. Editing a suggestion's text asks to accept the edited text.
#include "data/runstore.h"

#include <QAbstractListModel>
#include <vector>

namespace tandem {

class SuggestionsModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { StateRole = Qt::UserRole + 1, IdRole };

    explicit SuggestionsModel(QObject *parent = nullptr);

    void setSuggestions(std::vector<PredictionRecord> suggestions);
    const PredictionRecord *at(int row) const;
    std::vector<qint64> openIds() const;
    int openCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;

signals:
    void acceptEdited(qint64 predictionId, const QString &text);

private:
    std::vector<PredictionRecord> m_rows;
};

} // namespace tandem
