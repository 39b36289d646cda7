#pragma once

#include <QAbstractTableModel>

// What every table model of the app shares: a flat table with a fixed number of columns, header titles and
// tooltips given per column, and cells aligned by whether they hold numbers.
class TableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    TableModel(int columnCount, QObject* parent);

    int rowCount(const QModelIndex& parent = {}) const final;
    int columnCount(const QModelIndex& parent = {}) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;

protected:
    virtual int rows() const = 0;
    virtual QString columnTitle(int column) const = 0;
    virtual QVariant columnToolTip(int column) const;
    // For data(): a cell of this table, not some other model's index or a child's.
    bool isCell(const QModelIndex& index) const;
    // Numbers right-aligned, so that their digits line up; text left.
    static QVariant alignment(bool numeric);

private:
    int m_columnCount;
};
