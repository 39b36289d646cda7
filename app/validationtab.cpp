#include "validationtab.h"


#include "calibratedialog.h"
#include "calibrationmodel.h"
#include "chartpoint.h"
#include "errormessage.h"
#include "exporters.h"
#include "hardwarecombobox.h"
#include "modeltermlabels.h"
#include "precisioncolors.h"
#include "rooflinechart.h"
#include "settings.h"
#include "textconv.h"
#include "validationmodel.h"

#include "roofline/errors.h"
#include "roofline/reports.h"

#include <QAction>
#include <QApplication>
#include <QButtonGroup>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSortFilterProxyModel>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <filesystem>
#include <map>

namespace {

// "h100_extended_cold.json + h100_l2_warm.json" for a merged source ("dir/a.json, dir/b.json").
QString sourceName(const std::string& source)
{
    QStringList names;
    for (const QString& part : toQString(source).split(QStringLiteral(", "), Qt::SkipEmptyParts))
        names << QFileInfo(part).fileName();
    return names.join(QStringLiteral(" + "));
}

// A wait cursor while the GUI thread computes something short (a calibration takes tens of milliseconds).
struct BusyCursor {
    BusyCursor() { QApplication::setOverrideCursor(Qt::WaitCursor); }
    ~BusyCursor() { QApplication::restoreOverrideCursor(); }
    BusyCursor(const BusyCursor&) = delete;
    BusyCursor& operator=(const BusyCursor&) = delete;
};

} // namespace

