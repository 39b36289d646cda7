#include "benchmark/planeditor.h"

#include "shared/textconv.h"

#include "roofline/support/errors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>

#include <set>

namespace {

// The kinds the plugins run.
constexpr roofline::KernelType kBenchKernels[] = {roofline::KernelType::GEMV, roofline::KernelType::GEMM,
                                                  roofline::KernelType::Attention, roofline::KernelType::FFN};

QString shapesLabel(roofline::KernelType k)
{
    switch (k) {
    case roofline::KernelType::GEMV: return PlanEditor::tr("Shapes N×K");
    case roofline::KernelType::GEMM: return PlanEditor::tr("Shapes M×N×K");
    case roofline::KernelType::Attention: return PlanEditor::tr("Attention");
    default: return PlanEditor::tr("FFN");
    }
}

QString shapesTip(roofline::KernelType k)
{
    switch (k) {
    case roofline::KernelType::GEMV: return PlanEditor::tr("N×K shapes separated by ';', e.g. 4096x4096; 8192x8192");
    case roofline::KernelType::GEMM: return PlanEditor::tr("M×N×K shapes separated by ';', e.g. 4096x4096x4096");
    case roofline::KernelType::Attention:
        return PlanEditor::tr("batch×heads×kv heads×query len×kv len×head dim, separated by ';'; ',causal' for the mask, "
                              "',window N' for a sliding window; e.g. 1x32x8x4096x4096x128,causal; 64x32x8x1x8192x128");
    default:
        return PlanEditor::tr("tokens×hidden×intermediate, separated by ';'; gated (SwiGLU) unless ',plain'; "
                              "e.g. 16x4096x14336; 2048x4096x14336,plain");
    }
}

// A case's own cache mode, as the suffix its shape carries in the editor.
const QString kWarmSuffix = QStringLiteral(",warm"), kColdSuffix = QStringLiteral(",cold");

} // namespace

PlanEditor::PlanEditor(QWidget* parent)
    : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);

    m_preset = new QComboBox(this);
    m_preset->setObjectName(QStringLiteral("planPreset"));
    m_preset->addItem(tr("Default: the plan's shapes"), QStringLiteral("default"));
    m_preset->addItem(tr("Smoke: a few small cases"), QStringLiteral("smoke"));
    m_preset->addItem(tr("Extended: calibration sweep"), QStringLiteral("extended"));
    m_preset->addItem(tr("LLM: attention and FFN of the built-in models"), QStringLiteral("llm"));
    form->addRow(tr("Start &from"), m_preset);

    for (roofline::KernelType k : kBenchKernels) {
        auto* row = new QHBoxLayout;
        auto* enabled = new QCheckBox(toQString(roofline::to_string(k)).toUpper(), this);
        enabled->setObjectName(QStringLiteral("kernel_") + toQString(roofline::to_string(k)));
        auto* shapes = new QLineEdit(this);
        shapes->setObjectName(QStringLiteral("shapes_") + toQString(roofline::to_string(k)));
        shapes->setToolTip(shapesTip(k));
        row->addWidget(enabled);
        row->addWidget(shapes, 1);
        form->addRow(shapesLabel(k), row);
        m_kernels[k] = enabled;
        m_shapes[k] = shapes;
        connect(enabled, &QCheckBox::toggled, this, &PlanEditor::updateCount);
        connect(shapes, &QLineEdit::textChanged, this, &PlanEditor::updateCount);
    }

    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(2);
    int i = 0;
    for (roofline::Precision p : roofline::kAllPrecisions) {
        auto* box = new QCheckBox(toQString(roofline::to_string(p)), this);
        box->setObjectName(QStringLiteral("precision_") + toQString(roofline::to_string(p)));
        grid->addWidget(box, i / 3, i % 3);
        m_precisions[p] = box;
        connect(box, &QCheckBox::toggled, this, &PlanEditor::updateCount);
        ++i;
    }
    form->addRow(tr("Precisions"), grid);

    m_cacheMode = new QComboBox(this);
    m_cacheMode->setObjectName(QStringLiteral("cacheMode"));
    m_cacheMode->addItem(tr("Cold: caches flushed before each sample"), static_cast<int>(roofline::CacheMode::Cold));
    m_cacheMode->addItem(tr("Warm: inputs stay in cache"), static_cast<int>(roofline::CacheMode::Warm));
    form->addRow(tr("&Caches"), m_cacheMode);

    m_budget = new QDoubleSpinBox(this);
    m_budget->setObjectName(QStringLiteral("budget"));
    m_budget->setRange(0.01, 60);
    m_budget->setDecimals(2);
    m_budget->setSingleStep(0.25);
    m_budget->setSuffix(tr(" s per case"));
    form->addRow(tr("Time &budget"), m_budget);

    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("caseCount"));
    form->addRow(QString(), m_count);

    connect(m_preset, &QComboBox::currentIndexChanged, this, [this] { loadPreset(m_preset->currentData().toString()); });
    connect(m_cacheMode, &QComboBox::currentIndexChanged, this, &PlanEditor::planChanged);
    connect(m_budget, &QDoubleSpinBox::valueChanged, this, &PlanEditor::updateCount);
    loadPreset(QStringLiteral("default"));
}

QLineEdit* PlanEditor::shapesEdit(roofline::KernelType kernel) const
{
    const auto it = m_shapes.find(kernel);
    return it == m_shapes.end() ? nullptr : it->second;
}

