#include "shared/exporters.h"

#include "shared/textconv.h"

#include "roofline/results/measurements.h"
#include "roofline/results/reports.h"

#include <QAbstractItemModel>
#include <QFontMetrics>
#include <QImageWriter>
#include <QPainter>
#include <QSaveFile>
#include <QWidget>

namespace Exporters {

namespace {
constexpr int kSummaryPadding = 12; // [px] around the summary text
}

int summaryHeight(int width, const QString& summary, const QFont& font)
{
    if (summary.isEmpty())
        return 0;
    const QFontMetrics metrics(font);
    const QRect bounds = metrics.boundingRect(QRect(0, 0, width - 2 * kSummaryPadding, 100000),
                                              Qt::TextWordWrap | Qt::AlignLeft, summary);
    return bounds.height() + 2 * kSummaryPadding;
}

QImage render(QWidget* widget, const QString& summary, qreal scale)
{
    const QSize logical = widget->size();
    const int extra = summaryHeight(logical.width(), summary, widget->font());
    const qreal ratio = widget->devicePixelRatioF() * scale;
    QImage image(QSize(qRound(logical.width() * ratio), qRound((logical.height() + extra) * ratio)),
                 QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(ratio);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    if (extra > 0) {
        painter.setFont(widget->font());
        painter.setPen(Qt::black);
        painter.drawText(QRect(kSummaryPadding, logical.height() + kSummaryPadding,
                               logical.width() - 2 * kSummaryPadding, extra - 2 * kSummaryPadding),
                         Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, summary);
    }
    painter.end();
    return image;
}

QString writePng(const QImage& image, const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return file.errorString();
    QImageWriter writer(&file, "png");
    if (!writer.write(image))
        return writer.errorString();
    if (!file.commit())
        return file.errorString();
    return {};
}

QString writeText(const QString& path, std::string_view content)
{
    try {
        roofline::write_file_atomically(path.toStdString(), content);
    } catch (const std::exception& e) {
        return toQString(e.what());
    }
    return {};
}

std::string modelToCsv(const QAbstractItemModel& model)
{
    std::string out;
    std::vector<std::string> fields;
    for (int c = 0; c < model.columnCount(); ++c)
        fields.push_back(model.headerData(c, Qt::Horizontal).toString().toStdString());
    out += roofline::csv_record(fields);
    for (int r = 0; r < model.rowCount(); ++r) {
        fields.clear();
        for (int c = 0; c < model.columnCount(); ++c)
            fields.push_back(model.data(model.index(r, c)).toString().toStdString());
        out += roofline::csv_record(fields);
    }
    return out;
}

} // namespace Exporters
