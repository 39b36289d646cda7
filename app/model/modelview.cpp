#include "model/modelview.h"

#include "shared/chartpoint.h"
#include "shared/exporters.h"
#include "shared/filedialogs.h"
#include "shared/hardwarecombobox.h"
#include "model/modelinputsbox.h"
#include "shared/resultlabels.h"
#include "shared/resultsview.h"
#include "shared/rooflinechart.h"
#include "shared/settings.h"
#include "shared/sidepanel.h"
#include "model/stepkernelsmodel.h"
#include "model/stepresultbox.h"
#include "shared/textconv.h"
#include "shared/tokensratechart.h"

#include "roofline/support/errors.h"
#include "roofline/workloads/model_library.h"
#include "roofline/results/reports.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

// Decode batches and context depths a sweep visits.
const std::vector<int64_t> kBatches = {1, 2, 4, 8, 16, 32, 64, 128, 256};
const std::vector<int64_t> kContexts = {0, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072};

} // namespace

ModelView::ModelView(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent)
    : Page(parent)
    , m_registry(std::move(registry))
    , m_inputs(new ModelInputsBox(m_registry))
    , m_result(new StepResultBox)
    , m_kernels(new StepKernelsModel(this))
{
    QScrollArea* scroll = wrapSidePanel(stackBoxes({m_inputs, m_result, buildChartBox()}), 420, this);
    m_results = new ResultsView(m_kernels, StepKernelsModel::SortRole, this);
    m_results->chart()->setObjectName(QStringLiteral("modelRooflineChart"));
    m_results->table()->setObjectName(QStringLiteral("modelKernelsTable"));
    m_rates = new TokensRateChart(this);
    m_rates->setObjectName(QStringLiteral("tokensRateChart"));
    // The roofline and the tokens/s chart side by side over the table.
    m_charts = new QSplitter(Qt::Horizontal);
    m_charts->addWidget(m_results->chart());
    m_charts->addWidget(m_rates);
    m_charts->setStretchFactor(0, 1);
    m_charts->setStretchFactor(1, 1);
    m_charts->setSizes({560, 440}); // a share, not a minimum: the tab's minimum width stays the kernel view's
    m_results->insertWidget(0, m_charts);
    m_results->setStretchFactor(0, 3);
    m_results->setStretchFactor(1, 2);
    setPanelAndContent(scroll, m_results);

    m_inputs->hardware()->selectPreferred(nullptr);
    m_inputs->fillModels(Settings::lastModel());
    if (!setModel(Settings::lastModel()))
        setModel(QStringLiteral("llama-3.1-8b"));
    connectControls();
    recompute();
}

QGroupBox* ModelView::buildChartBox()
{
    auto* box = new QGroupBox(tr("Charts"));
    auto* form = new QFormLayout(box);
    m_phase = new QComboBox(box);
    m_phase->setObjectName(QStringLiteral("kernelsPhase"));
    m_phase->addItem(tr("Decode step"), static_cast<int>(roofline::Phase::Decode));
    m_phase->addItem(tr("Prefill"), static_cast<int>(roofline::Phase::Prefill));
    form->addRow(tr("Ke&rnels of"), m_phase);
    m_sweep = new QComboBox(box);
    m_sweep->setObjectName(QStringLiteral("sweepOver"));
    m_sweep->addItem(tr("Batch"), static_cast<int>(Sweep::Batch));
    m_sweep->addItem(tr("Context"), static_cast<int>(Sweep::Context));
    form->addRow(tr("Tokens/s o&ver"), m_sweep);
    auto* runs = new QPushButton(tr("Compare &measured runs…"), box);
    runs->setObjectName(QStringLiteral("openRuns"));
    runs->setToolTip(tr("A results JSON with model_step rows, or llama-bench -o json / -o jsonl output"));
    connect(runs, &QPushButton::clicked, this, &ModelView::chooseRunsFile);
    form->addRow(runs);
    m_runsText = valueLabel(QStringLiteral("runs_text"), box);
    m_runsText->setWordWrap(true);
    m_runsText->setTextFormat(Qt::RichText);
    form->addRow(m_runsText);
    auto* exportRow = new QHBoxLayout;
    auto* png = new QPushButton(tr("Export &PNG…"), box);
    auto* csv = new QPushButton(tr("Export CS&V…"), box);
    connect(png, &QPushButton::clicked, this, [this] { askAndExportPng(QStringLiteral("model.png")); });
    connect(csv, &QPushButton::clicked, this, [this] { askAndExportCsv(QStringLiteral("model.csv")); });
    exportRow->addWidget(png);
    exportRow->addWidget(csv);
    form->addRow(exportRow);
    return box;
}

