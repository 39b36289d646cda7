#include "validationtab.h"

#include "chartpoint.h"
#include "errormessage.h"
#include "exporters.h"
#include "hardwarecombobox.h"
#include "precisioncolors.h"
#include "rooflinechart.h"
#include "settings.h"
#include "textconv.h"
#include "validationmodel.h"

#include "roofline/errors.h"
#include "roofline/reports.h"

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
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <map>

ValidationTab::ValidationTab(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent)
    : QWidget(parent)
    , m_registry(std::move(registry))
    , m_model(new ValidationModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
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
    auto* modelForm = new QFormLayout(modelBox);
    m_hardware = new HardwareComboBox(m_registry, modelBox);
    m_hardware->setObjectName(QStringLiteral("hardware"));
    m_hardware->setCurrentKey(Settings::lastHardware());
    modelForm->addRow(tr("&Hardware"), m_hardware);
    m_mode = new QComboBox(modelBox);
    m_mode->setObjectName(QStringLiteral("mode"));
    m_mode->addItem(tr("Realistic (efficiency factors)"), static_cast<int>(roofline::Mode::Realistic));
    m_mode->addItem(tr("Ideal roofline"), static_cast<int>(roofline::Mode::Ideal));
    m_mode->addItem(tr("Refined (launch floor, L2, waves)"), static_cast<int>(roofline::Mode::Refined));
    modelForm->addRow(tr("&Mode"), m_mode);
    m_validate = new QPushButton(tr("&Validate"), modelBox);
    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    modelForm->addRow(m_validate);
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

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_chart);
    splitter->addWidget(m_table);
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
    // A new hardware or mode re-validates what is shown: the table never mixes two models.
    connect(m_hardware, &HardwareComboBox::hardwareChanged, this, [this](const QString& key) {
        Settings::setLastHardware(key);
        Q_EMIT hardwareChanged(key);
        if (m_validated) {
            const roofline::MeasurementSet input = *m_validated;
            if (const roofline::HardwareSpec* hw = m_hardware->currentSpec()) {
                m_model->setReport(roofline::validate(*hw, input, static_cast<roofline::Mode>(m_mode->currentData().toInt())));
                showReport();
            }
        }
    });
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] {
        if (m_validated && m_hardware->currentSpec()) {
            m_model->setReport(roofline::validate(*m_hardware->currentSpec(), *m_validated,
                                                  static_cast<roofline::Mode>(m_mode->currentData().toInt())));
            showReport();
        }
    });
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
    const QString path = QFileDialog::getOpenFileName(this, tr("Open benchmark results"),
                                                      Settings::lastFolder(Settings::Folder::Results),
                                                      tr("Results JSON (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    Settings::rememberFolderOf(Settings::Folder::Results, path);
    if (openFile(path))
        validate();
}

bool ValidationTab::openFile(const QString& path)
{
    try {
        roofline::MeasurementSet set = roofline::load_measurements(path.toStdString());
        m_file = std::move(set);
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
                                         QFileInfo(toQString(m_lastRun->source)).fileName()));
    }
    if (m_file) {
        m_fileLabel->setText(tr("%1 — %2")
                                 .arg(QFileInfo(toQString(m_file->source)).fileName(),
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

bool ValidationTab::validate()
{
    std::optional<roofline::MeasurementSet> input = readSource();
    if (!input)
        return false;
    const roofline::HardwareSpec* hw = m_hardware->currentSpec();
    if (!hw) {
        fail(tr("Choose a hardware profile to validate against."));
        return false;
    }
    const auto mode = static_cast<roofline::Mode>(m_mode->currentData().toInt());
    roofline::ValidationReport report = roofline::validate(*hw, *input, mode);
    m_lastError.clear();
    m_validated = std::move(input);
    m_model->setReport(std::move(report));
    showReport();
    return true;
}

void ValidationTab::fail(const QString& message)
{
    m_lastError = message;
    showError(this, tr("Cannot validate"), message);
}

void ValidationTab::showReport()
{
    const roofline::ValidationReport& report = m_model->report();
    m_chart->setHardware(m_hardware->currentSpec() ? std::optional(*m_hardware->currentSpec()) : std::nullopt);
    std::vector<ChartPoint> points;
    std::map<roofline::Precision, int> perPrecision;
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
        if (auto point = chartPointFor(report.rows[i], report.mode, static_cast<int>(i))) {
            ++perPrecision[point->precision];
            points.push_back(std::move(*point));
        }
    }
    m_chart->setPoints(std::move(points));
    onSelectionChanged();
    m_table->resizeColumnsToContents();
    m_summary->setText(summaryHtml());
    m_exportPng->setEnabled(true);
    m_exportCsv->setEnabled(true);
    Q_EMIT reportChanged();
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
                       .arg(QFileInfo(toQString(r.source)).fileName(), toQString(r.hardware_name),
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
    html += row(tr("Source"), QFileInfo(toQString(r.source)).fileName().toHtmlEscaped());
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
    return html + QStringLiteral("</table>");
}

QImage ValidationTab::exportImage(qreal scale) const
{
    return Exporters::render(m_chart, summaryText(), scale);
}

std::string ValidationTab::csv() const
{
    return roofline::validation_csv(m_model->report(), true);
}

QString ValidationTab::exportPng(const QString& path) const
{
    return Exporters::writePng(exportImage(), path);
}

QString ValidationTab::exportCsv(const QString& path) const
{
    return Exporters::writeText(path, csv());
}
