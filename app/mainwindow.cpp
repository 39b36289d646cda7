#include "mainwindow.h"

#include "benchmark/benchmarktab.h"
#include "calculatorviews.h"
#include "calculator/calculatortab.h"
#include "shared/errormessage.h"
#include "shared/exporters.h"
#include "shared/filedialogs.h"
#include "shared/hardwarecombobox.h"
#include "model/modelview.h"
#include "shared/rooflinechart.h"
#include "shared/settings.h"
#include "shared/textconv.h"
#include "validation/validationtab.h"

#include "roofline/results/measurements.h"
#include "roofline/support/version.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QStatusBar>
#include <QTabWidget>

namespace {

// The first local .json file among dropped URLs; empty when there is none.
QString droppedResultsFile(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls())
        return {};
    for (const QUrl& url : mime->urls()) {
        const QString file = url.toLocalFile();
        if (url.isLocalFile()
            && (file.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive) || file.endsWith(QStringLiteral(".jsonl"), Qt::CaseInsensitive)))
            return url.toLocalFile();
    }
    return {};
}

std::shared_ptr<const roofline::HardwareRegistry> loadRegistry()
{
    return std::make_shared<const roofline::HardwareRegistry>(roofline::HardwareRegistry::presets_and_user());
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_registry(loadRegistry())
{
    setWindowTitle(tr("Roofline Lab"));
    setAcceptDrops(true);

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_calculator = new CalculatorTab(m_registry);
    m_modelView = new ModelView(m_registry);
    m_calculatorViews = new CalculatorViews(m_calculator, m_modelView, m_tabs);
    m_benchmark = new BenchmarkTab(m_registry, m_tabs);
    m_validation = new ValidationTab(m_registry, m_tabs);
    m_pages = {m_calculatorViews, m_benchmark, m_validation};
    for (Page* page : m_pages)
        m_tabs->addTab(page, page->title());
    setCentralWidget(m_tabs);

    m_deviceStatus = new QLabel(tr("Looking for a benchmark plugin…"), this);
    m_deviceStatus->setObjectName(QStringLiteral("deviceStatus"));
    statusBar()->addPermanentWidget(m_deviceStatus);
    showRegistryProblems();

    createMenus();
    for (RooflineChart* chart : charts()) {
        chart->setShowRealisticRoofs(Settings::showRealisticRoofs());
        chart->setShowAllPrecisions(Settings::showAllPrecisions());
    }

    connect(m_benchmark, &BenchmarkTab::deviceStatusChanged, m_deviceStatus, &QLabel::setText);
    connect(m_benchmark, &BenchmarkTab::gpuDetected, this, [this](const roofline::DeviceInfo& device) {
        for (HardwareComboBox* box : {m_calculator->hardwareBox(), m_modelView->hardwareBox(), m_validation->hardwareBox()})
            box->selectPreferred(&device);
    });
    connect(m_benchmark, &BenchmarkTab::runFinished, this, [this](const roofline::MeasurementSet& results, bool) {
        m_validation->setLastRun(results);
        updateActions();
    });
    connect(m_benchmark, &BenchmarkTab::validateRequested, this, [this](const roofline::MeasurementSet& results) {
        m_validation->setLastRun(results);
        showTab(ValidationPage);
        m_validation->validate();
    });
    connect(m_validation, &ValidationTab::reportChanged, this, &MainWindow::updateActions);
    connect(m_validation, &ValidationTab::profileSaved, this, [this](const QString& key, const QString& file) {
        reloadHardware();
        statusBar()->showMessage(tr("Saved the calibrated profile %1 as %2: every hardware list shows it").arg(key, displayPath(file)), 15000);
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateActions);
    connect(m_calculatorViews, &CalculatorViews::viewChanged, this, &MainWindow::updateActions);

    if (!restoreGeometry(Settings::windowGeometry())) {
        const QSize available = screen() ? screen()->availableSize() : QSize(1600, 1000);
        resize(std::min(1440, available.width() * 9 / 10), std::min(920, available.height() * 9 / 10));
    }
    restoreState(Settings::windowState());
    updateActions();
    // Off the GUI thread: loading a CUDA plugin can take a second and must not delay the window.
    m_benchmark->probe(Settings::pluginFile());
}

MainWindow::~MainWindow() = default;

QList<RooflineChart*> MainWindow::charts() const
{
    return findChildren<RooflineChart*>();
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open results…"), this, [this] {
        const QString path = FileDialogs::askOpenPath(this, Settings::Folder::Results, tr("Open benchmark results"),
                                                      tr("Results JSON and llama-bench output (*.json *.jsonl);;All files (*)"));
        if (!path.isEmpty())
            openResults(path);
    });
    open->setShortcut(QKeySequence::Open);
    m_saveResults = file->addAction(tr("&Save results…"), this, [this] {
        const QString path = FileDialogs::askSavePath(this, Settings::Folder::Results, tr("Save results"),
                                                      QStringLiteral("results.json"), tr("Results JSON (*.json)"));
        if (path.isEmpty())
            return;
        if (const QString error = saveResults(path); !error.isEmpty())
            showError(this, tr("Save results"), error);
        else
            statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    });
    m_saveResults->setShortcut(QKeySequence::Save);
    file->addSeparator();
    m_calibrate = file->addAction(m_validation->calibrateAction()->text(), this, [this] {
        showTab(ValidationPage);
        m_validation->calibrateInteractively();
    });
    m_calibrate->setStatusTip(m_validation->calibrateAction()->toolTip());
    file->addSeparator();
    m_exportPng = file->addAction(tr("Export &PNG…"), this, [this] {
        if (const QString path = currentPage()->askAndExportPng(QStringLiteral("roofline.png")); !path.isEmpty())
            statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
    });
    m_exportPng->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportCsv = file->addAction(tr("Export &CSV…"), this, [this] {
        if (const QString path = currentPage()->askAndExportCsv(QStringLiteral("roofline.csv")); !path.isEmpty())
            statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
    });
    m_exportCsv->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_pages.size(); ++i) {
        QAction* page = view->addAction(m_pages[i]->title(), this, [this, i] { showTab(static_cast<Tab>(i)); });
        page->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }
    view->addSeparator();
    QAction* ideal = view->addAction(tr("&Ideal roofs"));
    ideal->setCheckable(true);
    ideal->setChecked(true);
    connect(ideal, &QAction::toggled, this, [this](bool on) {
        for (RooflineChart* chart : charts())
            chart->setShowIdealRoofs(on);
    });
    QAction* realistic = view->addAction(tr("&Realistic roofs (efficiency factors)"));
    realistic->setCheckable(true);
    realistic->setChecked(Settings::showRealisticRoofs());
    connect(realistic, &QAction::toggled, this, [this](bool on) {
        Settings::setShowRealisticRoofs(on);
        for (RooflineChart* chart : charts())
            chart->setShowRealisticRoofs(on);
    });
    QAction* all = view->addAction(tr("Roofs for &every precision"));
    all->setCheckable(true);
    all->setChecked(Settings::showAllPrecisions());
    connect(all, &QAction::toggled, this, [this](bool on) {
        Settings::setShowAllPrecisions(on);
        for (RooflineChart* chart : charts())
            chart->setShowAllPrecisions(on);
    });
    view->addSeparator();
    QAction* fullScreen = view->addAction(tr("&Full screen"), this, [this] {
        setWindowState(windowState() ^ Qt::WindowFullScreen);
    });
    fullScreen->setShortcut(QKeySequence::FullScreen);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About Roofline Lab"), this, [this] {
        QMessageBox::about(this, tr("About Roofline Lab"), aboutText());
    });
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::updateActions()
{
    const Page* page = currentPage();
    m_saveResults->setEnabled(page->results() != nullptr);
    m_exportCsv->setEnabled(page->canExport());
    m_exportPng->setEnabled(page->canExport());
    // Calibration fits the Validation tab's rows, whichever tab is showing.
    m_calibrate->setEnabled(m_validation->hasReport());
}

