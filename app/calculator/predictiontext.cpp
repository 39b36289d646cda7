#include "calculator/predictiontext.h"

#include "shared/textconv.h"

#include "roofline/results/reports.h"

#include <QStringList>

QString PredictionText::kernelTitle(roofline::KernelType k)
{
    switch (k) {
    case roofline::KernelType::GEMV: return tr("GEMV  (y = W·x)");
    case roofline::KernelType::GEMM: return tr("GEMM  (C = A·B)");
    case roofline::KernelType::Attention: return tr("Attention  (softmax(QKᵀ)·V)");
    case roofline::KernelType::FFN: return tr("FFN  (transformer MLP)");
    case roofline::KernelType::RMSNorm: return tr("RMSNorm");
    case roofline::KernelType::RoPE: return tr("RoPE  (rotary embedding)");
    case roofline::KernelType::Residual: return tr("Residual add");
    case roofline::KernelType::Activation: return tr("Activation  (SiLU·mul, GELU)");
    case roofline::KernelType::TopK: return tr("Top-k routing");
    case roofline::KernelType::Embedding: return tr("Embedding gather");
    case roofline::KernelType::GroupedGEMM: return tr("Grouped GEMM  (MoE experts)");
    }
    return {};
}

QString PredictionText::bottleneck(roofline::Bottleneck bottleneck)
{
    switch (bottleneck) {
    case roofline::Bottleneck::Memory: return tr("memory bandwidth");
    case roofline::Bottleneck::Compute: return tr("compute");
    case roofline::Bottleneck::Latency: return tr("launch latency");
    }
    return {};
}

QString PredictionText::breakdownHtml(const roofline::Prediction& p)
{
    // Units stay on the line of their number ("3350 GB/s" never breaks after the slash).
    auto keepTogether = [](QString text) {
        text.replace(QStringLiteral("/s"), QStringLiteral("/\u2060s"));
        for (const char* unit : {" µs", " GB", " MB", " TFLOP", " GFLOP", " SMs"})
            text.replace(QString::fromUtf8(unit), QStringLiteral("\u00a0") + QString::fromUtf8(unit + 1));
        return text;
    };
    QStringList terms;
    for (const roofline::Term& t : p.breakdown) {
        QString line = QStringLiteral("<b>") + toQString(t.name + " " + roofline::format_number(t.time_us, 2)).toHtmlEscaped()
            + QStringLiteral("&nbsp;µs</b>");
        if (!t.detail.empty())
            line += QStringLiteral(": ") + keepTogether(toQString(t.detail)).toHtmlEscaped();
        terms << line;
    }
    return terms.join(QStringLiteral("<br>"));
}

QString PredictionText::efficiency(const roofline::Prediction& p)
{
    QString text = QStringLiteral("×") + formatNumber(p.efficiency_factor, 3);
    if (p.mode == roofline::Mode::Realistic && !p.efficiency_from_table)
        text += tr("  (no factor in the profile for this kernel and precision)");
    else if (p.faster_than_roofline)
        text += tr("  (above 1: measured faster than the roofline)");
    return text;
}

std::string PredictionText::csv(const std::string& hardwareKey, const std::vector<CsvRow>& rows)
{
    using roofline::format_number;
    std::string out = roofline::csv_record({"row", "hardware", "kernel", "shape", "precision", "mode", "predicted_time_us",
                                            "predicted_tflops", "effective_tflops", "ai", "critical_ai", "bottleneck",
                                            "efficiency_factor", "flops", "bytes"});
    for (const CsvRow& r : rows) {
        const roofline::Prediction& p = r.prediction;
        out += roofline::csv_record({r.sweep ? "sweep" : "prediction", hardwareKey,
                                     std::string(roofline::to_string(roofline::kernel_of(r.shape))),
                                     roofline::format_shape(r.shape), std::string(roofline::to_string(r.precision)),
                                     std::string(roofline::to_string(p.mode)), format_number(p.predicted_time_us),
                                     format_number(p.predicted_tflops, 4), format_number(p.effective_tflops, 4),
                                     format_number(p.ai, 4), format_number(p.critical_ai, 4),
                                     std::string(roofline::to_string(p.bottleneck)), format_number(p.efficiency_factor, 4),
                                     format_number(static_cast<double>(p.flops), 0), format_number(p.bytes, 0)});
    }
    return out;
}