ValidationTab::ValidationTab(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent)
    : QWidget(parent)
    , m_registry(std::move(registry))
    , m_model(new ValidationModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    m_comparison = new CalibrationComparisonModel(this);
    auto* panel = new QWidget(this);
    auto* panelLayout = new QVBoxLayout(panel);
    panelLayout->setContentsMargins(0, 0, 0, 0);

    auto* sourceBox = new QGroupBox(tr("Results to validate"), panel);
    auto* sourceLayout = new QVBoxLayout(sourceBox);
    auto* sources = new QButtonGroup(this);
    m_fromLastRun = new QRadioButton(tr("&Last benchmark run"), sourceBox);
    m_lastRunLabel = new QLabel(tr("none yet: run one in the Benchmark tab"), sourceBox);
    m_fromFile = new QRadioButton(tr("&File"), sourceBox);
    m_fileLabel = new QLabel(tr("none opened"), sourceBox);
    m_fileLabel->setWordWrap(true);
    auto* openButton = new QPushButton(tr("&Open file…"), sourceBox);
    openButton->setObjectName(QStringLiteral("openFile"));
    m_fromPaste = new QRadioButton(tr("&Pasted JSON"), sourceBox);
    m_paste = new QPlainTextEdit(sourceBox);
    m_paste->setObjectName(QStringLiteral("pastedJson"));
    m_paste->setPlaceholderText(tr("{\"hardware_key\": \"b10\", \"benchmarks\": [{\"kernel_type\": \"gemv\", "
                                   "\"shape\": [4096, 4096], \"precision\": \"FP16\", \"measured_time_us\": 203.4}]}"));
    m_paste->setTabChangesFocus(true);
    m_paste->setMinimumHeight(70);
    m_paste->setMaximumHeight(120);
    for (QRadioButton* b : {m_fromLastRun, m_fromFile, m_fromPaste})
        sources->addButton(b);
    m_fromFile->setChecked(true);
    m_fromLastRun->setEnabled(false);
    for (QLabel* l : {m_lastRunLabel, m_fileLabel}) {
        l->setContentsMargins(22, 0, 0, 0);
        l->setForegroundRole(QPalette::PlaceholderText);
    }
    sourceLayout->addWidget(m_fromLastRun);
    sourceLayout->addWidget(m_lastRunLabel);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_fromFile);
    fileRow->addStretch();
    fileRow->addWidget(openButton);
    sourceLayout->addLayout(fileRow);
    sourceLayout->addWidget(m_fileLabel);
    sourceLayout->addWidget(m_fromPaste);
    sourceLayout->addWidget(m_paste);
    panelLayout->addWidget(sourceBox);

    auto* modelBox = new QGroupBox(tr("Model"), panel);
    m_modelForm = new QFormLayout(modelBox);
    m_hardware = new HardwareComboBox(m_registry, modelBox);
    m_hardware->setObjectName(QStringLiteral("hardware"));
    m_hardware->setCurrentKey(Settings::lastHardware());
    m_modelForm->addRow(tr("&Hardware"), m_hardware);
    m_mode = new QComboBox(modelBox);
    m_mode->setObjectName(QStringLiteral("mode"));
    m_mode->addItem(tr("Realistic (efficiency factors)"), static_cast<int>(roofline::Mode::Realistic));
    m_mode->addItem(tr("Ideal roofline"), static_cast<int>(roofline::Mode::Ideal));
    m_mode->addItem(tr("Refined (fitted terms)"), static_cast<int>(roofline::Mode::Refined));
    m_mode->setItemData(2, tr("Each row in its own cache mode (cold or warm), with the terms below"), Qt::ToolTipRole);
    m_modelForm->addRow(tr("&Mode"), m_mode);
    // Refined mode's terms: a menu of switches, shown only while Refined is chosen.
    m_terms = new QToolButton(modelBox);
    m_terms->setObjectName(QStringLiteral("terms"));
    m_terms->setPopupMode(QToolButton::InstantPopup);
    m_terms->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_terms->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    auto* termsMenu = new QMenu(m_terms);
    for (const roofline::TermInfo& term : roofline::model_terms()) {
        QAction* a = termsMenu->addAction(termLabel(term, false));
        a->setObjectName(termObjectName(term));
        a->setCheckable(true);
        a->setChecked(true);
        a->setToolTip(termToolTip(term));
        m_termActions << a;
        connect(a, &QAction::toggled, this, [this] {
            refreshTermsButton();
            revalidate();
        });
    }
    termsMenu->setToolTipsVisible(true);
    m_terms->setMenu(termsMenu);
    m_modelForm->addRow(tr("Te&rms"), m_terms);
    m_modelForm->setRowVisible(m_terms, false);
    refreshTermsButton();
    m_validate = new QPushButton(tr("&Validate"), modelBox);
    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    m_modelForm->addRow(m_validate);
    m_calibrateAction = new QAction(tr("Calibra&te from these measurements…"), this);
    m_calibrateAction->setObjectName(QStringLiteral("calibrateAction"));
    m_calibrateAction->setToolTip(tr("Fit a profile to the rows in the table (and a measured-ceilings file), save it as a "
                                     "user profile and compare it with the datasheet"));
    m_calibrateAction->setEnabled(false);
    m_calibrateButton = new QPushButton(m_calibrateAction->text(), modelBox);
    m_calibrateButton->setObjectName(QStringLiteral("calibrate"));
    m_calibrateButton->setToolTip(m_calibrateAction->toolTip());
    m_calibrateButton->setEnabled(false);
    m_modelForm->addRow(m_calibrateButton);
    panelLayout->addWidget(modelBox);

    auto* summaryBox = new QGroupBox(tr("Summary"), panel);
    auto* summaryLayout = new QVBoxLayout(summaryBox);
    m_summary = new QLabel(tr("Nothing validated yet."), summaryBox);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summaryLayout->addWidget(m_summary);
    auto* exportRow = new QHBoxLayout;
    m_exportPng = new QPushButton(tr("Export &PNG…"), summaryBox);
    m_exportCsv = new QPushButton(tr("Export &CSV…"), summaryBox);
    m_exportPng->setEnabled(false);
    m_exportCsv->setEnabled(false);
    exportRow->addWidget(m_exportPng);
    exportRow->addWidget(m_exportCsv);
    summaryLayout->addLayout(exportRow);
    panelLayout->addWidget(summaryBox);
    panelLayout->addStretch();
    panel->setFixedWidth(380); // wide enough for the hardware names, the chart gets the rest

    m_chart = new RooflineChart(this);
    m_chart->setObjectName(QStringLiteral("validationChart"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ValidationModel::SortRole);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("validationTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // input order until a header is clicked
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(false); // the band colours are the row colours
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);

    // Datasheet against calibrated: a compact table beside a caption saying what was fitted and where it went.
    m_comparisonPanel = new QGroupBox(tr("Datasheet vs calibrated, on the same rows"), this);
    m_comparisonPanel->setObjectName(QStringLiteral("comparisonPanel"));
    auto* comparisonLayout = new QHBoxLayout(m_comparisonPanel);
    m_comparisonTable = new QTableView(m_comparisonPanel);
    m_comparisonTable->setObjectName(QStringLiteral("comparisonTable"));
    m_comparisonTable->setModel(m_comparison);
    m_comparisonTable->verticalHeader()->hide();
    m_comparisonTable->verticalHeader()->setDefaultSectionSize(m_comparisonTable->fontMetrics().height() + 6);
    m_comparisonTable->setSelectionMode(QAbstractItemView::NoSelection);
    m_comparisonTable->setFocusPolicy(Qt::NoFocus);
    m_comparisonTable->setWordWrap(false);
    m_comparisonTable->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_comparisonTable->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_comparisonTable->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_comparisonTable->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_comparisonCaption = new QLabel(m_comparisonPanel);
    m_comparisonCaption->setObjectName(QStringLiteral("comparisonCaption"));
    m_comparisonCaption->setWordWrap(true);
    m_comparisonCaption->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_comparisonCaption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_comparisonCaption->setMinimumWidth(160);
    comparisonLayout->addWidget(m_comparisonTable, 0, Qt::AlignTop);
    comparisonLayout->addWidget(m_comparisonCaption, 1);
    m_comparisonPanel->hide();

    auto* lower = new QWidget(this);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(m_comparisonPanel);
    lowerLayout->addWidget(m_table, 1);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_splitter = splitter;
    splitter->addWidget(m_chart);
    splitter->addWidget(lower);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    splitter->setSizes({640, 300}); // the chart is what people look at; the table scrolls

    auto* layout = new QHBoxLayout(this);
    layout->addWidget(panel);
    layout->addWidget(splitter, 1);

    connect(openButton, &QPushButton::clicked, this, &ValidationTab::chooseFile);
    connect(m_validate, &QPushButton::clicked, this, &ValidationTab::validate);
    connect(m_paste, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_paste->toPlainText().isEmpty())
            m_fromPaste->setChecked(true);
    });
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
    connect(m_calibrateButton, &QPushButton::clicked, m_calibrateAction, &QAction::trigger);
    connect(m_calibrateAction, &QAction::changed, this, [this] { m_calibrateButton->setEnabled(m_calibrateAction->isEnabled()); });
    connect(m_calibrateAction, &QAction::triggered, this, &ValidationTab::calibrateInteractively);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ValidationTab::onSelectionChanged);
    connect(m_chart, &RooflineChart::pointActivated, this, &ValidationTab::selectReportRow);
    connect(m_exportPng, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export chart as PNG"),
                                                          Settings::lastFolder(Settings::Folder::Export)
                                                              + QStringLiteral("/validation.png"),
                                                          tr("PNG images (*.png)"));
        if (path.isEmpty())
            return;
        Settings::rememberFolderOf(Settings::Folder::Export, path);
        if (const QString error = exportPng(path); !error.isEmpty())
            showError(this, tr("Export PNG"), tr("Could not write %1: %2").arg(path, error));
    });
    connect(m_exportCsv, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export table as CSV"),
                                                          Settings::lastFolder(Settings::Folder::Export)
                                                              + QStringLiteral("/validation.csv"),
                                                          tr("CSV files (*.csv)"));
        if (path.isEmpty())
            return;
        Settings::rememberFolderOf(Settings::Folder::Export, path);
        if (const QString error = exportCsv(path); !error.isEmpty())
            showError(this, tr("Export CSV"), tr("Could not write %1: %2").arg(path, error));
    });
    m_chart->setHardware(m_hardware->currentSpec() ? std::optional(*m_hardware->currentSpec()) : std::nullopt);
}

