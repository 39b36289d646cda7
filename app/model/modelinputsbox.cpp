#include "model/modelinputsbox.h"

#include "shared/hardwarecombobox.h"
#include "shared/settings.h"
#include "shared/textconv.h"

#include "roofline/workloads/model_library.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>

namespace {

// The --weights names offered; the box is editable, so any other format parse_weight_scheme knows works too.
const char* const kWeights[] = {"model", "BF16", "FP16", "FP8_E4M3", "MXFP8", "NVFP4", "MXFP4", "INT8", "W8A16", "W4A16",
                                "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q4_K_S", "Q4_0", "IQ4_XS"};
constexpr roofline::Precision kKvPrecisions[] = {roofline::Precision::BF16, roofline::Precision::FP16,
                                                 roofline::Precision::FP8_E4M3, roofline::Precision::FP32};

QString gb(double bytes)
{
    return formatNumber(bytes / 1e9, 2) + QStringLiteral(" GB");
}

} // namespace

ModelInputsBox::ModelInputsBox(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent)
    : QGroupBox(tr("Model step"), parent)
    , m_hardware(new HardwareComboBox(std::move(registry), this))
    , m_models(new QComboBox(this))
    , m_open(new QToolButton(this))
    , m_info(new QLabel(this))
    , m_weights(new QComboBox(this))
    , m_kv(new QComboBox(this))
    , m_mode(new QComboBox(this))
    , m_fusion(new QComboBox(this))
{
    auto* form = new QFormLayout(this);
    m_hardware->setObjectName(QStringLiteral("modelHardware"));
    form->addRow(tr("&Hardware"), m_hardware);
    auto* modelRow = new QHBoxLayout;
    m_models->setObjectName(QStringLiteral("modelPicker"));
    m_models->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_models->setMinimumContentsLength(18);
    m_open->setObjectName(QStringLiteral("openModel"));
    m_open->setText(tr("Open…"));
    m_open->setToolTip(tr("A Hugging Face config.json or a llama.cpp GGUF file (only its header is read)"));
    modelRow->addWidget(m_models, 1);
    modelRow->addWidget(m_open);
    // A row of a layout gets no buddy from QFormLayout, which would show the '&' as it is.
    auto* modelLabel = new QLabel(tr("M&odel"), this);
    modelLabel->setBuddy(m_models);
    form->addRow(modelLabel, modelRow);
    m_info->setObjectName(QStringLiteral("modelInfo"));
    m_info->setWordWrap(true);
    m_info->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(m_info);
    m_weights->setObjectName(QStringLiteral("weights"));
    m_weights->setEditable(true);
    for (const char* name : kWeights)
        m_weights->addItem(QString::fromLatin1(name));
    m_weights->setToolTip(tr("model: the description's own formats (a GGUF file: each tensor's stored type); else one "
                             "format for every linear layer, a ggml type or a GGUF file type's mix"));
    form->addRow(tr("&Weights"), m_weights);
    m_kv->setObjectName(QStringLiteral("kv"));
    for (roofline::Precision p : kKvPrecisions)
        m_kv->addItem(toQString(roofline::to_string(p)), static_cast<int>(p));
    form->addRow(tr("&KV cache"), m_kv);
    const auto spin = [this](const char* name, int minimum, int maximum, int value, const QString& tip) {
        auto* s = new QSpinBox(this);
        s->setObjectName(QString::fromLatin1(name));
        s->setRange(minimum, maximum);
        s->setGroupSeparatorShown(true);
        s->setValue(value);
        s->setToolTip(tip);
        connect(s, &QSpinBox::valueChanged, this, &ModelInputsBox::changed);
        return s;
    };
    m_batch = spin("batch", 1, 1 << 20, 1, tr("Sequences decoded together (and prompts prefilled together)"));
    form->addRow(tr("&Batch"), m_batch);
    m_prompt = spin("prompt", 1, 1 << 22, 512, tr("Prompt tokens a sequence: the prefill"));
    form->addRow(tr("&Prompt"), m_prompt);
    m_context = spin("context", 0, 1 << 24, 0, tr("Tokens cached before the prefill; the decode step runs at context + prompt"));
    m_context->setSingleStep(1024);
    form->addRow(tr("&Context"), m_context);
    m_tp = spin("tp", 1, 8, 1, tr("Tensor-parallel degree: heads and FFN columns split over this many GPUs, two all-reduces a layer over the profile's link"));
    form->addRow(tr("&TP"), m_tp);
    m_mode->setObjectName(QStringLiteral("modelMode"));
    m_mode->addItem(tr("Realistic"), static_cast<int>(roofline::Mode::Realistic));
    m_mode->addItem(tr("Ideal"), static_cast<int>(roofline::Mode::Ideal));
    m_mode->addItem(tr("Refined"), static_cast<int>(roofline::Mode::Refined));
    form->addRow(tr("Mo&de"), m_mode);
    m_fusion->setObjectName(QStringLiteral("fusion"));
    m_fusion->addItem(tr("None: every kernel apart"), static_cast<int>(roofline::Fusion::None));
    m_fusion->addItem(tr("Typical: norm, activation, RoPE fused"), static_cast<int>(roofline::Fusion::Typical));
    form->addRow(tr("&Fusion"), m_fusion);

    connect(m_models, &QComboBox::activated, this, [this](int index) { Q_EMIT modelChosen(m_models->itemData(index).toString()); });
    connect(m_open, &QToolButton::clicked, this, &ModelInputsBox::openModelRequested);
    connect(m_weights, &QComboBox::currentTextChanged, this, &ModelInputsBox::changed);
    for (QComboBox* box : {m_kv, m_mode, m_fusion})
        connect(box, &QComboBox::currentIndexChanged, this, &ModelInputsBox::changed);
}

