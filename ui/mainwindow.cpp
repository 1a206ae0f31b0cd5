#include "mainwindow.h"

#include "comparisonview.h"
#include "embeddingpanel.h"
#include "evaluationpanel.h"
#include "filecontroller.h"
#include "filterbar.h"
#include "imagegridview.h"
#include "imagelistmodel.h"
#include "imagepanel.h"
#include "imageview.h"
#include "inspectpanel.h"
#include "modelcontroller.h"
#include "modelsdock.h"
#include "projectworker.h"
#include "reviewcontroller.h"
#include "settings.h"
#include "pluginsdialog.h"
#include "shortcutsdialog.h"
#include "util/plugincatalog.h"
#include "suggestionsbox.h"
#include "trainingpanel.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoStack>
#include <QUndoView>
#include <QVBoxLayout>

namespace tandem {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_worker(new ProjectWorker(this)), m_undoStack(new QUndoStack(this)),
      m_images(new ImageListModel(m_worker, m_undoStack, this))
{
    setWindowTitle(tr("Tandem"));
    buildCentre();
    buildDocks();
    m_review = new ReviewController(m_grid, m_images, m_worker, m_undoStack, this);
    m_files = new FileController(this);
    buildModelsDock();
    buildTrainingDock();
    buildEmbeddingDock();
    buildMenus();
    connectWorker();
    connectGrid();
    connectModels();
    m_shownLabel = new QLabel(this);
    m_countsLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_shownLabel);
    statusBar()->addPermanentWidget(m_countsLabel);
    statusBar()->showMessage(tr("Open a project (Ctrl+O) or make a demo one (Ctrl+Shift+N)"));
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildCentre()
{
    auto *left = new QWidget(this);
    auto *layout = new QVBoxLayout(left);
    layout->setContentsMargins(4, 4, 0, 0);
    m_filter = new FilterBar(left);
    m_grid = new ImageGridView(left);
    m_grid->setObjectName(QStringLiteral("imageGrid"));
    m_grid->setModel(m_images);
    layout->addWidget(m_filter);
    layout->addWidget(m_grid, 1);
    m_view = new ImageView(this);
    m_view->setObjectName(QStringLiteral("imageView"));
    m_inspect = new InspectPanel(m_view, this);
    m_inspect->setObjectName(QStringLiteral("inspectPanel"));
    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_view);
    right->addWidget(m_inspect);
    right->setStretchFactor(0, 1);
    right->setCollapsible(0, false);
    right->setSizes({600, 260});
    m_splitter = new QSplitter(this);
    m_splitter->addWidget(left);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({620, 520});
    setCentralWidget(m_splitter);
}

void MainWindow::buildDocks()
{
    m_panel = new ImagePanel(m_worker, m_images, m_undoStack, this);
    m_panel->setObjectName(QStringLiteral("imagePanel"));
    auto *panelDock = new QDockWidget(tr("Image"), this);
    panelDock->setObjectName(QStringLiteral("imageDock"));
    panelDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    auto *scroll = new QScrollArea(panelDock);
    scroll->setWidget(m_panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(380);
    panelDock->setWidget(scroll);
    addDockWidget(Qt::RightDockWidgetArea, panelDock);

    auto *historyDock = new QDockWidget(tr("History"), this);
    historyDock->setObjectName(QStringLiteral("historyDock"));
    auto *history = new QUndoView(m_undoStack, historyDock);
    history->setEmptyLabel(tr("<opened>"));
    history->setToolTip(tr("Every edit of this session; click one to go back to it"));
    historyDock->setWidget(history);
    addDockWidget(Qt::RightDockWidgetArea, historyDock);
    historyDock->hide();
}

void MainWindow::buildMenus()
{
    m_files->fillMenu(menuBar()->addMenu(tr("&File")));
    buildEditMenu(menuBar()->addMenu(tr("&Edit")));
    QMenu *review = menuBar()->addMenu(tr("&Review"));
    review->setToolTipsVisible(true);
    review->addActions(m_review->reviewActions());
    review->addSeparator();
    review->addActions(m_review->statusActions());
    review->addSeparator();
    review->addActions(m_review->navigationActions());
    m_modelController->fillMenu(menuBar()->addMenu(tr("&Model")));
    m_training->fillMenu(menuBar()->addMenu(tr("&Train")));
    buildViewMenu(menuBar()->addMenu(tr("&View")));
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), QKeySequence(Qt::CTRL | Qt::Key_Slash), this,
                    [this] { ShortcutsDialog(menuBar(), this).exec(); });
    help->addAction(tr("&Plugins..."), this, [this] { PluginsDialog(PluginCatalog::instance(), this).exec(); })
        ->setToolTip(tr("The format and model plugins found, why one cannot load; turn them off or on"));
    help->addAction(tr("&About Tandem"), this, [this] {
        QMessageBox::about(this, tr("About Tandem"),
                           tr("<b>Tandem</b><p>A workbench for image–text datasets and vision-language models.</p>"));
    });
    // Shortcuts work wherever the focus is in the window, menus shown or not.
    for (QAction *top : menuBar()->actions())
        if (top->menu())
            addActions(top->menu()->actions());
}