void ModelView::connectControls()
{
    connect(m_inputs->hardware(), &HardwareComboBox::hardwareChanged, this, [this](const QString& key) {
        Settings::setLastHardware(key);
        Q_EMIT hardwareChanged(key);
        recompute();
    });
    connect(m_inputs, &ModelInputsBox::modelChosen, this, [this](const QString& key) { setModel(key); });
    connect(m_inputs, &ModelInputsBox::openModelRequested, this, &ModelView::chooseModelFile);
    connect(m_inputs, &ModelInputsBox::changed, this, &ModelView::recompute);
    for (QComboBox* box : {m_phase, m_sweep})
        connect(box, &QComboBox::currentIndexChanged, this, &ModelView::recompute);
}

bool ModelView::setModel(const QString& nameOrPath)
{
    if (nameOrPath.isEmpty())
        return false;
    try {
        m_model = roofline::load_model(toStdString(nameOrPath));
    } catch (const roofline::InputError& e) {
        m_result->showError(toQString(e.what()));
        return false;
    }
    m_modelKey = nameOrPath;
    Settings::setLastModel(nameOrPath);
    if (!roofline::find_builtin_model(toStdString(nameOrPath)))
        Settings::addRecentModelFile(nameOrPath);
    m_inputs->fillModels(nameOrPath);
    m_inputs->describeModel(*m_model);
    recompute();
    return true;
}

QString ModelView::modelKey() const
{
    return m_modelKey;
}

void ModelView::chooseModelFile()
{
    const QString path = FileDialogs::askOpenPath(this, Settings::Folder::Models, tr("Open a model"),
                                                  tr("Models (*.gguf *.json);;GGUF files (*.gguf);;config.json (*.json);;All files (*)"));
    if (!path.isEmpty())
        setModel(path);
}

void ModelView::chooseRunsFile()
{
    const QString path = FileDialogs::askOpenPath(this, Settings::Folder::Results, tr("Open measured runs"),
                                                  tr("Results and llama-bench output (*.json *.jsonl);;All files (*)"));
    if (!path.isEmpty())
        openMeasuredRuns(path);
}

bool ModelView::openMeasuredRuns(const QString& path)
{
    roofline::MeasurementSet set;
    try {
        set = roofline::load_measurements(toStdString(path));
    } catch (const roofline::InputError& e) {
        m_result->showError(toQString(e.what()));
        return false;
    }
    if (set.steps.empty()) {
        m_result->showError(tr("%1 holds no measured model runs (model_step rows or llama-bench tests)").arg(path));
        return false;
    }
    m_measured = std::move(set.steps);
    m_runsSource = path;
    if (!set.hardware_key.empty())
        m_inputs->hardware()->setCurrentKey(toQString(set.hardware_key));
    recompute();
    return true;
}

roofline::StepOptions ModelView::stepOptions() const
{
    return m_inputs->stepOptions();
}

