#include "modellistmodel.h"

#include <QFileInfo>
#include <QFont>
#include <QJsonArray>

namespace tandem {

QString metricSummary(const QJsonObject &trainMetrics)
{
    const QJsonArray epochs = trainMetrics.value(QStringLiteral("epochs")).toArray();
    if (epochs.isEmpty())
        return {};
    const QJsonObject v = epochs.last().toObject().value(QStringLiteral("validation")).toObject();
    const std::pair<const char *, const char *> keys[] = {
        {"vqa_accuracy", "VQA accuracy %1%"}, {"answer_accuracy", "accuracy %1%"}, {"bleu4", "BLEU-4 %1"},
        {"cider_d", "CIDEr-D %1"},            {"recall_t2i_1", "R@1 %1%"}};
    for (const auto &[key, format] : keys)
        if (v.contains(QLatin1String(key))) {
            const double x = v.value(QLatin1String(key)).toDouble();
            return QString::fromLatin1(format).arg(x, 0, 'f', x < 2 ? 3 : 1);
        }
    return {};
}

QString architectureSummary(const QJsonObject &a)
{
    if (a.contains(QStringLiteral("external"))) // a TorchScript model with a manifest
        return QStringLiteral("TorchScript %1").arg(a.value(QStringLiteral("model")).toString());
    const QString task = a.value(QStringLiteral("task")).toString();
    QStringList parts{a.value(QStringLiteral("vision")).toString()};
    if (task == QLatin1String("caption"))
        parts << QStringLiteral("attention LSTM");
    else
        parts << a.value(QStringLiteral("text")).toString();
    if (task == QLatin1String("vqa"))
        parts << a.value(QStringLiteral("fusion")).toString();
    parts.removeAll(QString());
    return parts.join(QStringLiteral(" + "));
}

ModelListModel::ModelListModel(QObject *parent) : QAbstractTableModel(parent) {}

void ModelListModel::setModels(std::vector<ModelRecord> models, qint64 currentId)
{
    beginResetModel();
    m_models = std::move(models);
    m_current = currentId;
    endResetModel();
}

void ModelListModel::setCurrentId(qint64 id)
{
    m_current = id;
    if (!m_models.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {Qt::FontRole, Qt::DisplayRole});
}

const ModelRecord *ModelListModel::model(int row) const
{
    return row >= 0 && row < rowCount() ? &m_models[size_t(row)] : nullptr;
}

const ModelRecord *ModelListModel::current() const
{
    return model(rowOf(m_current));
}

int ModelListModel::rowOf(qint64 id) const
{
    for (size_t i = 0; i < m_models.size(); ++i)
        if (m_models[i].id == id)
            return int(i);
    return -1;
}

int ModelListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_models.size());
}

int ModelListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelListModel::data(const QModelIndex &index, int role) const
{
    const ModelRecord *m = model(index.row());
    if (!m)
        return {};
    if (role == Qt::FontRole && m->id == m_current) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::ToolTipRole)
        return tr("%1\nCheckpoint: %2%3").arg(m->name, m->checkpoint,
                                             QFileInfo::exists(m->checkpoint) ? QString() : tr("\n(the file is missing)"));
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (index.column()) {
    case Name: return role == Qt::DisplayRole && m->id == m_current ? tr("%1 (current)").arg(m->name) : m->name;
    case Task: return m->task() ? taskName(*m->task()) : QString();
    case Architecture: return architectureSummary(m->architecture);
    case Metric: return metricSummary(m->metrics);
    case Created: return m->createdAt.left(16);
    }
    return {};
}

QVariant ModelListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Model");
    case Task: return tr("Task");
    case Architecture: return tr("Architecture");
    case Metric: return tr("Validation");
    case Created: return tr("Added");
    }
    return {};
}

Qt::ItemFlags ModelListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    return index.column() == Name ? f | Qt::ItemIsEditable : f;
}

bool ModelListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    const ModelRecord *m = model(index.row());
    if (!m || role != Qt::EditRole || index.column() != Name)
        return false;
    const QString name = value.toString().trimmed();
    if (name.isEmpty() || name == m->name)
        return false;
    emit renameRequested(m->id, name); // the store answers with a refreshed list
    return true;
}

} // namespace tandem
