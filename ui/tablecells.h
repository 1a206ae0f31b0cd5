#pragma once
// Cells of the panels' QTableWidgets that sort as numbers.
#include <QTableWidgetItem>
#include <cmath>

namespace tandem {

// A right-aligned number rounded to `decimals` (0: a whole number), sorted by value.
inline QTableWidgetItem *numberItem(double value, int decimals)
{
    auto *item = new QTableWidgetItem;
    const double scale = std::pow(10.0, decimals);
    item->setData(Qt::DisplayRole, decimals > 0 ? QVariant(std::round(value * scale) / scale) : QVariant(qint64(std::llround(value))));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace tandem
