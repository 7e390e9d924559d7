// SPDX-License-Identifier: MIT
#pragma once

class QAbstractItemModel;
class QLabel;
class QTableView;
class QWidget;

// One result as the docks show it: a summary line over a table of whole rows, one line high, no
// grid, headers left-aligned and resizable. The Errors and Requests docks each hold one or more.
struct ResultColumn {
    QWidget *widget = nullptr;
    QLabel *summary = nullptr;
    QTableView *view = nullptr;
};

ResultColumn makeResultColumn(QAbstractItemModel *model, QWidget *parent);