void ValidationTab::chooseFile()
{
    // Several files are one set of rows (a cold and a warm run, say).
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Open benchmark results"),
                                                            Settings::lastFolder(Settings::Folder::Results),
                                                            tr("Results JSON (*.json);;All files (*)"));
    if (paths.isEmpty())
        return;
    Settings::rememberFolderOf(Settings::Folder::Results, paths.constFirst());
    if (openFiles(paths))
        validate();
}

bool ValidationTab::openFile(const QString& path)
{
    return openFiles({path});
}

bool ValidationTab::openFiles(const QStringList& paths)
{
    if (paths.isEmpty())
        return false;
    try {
        std::vector<roofline::MeasurementSet> sets;
        for (const QString& path : paths)
            sets.push_back(roofline::load_measurements(path.toStdString()));
        m_file = sets.size() == 1 ? std::move(sets.front()) : roofline::merge_measurements(sets);
    } catch (const std::exception& e) {
        fail(toQString(e.what()));
        return false;
    }
    m_lastError.clear();
    selectHardwareOf(*m_file);
    setSource(Source::File);
    updateSourceLabels();
    return true;
}

void ValidationTab::setLastRun(roofline::MeasurementSet results)
{
    m_lastRun = std::move(results);
    selectHardwareOf(*m_lastRun);
    setSource(Source::LastRun);
    updateSourceLabels();
}

