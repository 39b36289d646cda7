#include "validation/validationtab.h"

#include "validation/calibratedialog.h"
#include "validation/calibrationmodel.h"
#include "validation/calibrationpanel.h"
#include "shared/chartpoint.h"
#include "shared/devicenote.h"
#include "shared/errormessage.h"
#include "shared/exporters.h"
#include "shared/hardwarecombobox.h"
#include "shared/resultsview.h"
#include "shared/rooflinechart.h"
#include "shared/settings.h"
#include "validation/steprunspanel.h"
#include "shared/termsswitches.h"
#include "shared/textconv.h"
#include "validation/validationmodel.h"
#include "validation/validationsummary.h"

#include "roofline/results/reports.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <set>

namespace {

// A wait cursor while the GUI thread computes something short (a calibration takes tens of milliseconds).
struct BusyCursor {
    BusyCursor() { QApplication::setOverrideCursor(Qt::WaitCursor); }
    ~BusyCursor() { QApplication::restoreOverrideCursor(); }
    BusyCursor(const BusyCursor&) = delete;
    BusyCursor& operator=(const BusyCursor&) = delete;
};

} // namespace

ValidationTab::ValidationTab(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent)
    : Page(parent)
    , m_registry(std::move(registry))
    , m_model(new ValidationModel(this))
{
    m_source = new ResultsSourceBox;
    QWidget* panel = stackBoxes({m_source, buildModelBox(), buildSummaryBox()});
    panel->layout()->setContentsMargins(0, 0, 0, 0);
    panel->setFixedWidth(380); // wide enough for the hardware names, the chart gets the rest

    m_results = new ResultsView(m_model, ValidationModel::SortRole, this);
    m_results->chart()->setObjectName(QStringLiteral("validationChart"));
    m_results->table()->setObjectName(QStringLiteral("validationTable"));
    m_results->table()->setAlternatingRowColors(false); // the band colours are the row colours
    m_results->setStretchFactor(0, 3);
    m_results->setStretchFactor(1, 2);
    m_calibrationPanel = new CalibrationPanel(this);
    auto* aboveTable = new QWidget(this);
    auto* aboveLayout = new QVBoxLayout(aboveTable);
    aboveLayout->setContentsMargins(0, 0, 0, 0);
    aboveLayout->addWidget(m_calibrationPanel);
    m_stepRuns = new StepRunsPanel(aboveTable);
    aboveLayout->addWidget(m_stepRuns);
    m_results->setAboveTable(aboveTable);
    setPanelAndContent(panel, m_results);

    connectControls();
    m_results->chart()->setHardware(m_hardware->currentSpec() ? std::optional(*m_hardware->currentSpec()) : std::nullopt);
}

QGroupBox* ValidationTab::buildModelBox()
{
    auto* box = new QGroupBox(tr("Model"));
    m_modelForm = new QFormLayout(box);
    m_hardware = new HardwareComboBox(m_registry, box);
    m_hardware->setObjectName(QStringLiteral("hardware"));
    m_hardware->selectPreferred(nullptr);
    m_modelForm->addRow(tr("&Hardware"), m_hardware);
    m_mode = new QComboBox(box);
    m_mode->setObjectName(QStringLiteral("mode"));
    m_mode->addItem(tr("Realistic (efficiency factors)"), static_cast<int>(roofline::Mode::Realistic));
    m_mode->addItem(tr("Ideal roofline"), static_cast<int>(roofline::Mode::Ideal));
    m_mode->addItem(tr("Refined (fitted terms)"), static_cast<int>(roofline::Mode::Refined));
    m_mode->setItemData(2, tr("Each row in its own cache mode (cold or warm), with the terms below"), Qt::ToolTipRole);
    m_modelForm->addRow(tr("&Mode"), m_mode);
    // Refined mode's terms: a menu of switches, shown only while Refined is chosen.
    m_terms = new TermsSwitches(TermsSwitches::Style::Menu, box);
    m_modelForm->addRow(tr("Te&rms"), m_terms);
    m_modelForm->setRowVisible(m_terms, false);
    m_validate = new QPushButton(tr("&Validate"), box);
    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    m_modelForm->addRow(m_validate);
    m_calibrateAction = new QAction(tr("Calibra&te from these measurements…"), this);
    m_calibrateAction->setObjectName(QStringLiteral("calibrateAction"));
    m_calibrateAction->setToolTip(tr("Fit a profile to the rows in the table (and a measured-ceilings file), save it as a "
                                     "user profile and compare it with the datasheet"));
    m_calibrateAction->setEnabled(false);
    m_calibrateButton = new QPushButton(m_calibrateAction->text(), box);
    m_calibrateButton->setObjectName(QStringLiteral("calibrate"));
    m_calibrateButton->setToolTip(m_calibrateAction->toolTip());
    m_calibrateButton->setEnabled(false);
    m_modelForm->addRow(m_calibrateButton);
    return box;
}

