#include "textconv.h"

#include <QDir>

#include <QLocale>

#include <cmath>

QString formatCount(double value)
{
    return QLocale(QLocale::English).toString(std::round(value), 'f', 0);
}

QString countOf(qsizetype n, const QString& one, const QString& many)
{
    return QString::number(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

QString formatSignificant(double value)
{
    const double magnitude = std::fabs(value);
    int decimals = 3;
    if (magnitude >= 1000)
        decimals = 0;
    else if (magnitude >= 100)
        decimals = 1;
    else if (magnitude >= 10)
        decimals = 2;
    else if (magnitude > 0 && magnitude < 0.01)
        decimals = 5;
    return formatNumber(value, decimals);
}

QString displayPath(const QString& path)
{
    const QString home = QDir::homePath();
    if (home.isEmpty() || home == QStringLiteral("/"))
        return path;
    if (path == home)
        return QStringLiteral("~");
    if (path.startsWith(home + QLatin1Char('/')))
        return QStringLiteral("~") + path.mid(home.size());
    return path;
}