void ValidationTab::setPastedText(const QString& text)
{
    m_paste->setPlainText(text);
    setSource(Source::Pasted);
}

void ValidationTab::setSource(Source source)
{
    switch (source) {
    case Source::LastRun: m_fromLastRun->setChecked(true); break;
    case Source::File: m_fromFile->setChecked(true); break;
    case Source::Pasted: m_fromPaste->setChecked(true); break;
    }
}

ValidationTab::Source ValidationTab::source() const
{
    if (m_fromLastRun->isChecked())
        return Source::LastRun;
    return m_fromPaste->isChecked() ? Source::Pasted : Source::File;
}

void ValidationTab::updateSourceLabels()
{
    if (m_lastRun) {
        m_fromLastRun->setEnabled(true);
        m_lastRunLabel->setText(tr("%1 from %2")
                                    .arg(countOf(static_cast<qsizetype>(m_lastRun->rows.size()), tr("case"), tr("cases")),
                                         sourceName(m_lastRun->source)));
    }
    if (m_file) {
        m_fileLabel->setText(tr("%1 — %2")
                                 .arg(sourceName(m_file->source),
                                      countOf(static_cast<qsizetype>(m_file->rows.size()), tr("row"), tr("rows"))));
        m_fileLabel->setToolTip(toQString(m_file->source));
    }
}

void ValidationTab::selectHardwareOf(const roofline::MeasurementSet& set)
{
    if (!set.hardware_key.empty())
        m_hardware->setCurrentKey(toQString(set.hardware_key));
}

std::optional<roofline::MeasurementSet> ValidationTab::readSource()
{
    switch (source()) {
    case Source::LastRun:
        if (!m_lastRun)
            fail(tr("No benchmark run yet: run one in the Benchmark tab, or open a results file."));
        return m_lastRun;
    case Source::File:
        if (!m_file)
            fail(tr("No results file opened: use Open file…, drop one on the window, or paste JSON."));
        return m_file;
    case Source::Pasted:
        try {
            roofline::MeasurementSet set = roofline::parse_measurements(m_paste->toPlainText().toStdString(), "pasted text");
            selectHardwareOf(set);
            return set;
        } catch (const std::exception& e) {
            fail(toQString(e.what()));
            return std::nullopt;
        }
    }
    return std::nullopt;
}

roofline::Mode ValidationTab::currentMode() const
{
    return static_cast<roofline::Mode>(m_mode->currentData().toInt());
}

