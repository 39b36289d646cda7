#include "shared/rooflinechart.h"

#include "shared/precisioncolors.h"
#include "shared/rooflinegeometry.h"
#include "shared/textconv.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QFontMetricsF>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QtMath>
#include <QScatterSeries>
#include <QToolTip>

#include <algorithm>
#include <map>
#include <cmath>

namespace {

constexpr qreal kHitSlack = 3;            // [px] beyond the marker that still counts as hovering it

QString precisionName(roofline::Precision p)
{
    return toQString(roofline::to_string(p));
}

} // namespace

RooflineChart::RooflineChart(QWidget* parent)
    : QChartView(new QChart, parent)
    , m_axisX(new QLogValueAxis(this))
    , m_axisY(new QLogValueAxis(this))
{
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setMinimumSize(360, 280);

    QChart* c = chart();
    c->setAnimationOptions(QChart::NoAnimation);
    c->setMargins(QMargins(4, 4, 8, 4));
    c->legend()->setAlignment(Qt::AlignBottom);
    c->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
    QFont titleFont = c->titleFont();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.05);
    titleFont.setBold(true);
    c->setTitleFont(titleFont);

    for (QLogValueAxis* axis : {m_axisX, m_axisY}) {
        axis->setBase(10.0);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setMinorTickCount(8);
        QPen minor = axis->minorGridLinePen();
        minor.setColor(QColor(0, 0, 0, 18));
        axis->setMinorGridLinePen(minor);
    }
    m_axisX->setTitleText(tr("Arithmetic intensity [FLOP/byte]"));
    m_axisY->setTitleText(tr("Performance [TFLOP/s]"));
    c->addAxis(m_axisX, Qt::AlignBottom);
    c->addAxis(m_axisY, Qt::AlignLeft);
    rebuild();
}

void RooflineChart::setHardware(const std::optional<roofline::HardwareSpec>& hardware)
{
    m_hardware = hardware;
    if (m_selected && m_hardware && !m_hardware->peak_tflops_for(*m_selected))
        m_selected.reset();
    rebuild();
}

void RooflineChart::setSelectedPrecision(std::optional<roofline::Precision> precision)
{
    if (m_selected == precision)
        return;
    m_selected = precision;
    rebuild();
}

void RooflineChart::setRealisticKernels(const std::set<roofline::KernelType>& kernels)
{
    if (m_realisticKernels == kernels)
        return;
    m_realisticKernels = kernels;
    rebuild();
}

void RooflineChart::setShowIdealRoofs(bool show)
{
    m_showIdeal = show;
    rebuild();
}

void RooflineChart::setShowRealisticRoofs(bool show)
{
    m_showRealistic = show;
    rebuild();
}

void RooflineChart::setShowAllPrecisions(bool show)
{
    m_showAllPrecisions = show;
    rebuild();
}

void RooflineChart::setRoofPrecisions(const std::set<roofline::Precision>& precisions)
{
    if (m_roofPrecisions == precisions)
        return;
    m_roofPrecisions = precisions;
    rebuild();
}

void RooflineChart::setPredictionNames(const QString& predicted, const QString& calibrated)
{
    if (m_predictedName == predicted && m_calibratedName == calibrated)
        return;
    m_predictedName = predicted;
    m_calibratedName = calibrated;
    rebuild();
}

void RooflineChart::setPoints(std::vector<ChartPoint> points)
{
    m_points = std::move(points);
    m_hoveredIndex = -1;
    rebuild();
}

void RooflineChart::setHighlightedIds(const QSet<int>& ids)
{
    m_highlighted = ids;
    viewport()->update();
}

std::vector<RooflineChart::Roof> RooflineChart::shownRoofs() const
{
    std::vector<Roof> roofs;
    if (!m_hardware)
        return roofs;
    std::set<roofline::Precision> used = m_roofPrecisions;
    for (const ChartPoint& p : m_points)
        used.insert(p.precision);
    for (roofline::Precision p : m_hardware->precisions()) {
        const bool wanted = m_showAllPrecisions || used.count(p) || m_selected == p;
        const auto peak = m_hardware->peak_tflops_for(p);
        const auto ridge = m_hardware->critical_ai(p);
        if (wanted && peak && ridge && *peak > 0)
            roofs.push_back({p, *peak, *ridge});
    }
    // The selected roof last, so it is drawn on top of the others where they share the memory slope.
    std::stable_partition(roofs.begin(), roofs.end(), [this](const Roof& r) { return r.precision != m_selected; });
    return roofs;
}

void RooflineChart::fitAxes(const std::vector<Roof>& roofs)
{
    std::vector<QPointF> knees;
    for (const Roof& r : roofs)
        knees.emplace_back(r.ridge_ai, r.peak_tflops);
    const AxisRanges range = fitAxisRanges(m_points, knees, m_hardware ? m_hardware->peak_bandwidth_gb_s : 0);
    // A hair outside the decades: QLogValueAxis drops the label of an end tick that rounding puts outside.
    m_axisX->setRange(range.xMin * 0.9999, range.xMax * 1.0001);
    m_axisY->setRange(range.yMin * 0.9999, range.yMax * 1.0001);
}

