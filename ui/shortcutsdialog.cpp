#include "shortcutsdialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tandem {

namespace {

void addMenuShortcuts(QTreeWidgetItem *group, const QMenu *menu)
{
    for (QAction *action : menu->actions()) {
        if (action->menu())
            addMenuShortcuts(group, action->menu());
        else if (!action->shortcut().isEmpty())
            new QTreeWidgetItem(group, {action->text().remove(QLatin1Char('&')), action->shortcut().toString(QKeySequence::NativeText)});
    }
}

const char *const kInPlaceKeys[][2] = {
    {QT_TRANSLATE_NOOP("ShortcutsDialog", "Edit the selected caption or question cell"), "F2"},
    {QT_TRANSLATE_NOOP("ShortcutsDialog", "Remove the selected caption or question"), "Delete"},
    {QT_TRANSLATE_NOOP("ShortcutsDialog", "Add the typed caption or question"), "Enter"},
    {QT_TRANSLATE_NOOP("ShortcutsDialog", "Select several images"), "Shift+click, Ctrl+click, Ctrl+A"},
    {QT_TRANSLATE_NOOP("ShortcutsDialog", "Zoom about the cursor / pan"), "Wheel / drag"},
    {QT_TRANSLATE_NOOP("ShortcutsDialog", "Fit the image to the view"), "Double-click"},
};

} // namespace

ShortcutsDialog::ShortcutsDialog(const QMenuBar *menuBar, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Keyboard Shortcuts"));
    auto *tree = new QTreeWidget(this);
    tree->setHeaderLabels({tr("Action"), tr("Keys")});
    tree->setRootIsDecorated(false);
    for (QAction *top : menuBar->actions()) {
        if (!top->menu())
            continue;
        auto *group = new QTreeWidgetItem(tree, {top->text().remove(QLatin1Char('&'))});
        addMenuShortcuts(group, top->menu());
        if (group->childCount() == 0)
            delete group;
    }
    auto *inPlace = new QTreeWidgetItem(tree, {tr("In lists and the image view")});
    for (const auto &[text, keys] : kInPlaceKeys)
        new QTreeWidgetItem(inPlace, {tr(text), QLatin1String(keys)});
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        tree->topLevelItem(i)->setFirstColumnSpanned(true);
    tree->expandAll();
    tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tree);
    layout->addWidget(buttons);
    resize(520, 640);
}

} // namespace tandem
