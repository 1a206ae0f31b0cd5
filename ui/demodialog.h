#pragma once
// New Demo Project: how many Sort-of-CLEVR scenes, their size, the objects'
// size, colours and the questions' wording (the options in which published
// generators differ), and the seed. The same options as `tandem-cli demo`.
#include "demo/sortofclevr.h"

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace tandem {

class DemoDialog : public QDialog {
    Q_OBJECT
public:
    explicit DemoDialog(const DemoOptions &initial, QWidget *parent = nullptr);
    DemoOptions options() const;

private:
    void updateObjectSizeRange();

    QSpinBox *m_images;
    QSpinBox *m_imageSize;
    QSpinBox *m_objectSize;
    QComboBox *m_palette;
    QComboBox *m_wording;
    QSpinBox *m_seed;
};

} // namespace tandem
