#include "expected.h"

namespace tandem {

QString Error::toString() const
{
    QString where = file;
    if (!where.isEmpty() && line > 0) {
        where += QLatin1Char(':') + QString::number(line);
        if (column > 0)
            where += QLatin1Char(':') + QString::number(column);
    }
    return where.isEmpty() ? message : where + QStringLiteral(": ") + message;
}

} // namespace tandem