HardwareComboBox* ModelView::hardwareBox() const { return m_inputs->hardware(); }
QComboBox* ModelView::modelBox() const { return m_inputs->models(); }
QComboBox* ModelView::weightsBox() const { return m_inputs->weights(); }
QComboBox* ModelView::kvBox() const { return m_inputs->kv(); }
QComboBox* ModelView::modeBox() const { return m_inputs->mode(); }
QSpinBox* ModelView::batchBox() const { return m_inputs->batch(); }
QSpinBox* ModelView::promptBox() const { return m_inputs->prompt(); }
QSpinBox* ModelView::contextBox() const { return m_inputs->context(); }
QSpinBox* ModelView::tpBox() const { return m_inputs->tp(); }
QLabel* ModelView::decodeRateLabel() const { return m_result->decodeRate(); }
QLabel* ModelView::ttftLabel() const { return m_result->ttft(); }
QLabel* ModelView::memoryLabel() const { return m_result->memoryText(); }
QProgressBar* ModelView::memoryBar() const { return m_result->memoryBar(); }

RooflineChart* ModelView::chart() const
{
    return m_results->chart();
}

QTableView* ModelView::table() const
{
    return m_results->table();
}

QString ModelView::errorText() const
{
    return m_result->hasError() || !m_prediction ? m_result->errorText() : QString();
}

void ModelView::recompute()
{
    if (!m_kernels || !m_results)
        return; // still being built
    const roofline::HardwareSpec* hw = m_inputs->hardware()->currentSpec();
    if (!hw || !m_model) {
        clearResult(hw ? tr("Choose a model.") : tr("Choose a hardware profile."));
        return;
    }
    try {
        const roofline::StepOptions options = stepOptions();
        m_prediction = roofline::predict_step(*m_model, *hw, options, roofline::StepPhases::Both);
        m_result->showPrediction(*m_prediction);
        showKernels();
        showSweep(*hw, options);
    } catch (const roofline::InputError& e) {
        clearResult(toQString(e.what()));
        return;
    }
    showRuns(*hw);
}

void ModelView::clearResult(const QString& why)
{
    m_prediction.reset();
    m_result->clear(why);
    m_kernels->setPhase(std::nullopt);
    chart()->setPoints({});
    m_rates->setCurves({}, false, {}, {}, std::nullopt);
}

void ModelView::showKernels()
{
    const bool prefill = static_cast<roofline::Phase>(m_phase->currentData().toInt()) == roofline::Phase::Prefill;
    const roofline::PhasePrediction& phase = prefill ? *m_prediction->prefill : *m_prediction->decode;
    m_kernels->setPhase(phase);
    RooflineChart* c = chart();
    c->setHardware(*m_inputs->hardware()->currentSpec());
    const roofline::Precision activation = stepOptions().activation;
    c->setSelectedPrecision(activation);
    std::vector<ChartPoint> points;
    for (int row = 0; row < static_cast<int>(phase.kernels.size()); ++row) {
        const roofline::KernelTime& k = phase.kernels[static_cast<std::size_t>(row)];
        if (k.prediction.ai <= 0 || k.prediction.predicted_tflops <= 0)
            continue; // nothing to place on log axes
        ChartPoint point = chartPointFor(k.kernel.shape, k.kernel.compute, k.prediction, row);
        const double share = m_kernels->share(row);
        // Area in proportion to the share: a kernel of half the step is drawn 3× as wide as the usual point.
        point.scale = std::clamp(3.0 * std::sqrt(share / 0.5), 0.5, 3.0);
        point.tooltip = QStringLiteral("<b>%1</b> (%2) · %3<br>").arg(toQString(k.kernel.name), k.kernel.in_layer ? tr("layer") : tr("head"),
                                                                       toQString(k.kernel.format))
            + tr("%1 % of the step: %2 runs × %3 µs").arg(formatNumber(100 * share, 1)).arg(k.kernel.count).arg(formatSignificant(k.prediction.predicted_time_us))
            + QStringLiteral("<br>") + point.tooltip;
        points.push_back(std::move(point));
    }
    c->setPoints(std::move(points));
    m_results->followSelection();
    table()->resizeColumnsToContents();
}

