#pragma once
// The main window: a wiring file. It builds the views, connects them to the
// project worker and the undo stack, and fills the menus; what each part does
// lives in that part's own file.
#include "data/imagequery.h"

#include <QMainWindow>

class QLabel;
class QMenu;
class QSplitter;
class QUndoStack;

namespace tandem {

class FileController;
class FilterBar;
class ImageGridView;
class ImageListModel;
class ImagePanel;
class ImageView;
class InspectPanel;
class ModelController;
class ModelsDock;
class ProjectWorker;
class ReviewController;
class TrainingPanel;
class EvaluationPanel;
class EmbeddingPanel;
struct ImageDetail;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens the project in the background; the window stays responsive.
    void openProject(const QString &path);

signals:
    // The grid's first screen of thumbnails after a project was opened.
    void firstScreenReady();

protected:
    void closeEvent(QCloseEvent *event) override;

private slots:
    void showMessage(const QString &text);

private:
    void buildCentre();
    void buildDocks();
    void buildMenus();
    void buildEditMenu(QMenu *menu);
    void buildViewMenu(QMenu *menu);
    void buildModelsDock();
    void buildTrainingDock();
    void buildEmbeddingDock();
    void connectModels();
    std::vector<qint64> imagesOf(int scope) const;
    void connectWorker();
    void connectGrid();
    void onOpened(const QString &path);
    void onCurrentChanged();
    void showImage(qint64 imageId);
    void onDetail(const ImageDetail &detail);
    void onImagesChanged(const std::vector<qint64> &ids);
    void showCounts(const StatusCounts &counts);
    void restoreSettings();

    ProjectWorker *m_worker;
    QUndoStack *m_undoStack;
    ImageListModel *m_images;
    ImageGridView *m_grid = nullptr;
    FilterBar *m_filter = nullptr;
    ImageView *m_view = nullptr;
    ImagePanel *m_panel = nullptr;
    InspectPanel *m_inspect = nullptr;
    ModelsDock *m_models = nullptr;
    ModelController *m_modelController = nullptr;
    TrainingPanel *m_training = nullptr;
    EvaluationPanel *m_evaluation = nullptr;
    EmbeddingPanel *m_embeddings = nullptr;
    QSplitter *m_splitter = nullptr;
    ReviewController *m_review = nullptr;
    FileController *m_files = nullptr;
    QLabel *m_shownLabel = nullptr;
    QLabel *m_countsLabel = nullptr;
    QStringList m_splits;
    qint64 m_keepCurrent = 0; // the image to select again after the grid reloads
    StatusCounts m_counts;
};

} // namespace tandem
