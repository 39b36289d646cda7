#pragma once

#include "roofline/hardware/hardware_registry.h"

#include <QMainWindow>

#include <memory>

class BenchmarkTab;
class CalculatorViews;
class CalculatorTab;
class ModelView;
class Page;
class QAction;
class QLabel;
class QTabWidget;
class RooflineChart;
class ValidationTab;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Tab { CalculatorPage, BenchmarkPage, ValidationPage };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    CalculatorTab* calculatorTab() const { return m_calculator; }
    ModelView* modelView() const { return m_modelView; }
    CalculatorViews* calculatorViews() const { return m_calculatorViews; }
    BenchmarkTab* benchmarkTab() const { return m_benchmark; }
    ValidationTab* validationTab() const { return m_validation; }
    QTabWidget* tabs() const { return m_tabs; }
    void showTab(Tab tab);
    // Every chart of every tab: the View menu's roof switches apply to all of them.
    QList<RooflineChart*> charts() const;

    // Opens a results file in the Validation tab and validates it. False (with a message) on bad input.
    bool openResults(const QString& path);
    // Several results files as one set (a cold and a warm run of the same device, say).
    bool openResults(const QStringList& paths);
    // Reads the hardware profiles again (presets and the user's folder) and lists them in every hardware box,
    // keeping each box's selection. Called when a calibration saved a profile.
    void reloadHardware();
    const std::shared_ptr<const roofline::HardwareRegistry>& registry() const { return m_registry; }
    // The current tab's chart (and summary) as PNG at 2× device pixels, its table as CSV, its results as
    // JSON. Each returns an empty string on success, else why not.
    QString exportPng(const QString& path) const;
    QString exportCsv(const QString& path) const;
    QString saveResults(const QString& path) const;
    QString aboutText() const;
    QString deviceStatus() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void updateActions();
    Page* currentPage() const;
    void showRegistryProblems();

    std::shared_ptr<const roofline::HardwareRegistry> m_registry;
    QTabWidget* m_tabs = nullptr;
    CalculatorTab* m_calculator = nullptr;
    ModelView* m_modelView = nullptr;
    CalculatorViews* m_calculatorViews = nullptr; // the Calculator tab: m_calculator or m_modelView
    BenchmarkTab* m_benchmark = nullptr;
    ValidationTab* m_validation = nullptr;
    QList<Page*> m_pages; // in Tab order
    QLabel* m_deviceStatus = nullptr;
    QAction* m_saveResults = nullptr;
    QAction* m_calibrate = nullptr;
    QAction* m_exportPng = nullptr;
    QAction* m_exportCsv = nullptr;
};