void MainWindow::buildEditMenu(QMenu *menu)
{
    menu->setToolTipsVisible(true);
    QAction *undo = m_undoStack->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_undoStack->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    menu->addAction(undo);
    menu->addAction(redo);
    menu->addSeparator();
    const auto add = [this, menu](const QString &text, const QKeySequence &keys, const QString &tip, auto slot) {
        QAction *action = menu->addAction(text, keys, this, slot);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, keys.toString(QKeySequence::NativeText)));
    };
    add(tr("Add &Caption"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A), tr("Type a new caption for this image"),
        [this] { m_panel->focusNewCaption(); });
    add(tr("Add &Question"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Q), tr("Type a new question for this image"),
        [this] { m_panel->focusNewQuestion(); });
    add(tr("Edit &Tags"), QKeySequence(Qt::CTRL | Qt::Key_T), tr("Edit this image's tags"), [this] { m_panel->focusTags(); });
    menu->addSeparator();
    add(tr("&Find"), QKeySequence::Find, tr("Search captions, questions and answers"), [this] { m_filter->focusSearch(); });
    add(tr("&Grid"), QKeySequence(Qt::CTRL | Qt::Key_G), tr("Put the keyboard focus on the image grid"),
        [this] { m_grid->setFocus(Qt::ShortcutFocusReason); });
}

void MainWindow::buildViewMenu(QMenu *menu)
{
    menu->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, m_view, &ImageView::zoomIn);
    menu->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, m_view, &ImageView::zoomOut);
    menu->addAction(tr("&Fit to Window"), QKeySequence(Qt::CTRL | Qt::Key_0), m_view, &ImageView::fitToWindow);
    menu->addAction(tr("&Actual Size"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_0), m_view, &ImageView::actualSize);
    menu->addSeparator();
    const auto resize = [this](int step) {
        m_grid->setThumbnailSize(m_grid->thumbnailSize() + step);
        settings::thumbnailSize.setValue(m_grid->thumbnailSize());
    };
    menu->addAction(tr("&Larger Thumbnails"), QKeySequence(Qt::CTRL | Qt::Key_BracketRight), this, [resize] { resize(32); });
    menu->addAction(tr("&Smaller Thumbnails"), QKeySequence(Qt::CTRL | Qt::Key_BracketLeft), this, [resize] { resize(-32); });
    menu->addAction(tr("&Reset Filters"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), this, [this] {
        m_filter->reset();
        m_images->setQuery(m_filter->query());
    });
    menu->addSeparator();
    for (auto *dock : findChildren<QDockWidget *>()) {
        QAction *toggle = dock->toggleViewAction();
        if (dock->objectName() == QLatin1String("historyDock"))
            toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
        if (dock->objectName() == QLatin1String("trainingDock"))
            toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
        if (dock->objectName() == QLatin1String("embeddingDock"))
            toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
        menu->addAction(toggle);
    }
}

void MainWindow::buildModelsDock()
{
    m_models = new ModelsDock(m_worker, [this](ModelsDock::Scope scope) { return imagesOf(int(scope)); }, this);
    m_models->setObjectName(QStringLiteral("modelsPanel"));
    auto *dock = new QDockWidget(tr("Models"), this);
    dock->setObjectName(QStringLiteral("modelsDock"));
    dock->setWidget(m_models);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    m_modelController = new ModelController(m_models, m_inspect, m_panel->suggestions(), m_worker, m_undoStack,
                                            [this] { return imagesOf(int(ModelsDock::Scope::Selection)); }, this);
}

