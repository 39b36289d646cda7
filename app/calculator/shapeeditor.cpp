#include "calculator/shapeeditor.h"

#include "shared/textconv.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QSignalBlocker>
#include <QSpinBox>

#include <limits>

namespace {

QString label(std::string_view dim)
{
    static const std::map<std::string_view, const char*> labels = {
        {"N", QT_TRANSLATE_NOOP("ShapeEditor", "N")},
        {"M", QT_TRANSLATE_NOOP("ShapeEditor", "M")},
        {"K", QT_TRANSLATE_NOOP("ShapeEditor", "K")},
        {"batch", QT_TRANSLATE_NOOP("ShapeEditor", "Batch")},
        {"heads", QT_TRANSLATE_NOOP("ShapeEditor", "Heads")},
        {"kv_heads", QT_TRANSLATE_NOOP("ShapeEditor", "KV heads")},
        {"query_len", QT_TRANSLATE_NOOP("ShapeEditor", "Query length")},
        {"kv_len", QT_TRANSLATE_NOOP("ShapeEditor", "KV length")},
        {"head_dim", QT_TRANSLATE_NOOP("ShapeEditor", "Head dim")},
        {"tokens", QT_TRANSLATE_NOOP("ShapeEditor", "Tokens")},
        {"hidden", QT_TRANSLATE_NOOP("ShapeEditor", "Hidden")},
        {"intermediate", QT_TRANSLATE_NOOP("ShapeEditor", "Intermediate")},
    };
    const auto it = labels.find(dim);
    return it == labels.end() ? toQString(dim) : QCoreApplication::translate("ShapeEditor", it->second);
}

} // namespace

ShapeEditor::ShapeEditor(QWidget* parent)
    : QWidget(parent)
    , m_form(new QFormLayout(this))
{
    m_form->setContentsMargins(0, 0, 0, 0);
    using roofline::KernelType;
    // The plan's default export shapes; a Llama-8B-like layer for attention and FFN.
    m_dims[KernelType::GEMV] = {4096, 4096};
    m_dims[KernelType::GEMM] = {4096, 4096, 4096};
    m_dims[KernelType::Attention] = {1, 32, 8, 4096, 4096, 128};
    m_dims[KernelType::FFN] = {4096, 4096, 14336};
    m_flags[KernelType::Attention] = true;
    m_flags[KernelType::FFN] = true;
    rebuildFields();
}

void ShapeEditor::setKernel(roofline::KernelType kernel)
{
    if (kernel == m_kernel)
        return;
    store();
    m_kernel = kernel;
    rebuildFields();
    Q_EMIT shapeChanged();
}

void ShapeEditor::store()
{
    m_dims[m_kernel] = dims();
    if (m_flag)
        m_flags[m_kernel] = m_flag->isChecked();
}

void ShapeEditor::rebuildFields()
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_boxes.clear();
    m_flag = nullptr;

    const auto names = roofline::dim_names(m_kernel);
    const std::vector<int64_t>& values = m_dims[m_kernel];
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto* box = new QSpinBox(this);
        box->setObjectName(QStringLiteral("dim_") + toQString(names[i]));
        box->setRange(1, std::numeric_limits<int>::max());
        box->setGroupSeparatorShown(true);
        box->setAccelerated(true);
        box->setValue(static_cast<int>(values[i]));
        connect(box, &QSpinBox::valueChanged, this, &ShapeEditor::shapeChanged);
        m_form->addRow(label(names[i]), box);
        m_boxes.push_back(box);
    }
    if (m_kernel == roofline::KernelType::Attention || m_kernel == roofline::KernelType::FFN) {
        m_flag = new QCheckBox(m_kernel == roofline::KernelType::Attention ? tr("Causal mask")
                                                                          : tr("Gated (SwiGLU: gate and up)"),
                               this);
        m_flag->setObjectName(QStringLiteral("flag"));
        m_flag->setChecked(m_flags[m_kernel]);
        connect(m_flag, &QCheckBox::toggled, this, &ShapeEditor::shapeChanged);
        m_form->addRow(QString(), m_flag);
    }
}

std::vector<int64_t> ShapeEditor::dims() const
{
    std::vector<int64_t> out;
    for (const QSpinBox* box : m_boxes)
        out.push_back(box->value());
    return out;
}

bool ShapeEditor::flag() const
{
    return m_flag && m_flag->isChecked();
}

roofline::KernelShape ShapeEditor::shape() const
{
    return roofline::make_shape(m_kernel, dims(), flag());
}

void ShapeEditor::setShape(const roofline::KernelShape& shape)
{
    const roofline::KernelType kernel = roofline::kernel_of(shape);
    store();
    m_kernel = kernel;
    m_dims[kernel] = roofline::dims_of(shape);
    if (const auto* a = std::get_if<roofline::AttentionShape>(&shape))
        m_flags[kernel] = a->causal;
    if (const auto* f = std::get_if<roofline::FfnShape>(&shape))
        m_flags[kernel] = f->gated;
    rebuildFields();
    Q_EMIT shapeChanged();
}

QSpinBox* ShapeEditor::dimensionBox(int index) const
{
    return index >= 0 && index < static_cast<int>(m_boxes.size()) ? m_boxes[static_cast<std::size_t>(index)] : nullptr;
}
