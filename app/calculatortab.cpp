#include "calculatortab.h"


#include "chartpoint.h"
#include "hardwarecombobox.h"
#include "modeltermlabels.h"
#include "rooflinechart.h"
#include "settings.h"
#include "shapeeditor.h"
#include "sidepanel.h"
#include "textconv.h"

#include "roofline/errors.h"
#include "roofline/reports.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QRadioButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace {

QLabel* valueLabel(const QString& objectName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString kernelTitle(roofline::KernelType k)
{
    switch (k) {
    case roofline::KernelType::GEMV: return CalculatorTab::tr("GEMV  (y = W·x)");
    case roofline::KernelType::GEMM: return CalculatorTab::tr("GEMM  (C = A·B)");
    case roofline::KernelType::Attention: return CalculatorTab::tr("Attention  (softmax(QKᵀ)·V)");
    case roofline::KernelType::FFN: return CalculatorTab::tr("FFN  (transformer MLP)");
    }
    return {};
}

} // namespace

CalculatorTab::CalculatorTab(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent)
    : QWidget(parent)
    , m_registry(std::move(registry))
{
    auto* panel = new QWidget;
    auto* panelLayout = new QVBoxLayout(panel);

    auto* inputs = new QGroupBox(tr("Kernel"), panel);
    auto* inputForm = new QFormLayout(inputs);
    m_inputForm = inputForm;
    m_hardware = new HardwareComboBox(m_registry, inputs);
    m_hardware->setObjectName(QStringLiteral("hardware"));
    inputForm->addRow(tr("&Hardware"), m_hardware);
    m_kernel = new QComboBox(inputs);
    m_kernel->setObjectName(QStringLiteral("kernel"));
    for (roofline::KernelType k : roofline::kAllKernels)
        m_kernel->addItem(kernelTitle(k), static_cast<int>(k));
    inputForm->addRow(tr("&Kernel"), m_kernel);
    m_shape = new ShapeEditor(inputs);
    inputForm->addRow(m_shape);
    m_precision = new QComboBox(inputs);
    m_precision->setObjectName(QStringLiteral("precision"));
    inputForm->addRow(tr("&Precision"), m_precision);
    auto* modeRow = new QHBoxLayout;
    m_ideal = new QRadioButton(tr("&Ideal"), inputs);
    m_ideal->setToolTip(tr("The pure roofline: max(FLOPs ÷ peak, bytes ÷ bandwidth)"));
    m_realistic = new QRadioButton(tr("&Realistic"), inputs);
    m_realistic->setToolTip(tr("The ideal time divided by the hardware's measured efficiency for this kernel and precision"));
    m_realistic->setChecked(true);
    m_refined = new QRadioButton(tr("Re&fined"), inputs);
    m_refined->setToolTip(tr("The roofline with a launch floor, L2 residency, GEMM wave quantization and separate "
                             "compute and memory efficiencies; the breakdown shows each term"));
    auto* modeGroup = new QButtonGroup(this);
    modeGroup->addButton(m_ideal);
    modeGroup->addButton(m_realistic);
    modeGroup->addButton(m_refined);
    modeRow->addWidget(m_ideal);
    modeRow->addWidget(m_realistic);
    modeRow->addWidget(m_refined);
    modeRow->addStretch();
    inputForm->addRow(tr("Mode"), modeRow);

    // Refined mode's terms, each switchable, and whether the inputs are still in L2 (warm) or not (cold).
    m_refinedOptions = new QWidget(inputs);
    m_refinedOptions->setObjectName(QStringLiteral("refinedOptions"));
    auto* refinedLayout = new QGridLayout(m_refinedOptions);
    refinedLayout->setContentsMargins(0, 0, 0, 0);
    refinedLayout->setVerticalSpacing(2);
    const auto& terms = roofline::model_terms();
    for (std::size_t i = 0; i < terms.size(); ++i) {
        auto* box = new QCheckBox(termLabel(terms[i], true), m_refinedOptions);
        box->setObjectName(termObjectName(terms[i]));
        box->setToolTip(termToolTip(terms[i]));
        box->setChecked(true);
        refinedLayout->addWidget(box, static_cast<int>(i / 2), static_cast<int>(i % 2));
        m_termBoxes.push_back(box);
    }
    auto* cacheRow = new QHBoxLayout;
    auto* cacheLabel = new QLabel(tr("Inputs:"), m_refinedOptions);
    m_cold = new QRadioButton(tr("Col&d"), m_refinedOptions);
    m_cold->setObjectName(QStringLiteral("cache_cold"));
    m_cold->setToolTip(tr("Caches flushed before the kernel: every byte comes from DRAM"));
    m_cold->setChecked(true);
    m_warm = new QRadioButton(tr("War&m"), m_refinedOptions);
    m_warm->setObjectName(QStringLiteral("cache_warm"));
    m_warm->setToolTip(tr("The kernel ran just before on the same inputs: what fits in L2 is still there"));
    auto* cacheGroup = new QButtonGroup(this);
    cacheGroup->addButton(m_cold);
    cacheGroup->addButton(m_warm);
    cacheRow->addWidget(cacheLabel);
    cacheRow->addSpacing(4);
    cacheRow->addWidget(m_cold);
    cacheRow->addWidget(m_warm);
    cacheRow->addStretch();
    refinedLayout->addLayout(cacheRow, static_cast<int>((terms.size() + 1) / 2), 0, 1, 2);
    inputForm->addRow(tr("Terms"), m_refinedOptions);
    inputForm->setRowVisible(m_refinedOptions, false);
    panelLayout->addWidget(inputs);

    auto* results = new QGroupBox(tr("Prediction"), panel);
    auto* resultForm = new QFormLayout(results);
    m_result.time_us = valueLabel(QStringLiteral("result_time_us"), results);
    QFont big = m_result.time_us->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_result.time_us->setFont(big);
    m_result.tflops = valueLabel(QStringLiteral("result_tflops"), results);
    m_result.effective_tflops = valueLabel(QStringLiteral("result_effective_tflops"), results);
    m_result.ai = valueLabel(QStringLiteral("result_ai"), results);
    m_result.critical_ai = valueLabel(QStringLiteral("result_critical_ai"), results);
    m_result.bottleneck = valueLabel(QStringLiteral("result_bottleneck"), results);
    m_result.efficiency = valueLabel(QStringLiteral("result_efficiency"), results);
    m_result.efficiency->setWordWrap(true);
    m_result.flops = valueLabel(QStringLiteral("result_flops"), results);
    m_result.bytes = valueLabel(QStringLiteral("result_bytes"), results);
    resultForm->addRow(tr("Time"), m_result.time_us);
    resultForm->addRow(tr("Throughput"), m_result.tflops);
    resultForm->addRow(tr("Compute ceiling"), m_result.effective_tflops);
    resultForm->addRow(tr("Arithmetic intensity"), m_result.ai);
    resultForm->addRow(tr("Critical intensity"), m_result.critical_ai);
    resultForm->addRow(tr("Bottleneck"), m_result.bottleneck);
    resultForm->addRow(tr("Efficiency factor"), m_result.efficiency);
    resultForm->addRow(tr("FLOPs"), m_result.flops);
    resultForm->addRow(tr("Bytes moved"), m_result.bytes);
    m_breakdown = new QLabel(results);
    m_breakdown->setObjectName(QStringLiteral("result_breakdown"));
    m_breakdown->setWordWrap(true);
    m_breakdown->setTextFormat(Qt::RichText);
    m_breakdown->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_breakdown->setForegroundRole(QPalette::PlaceholderText);
    resultForm->addRow(m_breakdown);
    m_error = new QLabel(results);
    m_error->setObjectName(QStringLiteral("result_error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    resultForm->addRow(m_error);
    panelLayout->addWidget(results);

    m_sweep = new QGroupBox(tr("&Sweep one dimension"), panel);
    m_sweep->setObjectName(QStringLiteral("sweep"));
    m_sweep->setCheckable(true);
    m_sweep->setChecked(false);
    auto* sweepForm = new QFormLayout(m_sweep);
    m_sweepDimension = new QComboBox(m_sweep);
    sweepForm->addRow(tr("Dimension"), m_sweepDimension);
    auto spin = [this](int value) {
        auto* box = new QSpinBox(m_sweep);
        box->setRange(1, std::numeric_limits<int>::max());
        box->setGroupSeparatorShown(true);
        box->setValue(value);
        return box;
    };
    m_sweepFrom = spin(1);
    m_sweepTo = spin(65536);
    m_sweepPoints = spin(17);
    m_sweepPoints->setRange(2, 500);
    sweepForm->addRow(tr("From"), m_sweepFrom);
    sweepForm->addRow(tr("To"), m_sweepTo);
    sweepForm->addRow(tr("Points (log spaced)"), m_sweepPoints);
    m_sweepNote = new QLabel(m_sweep);
    m_sweepNote->setWordWrap(true);
    sweepForm->addRow(m_sweepNote);
    panelLayout->addWidget(m_sweep);
    panelLayout->addStretch();

    QScrollArea* scroll = wrapSidePanel(panel, 480, this);

    m_chart = new RooflineChart(this);
    m_chart->setObjectName(QStringLiteral("calculatorChart"));

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(scroll);
    layout->addWidget(m_chart, 1);

    m_hardware->setCurrentKey(Settings::lastHardware());
    m_kernel->setCurrentIndex(m_kernel->findData(static_cast<int>(roofline::KernelType::GEMV)));
    onHardwareChanged();
    fillSweepDimensions();

    connect(m_hardware, &HardwareComboBox::hardwareChanged, this, &CalculatorTab::onHardwareChanged);
    connect(m_kernel, &QComboBox::currentIndexChanged, this, &CalculatorTab::onKernelChanged);
    connect(m_shape, &ShapeEditor::shapeChanged, this, &CalculatorTab::recompute);
    connect(m_precision, &QComboBox::currentIndexChanged, this, &CalculatorTab::recompute);
    connect(modeGroup, &QButtonGroup::buttonToggled, this, [this](QAbstractButton*, bool checked) {
        if (!checked)
            return;
        m_inputForm->setRowVisible(m_refinedOptions, mode() == roofline::Mode::Refined);
        recompute();
    });
    for (QCheckBox* box : m_termBoxes)
        connect(box, &QCheckBox::toggled, this, &CalculatorTab::recompute);
    connect(cacheGroup, &QButtonGroup::buttonToggled, this, [this](QAbstractButton*, bool checked) {
        if (checked)
            recompute();
    });
    connect(m_sweep, &QGroupBox::toggled, this, &CalculatorTab::recompute);
    connect(m_sweepDimension, &QComboBox::currentIndexChanged, this, &CalculatorTab::recompute);
    for (QSpinBox* box : {m_sweepFrom, m_sweepTo, m_sweepPoints})
        connect(box, &QSpinBox::valueChanged, this, &CalculatorTab::recompute);
    recompute();
}

void CalculatorTab::setMode(roofline::Mode mode)
{
    switch (mode) {
    case roofline::Mode::Ideal: m_ideal->setChecked(true); break;
    case roofline::Mode::Realistic: m_realistic->setChecked(true); break;
    case roofline::Mode::Refined: m_refined->setChecked(true); break;
    }
}

roofline::Mode CalculatorTab::mode() const
{
    if (m_ideal->isChecked())
        return roofline::Mode::Ideal;
    return m_refined->isChecked() ? roofline::Mode::Refined : roofline::Mode::Realistic;
}

void CalculatorTab::setTerms(const roofline::ModelTerms& terms)
{
    const auto& infos = roofline::model_terms();
    for (std::size_t i = 0; i < m_termBoxes.size(); ++i)
        m_termBoxes[i]->setChecked(terms.*infos[i].flag);
}

roofline::ModelTerms CalculatorTab::terms() const
{
    roofline::ModelTerms t;
    const auto& infos = roofline::model_terms();
    for (std::size_t i = 0; i < m_termBoxes.size(); ++i)
        t.*infos[i].flag = m_termBoxes[i]->isChecked();
    return t;
}

void CalculatorTab::setCacheMode(roofline::CacheMode cache)
{
    (cache == roofline::CacheMode::Warm ? m_warm : m_cold)->setChecked(true);
}

roofline::CacheMode CalculatorTab::cacheMode() const
{
    return m_warm->isChecked() ? roofline::CacheMode::Warm : roofline::CacheMode::Cold;
}

roofline::ModelOptions CalculatorTab::modelOptions() const
{
    roofline::ModelOptions options;
    options.mode = mode();
    options.terms = terms();
    options.cache = cacheMode();
    return options;
}

bool CalculatorTab::setPrecision(roofline::Precision precision)
{
    const int index = m_precision->findData(static_cast<int>(precision));
    if (index >= 0)
        m_precision->setCurrentIndex(index);
    return index >= 0;
}

void CalculatorTab::setKernel(roofline::KernelType kernel)
{
    m_kernel->setCurrentIndex(m_kernel->findData(static_cast<int>(kernel)));
}

void CalculatorTab::onHardwareChanged()
{
    const roofline::HardwareSpec* hw = m_hardware->currentSpec();
    const QVariant previous = m_precision->currentData();
    {
        const QSignalBlocker blocker(m_precision);
        m_precision->clear();
        if (hw) {
            for (roofline::Precision p : hw->precisions())
                m_precision->addItem(toQString(roofline::to_string(p)) + QStringLiteral("  (")
                                         + formatSignificant(*hw->peak_tflops_for(p)) + QStringLiteral(" TFLOPS)"),
                                     static_cast<int>(p));
        }
        int index = m_precision->findData(previous);
        if (index < 0)
            index = m_precision->findData(static_cast<int>(roofline::Precision::FP16));
        m_precision->setCurrentIndex(std::max(index, 0));
    }
    m_chart->setHardware(hw ? std::optional<roofline::HardwareSpec>(*hw) : std::nullopt);
    if (hw) {
        Settings::setLastHardware(m_hardware->currentKey());
        Q_EMIT hardwareChanged(m_hardware->currentKey());
    }
    recompute();
}

void CalculatorTab::onKernelChanged()
{
    m_shape->setKernel(static_cast<roofline::KernelType>(m_kernel->currentData().toInt()));
    fillSweepDimensions();
    recompute();
}

void CalculatorTab::fillSweepDimensions()
{
    const QSignalBlocker blocker(m_sweepDimension);
    m_sweepDimension->clear();
    for (std::string_view name : roofline::dim_names(m_shape->kernel()))
        m_sweepDimension->addItem(toQString(name));
    // Sweeping the token-like dimension is the common question (batching a GEMV into a GEMM).
    m_sweepDimension->setCurrentIndex(0);
}

void CalculatorTab::recompute()
{
    const roofline::HardwareSpec* hw = m_hardware->currentSpec();
    if (!hw || m_precision->currentIndex() < 0) {
        clearResult(tr("Choose a hardware profile."));
        return;
    }
    const auto precision = static_cast<roofline::Precision>(m_precision->currentData().toInt());
    const roofline::KernelType kernel = m_shape->kernel();
    m_chart->setSelectedPrecision(precision);
    // The dashed realistic roof is the realistic mode's answer; in the others the point would sit off it.
    m_chart->setRealisticKernels(mode() == roofline::Mode::Realistic ? std::set<roofline::KernelType>{kernel}
                                                                     : std::set<roofline::KernelType>{});
    const roofline::ModelOptions options = modelOptions();

    std::vector<ChartPoint> points;
    m_rows.clear();
    try {
        const roofline::KernelShape shape = m_shape->shape();
        const roofline::Prediction p = roofline::predict(*hw, shape, precision, options);
        showResult(p);
        points.push_back(chartPointFor(shape, precision, p, 0));
        m_rows.push_back({shape, precision, p, false});
    } catch (const roofline::InputError& e) {
        clearResult(toQString(e.what()));
    }

    m_sweepNote->clear();
    if (m_sweep->isChecked() && m_sweepDimension->currentIndex() >= 0) {
        const int dim = m_sweepDimension->currentIndex();
        const double from = m_sweepFrom->value();
        const double to = std::max(m_sweepTo->value(), m_sweepFrom->value());
        const int count = m_sweepPoints->value();
        std::vector<int64_t> dims = m_shape->dims();
        int64_t last = -1;
        for (int i = 0; i < count; ++i) {
            const double t = count > 1 ? static_cast<double>(i) / (count - 1) : 0;
            const auto value = static_cast<int64_t>(std::llround(from * std::pow(to / from, t)));
            if (value == last)
                continue; // log spacing at the low end repeats integers
            last = value;
            dims[static_cast<std::size_t>(dim)] = value;
            try {
                const roofline::KernelShape shape = roofline::make_shape(kernel, dims, m_shape->flag());
                roofline::ModelOptions sweepOptions = options;
                sweepOptions.explain = false; // the breakdown text is shown for the prediction only
                const roofline::Prediction p = roofline::predict(*hw, shape, precision, sweepOptions);
                ChartPoint point = chartPointFor(shape, precision, p, 1 + i);
                point.small = true;
                m_rows.push_back({shape, precision, p, true});
                points.push_back(std::move(point));
            } catch (const roofline::InputError& e) {
                m_sweepNote->setText(toQString(e.what()));
                break;
            }
        }
        if (m_sweepNote->text().isEmpty())
            m_sweepNote->setText(tr("%1 on the chart").arg(countOf(static_cast<qsizetype>(points.size()) - 1, tr("point"), tr("points"))));
    }
    m_chart->setPoints(std::move(points));
    // The prediction itself is ringed, so it stands out among the sweep points.
    m_chart->setHighlightedIds(m_prediction ? QSet<int>{0} : QSet<int>{});
}

void CalculatorTab::showResult(const roofline::Prediction& p)
{
    m_prediction = p;
    m_error->hide();
    m_result.time_us->setText(formatSignificant(p.predicted_time_us) + QStringLiteral(" µs"));
    m_result.tflops->setText(formatSignificant(p.predicted_tflops) + QStringLiteral(" TFLOPS"));
    m_result.effective_tflops->setText(formatSignificant(p.effective_tflops) + QStringLiteral(" TFLOPS")
                                       + tr("  (peak %1)").arg(formatSignificant(p.peak_tflops)));
    m_result.ai->setText(formatSignificant(p.ai) + QStringLiteral(" FLOP/byte"));
    m_result.critical_ai->setText(formatSignificant(p.critical_ai) + QStringLiteral(" FLOP/byte"));
    switch (p.bottleneck) {
    case roofline::Bottleneck::Memory: m_result.bottleneck->setText(tr("memory bandwidth")); break;
    case roofline::Bottleneck::Compute: m_result.bottleneck->setText(tr("compute")); break;
    case roofline::Bottleneck::Latency: m_result.bottleneck->setText(tr("launch latency")); break;
    }
    // One term a line: its name and time in bold, then how it was put together. Units stay on the line of
    // their number ("3350 GB/s" never breaks after the slash).
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
    m_breakdown->setText(terms.join(QStringLiteral("<br>")));
    m_breakdown->setVisible(!terms.isEmpty());
    QString efficiency = QStringLiteral("×") + formatNumber(p.efficiency_factor, 3);
    if (p.mode == roofline::Mode::Realistic && !p.efficiency_from_table)
        efficiency += tr("  (no factor in the profile for this kernel and precision)");
    else if (p.faster_than_roofline)
        efficiency += tr("  (above 1: measured faster than the roofline)");
    m_result.efficiency->setText(efficiency);
    m_result.flops->setText(formatCount(static_cast<double>(p.flops)));
    m_result.bytes->setText(formatCount(p.bytes));
}

void CalculatorTab::clearResult(const QString& why)
{
    m_prediction.reset();
    for (QLabel* label : {m_result.time_us, m_result.tflops, m_result.effective_tflops, m_result.ai,
                          m_result.critical_ai, m_result.bottleneck, m_result.efficiency, m_result.flops, m_result.bytes})
        label->setText(QStringLiteral("—"));
    m_breakdown->clear();
    m_breakdown->hide();
    m_error->setText(why);
    m_error->show();
}

QString CalculatorTab::resultText() const
{
    QStringList parts;
    for (const QLabel* label : {m_result.time_us, m_result.tflops, m_result.effective_tflops, m_result.ai,
                                m_result.critical_ai, m_result.bottleneck, m_result.efficiency, m_result.flops,
                                m_result.bytes})
        parts << label->text();
    return parts.join(QStringLiteral(" | "));
}

std::string CalculatorTab::csv() const
{
    using roofline::format_number;
    std::string out = roofline::csv_record({"row", "hardware", "kernel", "shape", "precision", "mode", "predicted_time_us",
                                            "predicted_tflops", "effective_tflops", "ai", "critical_ai", "bottleneck",
                                            "efficiency_factor", "flops", "bytes"});
    const std::string hardware = m_hardware->currentKey().toStdString();
    for (const Row& r : m_rows) {
        const roofline::Prediction& p = r.prediction;
        out += roofline::csv_record({r.sweep ? "sweep" : "prediction", hardware,
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

QString CalculatorTab::errorText() const
{
    return m_error->isVisible() || !m_prediction ? m_error->text() : QString();
}
