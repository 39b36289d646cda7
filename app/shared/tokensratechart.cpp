#include "shared/tokensratechart.h"

#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

TokensRateChart::TokensRateChart(QWidget* parent)
    : QChartView(new QChart, parent)
{
    setRenderHint(QPainter::Antialiasing);
    chart()->setTitle(tr("Tokens/s"));
    chart()->legend()->setAlignment(Qt::AlignBottom);
    setMinimumSize(240, 200); // the Calculator tab's minimum is the widest of its views': keep this one small
}

void TokensRateChart::setCurves(const QString& xTitle, bool logX, std::vector<Point> decode, std::vector<Point> prefill,
                                std::optional<Point> current)
{
    m_xTitle = xTitle;
    m_logX = logX;
    m_decode = std::move(decode);
    m_prefill = std::move(prefill);
    m_current = current;
    rebuild();
}

void TokensRateChart::setMeasured(std::vector<Measured> measured)
{
    m_measured = std::move(measured);
    rebuild();
}

namespace {

struct Range {
    double min = INFINITY, max = 0;
    void add(double v)
    {
        min = std::min(min, v);
        max = std::max(max, v);
    }
};

QValueAxis* rateAxis(const QString& title, double max, const QColor& color)
{
    auto* axis = new QValueAxis;
    axis->setTitleText(title);
    axis->setLabelFormat(QStringLiteral("%g"));
    axis->setRange(0, max > 0 ? max * 1.1 : 1);
    axis->applyNiceNumbers();
    axis->setLabelsColor(color);
    axis->setTitleBrush(color);
    return axis;
}

} // namespace

void TokensRateChart::rebuild()
{
    QChart* c = chart();
    c->removeAllSeries();
    // removeAxis hands the axis back to its caller: without the delete every rebuild leaked its axes.
    for (QAbstractAxis* axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }

    const QColor decodeColor(0x1f, 0x77, 0xb4), prefillColor(0xd6, 0x60, 0x1a), measuredColor(0x2c, 0xa0, 0x2c);
    Range xs, decodeRates, prefillRates;
    std::vector<std::pair<QAbstractSeries*, bool>> series; // and whether it goes on the prefill axis
    const auto add = [&](QAbstractSeries* s, bool prefill) {
        c->addSeries(s);
        series.emplace_back(s, prefill);
    };
    const auto point = [&](QXYSeries* s, double x, double y, bool prefill) {
        s->append(x, y);
        if (!m_logX || x > 0)
            xs.add(x);
        (prefill ? prefillRates : decodeRates).add(y);
    };
    for (const bool prefill : {false, true}) {
        const std::vector<Point>& points = prefill ? m_prefill : m_decode;
        if (points.empty())
            continue;
        auto* line = new QLineSeries;
        // Short: the chart is small, and the axes say which side is which.
        line->setName(prefill ? tr("Prefill") : tr("Decode"));
        line->setPen(QPen(prefill ? prefillColor : decodeColor, 2, prefill ? Qt::DashLine : Qt::SolidLine));
        line->setPointsVisible(true);
        for (const Point& p : points)
            point(line, p.x, p.tokens_per_s, prefill);
        add(line, prefill);
    }
    if (m_current) {
        auto* here = new QScatterSeries;
        here->setName(tr("Now"));
        here->setMarkerSize(13);
        here->setColor(Qt::black);
        point(here, m_current->x, m_current->tokens_per_s, false);
        add(here, false);
    }
    bool measuredDecodeShown = false;
    for (const bool prefill : {false, true}) {
        auto* measured = new QScatterSeries;
        measured->setName(tr("Measured"));
        measured->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
        measured->setMarkerSize(12);
        measured->setColor(prefill ? prefillColor.darker(130) : measuredColor);
        auto* predicted = new QScatterSeries;
        predicted->setName(tr("Predicted"));
        predicted->setMarkerSize(9);
        predicted->setColor(QColor(0x80, 0x80, 0x80, 140));
        for (const Measured& m : m_measured) {
            if (m.prefill != prefill)
                continue;
            point(measured, m.x, m.measured_tokens_per_s, prefill);
            if (m.predicted_tokens_per_s)
                point(predicted, m.x, *m.predicted_tokens_per_s, prefill);
        }
        if (measured->count() == 0) {
            delete measured;
            delete predicted;
            continue;
        }
        add(predicted, prefill);
        add(measured, prefill);
        // One legend entry each for measured and predicted runs: the prefill ones differ only by their colour.
        if (prefill && measuredDecodeShown) {
            for (QAbstractSeries* twin : {static_cast<QAbstractSeries*>(predicted), static_cast<QAbstractSeries*>(measured)})
                for (QLegendMarker* marker : c->legend()->markers(twin))
                    marker->setVisible(false);
        }
        measuredDecodeShown = measuredDecodeShown || !prefill;
    }
    if (series.empty())
        return;

    QAbstractAxis* x = nullptr;
    if (m_logX) {
        auto* log = new QLogValueAxis;
        log->setBase(2);
        log->setLabelFormat(QStringLiteral("%g"));
        log->setRange(std::max(0.5, xs.min / 1.5), std::max(2.0, xs.max * 1.5));
        x = log;
    } else {
        auto* linear = new QValueAxis;
        linear->setLabelFormat(QStringLiteral("%g"));
        linear->setRange(0, xs.max > 0 ? xs.max * 1.05 : 1);
        linear->applyNiceNumbers();
        x = linear;
    }
    x->setTitleText(m_xTitle);
    c->addAxis(x, Qt::AlignBottom);
    QValueAxis* left = rateAxis(tr("Decode tokens/s"), decodeRates.max, decodeColor);
    c->addAxis(left, Qt::AlignLeft);
    QValueAxis* right = nullptr;
    if (prefillRates.max > 0) {
        right = rateAxis(tr("Prefill tokens/s"), prefillRates.max, prefillColor);
        c->addAxis(right, Qt::AlignRight);
    }
    for (const auto& [s, prefill] : series) {
        s->attachAxis(x);
        s->attachAxis(prefill && right ? right : left);
    }
}
