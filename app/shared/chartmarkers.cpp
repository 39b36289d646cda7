#include "shared/chartmarkers.h"

#include "shared/precisioncolors.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QtMath>

#include <cmath>

namespace {

QPolygonF triangle(const QPointF& center, qreal radius)
{
    const qreal h = radius * 1.15;
    return QPolygonF({QPointF(center.x(), center.y() - h), QPointF(center.x() + h, center.y() + h * 0.8),
                      QPointF(center.x() - h, center.y() + h * 0.8)});
}

QPolygonF diamond(const QPointF& center, qreal radius)
{
    return QPolygonF({QPointF(center.x(), center.y() - radius), QPointF(center.x() + radius, center.y()),
                      QPointF(center.x(), center.y() + radius), QPointF(center.x() - radius, center.y())});
}

} // namespace

QPixmap PointPainter::sprite(roofline::Precision precision, Marker marker, qreal radius, qreal dpr) const
{
    // Radii in quarter pixels: a model's kernels come in a few dozen sizes, not one sprite each.
    const quint64 quarters = static_cast<quint64>(std::lround(radius * 4)) & 0xFFFF;
    const quint64 key = (static_cast<quint64>(precision) << 44) | (static_cast<quint64>(marker) << 40) | (quarters << 20)
        | static_cast<quint64>(std::lround(dpr * 1000));
    if (const auto it = m_cache.find(key); it != m_cache.end())
        return it->second;
    const qreal r = static_cast<qreal>(quarters) / 4;
    const qreal side = 2 * r + 6; // [px] room for the outline
    QPixmap sprite(QSize(qCeil(side * dpr), qCeil(side * dpr)));
    sprite.setDevicePixelRatio(dpr);
    sprite.fill(Qt::transparent);
    QPainter p(&sprite);
    p.setRenderHint(QPainter::Antialiasing);
    const QPointF center(side / 2, side / 2);
    const QColor color = precisionColor(precision);
    switch (marker) {
    case Marker::Measured:
        p.setPen(QPen(color.darker(150), 1.0));
        p.setBrush(color);
        p.drawPolygon(triangle(center, r));
        break;
    case Marker::Predicted: {
        QColor fill = color;
        fill.setAlpha(110);
        p.setPen(QPen(color, 1.6));
        p.setBrush(fill);
        p.drawEllipse(center, r, r);
        break;
    }
    case Marker::Hollow:
        // The datasheet's prediction beside a calibrated one: an outline, so the filled circle reads as the answer.
        p.setPen(QPen(color, 1.8));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(center, r - 0.4, r - 0.4);
        break;
    case Marker::Calibrated:
        p.setPen(QPen(color.darker(140), 1.2));
        p.setBrush(color);
        p.drawEllipse(center, r, r);
        break;
    }
    p.end();
    m_cache.emplace(key, sprite);
    return sprite;
}

void PointPainter::draw(QPainter* painter, const std::vector<ChartPoint>& points, const QSet<int>& highlighted,
                        int hoveredIndex, const ToScene& toScene) const
{
    if (points.empty())
        return;
    // Thousands of points: each marker is a pre-rendered sprite (one blit instead of an antialiased path),
    // and the prediction→measurement lines, which are vertical (same intensity), are batched per colour. With a
    // calibrated prediction the line starts there: it is the error that is left.
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    auto lineStart = [](const ChartPoint& p) { return p.calibrated_tflops ? p.calibrated_tflops : p.predicted_tflops; };
    std::map<roofline::Precision, QVector<QLineF>> lines;
    for (const ChartPoint& p : points) {
        if (const auto from = lineStart(p); from && p.measured_tflops && !highlighted.contains(p.id))
            lines[p.precision].append(QLineF(toScene(p.ai, *from), toScene(p.ai, *p.measured_tflops)));
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    for (const auto& [precision, segments] : lines) {
        QColor color = precisionColor(precision);
        color.setAlpha(150);
        painter->setPen(QPen(color, 1.0));
        painter->drawLines(segments);
    }
    painter->restore();
    for (const ChartPoint& p : points) {
        if (const auto from = lineStart(p); from && p.measured_tflops && highlighted.contains(p.id)) {
            painter->setPen(QPen(precisionColor(p.precision), 2.0));
            painter->drawLine(toScene(p.ai, *from), toScene(p.ai, *p.measured_tflops));
        }
    }
    // Predictions, then measurements over them; a datasheet prediction beside a calibrated one is an outline,
    // drawn last so that it shows even where the filled markers crowd.
    for (const Marker kind : {Marker::Predicted, Marker::Calibrated, Marker::Measured, Marker::Hollow}) {
        for (const ChartPoint& p : points) {
            std::optional<double> value;
            switch (kind) {
            case Marker::Predicted: value = p.calibrated_tflops ? std::nullopt : p.predicted_tflops; break;
            case Marker::Hollow: value = p.calibrated_tflops ? p.predicted_tflops : std::nullopt; break;
            case Marker::Calibrated: value = p.calibrated_tflops; break;
            case Marker::Measured: value = p.measured_tflops; break;
            }
            if (!value)
                continue;
            const QPixmap marker = sprite(p.precision, kind, p.radius(), dpr);
            const QSizeF half = QSizeF(marker.size()) / (2 * dpr);
            painter->drawPixmap(toScene(p.ai, *value) - QPointF(half.width(), half.height()), marker);
        }
    }
    if (highlighted.isEmpty() && hoveredIndex < 0)
        return;
    painter->setBrush(Qt::NoBrush);
    for (int i = 0; i < static_cast<int>(points.size()); ++i) {
        const ChartPoint& p = points[static_cast<std::size_t>(i)];
        const bool ringed = highlighted.contains(p.id);
        if (!ringed && i != hoveredIndex)
            continue;
        painter->setPen(QPen(ringed ? QColor(Qt::black) : QColor(0x60, 0x60, 0x60), 2.0));
        const qreal r = p.radius() + 4;
        for (const auto& value : {p.predicted_tflops, p.calibrated_tflops, p.measured_tflops}) {
            if (value)
                painter->drawEllipse(toScene(p.ai, *value), r, r);
        }
    }
}

void PointPainter::drawRidge(QPainter* painter, const QPointF& at, const QColor& color, const QString& label)
{
    painter->setPen(QPen(Qt::white, 1.5));
    painter->setBrush(color);
    painter->drawPolygon(diamond(at, 6));
    QFont font = painter->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    painter->setFont(font);
    painter->setPen(color);
    // Above and left of the knee: the slope runs below that corner and the roofs to its right, so it stays clear.
    const QFontMetricsF metrics(font);
    painter->drawText(at + QPointF(-metrics.horizontalAdvance(label) - 10, -6), label);
}
