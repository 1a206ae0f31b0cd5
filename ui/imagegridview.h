#pragma once
// The thumbnail grid: a QListView laid out as a wrapping grid of equal cells,
// so that 100k rows lay out without asking the model for any of them. A
// delegate draws the thumbnail, the name and a status bar; a flagged image
// shows why it has no thumbnail.
#include <QListView>

namespace tandem {

class ImageGridView : public QListView {
    Q_OBJECT
public:
    explicit ImageGridView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    void setThumbnailSize(int edge);
    int thumbnailSize() const { return m_edge; }
    bool firstScreenLoaded() const { return !m_waitingForFirstScreen; }

    QColor static statusColor(int status);

signals:
    // Once per model reset: every cell on screen has its thumbnail (or a failure).
    void firstScreenReady();

private:
    void onModelReset();
    void checkFirstScreen();
    bool visibleCellsLoaded() const;

    int m_edge = 128;
    bool m_waitingForFirstScreen = true;
};

} // namespace tandem