QGroupBox* ValidationTab::buildSummaryBox()
{
    auto* box = new QGroupBox(tr("Summary"));
    auto* layout = new QVBoxLayout(box);
    m_deviceNote = new DeviceNote(true, box);
    layout->addWidget(m_deviceNote);
    connect(m_deviceNote, &DeviceNote::switchProfileRequested, m_hardware, &HardwareComboBox::setCurrentKey);
    connect(m_deviceNote, &DeviceNote::calibrateRequested, this, &ValidationTab::calibrateInteractively);
    m_summary = new QLabel(tr("Nothing validated yet."), box);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    auto* exportRow = new QHBoxLayout;
    m_exportPng = new QPushButton(tr("Export &PNG…"), box);
    m_exportCsv = new QPushButton(tr("Export &CSV…"), box);
    m_exportPng->setEnabled(false);
    m_exportCsv->setEnabled(false);
    exportRow->addWidget(m_exportPng);
    exportRow->addWidget(m_exportCsv);
    layout->addLayout(exportRow);
    return box;
}

void ValidationTab::connectControls()
{
    connect(m_source, &ResultsSourceBox::filesChosen, this, [this](const QStringList& paths) {
        if (openFiles(paths))
            validate();
    });
    connect(m_validate, &QPushButton::clicked, this, &ValidationTab::validate);
    // A new hardware, mode or set of terms re-validates what is shown: the table never mixes two models.
    connect(m_hardware, &HardwareComboBox::hardwareChanged, this, [this](const QString& key) {
        Settings::setLastHardware(key);
        Q_EMIT hardwareChanged(key);
        revalidate();
    });
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        m_modelForm->setRowVisible(m_terms, currentMode() == roofline::Mode::Refined);
        revalidate();
    });
    connect(m_terms, &TermsSwitches::termsChanged, this, &ValidationTab::revalidate);
    connect(m_calibrateButton, &QPushButton::clicked, m_calibrateAction, &QAction::trigger);
    connect(m_calibrateAction, &QAction::changed, this, [this] { m_calibrateButton->setEnabled(m_calibrateAction->isEnabled()); });
    connect(m_calibrateAction, &QAction::triggered, this, &ValidationTab::calibrateInteractively);
    connect(m_results, &ResultsView::selectionChanged, this, &ValidationTab::followSelection);
    connect(m_exportPng, &QPushButton::clicked, this, [this] { askAndExportPng(QStringLiteral("validation.png")); });
    connect(m_exportCsv, &QPushButton::clicked, this, [this] { askAndExportCsv(QStringLiteral("validation.csv")); });
}

bool ValidationTab::openFile(const QString& path)
{
    return openFiles({path});
}

bool ValidationTab::openFiles(const QStringList& paths)
{
    if (paths.isEmpty())
        return false;
    if (const QString error = m_source->openFiles(paths); !error.isEmpty()) {
        fail(error);
        return false;
    }
    m_lastError.clear();
    selectHardwareOf(*m_source->file());
    return true;
}

void ValidationTab::setLastRun(roofline::MeasurementSet results)
{
    m_source->setLastRun(std::move(results));
    selectHardwareOf(*m_source->lastRun());
}

void ValidationTab::setPastedText(const QString& text)
{
    m_source->setPastedText(text);
}

void ValidationTab::setSource(Source source)
{
    m_source->setSource(source);
}

ValidationTab::Source ValidationTab::source() const
{
    return m_source->source();
}

void ValidationTab::selectHardwareOf(const roofline::MeasurementSet& set)
{
    if (!set.hardware_key.empty())
        m_hardware->setCurrentKey(toQString(set.hardware_key));
}

roofline::Mode ValidationTab::currentMode() const
{
    return static_cast<roofline::Mode>(m_mode->currentData().toInt());
}