void ModelInputsBox::fillModels(const QString& current)
{
    const QSignalBlocker blocker(m_models);
    m_models->clear();
    for (const roofline::ModelDescription& m : roofline::builtin_models())
        m_models->addItem(toQString(m.name), toQString(m.name));
    const QStringList files = Settings::recentModelFiles();
    if (!files.isEmpty())
        m_models->insertSeparator(m_models->count());
    for (const QString& file : files) {
        m_models->addItem(QFileInfo(file).fileName(), file);
        m_models->setItemData(m_models->count() - 1, file, Qt::ToolTipRole);
    }
    m_models->setCurrentIndex(m_models->findData(current));
}

void ModelInputsBox::describeModel(const roofline::ModelDescription& m)
{
    QString info = tr("%1, %2 layers, width %3").arg(toQString(m.architecture)).arg(m.num_layers).arg(m.hidden_size);
    if (m.moe)
        info += tr(", %1 of %2 experts").arg(m.moe->experts_per_token).arg(m.moe->num_experts);
    if (!m.stored_tensors.empty())
        info += tr("; GGUF %1: %2 tensors, %3").arg(toQString(m.file_type)).arg(m.stored_tensors.size()).arg(gb(m.stored_bytes()));
    m_info->setText(info);
    m_info->setToolTip(toQString(m.source));
    // A GGUF file carries its formats: "model" reads them.
    if (!m.stored_tensors.empty())
        m_weights->setCurrentText(QStringLiteral("model"));
}

roofline::StepOptions ModelInputsBox::stepOptions() const
{
    roofline::StepOptions o;
    o.weights = roofline::parse_weight_scheme(toStdString(m_weights->currentText().trimmed()));
    o.kv_cache = static_cast<roofline::Precision>(m_kv->currentData().toInt());
    o.batch = m_batch->value();
    o.prompt = m_prompt->value();
    o.context = m_context->value();
    o.tp = m_tp->value();
    o.fusion = static_cast<roofline::Fusion>(m_fusion->currentData().toInt());
    o.model = roofline::ModelOptions{static_cast<roofline::Mode>(m_mode->currentData().toInt()), {}, roofline::CacheMode::Cold, false};
    return o;
}