bool ValidationTab::validate()
{
    std::optional<roofline::MeasurementSet> input = readSource();
    if (!input)
        return false;
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
        const roofline::HardwareSpec& cal = m_calibration->profile;
        calibrated = roofline::validate(cal, *m_validated, roofline::Mode::Refined, t);
        const QString base = toQString(hw->name) + QStringLiteral(" [") + toQString(hw->key) + QStringLiteral("]");
        const QString calName = toQString(cal.name) + QStringLiteral(" [") + toQString(cal.key) + QStringLiteral("]");
        auto summaryOf = [&](const roofline::HardwareSpec& spec, roofline::Mode mode) {
            return mode == report.mode && &spec == hw ? report.summary : roofline::validate(spec, *m_validated, mode, t).summary;
        };
        entries.push_back({tr("Datasheet · ideal"), tr("%1, the pure roofline").arg(base), summaryOf(*hw, roofline::Mode::Ideal)});
        entries.push_back({tr("Datasheet · realistic"), tr("%1, its efficiency factors").arg(base),
                           summaryOf(*hw, roofline::Mode::Realistic)});
        entries.push_back({tr("Calibrated · realistic"), tr("%1, the fitted single factor per kernel × precision").arg(calName),
                           roofline::validate(cal, *m_validated, roofline::Mode::Realistic, t).summary});
        entries.push_back({tr("Calibrated · refined"), tr("%1, the fitted terms").arg(calName), calibrated->summary});
    }
    m_comparison->setEntries(std::move(entries));
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
    m_chart->setHardware(m_hardware->currentSpec() ? std::optional(*m_hardware->currentSpec()) : std::nullopt);
    if (calibrated)
        m_chart->setPredictionNames(tr("Datasheet, %1").arg(toQString(roofline::to_string(report.mode))),
                                    tr("Calibrated, %1").arg(toQString(roofline::to_string(calibrated->mode))));
    else
        m_chart->setPredictionNames({}, {});
    std::vector<ChartPoint> points;
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
        const roofline::ValidationRow* cal = calibrated ? &calibrated->rows[i] : nullptr;
        if (auto point = chartPointFor(report.rows[i], report.mode, static_cast<int>(i), cal,
                                       calibrated ? calibrated->mode : roofline::Mode::Refined))
            points.push_back(std::move(*point));
    }
    m_chart->setPoints(std::move(points));
    onSelectionChanged();
    m_table->setColumnHidden(ValidationModel::CalibratedColumn, !calibrated);
    m_table->setColumnHidden(ValidationModel::CalibratedErrorColumn, !calibrated);
    m_table->resizeColumnsToContents();
    updateCalibrationView();
    m_summary->setText(summaryHtml());
    m_exportPng->setEnabled(true);
    m_exportCsv->setEnabled(true);
    m_calibrateAction->setEnabled(true);
    Q_EMIT reportChanged();
}