bool ValidationTab::validate()
{
    QString error;
    std::optional<roofline::MeasurementSet> input = m_source->read(error);
    if (!input) {
        fail(error);
        return false;
    }
    if (source() == Source::Pasted)
        selectHardwareOf(*input);
    if (!m_hardware->currentSpec()) {
        fail(tr("Choose a hardware profile to validate against."));
        return false;
    }
    // A calibration is shown only beside the rows it was fitted to.
    if (m_calibration && m_calibration->inputJson != roofline::measurements_to_json(*input))
        m_calibration.reset();
    m_lastError.clear();
    m_validated = std::move(input);
    revalidate();
    return true;
}

void ValidationTab::revalidate()
{
    const roofline::HardwareSpec* hw = m_hardware->currentSpec();
    if (!m_validated || !hw)
        return;
    if (m_calibration && m_calibration->baseKey != hw->key)
        m_calibration.reset(); // the comparison is against the datasheet it started from
    const roofline::ModelTerms t = terms();
    roofline::ValidationReport report = roofline::validate(*hw, *m_validated, currentMode(), t);
    std::optional<roofline::ValidationReport> calibrated;
    std::vector<CalibrationComparisonModel::Entry> entries;
    if (m_calibration) {
        calibrated = roofline::validate(m_calibration->profile, *m_validated, roofline::Mode::Refined, t);
        entries = ValidationSummary::comparison(*hw, m_calibration->profile, *m_validated, t, report, *calibrated);
    }
    comparisonModel()->setEntries(std::move(entries));
    m_model->setReport(std::move(report), std::move(calibrated));
    showReport();
}

void ValidationTab::fail(const QString& message, const QString& title)
{
    m_lastError = message;
    showError(this, title.isEmpty() ? tr("Cannot validate") : title, message);
}

void ValidationTab::showReport()
{
    const roofline::ValidationReport& report = m_model->report();
    const auto& calibrated = m_model->calibratedReport();
    RooflineChart* chart = m_results->chart();
    chart->setHardware(m_hardware->currentSpec() ? std::optional(*m_hardware->currentSpec()) : std::nullopt);
    if (calibrated)
        chart->setPredictionNames(tr("Datasheet, %1").arg(toQString(roofline::to_string(report.mode))),
                                  tr("Calibrated, %1").arg(toQString(roofline::to_string(calibrated->mode))));
    else
        chart->setPredictionNames({}, {});
    std::vector<ChartPoint> points;
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
        const roofline::ValidationRow* cal = calibrated ? &calibrated->rows[i] : nullptr;
        if (auto point = chartPointFor(report.rows[i], report.mode, static_cast<int>(i), cal,
                                       calibrated ? calibrated->mode : roofline::Mode::Refined))
            points.push_back(std::move(*point));
    }
    chart->setPoints(std::move(points));
    m_results->followSelection();
    QTableView* table = m_results->table();
    table->setColumnHidden(ValidationModel::CalibratedColumn, !calibrated);
    table->setColumnHidden(ValidationModel::CalibratedErrorColumn, !calibrated);
    table->resizeColumnsToContents();
    if (m_calibration)
        m_calibrationPanel->showCalibration(*m_calibration, m_validated ? m_validated->source : std::string(), m_results);
    else
        m_calibrationPanel->hide();
    m_stepRuns->showReport(report);
    // A file of model runs alone leaves the kernel chart and table empty: the runs take their room.
    m_results->table()->setVisible(!report.rows.empty());
    m_results->chart()->setVisible(!report.rows.empty() || report.steps.empty());
    m_summary->setText(summaryHtml());
    m_deviceNote->showFor(m_validated ? &*m_validated : nullptr, m_hardware->currentSpec());
    m_exportPng->setEnabled(true);
    m_exportCsv->setEnabled(true);
    m_calibrateAction->setEnabled(true);
    Q_EMIT reportChanged();
}

// The chart follows the selection: the first selected row's precision, and the dashed realistic roofs of the
// kernels selected in it (all the report's kernels in that precision when none is selected).
void ValidationTab::followSelection()
{
    const roofline::ValidationReport& report = m_model->report();
    std::optional<roofline::Precision> precision;
    std::set<roofline::KernelType> kernels;
    for (int row : m_results->selectedModelRows()) {
        const roofline::Measurement& m = report.rows[static_cast<std::size_t>(row)].measurement;
        if (!precision)
            precision = m.precision;
        if (m.precision == *precision)
            kernels.insert(m.kernel());
    }
    if (!precision && !report.rows.empty())
        precision = report.rows.front().measurement.precision;
    if (kernels.empty()) {
        for (const roofline::ValidationRow& r : report.rows) {
            if (r.measurement.precision == precision)
                kernels.insert(r.measurement.kernel());
        }
    }
    m_results->chart()->setSelectedPrecision(precision);
    m_results->chart()->setRealisticKernels(report.mode == roofline::Mode::Realistic ? kernels : std::set<roofline::KernelType>{});
}

