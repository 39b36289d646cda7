#include "calculator/calculatortab.h"

#include "shared/chartpoint.h"
#include "shared/exporters.h"
#include "shared/hardwarecombobox.h"
#include "shared/resultlabels.h"
#include "shared/rooflinechart.h"
#include "shared/settings.h"
#include "calculator/shapeeditor.h"
#include "shared/sidepanel.h"
#include "shared/termsswitches.h"
#include "shared/textconv.h"

#include "roofline/support/errors.h"
#include "roofline/model/sweep.h"

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

#include <limits>

namespace {

// The result rows of the Prediction box, top to bottom.
struct ResultField {
    const char* title;
    const char* objectName; // for tests
    QLabel* CalculatorTab::ResultLabels::*label;
};
using Labels = CalculatorTab::ResultLabels;
constexpr ResultField kResultFields[] = {
    {QT_TRANSLATE_NOOP("CalculatorTab", "Time"), "result_time_us", &Labels::timeUs},
    {QT_TRANSLATE_NOOP("CalculatorTab", "Throughput"), "result_tflops", &Labels::tflops},
    {QT_TRANSLATE_NOOP("CalculatorTab", "Compute ceiling"), "result_effective_tflops", &Labels::effectiveTflops},
    {QT_TRANSLATE_NOOP("CalculatorTab", "Arithmetic intensity"), "result_ai", &Labels::ai},
    {QT_TRANSLATE_NOOP("CalculatorTab", "Critical intensity"), "result_critical_ai", &Labels::criticalAi},
    {QT_TRANSLATE_NOOP("CalculatorTab", "Bottleneck"), "result_bottleneck", &Labels::bottleneck},
    {QT_TRANSLATE_NOOP("CalculatorTab", "Efficiency factor"), "result_efficiency", &Labels::efficiency},
    {QT_TRANSLATE_NOOP("CalculatorTab", "FLOPs"), "result_flops", &Labels::flops},
    {QT_TRANSLATE_NOOP("CalculatorTab", "Bytes moved"), "result_bytes", &Labels::bytes},
};

} // namespace

CalculatorTab::CalculatorTab(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent)
    : Page(parent)
    , m_registry(std::move(registry))
{
    QScrollArea* scroll = wrapSidePanel(stackBoxes({buildKernelBox(), buildPredictionBox(), buildSweepBox()}), 480, this);
    m_chart = new RooflineChart(this);
    m_chart->setObjectName(QStringLiteral("calculatorChart"));
    setPanelAndContent(scroll, m_chart);

    m_hardware->selectPreferred(nullptr);
    m_kernel->setCurrentIndex(m_kernel->findData(static_cast<int>(roofline::KernelType::GEMV)));
    onHardwareChanged();
    fillSweepDimensions();
    connectControls();
    recompute();
}

QGroupBox* CalculatorTab::buildKernelBox()
{
    auto* box = new QGroupBox(tr("Kernel"));
    m_inputForm = new QFormLayout(box);
    m_hardware = new HardwareComboBox(m_registry, box);
    m_hardware->setObjectName(QStringLiteral("hardware"));
    m_inputForm->addRow(tr("&Hardware"), m_hardware);
    m_kernel = new QComboBox(box);
    m_kernel->setObjectName(QStringLiteral("kernel"));
    for (roofline::KernelType k : roofline::kAllKernels)
        m_kernel->addItem(PredictionText::kernelTitle(k), static_cast<int>(k));
    m_inputForm->addRow(tr("&Kernel"), m_kernel);
    m_shape = new ShapeEditor(box);
    m_inputForm->addRow(m_shape);
    m_precision = new QComboBox(box);
    m_precision->setObjectName(QStringLiteral("precision"));
    m_inputForm->addRow(tr("&Precision"), m_precision);
    m_inputForm->addRow(tr("Mode"), buildModeRow(box));
    m_inputForm->addRow(tr("Terms"), buildRefinedOptions(box));
    m_inputForm->setRowVisible(m_refinedOptions, false);
    return box;
}

