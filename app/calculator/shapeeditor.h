#pragma once

#include "roofline/model/kernels.h"

#include <QWidget>

#include <map>
#include <vector>

class QCheckBox;
class QFormLayout;
class QSpinBox;

// The dimension fields of one kernel (GEMV N, K; GEMM M, N, K; attention …; FFN …). Switching kernels keeps
// what was typed for each, so going GEMM → GEMV → GEMM loses nothing.
class ShapeEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ShapeEditor(QWidget* parent = nullptr);

    void setKernel(roofline::KernelType kernel);
    roofline::KernelType kernel() const { return m_kernel; }
    // Throws roofline::InputError for a dimension the core refuses.
    roofline::KernelShape shape() const;
    void setShape(const roofline::KernelShape& shape);
    std::vector<int64_t> dims() const;
    bool flag() const;

    // Field objectNames are "dim_<name>" (dim_N, dim_query_len) and "flag".
    QSpinBox* dimensionBox(int index) const;

Q_SIGNALS:
    void shapeChanged();

private:
    void rebuildFields();
    void store();

    roofline::KernelType m_kernel = roofline::KernelType::GEMV;
    std::map<roofline::KernelType, std::vector<int64_t>> m_dims;
    std::map<roofline::KernelType, bool> m_flags;
    QFormLayout* m_form = nullptr;
    std::vector<QSpinBox*> m_boxes;
    QCheckBox* m_flag = nullptr;
};