void ModelView::showSweep(const roofline::HardwareSpec& hw, const roofline::StepOptions& options)
{
    const bool batch = static_cast<Sweep>(m_sweep->currentData().toInt()) == Sweep::Batch;
    std::vector<int64_t> xs = batch ? kBatches : kContexts;
    const int64_t here = batch ? options.batch : options.context;
    if (std::find(xs.begin(), xs.end(), here) == xs.end())
        xs.push_back(here);
    if (!batch && m_model->max_context > 0) // a GGUF file states how far the model reaches
        std::erase_if(xs, [&](int64_t x) { return x + options.prompt > m_model->max_context && x != here; });
    std::sort(xs.begin(), xs.end());
    std::vector<TokensRateChart::Point> decode, prefill;
    for (int64_t x : xs) {
        roofline::StepOptions o = options;
        (batch ? o.batch : o.context) = x;
        roofline::StepOptions d = o;
        d.context = o.context + o.prompt; // the decode step after the prefill, as predict_step(Both) runs it
        const roofline::PhasePrediction pre = roofline::predict_phase(*m_model, hw, o, roofline::Phase::Prefill);
        const roofline::PhasePrediction dec = roofline::predict_phase(*m_model, hw, d, roofline::Phase::Decode);
        decode.push_back({static_cast<double>(x), dec.tokens_per_s});
        prefill.push_back({static_cast<double>(x), pre.tokens_per_s});
    }
    m_rates->setCurves(batch ? tr("Batch (sequences)") : tr("Context before the prompt [tokens]"), batch, decode, prefill,
                       TokensRateChart::Point{static_cast<double>(here), m_prediction->decode->tokens_per_s});
    m_rates->chart()->setTitle(tr("%1 on %2").arg(toQString(m_model->name), toQString(hw.key)));
}

void ModelView::showRuns(const roofline::HardwareSpec& hw)
{
    if (m_measured.empty()) {
        m_runs.clear();
        m_runsText->setText(tr("No measured runs opened."));
        m_rates->setMeasured({});
        return;
    }
    const roofline::StepOptions options = stepOptions();
    m_runs = roofline::validate_steps(hw, m_measured, options.model.mode, options.model.terms);
    const bool batch = static_cast<Sweep>(m_sweep->currentData().toInt()) == Sweep::Batch;
    std::vector<TokensRateChart::Measured> points;
    QStringList lines;
    std::vector<double> errors;
    for (const roofline::StepValidationRow& row : m_runs) {
        const roofline::StepMeasurement& m = row.measurement;
        const bool prefill = m.kind == roofline::StepRunKind::Prefill;
        const double x = batch ? static_cast<double>(m.batch)
                               : static_cast<double>(m.context_depth + (prefill ? 0 : m.prompt_tokens + m.gen_tokens / 2));
        points.push_back({x, row.measured_tokens_per_s,
                          row.predicted ? std::optional<double>(row.predicted->tokens_per_s) : std::nullopt, prefill});
        QString line = tr("%1 %2: measured %3, predicted %4 tokens/s")
                           .arg(toQString(to_string(m.kind)),
                                m.kind == roofline::StepRunKind::Decode ? tr("%1 steps from %2").arg(m.gen_tokens).arg(m.context_depth)
                                                                          : tr("%1 tokens at %2").arg(m.prompt_tokens).arg(m.context_depth),
                                formatNumber(row.measured_tokens_per_s, 1),
                                row.predicted ? formatNumber(row.predicted->tokens_per_s, 1) : QStringLiteral("—"));
        if (row.compared()) {
            errors.push_back(row.error_pct);
            const char* color = row.band == roofline::Band::Green ? "#2e7d32" : row.band == roofline::Band::Yellow ? "#b8860b" : "#c62828";
            line += QStringLiteral(" <span style=\"color:%1\">(%2 %)</span>").arg(QString::fromLatin1(color), formatNumber(row.error_pct, 1));
        } else {
            line += QStringLiteral(" — ") + toQString(row.reason).toHtmlEscaped();
        }
        lines << line;
    }
    const roofline::ErrorSummary s = roofline::summarize(errors);
    QString head = tr("<b>%1</b>: %2 run(s), %3 compared").arg(QFileInfo(m_runsSource).fileName().toHtmlEscaped()).arg(m_runs.size()).arg(s.count);
    if (s.count)
        head += tr(", mean |error| %1 %").arg(formatNumber(s.mean_abs_error_pct, 1));
    if (!m_runs.empty() && !m_runs.front().measurement.match_note.empty())
        head += QStringLiteral("<br><i>") + toQString(m_runs.front().measurement.match_note).toHtmlEscaped() + QStringLiteral("</i>");
    m_runsText->setText(head + QStringLiteral("<br>") + lines.join(QStringLiteral("<br>")));
    m_rates->setMeasured(std::move(points));
}