QHBoxLayout* CalculatorTab::buildModeRow(QWidget* box)
{
    m_ideal = new QRadioButton(tr("&Ideal"), box);
    m_ideal->setToolTip(tr("The pure roofline: max(FLOPs ÷ peak, bytes ÷ bandwidth)"));
    m_realistic = new QRadioButton(tr("&Realistic"), box);
    m_realistic->setToolTip(tr("The ideal time divided by the hardware's measured efficiency for this kernel and precision"));
    m_realistic->setChecked(true);
    m_refined = new QRadioButton(tr("Re&fined"), box);
    m_refined->setToolTip(tr("The roofline with a launch floor, L2 residency, GEMM wave quantization and separate "
                             "compute and memory efficiencies; the breakdown shows each term"));
    m_modeGroup = new QButtonGroup(this);
    auto* row = new QHBoxLayout;
    for (QRadioButton* button : {m_ideal, m_realistic, m_refined}) {
        m_modeGroup->addButton(button);
        row->addWidget(button);
    }
    row->addStretch();
    return row;
}

// Refined mode's terms, each switchable, and whether the inputs are still in L2 (warm) or not (cold).
QWidget* CalculatorTab::buildRefinedOptions(QWidget* box)
{
    m_refinedOptions = new QWidget(box);
    m_refinedOptions->setObjectName(QStringLiteral("refinedOptions"));
    // A grid like the switches' own, so that the cache row spaces its buttons as the switches do.
    auto* layout = new QGridLayout(m_refinedOptions);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setVerticalSpacing(2);
    m_terms = new TermsSwitches(TermsSwitches::Style::CheckBoxes, m_refinedOptions);
    layout->addWidget(m_terms, 0, 0);
    auto* cacheRow = new QHBoxLayout;
    auto* cacheLabel = new QLabel(tr("Inputs:"), m_refinedOptions);
    m_cold = new QRadioButton(tr("Col&d"), m_refinedOptions);
    m_cold->setObjectName(QStringLiteral("cache_cold"));
    m_cold->setToolTip(tr("Caches flushed before the kernel: every byte comes from DRAM"));
    m_cold->setChecked(true);
    m_warm = new QRadioButton(tr("War&m"), m_refinedOptions);
    m_warm->setObjectName(QStringLiteral("cache_warm"));
    m_warm->setToolTip(tr("The kernel ran just before on the same inputs: what fits in L2 is still there"));
    m_cacheGroup = new QButtonGroup(this);
    m_cacheGroup->addButton(m_cold);
    m_cacheGroup->addButton(m_warm);
    cacheRow->addWidget(cacheLabel);
    cacheRow->addSpacing(4);
    cacheRow->addWidget(m_cold);
    cacheRow->addWidget(m_warm);
    cacheRow->addStretch();
    layout->addLayout(cacheRow, 1, 0);
    return m_refinedOptions;
}

QGroupBox* CalculatorTab::buildPredictionBox()
{
    auto* box = new QGroupBox(tr("Prediction"));
    auto* form = new QFormLayout(box);
    for (const ResultField& field : kResultFields) {
        QLabel* label = valueLabel(QString::fromLatin1(field.objectName), box);
        m_result.*field.label = label;
        form->addRow(tr(field.title), label);
    }
    QFont big = m_result.timeUs->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_result.timeUs->setFont(big);
    m_result.efficiency->setWordWrap(true);
    m_breakdown = new QLabel(box);
    m_breakdown->setObjectName(QStringLiteral("result_breakdown"));
    m_breakdown->setWordWrap(true);
    m_breakdown->setTextFormat(Qt::RichText);
    m_breakdown->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_breakdown->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(m_breakdown);
    m_error = errorLabel(QStringLiteral("result_error"), box);
    form->addRow(m_error);
    return box;
}

QGroupBox* CalculatorTab::buildSweepBox()
{
    m_sweep = new QGroupBox(tr("&Sweep one dimension"));
    m_sweep->setObjectName(QStringLiteral("sweep"));
    m_sweep->setCheckable(true);
    m_sweep->setChecked(false);
    auto* form = new QFormLayout(m_sweep);
    m_sweepDimension = new QComboBox(m_sweep);
    form->addRow(tr("Dimension"), m_sweepDimension);
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
    form->addRow(tr("From"), m_sweepFrom);
    form->addRow(tr("To"), m_sweepTo);
    form->addRow(tr("Points (log spaced)"), m_sweepPoints);
    m_sweepNote = new QLabel(m_sweep);
    m_sweepNote->setWordWrap(true);
    form->addRow(m_sweepNote);
    return m_sweep;
}