QCheckBox* PlanEditor::kernelBox(roofline::KernelType kernel) const
{
    const auto it = m_kernels.find(kernel);
    return it == m_kernels.end() ? nullptr : it->second;
}

QCheckBox* PlanEditor::precisionBox(roofline::Precision precision) const
{
    return m_precisions.at(precision);
}

void PlanEditor::loadPreset(const QString& name)
{
    setPlan(roofline::named_plan(name.toStdString()).value_or(roofline::default_plan()));
    const QSignalBlocker blocker(m_preset);
    m_preset->setCurrentIndex(std::max(0, m_preset->findData(name)));
}

void PlanEditor::setPlan(const roofline::BenchPlan& plan)
{
    m_base = plan;
    std::map<roofline::KernelType, QStringList> shapes;
    std::map<roofline::KernelType, std::set<std::string>> seen;
    std::set<roofline::Precision> precisions;
    for (const roofline::BenchCase& c : plan.cases) {
        const roofline::KernelType k = roofline::kernel_of(c.shape);
        std::string text = roofline::format_shape(c.shape);
        if (c.cache)
            text += c.cache == roofline::CacheMode::Warm ? kWarmSuffix.toStdString() : kColdSuffix.toStdString();
        if (seen[k].insert(text).second)
            shapes[k] << toQString(text);
        precisions.insert(c.precision);
    }
    {
        std::vector<QSignalBlocker> blockers;
        for (auto& [k, box] : m_kernels) {
            blockers.emplace_back(box);
            blockers.emplace_back(m_shapes[k]);
            box->setChecked(!shapes[k].isEmpty());
            m_shapes[k]->setText(shapes[k].join(QStringLiteral("; ")));
        }
        for (auto& [p, box] : m_precisions) {
            blockers.emplace_back(box);
            box->setChecked(precisions.count(p) > 0);
        }
        blockers.emplace_back(m_cacheMode);
        blockers.emplace_back(m_budget);
        m_cacheMode->setCurrentIndex(m_cacheMode->findData(static_cast<int>(plan.cache_mode)));
        m_budget->setValue(plan.time_budget_per_case_s);
    }
    m_baseState = fieldsState();
    updateCount();
}

QStringList PlanEditor::fieldsState() const
{
    QStringList state;
    for (const auto& [kernel, box] : m_kernels)
        state << (box->isChecked() ? QStringLiteral("1") : QStringLiteral("0")) + m_shapes.at(kernel)->text();
    for (const auto& [precision, box] : m_precisions)
        state << (box->isChecked() ? QStringLiteral("1") : QStringLiteral("0"));
    return state;
}

roofline::BenchPlan PlanEditor::plan() const
{
    roofline::BenchPlan plan = m_base;
    plan.name = m_preset->currentData().toString().toStdString();
    plan.cases.clear();
    plan.cache_mode = static_cast<roofline::CacheMode>(m_cacheMode->currentData().toInt());
    plan.time_budget_per_case_s = m_budget->value();
    if (fieldsState() == m_baseState) {
        plan.cases = m_base.cases;
        return plan;
    }
    for (const auto& [kernel, box] : m_kernels) {
        if (!box->isChecked())
            continue;
        const QString text = m_shapes.at(kernel)->text();
        const QStringList parts = text.split(QLatin1Char(';'), Qt::SkipEmptyParts);
        if (parts.isEmpty())
            throw roofline::InputError({"plan", {}, {}, {}, "shapes " + std::string(roofline::to_string(kernel))},
                                       "no shapes given");
        for (const QString& part : parts) {
            QString entry = part.trimmed();
            std::optional<roofline::CacheMode> cache;
            for (const auto& [suffix, mode] : {std::pair{kWarmSuffix, roofline::CacheMode::Warm}, std::pair{kColdSuffix, roofline::CacheMode::Cold}}) {
                if (entry.endsWith(suffix)) {
                    entry.chop(suffix.size());
                    cache = mode;
                }
            }
            const std::string shapeText = entry.toStdString();
            roofline::KernelShape shape;
            try {
                shape = roofline::parse_shape(kernel, shapeText);
            } catch (const roofline::InputError& e) {
                throw roofline::InputError({"plan", {}, {}, {}, "shapes " + std::string(roofline::to_string(kernel))},
                                           "'" + shapeText + "': " + e.problem());
            }
            for (const auto& [precision, pbox] : m_precisions) {
                if (pbox->isChecked())
                    plan.cases.push_back({shape, precision, cache});
            }
        }
    }
    return plan;
}

int PlanEditor::caseCount() const
{
    try {
        return static_cast<int>(plan().cases.size());
    } catch (const roofline::InputError&) {
        return -1;
    }
}

void PlanEditor::updateCount()
{
    try {
        const roofline::BenchPlan p = plan();
        m_count->setStyleSheet(QString());
        m_count->setText(tr("%1, at most about %2 s")
                             .arg(countOf(static_cast<qsizetype>(p.cases.size()), tr("case"), tr("cases")),
                                  formatNumber(static_cast<double>(p.cases.size()) * p.time_budget_per_case_s, 0)));
    } catch (const roofline::InputError& e) {
        m_count->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_count->setText(toQString(e.what()));
    }
    Q_EMIT planChanged();
}