// Bottom dock, hidden until a run starts, a run needs resuming, or the View menu shows it.
void MainWindow::buildTrainingDock()
{
    m_training = new TrainingPanel(this);
    m_training->setObjectName(QStringLiteral("trainingPanel"));
    auto *comparisons = new ComparisonView(this);
    comparisons->setObjectName(QStringLiteral("comparisonView"));
    auto *tabs = new QTabWidget(this);
    tabs->addTab(m_training, tr("Dashboard"));
    tabs->addTab(comparisons, tr("Comparisons"));
    m_evaluation = new EvaluationPanel(this);
    m_evaluation->setObjectName(QStringLiteral("evaluationPanel"));
    tabs->addTab(m_evaluation, tr("Evaluation"));
    auto *dock = new QDockWidget(tr("Training"), this);
    dock->setObjectName(QStringLiteral("trainingDock"));
    dock->setWidget(tabs);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    dock->hide();
    for (auto signal : {&TrainingPanel::trainingStarted, &TrainingPanel::attentionNeeded})
        connect(m_training, signal, dock, [dock, tabs, this] {
            dock->show();
            dock->raise();
            tabs->setCurrentWidget(m_training);
        });
    connect(m_training, &TrainingPanel::modelsChanged, m_models, &ModelsDock::refresh);
    connect(m_training, &TrainingPanel::message, this, &MainWindow::showMessage);
    connect(m_training, &TrainingPanel::runsLoaded, comparisons,
            [this, comparisons] { comparisons->setComparisons(comparisonsOf(m_training->runViews())); });
    connect(comparisons, &ComparisonView::plotRuns, this, [this, tabs](const QSet<qint64> &ids) {
        m_training->plotOnly(ids);
        tabs->setCurrentWidget(m_training);
    });
    connect(m_evaluation, &EvaluationPanel::message, this, &MainWindow::showMessage);
    connect(m_evaluation, &EvaluationPanel::openImage, this, &MainWindow::showImage);
    connect(m_models, &ModelsDock::runFinished, m_evaluation, &EvaluationPanel::refresh);
    connect(m_training, &TrainingPanel::trainingFinished, m_evaluation, &EvaluationPanel::refresh);
    connect(comparisons, &ComparisonView::explainModel, this, [this](const QString &checkpoint) {
        connect(m_models, &ModelsDock::currentModelChanged, m_inspect, [this] { m_inspect->explain(); }, Qt::SingleShotConnection);
        m_models->useCheckpoint(checkpoint);
    });
}

// Bottom dock beside Training, hidden until the View menu (Ctrl+Shift+M) shows it.
void MainWindow::buildEmbeddingDock()
{
    m_embeddings = new EmbeddingPanel(this);
    m_embeddings->setObjectName(QStringLiteral("embeddingPanel"));
    auto *dock = new QDockWidget(tr("Embeddings"), this);
    dock->setObjectName(QStringLiteral("embeddingDock"));
    dock->setWidget(m_embeddings);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    dock->hide();
    connect(dock, &QDockWidget::visibilityChanged, this, [this, dock](bool visible) {
        if (visible && dock->height() < 360)
            resizeDocks({dock}, {std::max(360, height() * 2 / 5)}, Qt::Vertical);
    });
    connect(m_embeddings, &EmbeddingPanel::message, this, &MainWindow::showMessage);
    connect(m_embeddings, &EmbeddingPanel::openImage, this, &MainWindow::showImage);
    connect(m_embeddings, &EmbeddingPanel::selectImages, this, [this](const std::vector<qint64> &ids, bool add) {
        if (const int hidden = m_review->selectImages(ids, add); hidden > 0)
            showMessage(tr("%L1 of the %L2 images are not shown by the current filter; Ctrl+Shift+R resets the filters")
                            .arg(hidden).arg(ids.size()));
    });
    connect(m_models, &ModelsDock::runFinished, m_embeddings, &EmbeddingPanel::refresh);
    connect(m_embeddings, &EmbeddingPanel::rankedResults, m_filter, &FilterBar::showRanked);
}

