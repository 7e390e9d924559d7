// SPDX-License-Identifier: MIT
#include "resultcolumn.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>
#include <QWidget>

ResultColumn makeResultColumn(QAbstractItemModel *model, QWidget *parent)
{
    ResultColumn column;
    column.widget = new QWidget(parent);
    auto *layout = new QVBoxLayout(column.widget);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    column.summary = new QLabel(column.widget);
    column.summary->setContentsMargins(6, 3, 6, 3);
    layout->addWidget(column.summary);
    QTableView *view = column.view = new QTableView(column.widget);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setShowGrid(false);
    view->setWordWrap(false);
    view->setAlternatingRowColors(true);
    view->setTextElideMode(Qt::ElideRight);
    view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    QHeaderView *rows = view->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(view->fontMetrics().height() + 8);
    rows->hide();
    QHeaderView *columns = view->horizontalHeader();
    columns->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    columns->setHighlightSections(false);
    columns->setSectionResizeMode(QHeaderView::Interactive);
    layout->addWidget(view, 1);
    return column;
}