QString ModelView::summaryText() const
{
    if (!m_prediction || !m_model)
        return {};
    const roofline::StepPrediction& p = *m_prediction;
    const roofline::StepOptions o = stepOptions();
    QString text = tr("%1 on %2, weights %3, KV %4, batch %5, prompt %6, context %7: decode %8 tokens/s (TPOT %9), prefill %10 tokens/s (TTFT %11)")
                       .arg(toQString(m_model->name), m_inputs->hardware()->currentKey(), toQString(o.weights.name), toQString(roofline::to_string(o.kv_cache)))
                       .arg(o.batch)
                       .arg(o.prompt)
                       .arg(o.context)
                       .arg(formatNumber(p.decode->tokens_per_s, 1), QString(formatNumber(*p.tpot_us / 1e3, 3) + QStringLiteral(" ms")), formatNumber(p.prefill->tokens_per_s, 1), QString(formatNumber(*p.ttft_us / 1e3, 3) + QStringLiteral(" ms")));
    text += QLatin1Char('\n') + m_result->memoryText()->text();
    return text;
}

QImage ModelView::exportImage(qreal scale) const
{
    return Exporters::render(m_charts, summaryText(), scale);
}

std::string ModelView::csv() const
{
    if (!m_prediction)
        return {};
    const roofline::StepPrediction& p = *m_prediction;
    const roofline::StepOptions o = stepOptions();
    std::string out = roofline::csv_record({"metric", "value"});
    const auto metric = [&out](const std::string& name, const std::string& value) { out += roofline::csv_record({name, value}); };
    metric("model", m_model->name);
    metric("hardware", toStdString(m_inputs->hardware()->currentKey()));
    metric("weights", o.weights.name);
    metric("kv", std::string(roofline::to_string(o.kv_cache)));
    metric("batch", std::to_string(o.batch));
    metric("prompt", std::to_string(o.prompt));
    metric("context", std::to_string(o.context));
    metric("mode", std::string(roofline::to_string(o.model.mode)));
    metric("decode_tokens_per_s", roofline::format_number(p.decode->tokens_per_s, 3));
    metric("tpot_us", roofline::format_number(*p.tpot_us, 3));
    metric("prefill_tokens_per_s", roofline::format_number(p.prefill->tokens_per_s, 3));
    metric("ttft_us", roofline::format_number(*p.ttft_us, 3));
    metric("memory_total_bytes", roofline::format_number(p.memory.total_bytes(), 0));
    metric("memory_device_bytes", p.memory.device_bytes ? roofline::format_number(*p.memory.device_bytes, 0) : "");
    metric("memory_fits", p.memory.fits() ? "yes" : "no");
    out += "\r\n" + Exporters::modelToCsv(*m_kernels);
    const bool batch = static_cast<Sweep>(m_sweep->currentData().toInt()) == Sweep::Batch;
    out += "\r\n" + roofline::csv_record({batch ? "batch" : "context", "decode_tokens_per_s"});
    for (const TokensRateChart::Point& pt : m_rates->decodeCurve())
        out += roofline::csv_record({roofline::format_number(pt.x, 0), roofline::format_number(pt.tokens_per_s, 3)});
    if (!m_runs.empty()) {
        roofline::ValidationReport report;
        report.mode = o.model.mode;
        report.steps = m_runs;
        out += "\r\n" + roofline::step_validation_csv(report);
    }
    return out;
}