void ValidationTab::updateCalibrationView()
{
    const bool appearing = m_calibration && m_comparisonPanel->isHidden();
    m_comparisonPanel->setVisible(m_calibration.has_value());
    if (!m_calibration)
        return;
    const Calibration& c = *m_calibration;
    const roofline::HardwareSpec& p = c.profile;
    QStringList fitted;
    double lowestFloor = p.launch_overhead_us, highestFloor = p.launch_overhead_us;
    for (const auto& [kernel, floors] : p.latency_floor_us) {
        for (const auto& [precision, floor] : floors) {
            lowestFloor = std::min(lowestFloor, floor);
            highestFloor = std::max(highestFloor, floor);
        }
    }
    fitted << (highestFloor > lowestFloor
                   ? tr("latency floors %1–%2 µs").arg(formatSignificant(lowestFloor), formatSignificant(highestFloor))
                   : tr("latency floor %1 µs").arg(formatSignificant(p.launch_overhead_us)));
    if (p.l2_bandwidth_gb_s)
        fitted << tr("L2 %1 GB/s").arg(formatSignificant(*p.l2_bandwidth_gb_s))
                      + (p.l2_efficiency ? tr(" × %1").arg(formatNumber(*p.l2_efficiency, 2)) : QString());
    if (p.dram_latency_us)
        fitted << tr("DRAM latency %1 µs").arg(formatSignificant(*p.dram_latency_us));
    if (p.gemm_tile_m && p.gemm_tile_n)
        fitted << tr("GEMM tile %1×%2").arg(*p.gemm_tile_m).arg(*p.gemm_tile_n);
    if (p.throttle_after_us && p.throttle_ratio)
        fitted << tr("throttle to %1× after %2 µs").arg(formatNumber(*p.throttle_ratio, 2), formatSignificant(*p.throttle_after_us));
    if (!p.partial_line_efficiency.empty() || !p.unaligned_efficiency.empty())
        fitted << tr("row-alignment factors");
    QString caption = tr("<b>%1</b> [%2], fitted to %3 of %4%5: %6.")
                          .arg(toQString(p.name).toHtmlEscaped(), toQString(p.key).toHtmlEscaped(),
                               countOf(static_cast<qsizetype>(c.rowsUsed), tr("row"), tr("rows")),
                               sourceName(m_validated ? m_validated->source : std::string()).toHtmlEscaped(),
                               c.ceilingsFile.isEmpty() ? QString()
                                                        : tr(" and %1").arg(QFileInfo(c.ceilingsFile).fileName().toHtmlEscaped()),
                               fitted.join(QStringLiteral(", ")));
    if (c.rowsSkipped > 0)
        caption += QLatin1Char(' ') + tr("%1 not usable.").arg(countOf(static_cast<qsizetype>(c.rowsSkipped), tr("row"), tr("rows")));
    caption += QStringLiteral("<br>") + tr("Peaks and bandwidth stay the datasheet's. Saved as a user profile: %1")
                                            .arg(displayPath(c.file).toHtmlEscaped());
    m_comparisonCaption->setText(caption);
    m_comparisonCaption->setToolTip(c.log.join(QLatin1Char('\n')));
    m_comparisonTable->resizeColumnsToContents();
    m_comparisonTable->updateGeometry();
    // The comparison takes some room from the chart, so that the table keeps about eight rows in view; the chart
    // keeps at least 55 %. (Proportions: before the window is shown the splitter scales them to its height.)
    if (appearing) {
        const QList<int> sizes = m_splitter->sizes();
        const int total = std::max(sizes.value(0) + sizes.value(1), 600);
        const int wanted = m_comparisonPanel->sizeHint().height() + m_table->horizontalHeader()->sizeHint().height()
            + 8 * m_table->verticalHeader()->defaultSectionSize() + 12;
        const int lower = std::min(wanted, total * 45 / 100);
        if (sizes.value(1) < lower)
            m_splitter->setSizes({total - lower, lower});
    }
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
    std::optional<roofline::MeasuredCeilings> ceilings;
    if (!ceilingsFile.isEmpty()) {
        try {
            ceilings = roofline::load_ceilings(ceilingsFile.toStdString());
        } catch (const std::exception& e) {
            fail(tr("The ceilings file cannot be used: %1").arg(toQString(e.what())), title);
            return false;
        }
        Settings::rememberFolderOf(Settings::Folder::Ceilings, ceilingsFile);
        Settings::setLastCeilingsFile(QFileInfo(ceilingsFile).absoluteFilePath());
    }

    roofline::CalibrationOptions options;
    options.key = base->key + "_calibrated";
    options.run_label = m_validated->source;
    if (!ceilingsFile.isEmpty())
        options.ceilings_label = ceilingsFile.toStdString();
    roofline::CalibrationResult result;
    try {
        result = roofline::calibrate(*base, *m_validated, ceilings ? &*ceilings : nullptr, options);
    } catch (const std::exception& e) {
        fail(tr("Cannot calibrate %1 from %2: %3")
                 .arg(toQString(base->key), sourceName(m_validated->source), toQString(e.what())),
             title);
        return false;
    }

    const std::filesystem::path dir = roofline::user_hardware_dir();
    const std::filesystem::path file = dir / (result.profile.key + ".json");
    try {
        std::filesystem::create_directories(dir);
        roofline::write_file_atomically(file, roofline::hardware_to_json(result.profile) + "\n");
    } catch (const std::exception& e) {
        fail(tr("Cannot save the calibrated profile as %1: %2").arg(toQString(file.string()), toQString(e.what())), title);
        return false;
    }
    result.profile.origin = file.string(); // what the registry says of a profile loaded from there

    Calibration c;
    c.baseKey = base->key;
    c.inputJson = roofline::measurements_to_json(*m_validated);
    c.file = toQString(file.string());
    c.ceilingsFile = ceilingsFile;
    c.rowsUsed = result.rows_used;
    c.rowsSkipped = result.rows_skipped;
    for (const std::string& line : result.log)
        c.log << toQString(line);
    c.profile = result.profile;
    const QString key = toQString(result.profile.key);

    // This tab lists the profile at once; the main window reloads every list from disk on profileSaved.
    auto registry = std::make_shared<roofline::HardwareRegistry>(*m_registry);
    registry->add(std::move(result.profile));
    m_calibration = std::move(c);
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
    const std::string key = base->key + "_calibrated";
    const QString file = toQString((roofline::user_hardware_dir() / (key + ".json")).string());
    const QString what =
        tr("<p>Fits a profile to the %1 of <b>%2</b>, starting from <b>%3</b> [%4]: the L2 efficiency, the DRAM "
           "latency, the GEMM tile, the power throttle and, per kernel × precision, the latency floor, the efficiency factors and the "
           "row-alignment factors. Peaks and bandwidth stay the datasheet's, so ideal mode does not change.</p><p>Saved as the user profile <b>%5</b>%6:<br>%7</p>")
            .arg(countOf(static_cast<qsizetype>(m_validated->rows.size()), tr("row"), tr("rows")),
                 sourceName(m_validated->source).toHtmlEscaped(), toQString(base->name).toHtmlEscaped(),
                 toQString(base->key).toHtmlEscaped(), toQString(key).toHtmlEscaped(),
                 QFileInfo::exists(file) ? tr(", replacing the one there") : QString(), file.toHtmlEscaped());
    CalibrateDialog dialog(what, this);
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

roofline::ModelTerms ValidationTab::terms() const
{
    roofline::ModelTerms t;
    const auto& infos = roofline::model_terms();
    for (int i = 0; i < m_termActions.size(); ++i)
        t.*infos[static_cast<std::size_t>(i)].flag = m_termActions[i]->isChecked();
    return t;
}

void ValidationTab::setTerms(const roofline::ModelTerms& t)
{
    const auto& infos = roofline::model_terms();
    bool changed = false;
    for (int i = 0; i < m_termActions.size(); ++i) {
        const bool value = t.*infos[static_cast<std::size_t>(i)].flag;
        const QSignalBlocker blocker(m_termActions[i]);
        changed = changed || m_termActions[i]->isChecked() != value;
        m_termActions[i]->setChecked(value);
    }
    refreshTermsButton();
    if (changed)
        revalidate();
}

void ValidationTab::refreshTermsButton()
{
    QStringList on;
    const auto& infos = roofline::model_terms();
    for (int i = 0; i < m_termActions.size(); ++i) {
        if (m_termActions[i]->isChecked())
            on << toQString(infos[static_cast<std::size_t>(i)].key);
    }
    m_terms->setText(on.size() == m_termActions.size() ? tr("All %n terms", nullptr, int(m_termActions.size()))
                         : on.isEmpty()                 ? tr("None (the realistic mode)")
                                                        : on.join(QStringLiteral(", ")));
}

void ValidationTab::setRegistry(std::shared_ptr<const roofline::HardwareRegistry> registry)
{
    if (!registry || registry == m_registry)
        return;
    m_registry = registry;
    m_hardware->setRegistry(std::move(registry));
}

void ValidationTab::onSelectionChanged()
{
    const roofline::ValidationReport& report = m_model->report();
    QSet<int> ids;
    std::optional<roofline::Precision> precision;
    std::set<roofline::KernelType> kernels;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
        const int row = index.data(ValidationModel::RowIndexRole).toInt();
        ids.insert(row);
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
    m_chart->setSelectedPrecision(precision);
    m_chart->setRealisticKernels(report.mode == roofline::Mode::Realistic ? kernels : std::set<roofline::KernelType>{});
    m_chart->setHighlightedIds(ids);
}

void ValidationTab::selectReportRow(int row)
{
    const QModelIndex source = m_model->index(row, 0);
    const QModelIndex index = m_proxy->mapFromSource(source);
    if (!index.isValid())
        return;
    m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
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
    if (!hasReport())
        return {};
    const roofline::ValidationReport& r = m_model->report();
    const roofline::ErrorSummary& s = r.summary;
    QString text = tr("%1 on %2, %3 mode: %4")
                       .arg(sourceName(r.source), toQString(r.hardware_name),
                            toQString(roofline::to_string(r.mode)),
                            countOf(static_cast<qsizetype>(s.count), tr("row compared"), tr("rows compared")));
    if (s.count > 0)
        text += QStringLiteral("\n")
            + tr("Error |predicted − measured| ÷ measured: mean %1 %, median %2 %, max %3 %")
                  .arg(formatNumber(s.mean_abs_error_pct, 1), formatNumber(s.median_abs_error_pct, 1),
                       formatNumber(s.max_abs_error_pct, 1));
    text += QStringLiteral("\n")
        + tr("Bands: %1 green (< 10 %), %2 yellow (10–25 %), %3 red (> 25 %)").arg(s.green).arg(s.yellow).arg(s.red);
    if (r.not_compared > 0)
        text += QStringLiteral("\n")
            + tr("%1 (see Note)").arg(countOf(static_cast<qsizetype>(r.not_compared), tr("row not compared"), tr("rows not compared")));
    // Datasheet against calibrated, one line per model, for the exported image.
    for (const CalibrationComparisonModel::Entry& e : m_comparison->entries()) {
        if (e.summary.count == 0)
            continue;
        text += QStringLiteral("\n")
            + tr("%1: mean %2 %, median %3 %, max %4 %, %5 of %6 green")
                  .arg(e.label, formatNumber(e.summary.mean_abs_error_pct, 1), formatNumber(e.summary.median_abs_error_pct, 1),
                       formatNumber(e.summary.max_abs_error_pct, 1))
                  .arg(e.summary.green)
                  .arg(e.summary.count);
    }
    return text;
}

QString ValidationTab::summaryHtml() const
{
    if (!hasReport())
        return tr("Nothing validated yet.");
    const roofline::ValidationReport& r = m_model->report();
    const roofline::ErrorSummary& s = r.summary;
    auto row = [](const QString& name, const QString& value) -> QString {
        return QStringLiteral("<tr><td style='padding-right:8px'>") + name + QStringLiteral("</td><td>") + value
            + QStringLiteral("</td></tr>");
    };
    auto chip = [](std::size_t n, roofline::Band band, const QString& name) -> QString {
        return QStringLiteral("<span style='background-color:") + bandBackground(static_cast<int>(band)).name()
            + QStringLiteral("'>&nbsp;") + QString::number(n) + QLatin1Char(' ') + name + QStringLiteral("&nbsp;</span>");
    };
    QString html = QStringLiteral("<table>");
    html += row(tr("Source"), sourceName(r.source).toHtmlEscaped());
    html += row(tr("Model"), toQString(r.hardware_name).toHtmlEscaped() + QStringLiteral(", ") + toQString(roofline::to_string(r.mode)));
    QString compared = QString::number(s.count);
    if (r.not_compared > 0)
        compared += tr(" (%1 not compared)").arg(r.not_compared);
    html += row(tr("Rows compared"), compared);
    if (s.count > 0) {
        html += row(tr("Mean error"), formatNumber(s.mean_abs_error_pct, 1) + QStringLiteral(" %"));
        html += row(tr("Median error"), formatNumber(s.median_abs_error_pct, 1) + QStringLiteral(" %"));
        html += row(tr("Max error"), formatNumber(s.max_abs_error_pct, 1) + QStringLiteral(" %"));
    }
    html += row(tr("Bands"), chip(s.green, roofline::Band::Green, tr("green")) + QStringLiteral(" ")
                                 + chip(s.yellow, roofline::Band::Yellow, tr("yellow")) + QStringLiteral(" ")
                                 + chip(s.red, roofline::Band::Red, tr("red")));
    if (const auto& cal = m_model->calibratedReport(); cal && cal->summary.count > 0)
        html += row(tr("Calibrated"), tr("%1, refined: mean %2 %, %3 green")
                                          .arg(toQString(cal->hardware_key).toHtmlEscaped(),
                                               formatNumber(cal->summary.mean_abs_error_pct, 1))
                                          .arg(cal->summary.green));
    return html + QStringLiteral("</table>");
}

QImage ValidationTab::exportImage(qreal scale) const
{
    return Exporters::render(m_chart, summaryText(), scale);
}

std::string ValidationTab::csv() const
{
    const auto& calibrated = m_model->calibratedReport();
    return roofline::validation_csv(m_model->report(), true, calibrated ? &*calibrated : nullptr);
}

QString ValidationTab::exportPng(const QString& path) const
{
    return Exporters::writePng(exportImage(), path);
}

QString ValidationTab::exportCsv(const QString& path) const
{
    return Exporters::writeText(path, csv());
}
