#pragma once

#include <QImage>
#include <QString>

#include <string_view>

class QAbstractItemModel;
class QWidget;

namespace Exporters {

// Height [logical px] of the summary block under the chart in an exported image; 0 for no summary.
int summaryHeight(int width, const QString& summary, const QFont& font);

// The widget as shown (the chart with its legend), the summary text below it, at `scale` × device pixels:
// a 900×600 chart on a 1× screen becomes 1800×(1200 + 2 × summary) pixels.
QImage render(QWidget* widget, const QString& summary, qreal scale = 2.0);

// Each returns an empty string on success, else why it failed (for the message box).
QString writePng(const QImage& image, const QString& path);
QString writeText(const QString& path, std::string_view content);

// Header then every row of the model's display text, as RFC 4180 CSV (roofline::csv_record).
std::string modelToCsv(const QAbstractItemModel& model);

} // namespace Exporters