void MainWindow::reloadHardware()
{
    m_registry = loadRegistry();
    m_validation->setRegistry(m_registry);
    for (HardwareComboBox* box : findChildren<HardwareComboBox*>())
        box->setRegistry(m_registry);
    showRegistryProblems();
}

void MainWindow::showRegistryProblems()
{
    for (const std::string& problem : m_registry->problems())
        statusBar()->showMessage(tr("Hardware profile skipped: %1").arg(toQString(problem)), 15000);
}

void MainWindow::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(tab);
}

bool MainWindow::openResults(const QString& path)
{
    return openResults(QStringList{path});
}

bool MainWindow::openResults(const QStringList& paths)
{
    showTab(ValidationPage);
    if (!m_validation->openFiles(paths))
        return false;
    return m_validation->validate();
}

Page* MainWindow::currentPage() const
{
    return m_pages.at(m_tabs->currentIndex());
}

QString MainWindow::exportPng(const QString& path) const
{
    return currentPage()->exportPng(path);
}

QString MainWindow::exportCsv(const QString& path) const
{
    return currentPage()->exportCsv(path);
}

QString MainWindow::saveResults(const QString& path) const
{
    const roofline::MeasurementSet* results = currentPage()->results();
    if (!results)
        return tr("There are no results to save yet.");
    roofline::MeasurementSet copy = *results;
    if (copy.meta.empty())
        copy.meta = roofline::make_meta();
    return Exporters::writeText(path, roofline::measurements_to_json(copy));
}

QString MainWindow::deviceStatus() const
{
    return m_deviceStatus->text();
}

QString MainWindow::aboutText() const
{
    QString text = tr("<h3>Roofline Lab %1</h3>"
                      "<p>Predict, measure and explain GPU kernel time with a roofline model.</p>")
                       .arg(QString::fromLatin1(roofline::kVersion));
    const auto& probe = m_benchmark->lastProbe();
    if (!probe)
        text += tr("<p>Plugin: still looking.</p>");
    else if (probe->device)
        text += tr("<p>Plugin: %1 %2<br>%3<br>Device: %4</p>")
                    .arg(probe->pluginName.toHtmlEscaped(), probe->pluginVersion.toHtmlEscaped(),
                         probe->pluginFile.toHtmlEscaped(), toQString(probe->device->summary()).toHtmlEscaped());
    else
        text += tr("<p>Plugin: none. %1</p>").arg(probe->problem.toHtmlEscaped());
    text += tr("<p>Qt %1 · data in %2</p>")
                .arg(QString::fromLatin1(qVersion()), toQString(roofline::user_data_dir().string()).toHtmlEscaped());
    return text;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    Settings::setWindowGeometry(saveGeometry());
    Settings::setWindowState(saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (!droppedResultsFile(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QString path = droppedResultsFile(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    Settings::rememberFolderOf(Settings::Folder::Results, path);
    openResults(path);
}
