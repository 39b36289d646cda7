#pragma once
// Tokens/s of a model over the decode batch or the context depth: the predicted decode and prefill curves, the
// inputs' point on them, and measured runs (triangles) beside their predictions (circles). Prefill runs
// thousands of tokens/s where decode runs tens: each has its own axis, decode at the left, prefill at the right. Tokens/s has no place
// on the roofline's FLOP/s axes; this chart sits beside it.

#include <QChartView>

#include <optional>
#include <vector>

class TokensRateChart : public QChartView
{
    Q_OBJECT
public:
    struct Point {
        double x = 0;            // batch or context [tokens]
        double tokens_per_s = 0;
    };
    struct Measured {
        double x = 0;
        double measured_tokens_per_s = 0;
        std::optional<double> predicted_tokens_per_s;
        bool prefill = false;    // on the prefill axis (at the right)
    };

    explicit TokensRateChart(QWidget* parent = nullptr);

    // `xTitle`: "Decode batch" or "Context [tokens]"; a log₂ axis for the batch.
    void setCurves(const QString& xTitle, bool logX, std::vector<Point> decode, std::vector<Point> prefill,
                   std::optional<Point> current);
    void setMeasured(std::vector<Measured> measured);

    const std::vector<Point>& decodeCurve() const { return m_decode; }
    const std::vector<Measured>& measured() const { return m_measured; }

private:
    void rebuild();

    QString m_xTitle;
    bool m_logX = false;
    std::vector<Point> m_decode;
    std::vector<Point> m_prefill;
    std::optional<Point> m_current;
    std::vector<Measured> m_measured;
};
