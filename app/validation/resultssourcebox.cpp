#include "validation/resultssourcebox.h"

#include "shared/filedialogs.h"
#include "shared/textconv.h"

#include "roofline/calibration/calibration.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

ResultsSourceBox::ResultsSourceBox(QWidget* parent)
    : QGroupBox(tr("Results to validate"), parent)
{
    // Created in reading order, which is also the focus order.
    m_fromLastRun = new QRadioButton(tr("&Last benchmark run"), this);
    m_lastRunLabel = new QLabel(tr("none yet: run one in the Benchmark tab"), this);
    m_fromFile = new QRadioButton(tr("&File"), this);
    m_fileLabel = new QLabel(tr("none opened"), this);
    m_fileLabel->setWordWrap(true);
    auto* openButton = new QPushButton(tr("&Open file…"), this);
    openButton->setObjectName(QStringLiteral("openFile"));
    m_fromPaste = new QRadioButton(tr("&Pasted JSON"), this);
    m_paste = new QPlainTextEdit(this);
    m_paste->setObjectName(QStringLiteral("pastedJson"));
    m_paste->setPlaceholderText(tr("{\"hardware_key\": \"b10\", \"benchmarks\": [{\"kernel_type\": \"gemv\", "
                                   "\"shape\": [4096, 4096], \"precision\": \"FP16\", \"measured_time_us\": 203.4}]}"));
    m_paste->setTabChangesFocus(true);
    m_paste->setMinimumHeight(70);
    m_paste->setMaximumHeight(120);
    auto* sources = new QButtonGroup(this);
    for (QRadioButton* b : {m_fromLastRun, m_fromFile, m_fromPaste})
        sources->addButton(b);
    m_fromFile->setChecked(true);
    m_fromLastRun->setEnabled(false);
    for (QLabel* l : {m_lastRunLabel, m_fileLabel}) {
        l->setContentsMargins(22, 0, 0, 0);
        l->setForegroundRole(QPalette::PlaceholderText);
    }
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_fromLastRun);
    layout->addWidget(m_lastRunLabel);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_fromFile);
    fileRow->addStretch();
    fileRow->addWidget(openButton);
    layout->addLayout(fileRow);
    layout->addWidget(m_fileLabel);
    layout->addWidget(m_fromPaste);
    layout->addWidget(m_paste);

    connect(openButton, &QPushButton::clicked, this, [this] {
        // Several files are one set of rows (a cold and a warm run, say).
        const QStringList paths = FileDialogs::askOpenPaths(this, Settings::Folder::Results, tr("Open benchmark results"),
                                                            tr("Results JSON and llama-bench output (*.json *.jsonl);;All files (*)"));
        if (!paths.isEmpty())
            Q_EMIT filesChosen(paths);
    });
    connect(m_paste, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_paste->toPlainText().isEmpty())
            m_fromPaste->setChecked(true);
    });
}

QString ResultsSourceBox::openFiles(const QStringList& paths)
{
    try {
        std::vector<roofline::MeasurementSet> sets;
        for (const QString& path : paths)
            sets.push_back(roofline::load_measurements(path.toStdString()));
        m_file = sets.size() == 1 ? std::move(sets.front()) : roofline::merge_measurements(sets);
    } catch (const std::exception& e) {
        return toQString(e.what());
    }
    setSource(Source::File);
    updateLabels();
    return {};
}

void ResultsSourceBox::setLastRun(roofline::MeasurementSet results)
{
    m_lastRun = std::move(results);
    setSource(Source::LastRun);
    updateLabels();
}

void ResultsSourceBox::setPastedText(const QString& text)
{
    m_paste->setPlainText(text);
    setSource(Source::Pasted);
}

void ResultsSourceBox::setSource(Source source)
{
    switch (source) {
    case Source::LastRun: m_fromLastRun->setChecked(true); break;
    case Source::File: m_fromFile->setChecked(true); break;
    case Source::Pasted: m_fromPaste->setChecked(true); break;
    }
}

ResultsSourceBox::Source ResultsSourceBox::source() const
{
    if (m_fromLastRun->isChecked())
        return Source::LastRun;
    return m_fromPaste->isChecked() ? Source::Pasted : Source::File;
}

std::optional<roofline::MeasurementSet> ResultsSourceBox::read(QString& error) const
{
    switch (source()) {
    case Source::LastRun:
        if (!m_lastRun)
            error = tr("No benchmark run yet: run one in the Benchmark tab, or open a results file.");
        return m_lastRun;
    case Source::File:
        if (!m_file)
            error = tr("No results file opened: use Open file…, drop one on the window, or paste JSON.");
        return m_file;
    case Source::Pasted:
        try {
            return roofline::parse_measurements(m_paste->toPlainText().toStdString(), "pasted text");
        } catch (const std::exception& e) {
            error = toQString(e.what());
            return std::nullopt;
        }
    }
    return std::nullopt;
}

void ResultsSourceBox::updateLabels()
{
    if (m_lastRun) {
        m_fromLastRun->setEnabled(true);
        m_lastRunLabel->setText(tr("%1 from %2")
                                    .arg(countOf(static_cast<qsizetype>(m_lastRun->rows.size()), tr("case"), tr("cases")),
                                         sourceName(m_lastRun->source)));
    }
    if (m_file) {
        QString rows = countOf(static_cast<qsizetype>(m_file->rows.size()), tr("row"), tr("rows"));
        if (!m_file->steps.empty())
            rows += tr(", %1").arg(countOf(static_cast<qsizetype>(m_file->steps.size()), tr("model run"), tr("model runs")));
        m_fileLabel->setText(tr("%1 — %2").arg(sourceName(m_file->source), rows));
        m_fileLabel->setToolTip(toQString(m_file->source));
    }
}