void CalculatorTab::connectControls()
{
    connect(m_hardware, &HardwareComboBox::hardwareChanged, this, &CalculatorTab::onHardwareChanged);
    connect(m_kernel, &QComboBox::currentIndexChanged, this, &CalculatorTab::onKernelChanged);
    connect(m_shape, &ShapeEditor::shapeChanged, this, &CalculatorTab::recompute);
    connect(m_precision, &QComboBox::currentIndexChanged, this, &CalculatorTab::recompute);
    connect(m_modeGroup, &QButtonGroup::buttonToggled, this, [this](QAbstractButton*, bool checked) {
        if (!checked)
            return;
        m_inputForm->setRowVisible(m_refinedOptions, mode() == roofline::Mode::Refined);
        recompute();
    });
    connect(m_terms, &TermsSwitches::termsChanged, this, &CalculatorTab::recompute);
    connect(m_cacheGroup, &QButtonGroup::buttonToggled, this, [this](QAbstractButton*, bool checked) {
        if (checked)
            recompute();
    });
    connect(m_sweep, &QGroupBox::toggled, this, &CalculatorTab::recompute);
    connect(m_sweepDimension, &QComboBox::currentIndexChanged, this, &CalculatorTab::recompute);
    for (QSpinBox* box : {m_sweepFrom, m_sweepTo, m_sweepPoints})
        connect(box, &QSpinBox::valueChanged, this, &CalculatorTab::recompute);
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
    m_terms->setTerms(terms);
}

roofline::ModelTerms CalculatorTab::terms() const
{
    return m_terms->terms();
}

QCheckBox* CalculatorTab::termBox(int i) const
{
    return m_terms->checkBox(i);
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
        const roofline::Sweep sweep = roofline::sweep_dimension(
            *hw, kernel, m_shape->dims(), m_shape->flag(), static_cast<std::size_t>(m_sweepDimension->currentIndex()),
            roofline::log_spaced_values(m_sweepFrom->value(), m_sweepTo->value(), m_sweepPoints->value()), precision, options);
        int id = 1; // 0 is the prediction
        for (const roofline::SweepPoint& s : sweep.points) {
            ChartPoint point = chartPointFor(s.shape, precision, s.prediction, id++);
            point.small = true;
            m_rows.push_back({s.shape, precision, s.prediction, true});
            points.push_back(std::move(point));
        }
        m_sweepNote->setText(toQString(sweep.error));
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
    m_result.timeUs->setText(formatSignificant(p.predicted_time_us) + QStringLiteral(" µs"));
    m_result.tflops->setText(formatSignificant(p.predicted_tflops) + QStringLiteral(" TFLOPS"));
    m_result.effectiveTflops->setText(formatSignificant(p.effective_tflops) + QStringLiteral(" TFLOPS")
                                       + tr("  (peak %1)").arg(formatSignificant(p.peak_tflops)));
    m_result.ai->setText(formatSignificant(p.ai) + QStringLiteral(" FLOP/byte"));
    m_result.criticalAi->setText(formatSignificant(p.critical_ai) + QStringLiteral(" FLOP/byte"));
    m_result.bottleneck->setText(PredictionText::bottleneck(p.bottleneck));
    const QString breakdown = PredictionText::breakdownHtml(p);
    m_breakdown->setText(breakdown);
    m_breakdown->setVisible(!breakdown.isEmpty());
    m_result.efficiency->setText(PredictionText::efficiency(p));
    m_result.flops->setText(formatCount(static_cast<double>(p.flops)));
    m_result.bytes->setText(formatCount(p.bytes));
}

void CalculatorTab::clearResult(const QString& why)
{
    m_prediction.reset();
    for (const ResultField& field : kResultFields)
        (m_result.*field.label)->setText(QStringLiteral("—"));
    m_breakdown->clear();
    m_breakdown->hide();
    m_error->setText(why);
    m_error->show();
}

QString CalculatorTab::resultText() const
{
    QStringList parts;
    for (const ResultField& field : kResultFields)
        parts << (m_result.*field.label)->text();
    return parts.join(QStringLiteral(" | "));
}

std::string CalculatorTab::csv() const
{
    return PredictionText::csv(m_hardware->currentKey().toStdString(), m_rows);
}

QString CalculatorTab::errorText() const
{
    return m_error->isVisible() || !m_prediction ? m_error->text() : QString();
}

QImage CalculatorTab::exportImage(qreal scale) const
{
    return Exporters::render(m_chart, QString(), scale);
}
