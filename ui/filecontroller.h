#pragma once
// The File menu: new (empty or demo) project, open, recent projects, import
// and export. Everything that touches files runs as a BackgroundJob.
#include <QObject>

class QAction;
class QMenu;
class QWidget;

namespace tandem {

class FileController : public QObject {
    Q_OBJECT
public:
    explicit FileController(QWidget *window);

    void fillMenu(QMenu *menu);
    // The project that import and export work on ("" = none open).
    void setProject(const QString &path, const QStringList &splits = {});

signals:
    void openRequested(const QString &path);
    void projectModified(const QString &message); // after an import into it: reload the grid
    void message(const QString &text);

private:
    QAction *makeAction(const QString &text, const QKeySequence &shortcut, const QString &tip, void (FileController::*slot)());
    QString askNewProjectPath(const QString &title);
    void newProject();
    void newDemoProject();
    void openProject();
    void fillRecentMenu();
    void importDataset();
    void exportDataset();

    QWidget *m_window;
    QString m_project;
    QStringList m_splits;
    QMenu *m_recent = nullptr;
    QAction *m_import = nullptr;
    QAction *m_export = nullptr;
    QList<QAction *> m_fileActions;
};

} // namespace tandem