bool ValidationTab::calibrate(const QString& ceilingsFile)
{
    const QString title = tr("Cannot calibrate");
    const roofline::HardwareSpec* base = m_hardware->currentSpec();
    if (!m_validated || !base) {
        fail(tr("Validate some results first: calibration fits the rows in the table."), title);
        return false;
    }
    BusyCursor busy;
    CalibrationRun::Outcome outcome = CalibrationRun::run(*base, *m_validated, ceilingsFile);
    if (!ceilingsFile.isEmpty() && outcome.ceilingsRead) {
        Settings::rememberFolderOf(Settings::Folder::Ceilings, ceilingsFile);
        Settings::setLastCeilingsFile(QFileInfo(ceilingsFile).absoluteFilePath());
    }
    if (!outcome.calibration) {
        fail(outcome.error, title);
        return false;
    }
    // This tab lists the profile at once; the main window reloads every list from disk on profileSaved.
    const QString key = toQString(outcome.calibration->profile.key);
    auto registry = std::make_shared<roofline::HardwareRegistry>(*m_registry);
    registry->add(outcome.calibration->profile);
    m_calibration = std::move(outcome.calibration);
    m_lastError.clear();
    setRegistry(std::move(registry));
    revalidate();
    Q_EMIT profileSaved(key, m_calibration->file);
    return true;
}

void ValidationTab::calibrateInteractively()
{
    const roofline::HardwareSpec* base = m_hardware->currentSpec();
    if (!m_validated || !base) {
        fail(tr("Validate some results first: calibration fits the rows in the table."), tr("Cannot calibrate"));
        return;
    }
    CalibrateDialog dialog(CalibrationRun::planHtml(*base, *m_validated), this);
    if (dialog.exec() == QDialog::Accepted)
        calibrate(dialog.ceilingsFile());
}

const roofline::HardwareSpec* ValidationTab::calibratedProfile() const
{
    return m_calibration ? &m_calibration->profile : nullptr;
}

QString ValidationTab::calibratedProfileFile() const
{
    return m_calibration ? m_calibration->file : QString();
}

QStringList ValidationTab::calibrationLog() const
{
    return m_calibration ? m_calibration->log : QStringList();
}

CalibrationComparisonModel* ValidationTab::comparisonModel() const
{
    return m_calibrationPanel->model();
}

QTableView* ValidationTab::comparisonTable() const
{
    return m_calibrationPanel->table();
}

roofline::ModelTerms ValidationTab::terms() const
{
    return m_terms->terms();
}

void ValidationTab::setTerms(const roofline::ModelTerms& terms)
{
    m_terms->setTerms(terms); // re-validates through termsChanged when something changed
}

QToolButton* ValidationTab::termsButton() const
{
    return m_terms->menuButton();
}

void ValidationTab::setRegistry(std::shared_ptr<const roofline::HardwareRegistry> registry)
{
    if (!registry || registry == m_registry)
        return;
    m_registry = registry;
    m_hardware->setRegistry(std::move(registry));
}

bool ValidationTab::hasReport() const
{
    return m_validated.has_value();
}

const roofline::ValidationReport& ValidationTab::report() const
{
    return m_model->report();
}

QString ValidationTab::summaryText() const
{
    return hasReport() ? ValidationSummary::text(m_model->report(), comparisonModel()->entries()) : QString();
}

QString ValidationTab::summaryHtml() const
{
    return hasReport() ? ValidationSummary::html(m_model->report(), m_model->calibratedReport()) : tr("Nothing validated yet.");
}

QImage ValidationTab::exportImage(qreal scale) const
{
    return Exporters::render(chart(), summaryText(), scale);
}

std::string ValidationTab::csv() const
{
    const auto& calibrated = m_model->calibratedReport();
    return roofline::validation_csv(m_model->report(), true, calibrated ? &*calibrated : nullptr);
}
