#pragma once
// Help > Keyboard Shortcuts: every menu action with a shortcut, read from the
// menu bar itself (so the list cannot drift from the keys), plus the keys that
// work inside the lists and the image view.
#include <QDialog>

class QMenuBar;

namespace tandem {

class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    explicit ShortcutsDialog(const QMenuBar *menuBar, QWidget *parent = nullptr);
};

} // namespace tandem
