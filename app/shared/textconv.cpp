#include "shared/textconv.h"

#include "roofline/support/number_format.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <QLocale>

#include <algorithm>
#include <cmath>

QString formatCount(double value)
{
    return QLocale(QLocale::English).toString(std::round(value), 'f', 0);
}

QString formatBytes(uint64_t bytes)
{
    if (bytes == 0)
        return QStringLiteral("—");
    if (bytes >= (1ull << 30))
        return formatNumber(static_cast<double>(bytes) / (1ull << 30), 1) + QStringLiteral(" GiB");
    return formatNumber(static_cast<double>(bytes) / (1ull << 20), 1) + QStringLiteral(" MiB");
}

QString formatDuration(double seconds)
{
    if (seconds < 60)
        return QCoreApplication::translate("BenchmarkTab", "%1 s").arg(std::max(1, static_cast<int>(std::lround(seconds))));
    const int minutes = static_cast<int>(seconds / 60);
    return QCoreApplication::translate("BenchmarkTab", "%1 min %2 s").arg(minutes).arg(static_cast<int>(seconds) % 60);
}

QString countOf(qsizetype n, const QString& one, const QString& many)
{
    return QString::number(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

QString formatSignificant(double value)
{
    return toQString(roofline::format_significant(value));
}

QString sourceName(const std::string& source)
{
    QStringList names;
    for (const QString& part : toQString(source).split(QStringLiteral(", "), Qt::SkipEmptyParts))
        names << QFileInfo(part).fileName();
    return names.join(QStringLiteral(" + "));
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