void RooflineChart::rebuild()
{
    QChart* c = chart();
    const std::vector<Roof> roofs = shownRoofs();
    fitAxes(roofs);
    const QString title = m_hardware ? toQString(m_hardware->name) : tr("No hardware selected");
    if (c->title() != title)
        c->setTitle(title);

    std::vector<SeriesSpec> specs;
    const double xMin = m_axisX->min();
    const double xMax = m_axisX->max();
    for (const Roof& roof : roofs) {
        const bool selected = roof.precision == m_selected;
        const QColor color = precisionColor(roof.precision);
        const double bw = m_hardware->peak_bandwidth_gb_s;
        auto roofLine = [&](double factor) {
            const double knee = std::clamp(roof.ridge_ai, xMin, xMax);
            return QList<QPointF>{{xMin, attainable(xMin, bw, roof.peak_tflops) * factor},
                                  {knee, attainable(knee, bw, roof.peak_tflops) * factor},
                                  {xMax, roof.peak_tflops * factor}};
        };
        if (m_showIdeal) {
            QPen pen(selected ? color : QColor(color.red(), color.green(), color.blue(), 150));
            pen.setWidthF(selected ? 3.0 : 1.5);
            specs.push_back({precisionName(roof.precision) + QStringLiteral(" ") + formatSignificant(roof.peak_tflops)
                                 + QStringLiteral(" TFLOPS"),
                             pen, roofLine(1.0), -1});
        }
        if (m_showRealistic && selected) {
            for (roofline::KernelType kernel : m_realisticKernels) {
                const auto factor = m_hardware->efficiency(kernel, roof.precision);
                if (!factor)
                    continue;
                specs.push_back({precisionName(roof.precision) + QStringLiteral(" ") + toQString(roofline::to_string(kernel))
                                     + QStringLiteral(" realistic ×") + formatNumber(*factor, 3),
                                 QPen(color, 2.0, kernel == roofline::KernelType::GEMV ? Qt::DotLine : Qt::DashLine),
                                 roofLine(*factor), -1});
            }
        }
    }
    // Empty series that only put the marker shapes into the legend; the points themselves are painted.
    const bool calibrated = std::any_of(m_points.begin(), m_points.end(),
                                        [](const ChartPoint& p) { return p.calibrated_tflops.has_value(); });
    if (std::any_of(m_points.begin(), m_points.end(), [](const ChartPoint& p) { return p.predicted_tflops.has_value(); }))
        specs.push_back({m_predictedName.isEmpty() ? tr("Predicted") : m_predictedName, QPen(), {},
                         QScatterSeries::MarkerShapeCircle, calibrated});
    if (calibrated)
        specs.push_back({m_calibratedName.isEmpty() ? tr("Calibrated") : m_calibratedName, QPen(), {},
                         QScatterSeries::MarkerShapeCircle, false});
    if (std::any_of(m_points.begin(), m_points.end(), [](const ChartPoint& p) { return p.measured_tflops.has_value(); }))
        specs.push_back({tr("Measured"), QPen(), {}, QScatterSeries::MarkerShapeTriangle});

    // Points arrive one case at a time during a run: when the roofs stay the same, move their ends instead of
    // rebuilding every series and the legend.
    const QList<QAbstractSeries*> current = c->series();
    bool same = current.size() == static_cast<qsizetype>(specs.size());
    for (std::size_t i = 0; same && i < specs.size(); ++i)
        same = specs[i].name == current[static_cast<qsizetype>(i)]->name() && specs[i].pen == m_seriesPens[i]
            && specs[i].hollow == m_seriesHollow[i];
    if (same) {
        for (std::size_t i = 0; i < specs.size(); ++i) {
            auto* series = static_cast<QXYSeries*>(current[static_cast<qsizetype>(i)]);
            if (specs[i].legendShape < 0 && series->points() != specs[i].points)
                series->replace(specs[i].points);
        }
        viewport()->update();
        return;
    }

    c->removeAllSeries();
    m_seriesPens.clear();
    m_seriesHollow.clear();
    for (const SeriesSpec& spec : specs) {
        QXYSeries* series = nullptr;
        if (spec.legendShape >= 0) {
            auto* scatter = new QScatterSeries;
            scatter->setMarkerShape(static_cast<QScatterSeries::MarkerShape>(spec.legendShape));
            scatter->setMarkerSize(11);
            scatter->setColor(spec.hollow ? QColor(Qt::transparent) : QColor(0x70, 0x70, 0x70));
            scatter->setBorderColor(QColor(0x40, 0x40, 0x40));
            if (spec.hollow) {
                QPen outline(QColor(0x40, 0x40, 0x40), 1.6);
                scatter->setPen(outline);
            }
            series = scatter;
        } else {
            auto* line = new QLineSeries;
            line->append(spec.points);
            line->setPen(spec.pen);
            series = line;
        }
        series->setName(spec.name);
        c->addSeries(series);
        series->attachAxis(m_axisX);
        series->attachAxis(m_axisY);
        m_seriesPens.push_back(spec.pen);
        m_seriesHollow.push_back(spec.hollow);
    }
    c->legend()->setVisible(!specs.empty());
    placeLegend();
    viewport()->update();
}

