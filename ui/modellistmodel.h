#pragma once
// The project's models for the Models dock: name (editable: renames), task,
// architecture, the validation metric its training reached, and when it was
// added. The current model is shown in bold.
#include "data/runstore.h"

#include <QAbstractTableModel>
#include <vector>

namespace tandem {

// "VQA accuracy 87.3%", "BLEU-4 0.604", "R@1 41.2%": the last epoch's main validation metric.
QString metricSummary(const QJsonObject &trainMetrics);
// "cnn + gru + film"
QString architectureSummary(const QJsonObject &architecture);

class ModelListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Task, Architecture, Metric, Created, ColumnCount };

    explicit ModelListModel(QObject *parent = nullptr);

    void setModels(std::vector<ModelRecord> models, qint64 currentId);
    void setCurrentId(qint64 id);
    qint64 currentId() const { return m_current; }
    const ModelRecord *model(int row) const;
    const ModelRecord *current() const;
    int rowOf(qint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;

signals:
    void renameRequested(qint64 modelId, const QString &name);

private:
    std::vector<ModelRecord> m_models;
    qint64 m_current = 0;
};

} // namespace tandem