std::vector<qint64> MainWindow::imagesOf(int scope) const
{
    std::vector<qint64> ids;
    if (ModelsDock::Scope(scope) == ModelsDock::Scope::Shown) {
        for (int row = 0; row < m_images->rowCount(); ++row)
            ids.push_back(m_images->idAt(row));
        return ids;
    }
    const QModelIndex current = m_grid->currentIndex();
    if (ModelsDock::Scope(scope) == ModelsDock::Scope::CurrentImage)
        return current.isValid() ? std::vector<qint64>{m_images->idAt(current.row())} : ids;
    for (int row : m_review->selectedRows())
        ids.push_back(m_images->idAt(row));
    return ids;
}

void MainWindow::connectModels()
{
    connect(m_models, &ModelsDock::currentModelChanged, m_inspect, &InspectPanel::setModel);
    connect(m_models, &ModelsDock::deviceChanged, m_inspect, &InspectPanel::setDevice);
    connect(m_models, &ModelsDock::runFinished, this, [this](qint64, const std::vector<qint64> &) {
        m_images->refresh(); // statuses: unlabeled images with suggestions are now "predicted"
        m_worker->refreshLists();
        if (const qint64 shown = m_panel->imageId())
            m_worker->loadDetail(shown);
    });
    for (QObject *source : std::initializer_list<QObject *>{m_models, m_inspect, m_modelController})
        connect(source, SIGNAL(message(QString)), this, SLOT(showMessage(QString)));
    connect(m_panel->suggestions(), &SuggestionsBox::captionChosen, m_inspect, &InspectPanel::showPrediction);
    connect(m_panel->suggestions(), &SuggestionsBox::questionChosen, m_inspect, &InspectPanel::setQuestion);
}

void MainWindow::showMessage(const QString &text)
{
    statusBar()->showMessage(text, 10000);
}