void RooflineChart::placeLegend()
{
    // QtCharts elides legend labels that do not fit in one row instead of wrapping them; below the plot when
    // they fit, to its right (one per line) when they do not.
    QLegend* legend = chart()->legend();
    const QFontMetricsF metrics(legend->font());
    qreal needed = 0;
    for (QAbstractSeries* series : chart()->series())
        needed += metrics.horizontalAdvance(series->name()) + 3.5 * metrics.height();
    const Qt::Alignment alignment = needed > width() - 40 ? Qt::AlignRight : Qt::AlignBottom;
    if (legend->alignment() != alignment)
        legend->setAlignment(alignment);
}

void RooflineChart::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    placeLegend();
}

QPointF RooflineChart::xRange() const
{
    return {m_axisX->min(), m_axisX->max()};
}

QPointF RooflineChart::yRange() const
{
    return {m_axisY->min(), m_axisY->max()};
}

QPointF RooflineChart::toScene(double ai, double tflops) const
{
    const QRectF plot = chart()->plotArea();
    const double lx0 = std::log10(m_axisX->min()), lx1 = std::log10(m_axisX->max());
    const double ly0 = std::log10(m_axisY->min()), ly1 = std::log10(m_axisY->max());
    const double fx = (std::log10(ai) - lx0) / (lx1 - lx0);
    const double fy = (std::log10(tflops) - ly0) / (ly1 - ly0);
    return chart()->mapToScene(QPointF(plot.left() + fx * plot.width(), plot.bottom() - fy * plot.height()));
}

QPointF RooflineChart::viewPositionOf(double ai, double tflops) const
{
    return mapFromScene(toScene(ai, tflops));
}

const ChartPoint* RooflineChart::pointAt(const QPointF& viewPos) const
{
    const ChartPoint* best = nullptr;
    double bestDistance = INFINITY;
    for (const ChartPoint& p : m_points) {
        const double reach = p.radius() + kHitSlack;
        for (const auto& value : {p.predicted_tflops, p.calibrated_tflops, p.measured_tflops}) {
            if (!value || *value <= 0)
                continue;
            const QPointF d = viewPositionOf(p.ai, *value) - viewPos;
            const double distance = std::hypot(d.x(), d.y());
            if (distance <= reach && distance < bestDistance) {
                bestDistance = distance;
                best = &p;
            }
        }
    }
    return best;
}

QString RooflineChart::tooltipAt(const QPointF& viewPos) const
{
    const ChartPoint* p = pointAt(viewPos);
    return p ? p->tooltip : QString();
}

void RooflineChart::drawForeground(QPainter* painter, const QRectF& rect)
{
    QChartView::drawForeground(painter, rect);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF plot = chart()->mapRectToScene(chart()->plotArea());
    painter->setClipRect(plot.adjusted(-kPointRadius, -kPointRadius, kPointRadius, kPointRadius));
    drawRidge(painter);
    m_pointPainter.draw(painter, m_points, m_highlighted, m_hoveredIndex,
                        [this](double ai, double tflops) { return toScene(ai, tflops); });
    painter->restore();
}

void RooflineChart::drawRidge(QPainter* painter) const
{
    if (!m_hardware || !m_selected || !(m_showIdeal || m_showRealistic))
        return;
    const auto peak = m_hardware->peak_tflops_for(*m_selected);
    const auto ridge = m_hardware->critical_ai(*m_selected);
    if (!peak || !ridge || *ridge <= m_axisX->min() || *ridge >= m_axisX->max())
        return;
    PointPainter::drawRidge(painter, toScene(*ridge, *peak), precisionColor(*m_selected).darker(130),
                            tr("ridge %1 FLOP/B").arg(formatSignificant(*ridge)));
}

void RooflineChart::mouseMoveEvent(QMouseEvent* event)
{
    QChartView::mouseMoveEvent(event);
    const ChartPoint* p = pointAt(event->position());
    const int index = p ? static_cast<int>(p - m_points.data()) : -1;
    if (index != m_hoveredIndex) {
        m_hoveredIndex = index;
        viewport()->update();
    }
    if (p)
        QToolTip::showText(event->globalPosition().toPoint(), p->tooltip, viewport());
    else
        QToolTip::hideText();
}

void RooflineChart::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        if (const ChartPoint* p = pointAt(event->position()); p && p->id >= 0) {
            Q_EMIT pointActivated(p->id);
            return;
        }
    }
    QChartView::mousePressEvent(event);
}

void RooflineChart::leaveEvent(QEvent* event)
{
    if (m_hoveredIndex >= 0) {
        m_hoveredIndex = -1;
        viewport()->update();
    }
    QChartView::leaveEvent(event);
}
