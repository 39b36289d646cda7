#pragma once

#include "shared/chartmarkers.h"
#include "shared/chartpoint.h"

#include "roofline/model/hardware.h"

#include <QChartView>
#include <QPen>
#include <QPixmap>
#include <QSet>

#include <optional>
#include <map>
#include <set>
#include <vector>

class QLogValueAxis;

// The one roofline chart of the app: log-log arithmetic intensity [FLOP/byte] against throughput [TFLOP/s].
// Roofs (the memory slope meeting a flat compute roof) come from QtCharts line series; the kernel points, the
// prediction→measurement lines, the highlight and the ridge mark are painted over them in drawForeground, so
// ten thousand points cost one paint pass instead of ten thousand graphics items.
class RooflineChart : public QChartView
{
    Q_OBJECT
public:
    explicit RooflineChart(QWidget* parent = nullptr);

    void setHardware(const std::optional<roofline::HardwareSpec>& hardware);
    const std::optional<roofline::HardwareSpec>& hardware() const { return m_hardware; }
    // Drawn strongest, with its ridge point marked.
    void setSelectedPrecision(std::optional<roofline::Precision> precision);
    std::optional<roofline::Precision> selectedPrecision() const { return m_selected; }
    // The kernels whose efficiency factors give the realistic roofs of the selected precision.
    void setRealisticKernels(const std::set<roofline::KernelType>& kernels);
    void setShowIdealRoofs(bool show);
    void setShowRealisticRoofs(bool show);
    // Off: roofs only for the selected precision, those the points use and these (a plan's, before it ran).
    void setShowAllPrecisions(bool show);
    void setRoofPrecisions(const std::set<roofline::Precision>& precisions);
    bool showIdealRoofs() const { return m_showIdeal; }
    bool showRealisticRoofs() const { return m_showRealistic; }
    bool showAllPrecisions() const { return m_showAllPrecisions; }

    // The legend's names for the two kinds of prediction: "Predicted" (and, for points with a calibrated
    // prediction, "Calibrated") unless set.
    void setPredictionNames(const QString& predicted, const QString& calibrated);

    void setPoints(std::vector<ChartPoint> points);
    const std::vector<ChartPoint>& points() const { return m_points; }
    void setHighlightedIds(const QSet<int>& ids);
    const QSet<int>& highlightedIds() const { return m_highlighted; }

    // Axis ranges after the last fit, for tests and exports: {min, max}.
    QPointF xRange() const;
    QPointF yRange() const;
    // Where a value lands, in viewport coordinates; for tests that hover and click.
    QPointF viewPositionOf(double ai, double tflops) const;
    // The tooltip text under a viewport position ("" for none).
    QString tooltipAt(const QPointF& viewPos) const;

Q_SIGNALS:
    void pointActivated(int id);

protected:
    void drawForeground(QPainter* painter, const QRectF& rect) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Roof {
        roofline::Precision precision;
        double peak_tflops;
        double ridge_ai;
    };
    struct SeriesSpec {
        QString name;
        QPen pen;
        QList<QPointF> points;
        int legendShape = -1; // a QScatterSeries::MarkerShape for the legend-only series
        bool hollow = false;  // legend-only: an outline, no fill
    };
    std::vector<Roof> shownRoofs() const;
    void rebuild();
    void placeLegend();
    void fitAxes(const std::vector<Roof>& roofs);
    QPointF toScene(double ai, double tflops) const;
    const ChartPoint* pointAt(const QPointF& viewPos) const;
    void drawRidge(QPainter* painter) const;

    std::optional<roofline::HardwareSpec> m_hardware;
    std::optional<roofline::Precision> m_selected;
    std::set<roofline::KernelType> m_realisticKernels;
    std::set<roofline::Precision> m_roofPrecisions;
    bool m_showIdeal = true;
    bool m_showRealistic = true;
    bool m_showAllPrecisions = false;
    std::vector<ChartPoint> m_points;
    QString m_predictedName;
    QString m_calibratedName;
    QSet<int> m_highlighted;
    QLogValueAxis* m_axisX = nullptr;
    QLogValueAxis* m_axisY = nullptr;
    int m_hoveredIndex = -1;
    std::vector<QPen> m_seriesPens; // of chart()->series(), to tell whether a rebuild changes anything
    std::vector<bool> m_seriesHollow;
    PointPainter m_pointPainter;
};