void MainWindow::connectWorker()
{
    connect(m_worker, &ProjectWorker::opened, this, &MainWindow::onOpened);
    connect(m_worker, &ProjectWorker::openFailed, this, [this](const QString &path, const QString &message) {
        statusBar()->showMessage(message);
        auto *box = new QMessageBox(QMessageBox::Critical, tr("Cannot open %1").arg(QFileInfo(path).fileName()), message,
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    connect(m_worker, &ProjectWorker::detailLoaded, this, &MainWindow::onDetail);
    connect(m_worker, &ProjectWorker::detailFailed, this, [this](qint64, const QString &message) {
        m_panel->clear();
        statusBar()->showMessage(message, 8000);
    });
    connect(m_worker, &ProjectWorker::imagesChanged, this, &MainWindow::onImagesChanged);
    connect(m_worker, &ProjectWorker::editFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Not saved: %1").arg(message), 10000);
        m_images->refresh(); // show what the store holds
    });
    connect(m_worker, &ProjectWorker::countsChanged, this, &MainWindow::showCounts);
    connect(m_worker, &ProjectWorker::tagsChanged, m_panel, &ImagePanel::setKnownTags);
    connect(m_worker, &ProjectWorker::tagsChanged, m_filter, &FilterBar::setKnownTags);
    connect(m_worker, &ProjectWorker::splitsChanged, this, [this](const QStringList &splits) {
        m_splits = splits;
        m_models->setSplits(splits);
        m_panel->setKnownSplits(splits);
        m_filter->setKnownSplits(splits);
        m_files->setProject(m_worker->path(), splits);
    });
    connect(m_panel, &ImagePanel::message, this, [this](const QString &text) { statusBar()->showMessage(text, 6000); });
    connect(m_files, &FileController::openRequested, this, &MainWindow::openProject);
    connect(m_files, &FileController::message, this, [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    connect(m_files, &FileController::projectModified, this, [this](const QString &text) {
        statusBar()->showMessage(text, 15000);
        m_images->reload();
        m_worker->refreshLists();
    });
}

void MainWindow::connectGrid()
{
    connect(m_filter, &FilterBar::queryChanged, m_images, &ImageListModel::setQuery);
    connect(m_images, &ImageListModel::queryStarted, this, [this] {
        const QModelIndex current = m_grid->currentIndex();
        if (current.isValid())
            m_keepCurrent = m_images->idAt(current.row());
        m_shownLabel->setText(tr("Searching…"));
    });
    connect(m_images, &ImageListModel::queryFinished, this, [this](int rows) {
        m_shownLabel->setText(tr("%L1 of %L2 images shown").arg(rows).arg(m_counts.total));
        const int row = m_images->rowOf(m_keepCurrent);
        m_review->goToRow(row >= 0 ? row : 0);
        if (rows == 0)
            onCurrentChanged();
    });
    connect(m_images, &ImageListModel::queryFailed, this, [this](const QString &message) {
        m_shownLabel->setText(tr("Search failed"));
        statusBar()->showMessage(message, 10000);
    });
    connect(m_grid->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::onCurrentChanged);
    connect(m_grid->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_embeddings->showGridSelection(m_review->selectedImages()); });
    connect(m_grid, &ImageGridView::firstScreenReady, this, &MainWindow::firstScreenReady);
}

void MainWindow::openProject(const QString &path)
{
    setWindowTitle(tr("%1 — Tandem").arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(tr("Opening %1…").arg(path));
    m_undoStack->clear(); // commands refer to the project they were made in
    m_keepCurrent = 0;
    m_worker->open(path);
}

void MainWindow::onOpened(const QString &path)
{
    settings::addRecentProject(path);
    m_files->setProject(path, m_splits);
    m_filter->reset();
    m_images->setProject(path, m_filter->query());
    m_models->setProject(path);
    m_training->setProject(path);
    m_evaluation->setProject(path);
    m_embeddings->setProject(path);
    m_inspect->setProject(path);
    statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
}

// From the evaluation panel: the sample's image, in the grid and the large view.
void MainWindow::showImage(qint64 imageId)
{
    const int row = m_images->rowOf(imageId);
    if (row < 0) {
        showMessage(tr("That image is not shown by the current filter; Ctrl+Shift+R resets the filters"));
        return;
    }
    m_grid->setCurrentIndex(m_images->index(row, 0));
    m_grid->scrollTo(m_images->index(row, 0));
}

void MainWindow::onCurrentChanged()
{
    const QModelIndex current = m_grid->currentIndex();
    if (!current.isValid()) {
        m_panel->clear();
        m_view->showFile({});
        m_inspect->setImage(0);
        return;
    }
    m_worker->loadDetail(m_images->idAt(current.row()));
    m_embeddings->setCurrentImage(m_images->idAt(current.row()));
}

void MainWindow::onDetail(const ImageDetail &detail)
{
    const QModelIndex current = m_grid->currentIndex();
    if (!current.isValid() || m_images->idAt(current.row()) != detail.summary.id)
        return; // the user has moved on
    m_panel->showDetail(detail);
    m_view->showFile(detail.summary.path);
    std::vector<std::pair<QRectF, QString>> outlines;
    for (const RegionRecord &region : detail.regions)
        outlines.emplace_back(region.box, region.label);
    m_view->setRegions(std::move(outlines));
    m_inspect->setImage(detail.summary.id); // after the view: a map arriving later belongs to this image
}

void MainWindow::onImagesChanged(const std::vector<qint64> &ids)
{
    m_images->forget(ids);
    const qint64 shown = m_panel->imageId();
    if (shown && std::find(ids.begin(), ids.end(), shown) != ids.end())
        m_worker->loadDetail(shown);
}

void MainWindow::showCounts(const StatusCounts &counts)
{
    m_counts = counts;
    QStringList parts;
    for (int s = 0; s < 4; ++s)
        parts << tr("%L1 %2").arg(counts.byStatus[size_t(s)]).arg(statusName(ReviewStatus(s)));
    m_countsLabel->setText(parts.join(QStringLiteral(" · ")));
    m_shownLabel->setText(tr("%L1 of %L2 images shown").arg(m_images->rowCount()).arg(counts.total));
}

void MainWindow::restoreSettings()
{
    m_grid->setThumbnailSize(settings::thumbnailSize.value());
    resize(1440, 900);
    restoreGeometry(settings::windowGeometry.value());
    restoreState(settings::windowState.value());
    m_splitter->restoreState(settings::splitterState.value());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // A run in a worker would keep the program alive: pause it (resumable), then close.
    if (m_training->isTraining()) {
        event->ignore();
        if (QMessageBox::question(this, tr("Training in progress"),
                                  tr("A model is training. Pause it and quit? Its run can be resumed later from the "
                                     "Training dock.")) == QMessageBox::Yes) {
            connect(m_training, &TrainingPanel::trainingFinished, this, &QWidget::close, Qt::QueuedConnection);
            m_training->pause();
        }
        return;
    }
    settings::windowGeometry.setValue(saveGeometry());
    settings::windowState.setValue(saveState());
    settings::splitterState.setValue(m_splitter->saveState());
    event->accept();
}

} // namespace tandem
