#pragma once

#include "shared/chartpoint.h"

#include <QColor>
#include <QPixmap>
#include <QPointF>
#include <QSet>
#include <QString>

#include <functional>
#include <map>
#include <vector>

class QPainter;

constexpr qreal kPointRadius = 5.5;      // [px]
constexpr qreal kSmallPointRadius = 3.5; // [px] a sweep point

// How the roofline chart paints its points over the plot: pre-rendered marker sprites by precision, kind and size
// (thousands of points: one blit each instead of an antialiased path), the prediction→measurement lines, and the
// rings of highlighted and hovered points; and the ridge diamond with its label.
class PointPainter
{
public:
    using ToScene = std::function<QPointF(double ai, double tflops)>; // [FLOP/byte], [TFLOP/s] → scene position

    // `hoveredIndex`: an index into `points`, -1 for none.
    void draw(QPainter* painter, const std::vector<ChartPoint>& points, const QSet<int>& highlighted, int hoveredIndex,
              const ToScene& toScene) const;
    static void drawRidge(QPainter* painter, const QPointF& at, const QColor& color, const QString& label);

private:
    enum class Marker { Predicted, Hollow, Calibrated, Measured };
    QPixmap sprite(roofline::Precision precision, Marker marker, qreal radius, qreal dpr) const;

    mutable std::map<quint64, QPixmap> m_cache; // sprites by precision, marker, radius and pixel ratio
};
