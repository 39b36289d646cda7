#include "model/stepresultbox.h"

#include "shared/resultlabels.h"
#include "shared/textconv.h"

#include <QFormLayout>
#include <QLabel>
#include <QProgressBar>

#include <algorithm>
#include <cmath>

namespace {

QString gb(double bytes)
{
    return formatNumber(bytes / 1e9, 2) + QStringLiteral(" GB");
}

QString ms(double us)
{
    return formatNumber(us / 1e3, 3) + QStringLiteral(" ms");
}

} // namespace

StepResultBox::StepResultBox(QWidget* parent)
    : QGroupBox(tr("Prediction"), parent)
    , m_decodeRate(valueLabel(QStringLiteral("decode_tokens_per_s"), this))
    , m_tpot(valueLabel(QStringLiteral("tpot"), this))
    , m_prefillRate(valueLabel(QStringLiteral("prefill_tokens_per_s"), this))
    , m_ttft(valueLabel(QStringLiteral("ttft"), this))
    , m_computeBound(valueLabel(QStringLiteral("compute_bound_batch"), this))
    , m_memoryBar(new QProgressBar(this))
    , m_memoryText(valueLabel(QStringLiteral("memory_text"), this))
    , m_notes(valueLabel(QStringLiteral("notes"), this))
    , m_error(errorLabel(QStringLiteral("model_error"), this))
{
    auto* form = new QFormLayout(this);
    QFont big = m_decodeRate->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_decodeRate->setFont(big);
    form->addRow(tr("Decode"), m_decodeRate);
    form->addRow(tr("TPOT"), m_tpot);
    form->addRow(tr("Prefill"), m_prefillRate);
    form->addRow(tr("TTFT"), m_ttft);
    m_computeBound->setWordWrap(true);
    form->addRow(tr("Compute-bound"), m_computeBound);
    m_memoryBar->setObjectName(QStringLiteral("memoryFit"));
    m_memoryBar->setRange(0, 1000);
    m_memoryBar->setTextVisible(true);
    form->addRow(tr("Memory"), m_memoryBar);
    m_memoryText->setWordWrap(true);
    form->addRow(m_memoryText);
    m_notes->setWordWrap(true);
    m_notes->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(m_notes);
    form->addRow(m_error);
}

void StepResultBox::showPrediction(const roofline::StepPrediction& p)
{
    hideError();
    const roofline::PhasePrediction& decode = *p.decode;
    const roofline::PhasePrediction& prefill = *p.prefill;
    m_decodeRate->setText(tr("%1 tokens/s").arg(formatNumber(decode.tokens_per_s, 1))
                          + (decode.workload.batch > 1 ? tr(" (%1 sequences)").arg(decode.workload.batch) : QString()));
    m_tpot->setText(ms(*p.tpot_us) + tr(" at depth %1").arg(decode.workload.depth));
    m_prefillRate->setText(tr("%1 tokens/s").arg(formatNumber(prefill.tokens_per_s, 1)));
    m_ttft->setText(ms(*p.ttft_us));
    m_computeBound->setText(p.compute_bound_batch ? tr("decode from batch %1").arg(*p.compute_bound_batch)
                                                  : tr("decode never (up to batch 1,048,576)"));

    const roofline::MemoryEstimate& m = p.memory;
    const QString parts = tr("weights %1 + KV cache %2 + activations %3 + workspace %4 = %5")
                              .arg(gb(m.weight_bytes), gb(m.kv_cache_bytes), gb(m.activation_bytes), gb(m.workspace_bytes),
                                   gb(m.total_bytes()));
    if (m.device_bytes) {
        const double used = m.total_bytes() / *m.device_bytes;
        m_memoryBar->setValue(static_cast<int>(std::lround(std::min(used, 1.0) * 1000)));
        m_memoryBar->setFormat(tr("%1 of %2 (%3 %)").arg(gb(m.total_bytes()), gb(*m.device_bytes), formatNumber(100 * used, 0)));
        m_memoryText->setText(parts + (m.fits() ? tr(": fits")
                                                : tr(": does not fit — %1 more than the device has").arg(gb(m.total_bytes() - *m.device_bytes))));
    } else {
        m_memoryBar->setValue(0);
        m_memoryBar->setFormat(tr("the profile has no memory_gb"));
        m_memoryText->setText(parts + tr(": fit unknown"));
    }
    m_memoryBar->setStyleSheet(m.fits() ? QString() : QStringLiteral("QProgressBar::chunk { background: #c62828; }"));
    m_memoryText->setStyleSheet(m.fits() ? QString() : QStringLiteral("color: #b00020; font-weight: bold;"));
    QStringList notes;
    notes << tr("Launch gap: %1 µs a kernel, %2").arg(formatNumber(p.gap.us, 2), toQString(p.gap.source));
    for (const std::string& n : p.notes)
        notes << toQString(n);
    m_notes->setText(notes.join(QLatin1Char('\n')));
}

void StepResultBox::clear(const QString& why)
{
    showError(why);
    for (QLabel* label : {m_decodeRate, m_prefillRate, m_ttft, m_tpot, m_computeBound, m_memoryText, m_notes})
        label->setText(QStringLiteral("—"));
    m_memoryBar->setValue(0);
    m_memoryBar->setFormat(QString());
}

void StepResultBox::showError(const QString& why)
{
    m_error->setText(why);
    m_error->show();
}

void StepResultBox::hideError()
{
    m_error->hide();
}

QString StepResultBox::errorText() const
{
    return m_error->text();
}

bool StepResultBox::hasError() const
{
    return !m_error->isHidden();
}
